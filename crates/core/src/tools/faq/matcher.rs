//! Which entry answers a question, and how sure the match is.
//!
//! Texts are reduced to tokens by [`super::normalize::tokens`]. A token weighs what it tells
//! apart: its BM25 inverse document frequency over the number's entries, `ln(1 + (N − df +
//! ½) / (df + ½))`, where an entry's "document" is its question, phrasings and keywords
//! together; a word no entry uses weighs as much as the rarest word one does, so a question
//! full of unknown words scores low. A question's token matches an entry's token when they are equal, or, for Arabic words,
//! counts 0.8 when one is the other with up to two more letters at the end (suffixes the light
//! stemmer leaves: طلبكم → طلب).
//!
//! The score of an entry (0–1) is the mean of two weighted overlaps:
//! - **coverage**: the share of the question's weight that the entry's words cover (a short
//!   question fully about one entry scores high);
//! - **closeness**: the best Dice overlap `2·|q ∩ s| / (|q| + |s|)` between the question and the
//!   entry's question or one of its phrasings (a long question that only shares a word with an
//!   entry scores low);
//!
//! plus 0.2 when one of the entry's keywords (all its tokens) appears in the question, capped
//! at 1. The best entry answers when its score reaches the number's threshold.

use std::collections::{HashMap, HashSet};

use super::normalize::tokens;
use crate::store::FaqEntry;

/// What a keyword found in the question adds to the score.
pub const KEYWORD_BOOST: f64 = 0.2;
/// A token that is another with up to this many more letters at its end counts partly.
const AFFIX: usize = 2;
const PARTIAL: f64 = 0.8;

/// The entries of one number, indexed for matching.
pub struct Matcher<'a> {
    docs: Vec<Doc<'a>>,
    df: HashMap<String, usize>,
}

struct Doc<'a> {
    entry: &'a FaqEntry,
    /// The question and each phrasing, as token sets.
    texts: Vec<Vec<String>>,
    keywords: Vec<Vec<String>>,
    /// Every token of the entry.
    all: HashSet<String>,
}

/// An entry and how well it matches a question.
#[derive(Debug, Clone, Copy)]
pub struct Scored<'a> {
    pub entry: &'a FaqEntry,
    /// 0–1.
    pub score: f64,
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    v.retain(|t| seen.insert(t.clone()));
    v
}

impl<'a> Matcher<'a> {
    /// Index the enabled entries among `entries`.
    pub fn new(entries: &'a [FaqEntry]) -> Self {
        let mut docs = Vec::new();
        let mut df: HashMap<String, usize> = HashMap::new();
        for entry in entries.iter().filter(|e| e.enabled) {
            let mut texts = vec![dedup(tokens(&entry.question))];
            texts.extend(entry.phrasings.iter().map(|p| dedup(tokens(p))));
            texts.retain(|t| !t.is_empty());
            let keywords: Vec<Vec<String>> =
                entry.keywords.iter().map(|k| dedup(tokens(k))).filter(|k| !k.is_empty()).collect();
            let all: HashSet<String> = texts.iter().chain(keywords.iter()).flatten().cloned().collect();
            for t in &all {
                *df.entry(t.clone()).or_default() += 1;
            }
            docs.push(Doc { entry, texts, keywords, all });
        }
        Matcher { docs, df }
    }

    fn idf(&self, token: &str) -> f64 {
        let n = self.docs.len() as f64;
        // A word no entry uses weighs as the rarest word that one does (df = 1): more, and with
        // few entries one unknown word would sink any question.
        let df = self.df.get(token).copied().unwrap_or(1) as f64;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// Every entry with its score, best first (ties: the older entry first).
    pub fn rank(&self, question: &str) -> Vec<Scored<'a>> {
        let q = dedup(tokens(question));
        let weights: Vec<f64> = q.iter().map(|t| self.idf(t)).collect();
        let q_weight: f64 = weights.iter().sum();
        let mut out: Vec<Scored<'a>> = self
            .docs
            .iter()
            .map(|d| Scored {
                entry: d.entry,
                score: if q.is_empty() { 0.0 } else { self.score(d, &q, &weights, q_weight) },
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out
    }

    /// The best entry when it scores at least `threshold` (0–1).
    pub fn best(&self, question: &str, threshold: f64) -> Option<Scored<'a>> {
        self.rank(question).into_iter().next().filter(|s| s.score > 0.0 && s.score >= threshold)
    }

    fn score(&self, d: &Doc<'_>, q: &[String], weights: &[f64], q_weight: f64) -> f64 {
        let covered: f64 = q.iter().zip(weights).map(|(t, w)| w * best_match(t, d.all.iter())).sum();
        let coverage = covered / q_weight;
        let closeness = d
            .texts
            .iter()
            .map(|s| {
                let shared: f64 = q.iter().zip(weights).map(|(t, w)| w * best_match(t, s.iter())).sum();
                let s_weight: f64 = s.iter().map(|t| self.idf(t)).sum();
                2.0 * shared / (q_weight + s_weight)
            })
            .fold(0.0, f64::max);
        let keyword = d.keywords.iter().any(|k| k.iter().all(|kt| q.iter().any(|t| token_match(t, kt) > 0.0)));
        let boost = if keyword { KEYWORD_BOOST } else { 0.0 };
        ((coverage + closeness) / 2.0 + boost).min(1.0)
    }
}

/// How well `t` matches its best partner among `tokens` (0, [`PARTIAL`] or 1).
fn best_match<'t>(t: &str, tokens: impl Iterator<Item = &'t String>) -> f64 {
    tokens.map(|s| token_match(t, s)).fold(0.0, f64::max)
}

