//! The real `risala` binary end to end, in one test binary: servers started as child
//! processes on port 0, and the admin, customer and config commands run against them.

mod admin;
mod config;
mod customer;
mod serve;
mod support;
