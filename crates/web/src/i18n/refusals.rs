//! Why a form was refused, in the reader's language and in plain words. The services write
//! their reasons in English, naming the API's field (`weekly.monday[0].open: '25:00' is not a
//! time…`), and the API returns them as they are; a page names the field as its form labels
//! it and says the reason in its language, values typed set apart so they read in their own
//! direction. The known reasons are in `MESSAGES`; any other is said in English as written
//! (without the field's path), and in Arabic as a value that cannot be used.

use super::{isolate, Lang};

/// A form's fields as its page labels them: the API's field (its path, a prefix of the paths
/// inside it; `name[]` for each item of a list, `#` in the label standing for its place from 1) and the label.
pub type Fields<'a> = &'a [(&'a str, &'a str)];

/// `english`, a service's reason for refusing a form whose fields are `fields`, in `lang`.
pub fn say(lang: Lang, english: &str, fields: Fields) -> String {
    let english = english.trim();
    if let Some(field) = english.strip_prefix("The parameter ").and_then(|s| s.strip_suffix(" is required.")) {
        let label = label_of(lang, field, fields);
        return match (lang, label) {
            (Lang::En, Some(l)) => format!("{l}: fill this in."),
            (Lang::Ar, Some(l)) => format!("{l}: هذا الحقل مطلوب."),
            (Lang::En, None) => "A required field is empty.".into(),
            (Lang::Ar, None) => "حقل مطلوب فارغ.".into(),
        };
    }
    let (path, rest) = split_path(english);
    match path.and_then(|p| label_of(lang, p, fields)) {
        Some(l) => said(lang, Some(&l), rest),
        None => match spaced(english, fields) {
            Some((l, rest)) => said(lang, Some(l), rest),
            None => said(lang, None, rest),
        },
    }
}

/// A reason `english` (without its field's path) said in `lang`, after the field's `label`.
pub fn said(lang: Lang, label: Option<&str>, english: &str) -> String {
    let text = message(lang, english);
    match label {
        Some(l) => format!("{l}: {text}"),
        None => capital(lang, text),
    }
}

/// A field whose name has a space (`BODY text`, as the template rules name a component's
/// text) and what follows it, when `english` starts with one: `BODY text: …`, `BODY text is …`.
fn spaced<'a, 'f>(english: &'a str, fields: Fields<'f>) -> Option<(&'f str, &'a str)> {
    fields.iter().filter(|(f, _)| f.contains(' ')).find_map(|(f, label)| {
        let rest = english.strip_prefix(f)?;
        let rest = rest.strip_prefix(": ").or_else(|| rest.strip_prefix(' ').filter(|r| r.starts_with("is ")))?;
        Some((*label, rest))
    })
}

/// `weekly.monday[0].open: rest` → (`weekly.monday[0].open`, `rest`); no path when the text
/// before the first `: ` is not one.
pub fn split_path(s: &str) -> (Option<&str>, &str) {
    match s.split_once(": ") {
        Some((p, rest)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.[]".contains(&b)) => {
            (Some(p), rest)
        }
        _ => (None, s),
    }
}

/// The label of the longest field of `fields` that holds `path`.
fn label_of(lang: Lang, path: &str, fields: Fields) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for (field, label) in fields {
        let found = match field.strip_suffix("[]") {
            Some(list) => path.strip_prefix(list).and_then(|r| r.strip_prefix('[')).and_then(|r| {
                let (n, after) = r.split_once(']')?;
                let n: i64 = n.parse().ok()?;
                inside(after).then(|| label.replace('#', &lang.number(n + 1)))
            }),
            None => path.strip_prefix(field).filter(|after| inside(after)).map(|_| label.to_string()),
        };
        if let Some(l) = found.filter(|_| best.as_ref().is_none_or(|(len, _)| field.len() > *len)) {
            best = Some((field.len(), l));
        }
    }
    best.map(|(_, l)| l)
}

/// What follows a field in a path inside it: nothing, `.child` or `[n]`.
fn inside(after: &str) -> bool {
    after.is_empty() || after.starts_with('.') || after.starts_with('[')
}

