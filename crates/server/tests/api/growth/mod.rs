//! Issue #18 "Growth, commerce and trust", one file per part.

mod ads;
mod ads_browser;
mod ads_console_browser;
mod badge;
mod badge_browser;
mod badge_console;
mod badge_page;
mod badge_page_browser;
mod catalog_prices;
pub(crate) mod catalogs;
pub(crate) mod catalogs_browser;
mod catalogs_console;
mod payments;
mod payments_browser;
mod payments_console;
mod payments_stripe;
mod shop_inbox;
mod shop_journey_browser;
mod status;
mod storefront_browser;
