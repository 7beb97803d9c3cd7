//! The text a question is matched on: the same words written differently become the same
//! tokens. Case folds; Latin accents (é → e) and Arabic tashkeel (the short vowel marks,
//! shadda, sukun, superscript alef) are dropped, and the tatweel (ـ) too; Arabic letter
//! variants become one letter (أ إ آ ٱ → ا, ى ی → ي, ة → ه, ؤ → و, ئ → ي, ک → ك); Arabic-Indic
//! and Persian digits become ASCII digits; everything that is not a letter or a digit
//! (punctuation, ؟ ، ؛, emoji) separates words.
//!
//! Tokens then lose a few common affixes ([`stem`]): the Arabic conjunction و and article ال
//! (with the prepositions that fuse with it: بال، كال، فال، لل), and English plural and
//! possessive endings. Short, common words that carry no topic ([`is_stopword`]) are left out.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// `text` folded to lower case, without diacritics or tatweel, with one form per Arabic letter
/// and ASCII digits, words separated by one space.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.nfd() {
        if is_combining_mark(c) || is_arabic_mark(c) {
            continue;
        }
        let c = fold(c);
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                out.push(l);
            }
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Arabic marks that carry no letter: tashkeel (U+064B–U+065F), superscript alef (U+0670),
/// Quranic annotation signs (U+0610–U+061A, U+06D6–U+06ED) and the tatweel (U+0640).
fn is_arabic_mark(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0610}'..='\u{061A}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}')
}

/// One form per letter, ASCII digits.
fn fold(c: char) -> char {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' | 'ا' => 'ا',
        'ى' | 'ی' | 'ئ' => 'ي',
        'ة' => 'ه',
        'ؤ' => 'و',
        'ک' => 'ك',
        '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
        '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
        _ => c,
    }
}

/// The tokens of `text`: normalised, stemmed, without stop words and numbers (an order
/// number or a date says nothing about which question is asked).
pub fn tokens(text: &str) -> Vec<String> {
    normalize(text)
        .split(' ')
        .filter(|w| !w.is_empty() && !is_stopword(w) && !w.bytes().all(|b| b.is_ascii_digit()))
        .map(stem)
        .collect()
}

/// `word` (normalised) without the affixes that change its form but not its topic.
pub fn stem(word: &str) -> String {
    if word.chars().next().is_some_and(is_arabic_letter) {
        stem_arabic(word)
    } else {
        stem_english(word)
    }
}

pub(super) fn is_arabic_letter(c: char) -> bool {
    ('\u{0620}'..='\u{064A}').contains(&c) || ('\u{066E}'..='\u{06D3}').contains(&c)
}

/// Strip a leading و (and), then the article with its fused prepositions, then one common
/// suffix (plural and dual endings, attached pronouns, the feminine ه), in the manner of the
/// "light" Arabic stemmers: no roots, only affixes, and never below three letters.
fn stem_arabic(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut w: &[char] = &chars;
    if w.len() > 3 && w[0] == 'و' {
        w = &w[1..];
    }
    for prefix in [&['ب', 'ا', 'ل'][..], &['ك', 'ا', 'ل'], &['ف', 'ا', 'ل'], &['ل', 'ل'], &['ا', 'ل']] {
        if w.len() >= prefix.len() + 2 && w.starts_with(prefix) {
            w = &w[prefix.len()..];
            break;
        }
    }
    for suffix in [&['ه', 'ا'][..], &['ا', 'ن'], &['ا', 'ت'], &['و', 'ن'], &['ي', 'ن'], &['ي', 'ه'], &['ه'], &['ي']]
    {
        if w.len() >= suffix.len() + 3 && w.ends_with(suffix) {
            w = &w[..w.len() - suffix.len()];
            break;
        }
    }
    w.iter().collect()
}

/// English endings: plurals (`deliveries` → `delivery`, `boxes` → `box`, `hours` → `hour`;
/// `ss`, `us` and `is` endings stay), then `-ion`, `-ing` and `-ed` (a doubled consonant undoubled:
/// `shipped` → `ship`), then a final `e` (so `close`, `closed` and `closing` meet at `clos`).
fn stem_english(word: &str) -> String {
    let n = word.len();
    let mut w = if n > 4 && word.ends_with("ies") {
        format!("{}y", &word[..n - 3])
    } else if n > 4
        && (word.ends_with("xes") || word.ends_with("ches") || word.ends_with("shes") || word.ends_with("sses"))
    {
        word[..n - 2].to_string()
    } else if n > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") && !word.ends_with("is") {
        word[..n - 1].to_string()
    } else {
        word.to_string()
    };
    let cut = if (w.len() > 6 && w.ends_with("ion")) || (w.len() > 5 && w.ends_with("ing")) {
        3
    } else if w.len() > 4 && w.ends_with("ed") {
        2
    } else {
        0
    };
    if cut > 0 {
        w.truncate(w.len() - cut);
        let b = w.as_bytes();
        if b.len() > 2 && b[b.len() - 1] == b[b.len() - 2] && !b"aeiouls".contains(&b[b.len() - 1]) {
            w.pop();
        }
    }
    if w.len() > 4 && w.ends_with('e') {
        w.pop();
    }
    w
}

