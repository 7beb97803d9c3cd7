//! The business tools of issue #17, one submodule per tool; each works per number, through the
//! console and the `/tools/v1/…` API, and sends through the messaging service's send path.

pub mod broadcasts;
