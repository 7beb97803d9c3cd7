//! The business tools' API (`/tools/v1/{phone-number-id}/…`) and what the tools do when
//! customers write.

mod contacts;
mod contacts_browser;
mod faq;
mod faq_browser;
