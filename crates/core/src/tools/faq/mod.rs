//! FAQ answers: a number's question → answer entries, matched against what customers write.

pub mod matcher;
pub mod normalize;

/// The score (percent) a match needs to be answered automatically, unless the number sets
/// another: the point where the test corpus keeps precision high (`tests/faq_corpus.rs`).
pub const DEFAULT_THRESHOLD: u8 = 50;
