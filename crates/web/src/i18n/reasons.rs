//! Why an imported row was not taken (a broadcast's audience, a contacts import), in the
//! reader's language. The services write their reasons in English (the API returns them as
//! they are); a page says the row's own reasons here, and a reason about a field of the
//! message (a template's parameter) as [`super::refusals`] says a form's.

use super::refusals::{say, split_path};
use super::Lang;

/// `english`, a row's reason as a service wrote it, in `lang`.
pub fn reason(lang: Lang, english: &str) -> String {
    let (param, name) = match lang {
        Lang::En => ("Parameter {{#}}", "Name"),
        Lang::Ar => ("المتغير {{#}}", "الاسم"),
    };
    let fields = [("body.parameters[]", param), ("header.parameters[]", param), ("name", name)];
    match (lang, split_path(english).0) {
        (Lang::Ar, _) => arabic(english).unwrap_or_else(|| say(lang, english, &fields)),
        (Lang::En, Some(_)) => say(lang, english, &fields),
        (Lang::En, None) => english.to_string(),
    }
}

/// The text between `head` and `tail` of `s`, if `s` is `head…tail`.
fn between<'a>(s: &'a str, head: &str, tail: &str) -> Option<&'a str> {
    s.strip_prefix(head)?.strip_suffix(tail)
}

fn arabic(s: &str) -> Option<String> {
    let n = |t: &str| Lang::Ar.digits(t);
    let fixed = match s {
        "the phone number is empty" => Some("رقم الهاتف فارغ"),
        "the phone number must start with a country calling code, and none starts with 0" => {
            Some("يجب أن يبدأ رقم الهاتف بمفتاح دولة، ولا يبدأ أي مفتاح بالصفر")
        }
        "already in the audience" => Some("موجود في الجمهور من قبل"),
        _ => None,
    };
    if let Some(f) = fixed {
        return Some(f.to_string());
    }
    if let Some(c) = between(s, "the phone number contains the character '", "'") {
        return Some(format!("رقم الهاتف يحتوي على الحرف '{c}'"));
    }
    if let Some(d) = between(s, "the phone number has ", " digits; 7 to 15 are allowed") {
        return Some(format!("في رقم الهاتف {} أرقام، والمسموح من ٧ إلى ١٥", n(d)));
    }
    if let Some(c) = between(s, "unknown country ", ": use an ISO code such as SA, AE or GB") {
        return Some(format!("بلد غير معروف {c}: استخدم رمز ISO مثل SA أو AE أو GB"));
    }
    if let Some(row) = s.strip_prefix("duplicate of row ") {
        return Some(format!("مكرر الصف {}", n(row)));
    }
    if let Some(line) = s.strip_prefix("the same number as line ") {
        return Some(format!("الرقم نفسه في السطر {}", n(line)));
    }
    if let Some(max) = between(s, "more than ", " recipients") {
        return Some(format!("أكثر من {} مستلم", n(max)));
    }
    if let Some(max) = between(s, "name: at most ", " characters") {
        return Some(format!("الاسم: {} حرفًا على الأكثر", n(max)));
    }
    for unit in [" columns where the header has ", " cells where the header has "] {
        if let Some((got, want)) = s.split_once(unit) {
            if got.bytes().all(|b| b.is_ascii_digit()) && want.bytes().all(|b| b.is_ascii_digit()) {
                return Some(format!("{} خانات بينما في صف العناوين {}", n(got), n(want)));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use risala_core::tools::broadcasts::audience::read_csv;

    #[test]
    fn every_reason_a_broadcast_audience_gives_is_said_in_arabic() {
        let csv = "phone,country\n\n+1 555 123 4567,\n+1 555 123 4567,\nnot a number,\n+12,\n+0123456789,\n0501234567,XX\n1,2,3\n,";
        let (_, rejected) = read_csv(csv, None).unwrap();
        assert!(rejected.len() >= 6, "{rejected:?}");
        for r in &rejected {
            let ar = reason(Lang::Ar, &r.reason);
            assert_ne!(ar, r.reason, "no Arabic for {:?}", r.reason);
            assert_eq!(reason(Lang::En, &r.reason), r.reason);
        }
        assert_eq!(reason(Lang::Ar, "duplicate of row 2"), "مكرر الصف ٢");
        assert_eq!(reason(Lang::Ar, "something new"), "لا يمكن استخدام هذه القيمة.");
        assert_eq!(reason(Lang::Ar, "body.parameters[0].text: must not be empty"), "المتغير {{١}}: يجب ألا يكون فارغًا.");
        assert_eq!(
            reason(Lang::En, "body.parameters[0].text: must not be empty"),
            "Parameter {{1}}: must not be empty."
        );
    }
}