/// A reason (`%` for each value in it), and how each language says it (`{0}`, `{1}`: the
/// values, set apart; a number in the language's digits).
pub type Message = (&'static str, &'static str, &'static str);

/// Every area's reasons: the tools' forms here, the bots' and the templates' in their own files.
const TABLES: [&[Message]; 3] = [MESSAGES, super::refusals_bots::MESSAGES, super::refusals_templates::MESSAGES];

const MESSAGES: &[Message] = &[
    // Business hours.
    (
        "'%' is not an IANA time zone (for example Europe/London)",
        "{0} is not a time zone; write one such as Europe/London or Asia/Riyadh.",
        "{0} ليست منطقة زمنية؛ اكتب واحدة مثل Europe/London أو Asia/Riyadh.",
    ),
    (
        "give an IANA time zone such as Europe/London",
        "write a time zone such as Europe/London or Asia/Riyadh.",
        "اكتب منطقة زمنية مثل Europe/London أو Asia/Riyadh.",
    ),
    (
        "'%' is not a time like 09:00 (00:00 to 24:00)",
        "{0} is not a time; write it like 09:00 (from 00:00 to 24:00).",
        "{0} ليس وقتًا؛ اكتبه مثل 09:00 (من 00:00 إلى 24:00).",
    ),
    (
        "close must be after open",
        "the closing time must come after the opening time.",
        "يجب أن يكون وقت الإغلاق بعد وقت الفتح.",
    ),
    ("at most % ranges a day", "at most {0} ranges a day.", "{0} فترات في اليوم على الأكثر."),
    (
        "'%' is not a date like 2026-12-25",
        "{0} is not a date; write it like 2026-12-25.",
        "{0} ليس تاريخًا؛ اكتبه مثل 2026-12-25.",
    ),
    ("to must not be before from", "the last day comes before the first.", "اليوم الأخير قبل اليوم الأول."),
    ("a text of at most % characters", "at most {0} characters.", "{0} حرفًا على الأكثر."),
    (
        "give the message to send before enabling it",
        "write the message before turning it on.",
        "اكتب الرسالة قبل تفعيلها.",
    ),
    (
        "set the business hours first (outside them the away message is sent)",
        "set the business hours first: the away message is sent outside them.",
        "حدّد ساعات العمل أولًا: رسالة الغياب تُرسل خارجها.",
    ),
    (
        "unknown variable {{%}} (use %)",
        "{{{0}}} is not a variable; the ones there are: {1}.",
        "{{{0}}} ليس متغيرًا؛ المتغيرات المتاحة: {1}.",
    ),
    // Quick replies.
    (
        "/% is already used by another quick reply of this business",
        "/{0} is already used by another quick reply.",
        "/{0} مستخدم في رد سريع آخر.",
    ),
    (
        "'%' must be 1 to % letters, digits, _ or - (the / in front is optional)",
        "{0} must be 1 to {1} letters, digits, _ or - (the / in front is optional).",
        "يجب أن يكون {0} من ١ إلى {1} من الحروف أو الأرقام أو _ أو - (الشرطة / في أوله اختيارية).",
    ),
    ("at most % characters (% given)", "at most {0} characters ({1} given).", "{0} حرفًا على الأكثر (كُتب {1})."),
    ("at most % characters", "at most {0} characters.", "{0} حرفًا على الأكثر."),
    ("must not be empty", "must not be empty.", "يجب ألا يكون فارغًا."),
    // FAQ.
    (
        "has no word to match (only common words, numbers or punctuation); add keywords or phrasings",
        "has no word to match (only common words, numbers or punctuation); add keywords or phrasings.",
        "لا كلمة فيه للمطابقة (كلمات شائعة أو أرقام أو علامات ترقيم فقط)؛ أضف كلمات مفتاحية أو صيغًا أخرى.",
    ),
    ("a whole percentage from 1 to 100", "a whole percentage from 1 to 100.", "نسبة مئوية صحيحة من ١ إلى ١٠٠."),
    ("at most % items", "at most {0} items.", "{0} عنصرًا على الأكثر."),
    // Ads.
    (
        "a country calling code such as \"44\", not %",
        "{0} is not a country calling code; write one such as 44 or 966.",
        "{0} ليس مفتاح دولة؛ اكتب مفتاحًا مثل 44 أو 966.",
    ),
    (
        "a list of calling codes such as \"44\"",
        "country calling codes such as 44 or 966, separated by commas.",
        "مفاتيح دول مثل 44 أو 966، تفصل بينها فواصل.",
    ),
    (
        "a positive whole number of minor units",
        "a whole number above 0, in the currency's smallest unit (cents, halalas).",
        "عدد صحيح أكبر من صفر بأصغر وحدة في العملة (سنت، هللة).",
    ),
    (
        "a positive whole number of minor units, at most the budget",
        "a whole number above 0 in the currency's smallest unit, at most the budget.",
        "عدد صحيح أكبر من صفر بأصغر وحدة في العملة، لا يتجاوز الميزانية.",
    ),
    (
        "after start_time and after now",
        "must be after the start and in the future.",
        "يجب أن يكون بعد البداية وفي المستقبل.",
    ),
    (
        "an ISO 4217 code such as USD, not %",
        "{0} is not a currency code; write one such as USD or SAR.",
        "{0} ليس رمز عملة؛ اكتب رمزًا مثل USD أو SAR.",
    ),
    // Payments.
    (
        "provider stripe needs stripe_secret_key and stripe_webhook_secret (the endpoint's signing secret)",
        "Stripe needs both its secret key and its webhook signing secret.",
        "يحتاج Stripe إلى المفتاح السري وسر توقيع خطاف الويب كليهما.",
    ),
];

/// `english` said in `lang`: a known reason with its values, else as written (in Arabic, a
/// value that cannot be used).
fn message(lang: Lang, english: &str) -> String {
    let bare = english.strip_suffix('.').unwrap_or(english);
    for (pattern, en, ar) in TABLES.iter().flat_map(|t| t.iter()) {
        if let Some(values) = matches(pattern, bare) {
            let mut out = match lang {
                Lang::En => en.to_string(),
                Lang::Ar => ar.to_string(),
            };
            for (i, v) in values.iter().enumerate() {
                // A value the service quoted (`"SA"`, a JSON string) is set apart instead.
                let v = v.trim_matches(['"', '\'']);
                let v = if v.bytes().all(|b| b.is_ascii_digit()) { lang.digits(v) } else { isolate(v) };
                out = out.replace(&format!("{{{i}}}"), &v);
            }
            return out;
        }
    }
    match lang {
        Lang::En => english.to_string(),
        Lang::Ar => "لا يمكن استخدام هذه القيمة.".to_string(),
    }
}

/// The values in `s` where `pattern` has `%`, when `s` is the pattern.
fn matches<'a>(pattern: &str, s: &'a str) -> Option<Vec<&'a str>> {
    let mut parts = pattern.split('%');
    let mut rest = s.strip_prefix(parts.next()?)?;
    let mut values = Vec::new();
    let parts: Vec<&str> = parts.collect();
    for (i, lit) in parts.iter().enumerate() {
        let at = if i + 1 == parts.len() {
            rest.strip_suffix(lit).map(str::len)?
        } else {
            rest.find(lit).filter(|_| !lit.is_empty())?
        };
        values.push(&rest[..at]);
        rest = &rest[at + lit.len()..];
    }
    // A pattern without a value is the whole reason, not its start (`required` is not
    // `required, 1 to 100 characters`).
    rest.is_empty().then_some(values)
}

