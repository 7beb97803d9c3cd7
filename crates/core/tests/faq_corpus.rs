//! Precision and recall of the FAQ matcher on the test corpus in `tests/faq_corpus/`: a
//! bilingual bakery's entries (ten topics in English, the same ten in Arabic) and, per
//! language, questions customers ask (each naming the entry that must answer it) and
//! questions no entry must answer. All entries are indexed together, as one number that
//! answers in both languages would hold them.
//!
//! Precision: of the questions answered, the share answered with the right entry. Recall: of
//! the questions that have an answer, the share answered with it. Run with `--nocapture` to
//! see the figures at each threshold (the docs' FAQ chapter quotes them).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test stops at the first failed step

use risala_core::store::FaqEntry;
use risala_core::tools::faq::matcher::Matcher;
use risala_core::tools::faq::DEFAULT_THRESHOLD;
use serde_json::Value;

struct Question {
    text: String,
    expect: Option<String>,
}

fn load(lang: &str) -> (Vec<FaqEntry>, Vec<Question>) {
    let path = format!("{}/tests/faq_corpus/{lang}.json", env!("CARGO_MANIFEST_DIR"));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let strings = |v: &Value| v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect();
    let entries = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| FaqEntry {
            id: e["id"].as_str().unwrap().into(),
            business_id: "b".into(),
            phone_number_id: "p".into(),
            question: e["question"].as_str().unwrap().into(),
            answer: e["answer"].as_str().unwrap().into(),
            keywords: strings(&e["keywords"]),
            phrasings: strings(&e["phrasings"]),
            enabled: true,
            created_at: 0,
            updated_at: 0,
        })
        .collect();
    let questions = v["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| Question { text: q["text"].as_str().unwrap().into(), expect: q["expect"].as_str().map(String::from) })
        .collect();
    (entries, questions)
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    /// Answered with the expected entry.
    right: usize,
    /// Answered with another entry, or answered when nothing should have been.
    wrong: usize,
    /// Questions that have an answer.
    answerable: usize,
}

impl Counts {
    fn precision(&self) -> f64 {
        let answered = self.right + self.wrong;
        if answered == 0 {
            1.0
        } else {
            self.right as f64 / answered as f64
        }
    }
    fn recall(&self) -> f64 {
        self.right as f64 / self.answerable as f64
    }
}

fn measure(m: &Matcher<'_>, questions: &[Question], threshold: f64, verbose: bool) -> Counts {
    let mut c = Counts::default();
    for q in questions {
        c.answerable += usize::from(q.expect.is_some());
        let ranked = m.rank(&q.text);
        let got = ranked.first().filter(|s| s.score > 0.0 && s.score >= threshold);
        match (got, &q.expect) {
            (Some(s), Some(e)) if s.entry.id == *e => c.right += 1,
            (Some(_), _) => c.wrong += 1,
            (None, _) => {}
        }
        let ok = got.map(|s| s.entry.id.clone()) == q.expect;
        if verbose && !ok {
            let top = ranked.first().map(|s| format!("{} {:.2}", s.entry.id, s.score)).unwrap_or_default();
            println!("  miss: {:?} expected {:?}, best {top}", q.text, q.expect);
        }
    }
    c
}

#[test]
fn corpus_precision_and_recall() {
    let (mut entries, en) = load("en");
    let (ar_entries, ar) = load("ar");
    entries.extend(ar_entries);
    assert!(en.len() >= 50 && ar.len() >= 50, "the corpus needs at least 50 questions per language");
    assert!(en.iter().filter(|q| q.expect.is_none()).count() >= 10);
    assert!(ar.iter().filter(|q| q.expect.is_none()).count() >= 10);
    let m = Matcher::new(&entries);
    println!("threshold | en precision | en recall | ar precision | ar recall");
    for t in [30, 40, 45, 50, 55, 60, 70] {
        let (e, a) = (measure(&m, &en, t as f64 / 100.0, false), measure(&m, &ar, t as f64 / 100.0, false));
        println!(
            "{t:>8}% | {:>11.1}% | {:>8.1}% | {:>11.1}% | {:>8.1}%",
            100.0 * e.precision(),
            100.0 * e.recall(),
            100.0 * a.precision(),
            100.0 * a.recall()
        );
    }
    let t = f64::from(DEFAULT_THRESHOLD) / 100.0;
    for (lang, qs) in [("en", &en), ("ar", &ar)] {
        println!("{lang} at the default threshold {DEFAULT_THRESHOLD}%:");
        let c = measure(&m, qs, t, true);
        println!("  right {}, wrong {}, answerable {}", c.right, c.wrong, c.answerable);
        assert!(c.precision() >= 0.95, "{lang} precision {:.3} below the floor", c.precision());
        assert!(c.recall() >= 0.85, "{lang} recall {:.3} below the floor", c.recall());
    }
}
