//! The real `risala` binary end to end, in one test binary: servers started as child
//! processes on port 0, and the admin, customer and config commands run against them.

// A test stops at the first failed step, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod backup;
mod cluster;
mod config;
mod customer;
mod datadir;
mod keys;
mod privacy;
mod sandbox_tools;
mod serve;
mod support;
mod tls;
mod users;
