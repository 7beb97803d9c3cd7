//! The customer web chat (`/chat/`): the page over HTTP (languages, the sign-in form of each
//! mode, the ways in from short links) and in a real Chromium, where a customer signs in,
//! receives every type of Meta's example send bodies, answers buttons and lists, sends, reads,
//! and blocks or stops marketing with their effects on the business's side.

pub(crate) mod browser;
mod controls_browser;
mod days_browser;
mod pages;
mod sending_browser;
mod spec;