/// 1 for equal tokens; for Arabic words, [`PARTIAL`] when one is the other (of at least 3
/// letters) with up to [`AFFIX`] more letters at its end (suffixes the light stemmer leaves)
/// or an imperfect prefix before it;
/// else 0. English words match only whole: their endings are the stemmer's work, and `car`
/// is not `card`.
fn token_match(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    if !a.chars().next().is_some_and(super::normalize::is_arabic_letter) {
        return 0.0;
    }
    let (na, nb) = (a.chars().count(), b.chars().count());
    let ((short, ns), (long, nl)) = if na <= nb { ((a, na), (b, nb)) } else { ((b, nb), (a, na)) };
    // An imperfect verb's prefix (ا ت ن ي: اتتبع → تتبع) may stand before the shorter word.
    let unprefixed = long.strip_prefix(['ا', 'ت', 'ن', 'ي']).filter(|l| l.starts_with(short));
    if ns >= 3 && nl - ns <= AFFIX && (long.starts_with(short) || unprefixed.is_some()) {
        PARTIAL
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, question: &str, phrasings: &[&str], keywords: &[&str]) -> FaqEntry {
        FaqEntry {
            id: id.into(),
            business_id: "b".into(),
            phone_number_id: "p".into(),
            question: question.into(),
            answer: format!("answer {id}"),
            keywords: keywords.iter().map(|s| s.to_string()).collect(),
            phrasings: phrasings.iter().map(|s| s.to_string()).collect(),
            enabled: true,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn entries() -> Vec<FaqEntry> {
        vec![
            entry("hours", "What are your opening hours?", &["When do you open?", "متى تفتحون؟"], &["hours", "دوام"]),
            entry(
                "delivery",
                "Do you deliver?",
                &["Is there home delivery?", "هل يوجد توصيل؟"],
                &["delivery", "توصيل"],
            ),
            entry("pay", "Which payment methods do you accept?", &["Can I pay by card?"], &["card", "cash"]),
        ]
    }

    #[test]
    fn the_right_entry_wins_in_both_languages() {
        let e = entries();
        let m = Matcher::new(&e);
        assert_eq!(m.best("when do you OPEN", 0.5).map(|s| s.entry.id.as_str()), Some("hours"));
        assert_eq!(m.best("مَتى تَفتحون", 0.5).map(|s| s.entry.id.as_str()), Some("hours"));
        assert_eq!(m.best("هل عندكم التوصيل للبيت", 0.5).map(|s| s.entry.id.as_str()), Some("delivery"));
        assert_eq!(m.best("can I pay cash?", 0.5).map(|s| s.entry.id.as_str()), Some("pay"));
    }

    #[test]
    fn unrelated_or_empty_questions_do_not_match() {
        let e = entries();
        let m = Matcher::new(&e);
        assert!(m.best("my cat likes the rain", 0.5).is_none());
        assert!(m.best("?!", 0.5).is_none());
        assert!(m.best("", 0.0).is_none());
    }

    #[test]
    fn disabled_entries_are_not_matched() {
        let mut e = entries();
        e[0].enabled = false;
        let m = Matcher::new(&e);
        assert!(m.rank("opening hours").iter().all(|s| s.entry.id != "hours"));
    }

    #[test]
    fn a_keyword_boosts_and_scores_stay_within_one() {
        let e = entries();
        let m = Matcher::new(&e);
        let with = m.rank("delivery").into_iter().next().unwrap();
        assert_eq!(with.entry.id, "delivery");
        assert!(with.score <= 1.0 && with.score > 0.9, "{}", with.score);
    }

    #[test]
    fn attached_pronouns_count_partly() {
        assert_eq!(token_match("طلبي", "طلب"), PARTIAL);
        assert_eq!(token_match("طلب", "طلب"), 1.0);
        assert_eq!(token_match("ab", "abc"), 0.0);
        assert_eq!(token_match("car", "card"), 0.0);
        assert_eq!(token_match("اتتبع", "تتبع"), PARTIAL);
    }
}
