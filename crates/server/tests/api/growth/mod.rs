//! Issue #18 "Growth, commerce and trust": one module per part.

mod catalogs;
mod catalogs_browser;
mod catalogs_console;