/// An English sentence starts with a capital letter.
fn capital(lang: Lang, s: String) -> String {
    let mut c = s.chars();
    match (lang, c.next()) {
        (Lang::En, Some(first)) if first.is_lowercase() => first.to_uppercase().chain(c).collect(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: Fields = &[
        ("time_zone", "Time zone"),
        ("weekly.monday", "Monday"),
        ("away_message", "Away message"),
        ("body.parameters[]", "Parameter {{#}}"),
    ];

    #[test]
    fn fields_are_named_as_labelled_and_reasons_said_in_the_language() {
        let s = |lang, e| say(lang, e, FIELDS);
        assert_eq!(
            s(Lang::En, "weekly.monday[0].open: '25:00' is not a time like 09:00 (00:00 to 24:00)"),
            "Monday: \u{2068}25:00\u{2069} is not a time; write it like 09:00 (from 00:00 to 24:00)."
        );
        assert_eq!(
            s(Lang::Ar, "time_zone: 'Mars/X' is not an IANA time zone (for example Europe/London)"),
            "Time zone: \u{2068}Mars/X\u{2069} ليست منطقة زمنية؛ اكتب واحدة مثل Europe/London أو Asia/Riyadh."
        );
        assert_eq!(s(Lang::En, "body.parameters[1].text: must not be empty"), "Parameter {{2}}: must not be empty.");
        assert_eq!(s(Lang::Ar, "The parameter away_message.message is required."), "Away message: هذا الحقل مطلوب.");
        assert_eq!(s(Lang::En, "The parameter name is required."), "A required field is empty.");
        assert_eq!(s(Lang::Ar, "text: at most 4096 characters (5000 given)"), "٤٠٩٦ حرفًا على الأكثر (كُتب ٥٠٠٠).");
        assert_eq!(s(Lang::En, "weeklyx: something new"), "Something new");
        assert_eq!(s(Lang::Ar, "something new"), "لا يمكن استخدام هذه القيمة.");
        assert_eq!(matches("a % b % c", "a 1 b 2 c"), Some(vec!["1", "2"]));
        assert_eq!(matches("a % b", "a 1 c"), None);
        assert_eq!(matches("required", "required, 1 to 100 characters"), None);
    }
}
