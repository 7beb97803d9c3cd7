//! The smaller Graph surfaces SDKs call, one module each: interactive media carousels, a
//! number's commerce settings, the Template Library.

mod carousel;
mod commerce;
mod library;
