//! Issue #18 "Growth, commerce and trust": one module per part.

pub(crate) mod catalogs;
mod catalogs_browser;
mod catalogs_console;
