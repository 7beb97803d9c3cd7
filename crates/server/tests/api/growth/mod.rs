//! Issue #18 "Growth, commerce and trust", one file per part.

mod ads;
mod ads_browser;
mod ads_console_browser;
mod badge;
mod badge_browser;
mod badge_console;
mod status;