/// Words too common to say what a question is about (normalised forms).
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.binary_search(&word).is_ok()
}

/// Sorted, for the binary search.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "am",
    "an",
    "and",
    "any",
    "anyone",
    "are",
    "at",
    "be",
    "can",
    "could",
    "d",
    "didn",
    "do",
    "does",
    "doesn",
    "don",
    "for",
    "from",
    "get",
    "has",
    "hasn",
    "have",
    "haven",
    "hello",
    "hi",
    "how",
    "i",
    "if",
    "in",
    "is",
    "isn",
    "it",
    "just",
    "know",
    "let",
    "ll",
    "m",
    "me",
    "my",
    "need",
    "of",
    "on",
    "or",
    "please",
    "pls",
    "plz",
    "s",
    "should",
    "still",
    "t",
    "tell",
    "thank",
    "thanks",
    "that",
    "the",
    "there",
    "this",
    "to",
    "u",
    "want",
    "we",
    "what",
    "whats",
    "when",
    "where",
    "which",
    "who",
    "why",
    "will",
    "with",
    "would",
    "yet",
    "you",
    "your",
    "ابغي",
    "ابي",
    "اريد",
    "اعرف",
    "الحين",
    "الي",
    "ان",
    "انا",
    "انتم",
    "او",
    "ايش",
    "اين",
    "بدي",
    "بعد",
    "سمحت",
    "شو",
    "علي",
    "عن",
    "عندكم",
    "في",
    "فيه",
    "كم",
    "كيف",
    "لنا",
    "لو",
    "لي",
    "لين",
    "ما",
    "ماذا",
    "متي",
    "مرحبا",
    "ممكن",
    "من",
    "هل",
    "هو",
    "هي",
    "وين",
    "يا",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stopwords_are_sorted_and_normalised() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]), "STOPWORDS must stay sorted");
        for w in STOPWORDS {
            assert_eq!(normalize(w), *w, "{w} is not in normalised form");
        }
    }

    #[test]
    fn case_accents_and_punctuation() {
        assert_eq!(normalize("  Café, CRÈME-brûlée?! "), "cafe creme brulee");
        assert_eq!(normalize("Ñandú…"), "nandu");
    }

    #[test]
    fn arabic_marks_tatweel_and_letter_variants() {
        assert_eq!(normalize("مَتَى تَفْتَحُونَ؟"), "متي تفتحون");
        assert_eq!(normalize("التـــوصيل"), "التوصيل");
        assert_eq!(normalize("أين إيصال آخر"), "اين ايصال اخر");
        assert_eq!(normalize("مكتبة مستشفى"), "مكتبه مستشفي");
        assert_eq!(normalize("مسؤول، هيئة"), "مسوول هييه");
    }

    #[test]
    fn arabic_indic_and_persian_digits() {
        assert_eq!(normalize("الطلب ١٢٣ و ۴۵۶"), "الطلب 123 و 456");
    }

    #[test]
    fn stems() {
        assert_eq!(stem("والتوصيل"), "توصيل");
        assert_eq!(stem("طلبي"), "طلب");
        assert_eq!(stem("بطاقات"), stem("البطاقه"));
        assert_eq!(stem("تفتحون"), "تفتح");
        assert_eq!(stem("location"), "locat");
        assert_eq!(stem("بالبطاقه"), "بطاق");
        assert_eq!(stem("للطلب"), "طلب");
        assert_eq!(stem("ال"), "ال");
        assert_eq!(stem("deliveries"), "delivery");
        assert_eq!(stem("hours"), "hour");
        assert_eq!(stem("boxes"), "box");
        assert_eq!(stem("opening"), "open");
        assert_eq!(stem("shipped"), "ship");
        assert_eq!(stem("closed"), stem("close"));
        assert_eq!(stem("address"), "address");
        assert_eq!(stem("bus"), "bus");
    }

    #[test]
    fn tokens_drop_stopwords() {
        assert_eq!(tokens("What are your opening HOURS?"), vec!["open", "hour"]);
        assert_eq!(tokens("متى تفتحون المحل؟"), vec!["تفتح", "محل"]);
    }
}
