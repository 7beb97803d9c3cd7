//! The smaller Graph surfaces SDKs call, one module each: address messages, interactive media carousels, a
//! number's commerce settings, the Template Library, media card carousel templates and the
//! flows behind template FLOW buttons.

mod address;
mod carousel;
mod commerce;
mod library;
mod number_settings;
mod template_carousel;
mod template_flows;
