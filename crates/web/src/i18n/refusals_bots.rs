//! A bot's errors as the bots page and the editor say them. The validator names each error by
//! its path in the definition (`steps.ask1.options[2].next: no such step`), which the API
//! returns as it is; a page names the step and its field as the editor labels them (`Step
//! ask1 › Options 3 › Next step`) and says the reason in its language.

use super::refusals::{said, Message};
use super::{isolate, Lang};

/// One error of a bot, said: the step it names (its card shows it) and the sentence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BotError {
    pub step: Option<String>,
    pub text: String,
}

/// The errors of a service's refusal: one per step it names (they come joined by `; `, and a
/// reason may hold `; ` itself).
pub fn split(details: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in details.split("; ") {
        match out.last_mut() {
            Some(last) if !piece.starts_with("steps.") => {
                last.push_str("; ");
                last.push_str(piece);
            }
            _ => out.push(piece.to_string()),
        }
    }
    out
}

/// `english`, one error of the validator or the service, in `lang`.
pub fn say_bot(lang: Lang, english: &str) -> BotError {
    let english = english.trim();
    let (path, rest) = match english.split_once(": ") {
        Some((p, rest)) if p.starts_with("steps.") || is_path(p) => (Some(p), rest),
        _ => (None, english),
    };
    let step =
        path.and_then(|p| p.strip_prefix("steps.")).map(|r| r[..r.find(['.', '[']).unwrap_or(r.len())].to_string());
    let label = path.map(|p| label(lang, p, step.as_deref()));
    BotError { text: said(lang, label.as_deref(), rest), step }
}

fn is_path(p: &str) -> bool {
    !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.[]".contains(&b))
}

/// `steps.ask1.options[2].next` → `Step ask1 › Options 3 › Next step`; `trigger.keywords[0]`
/// → `Keywords (separated by commas) › 1`.
fn label(lang: Lang, path: &str, step: Option<&str>) -> String {
    let e = lang.bot_editor();
    let word = |k: &str| {
        e.fields
            .iter()
            .chain(e.words)
            .find(|(key, _)| *key == k)
            .map(|(_, w)| w.to_string())
            .unwrap_or_else(|| isolate(k))
    };
    let mut parts = Vec::new();
    let inner = match step {
        Some(id) => {
            parts.push(format!("{} {}", word("step"), isolate(id)));
            &path["steps.".len() + id.len()..]
        }
        None => path,
    };
    let inner = inner.replacen("trigger.keywords", "trigger_keywords", 1).replacen("trigger.on", "trigger", 1);
    for seg in inner.split('.').filter(|s| !s.is_empty()) {
        let (key, index) = match seg.split_once('[') {
            Some((k, i)) => (k, i.trim_end_matches(']').parse::<i64>().ok()),
            None => (seg, None),
        };
        let key = match key {
            "type" => word("kind"),
            "steps" => e.steps.to_string(),
            "" => String::new(),
            k => word(k),
        };
        let one = match index {
            Some(i) => format!("{key} {}", lang.number(i + 1)),
            None => key,
        };
        parts.push(one.trim().to_string());
    }
    parts.join(" › ")
}

/// The validator's reasons (`%` a value), and how each language says them.
pub const MESSAGES: &[Message] = &[
    ("required", "fill this in.", "هذا الحقل مطلوب."),
    ("no such step", "there is no step with this id.", "لا توجد خطوة بهذا المعرّف."),
    ("must be a step id", "choose a step.", "اختر خطوة."),
    ("must be a string", "must be text.", "يجب أن يكون نصًا."),
    ("must be an object", "must be a JSON object.", "يجب أن يكون كائن JSON."),
    ("must be true or false", "must be true or false.", "يجب أن يكون true أو false."),
    ("1 to % characters", "1 to {0} characters.", "من ١ إلى {0} حرفًا."),
    ("required, 1 to % characters", "write 1 to {0} characters.", "اكتب من ١ إلى {0} حرفًا."),
    ("1 to % options", "1 to {0} options.", "من ١ إلى {0} خيارات."),
    (
        "unknown field; a % step knows %",
        "a {0} step has no such field; its fields: {1}.",
        "لا يوجد هذا الحقل في خطوة {0}؛ حقولها: {1}.",
    ),
    ("unknown field; known fields are %", "there is no such field; the fields: {0}.", "لا يوجد هذا الحقل؛ الحقول: {0}."),
    ("one of %", "must be one of: {0}.", "يجب أن يكون واحدًا من: {0}."),
    (
        "a whole number from % to % (7 days)",
        "a whole number from {0} to {1} (7 days).",
        "عدد صحيح من {0} إلى {1} (٧ أيام).",
    ),
    ("a whole number from % to %", "a whole number from {0} to {1}.", "عدد صحيح من {0} إلى {1}."),
    (
        "required: a message object as in /messages",
        "write the message as a JSON object, as in /messages.",
        "اكتب الرسالة كائن JSON كما في ‎/messages.",
    ),
    (
        "give either variable and equals, or label",
        "give either a variable and the value it equals, or a label.",
        "حدّد إما متغيرًا والقيمة التي يساويها، وإما وسمًا.",
    ),
    ("required: an array of cases", "add at least one case.", "أضف حالة واحدة على الأقل."),
    (
        "required: a string ({{variable}} is replaced)",
        "write a value ({{variable}} is replaced).",
        "اكتب قيمة ({{variable}} يُستبدل).",
    ),
    (
        "a non-empty object (the first screen's data)",
        "a JSON object that is not empty (the first screen's data).",
        "كائن JSON غير فارغ (بيانات الشاشة الأولى).",
    ),
    (
        "round_robin, or leave it out (the label only)",
        "the next agent in turn, or nobody (the label only).",
        "الموظف التالي بالدور، أو لا أحد (الوسم فقط).",
    ),
    (
        "an http(s) URL of at most 2000 characters",
        "an http:// or https:// URL of at most 2000 characters.",
        "عنوان URL يبدأ بـ http://‎ أو https://‎ من ٢٠٠٠ حرف على الأكثر.",
    ),
    ("required: the endpoint's http(s) URL", "write your server's http(s) URL.", "اكتب عنوان URL لخادمك."),
    ("GET or POST", "GET or POST.", "GET أو POST."),
    ("a GET request has no body", "a GET request has no body.", "طلب GET ليس له محتوى."),
    (
        "an object ({{variable}} in its strings is replaced)",
        "a JSON object ({{variable}} in its texts is replaced).",
        "كائن JSON ({{variable}} في نصوصه يُستبدل).",
    ),
    (
        "a JSON pointer into the answer, like /order/status",
        "a JSON pointer into the answer, like /order/status.",
        "مؤشر JSON داخل الإجابة، مثل ‎/order/status.",
    ),
    ("an object of variable: JSON pointer", "a JSON object of variable: pointer.", "كائن JSON من متغيّر: مؤشر."),
    ("buttons or list", "buttons or a list.", "أزرار أو قائمة."),
    ("used by another option", "another option has this id.", "لخيار آخر هذا المعرّف."),
    ("required: an array of {id, title, next}", "add at least one option.", "أضف خيارًا واحدًا على الأقل."),
    ("a word or phrase", "write a word or a phrase.", "اكتب كلمة أو عبارة."),
    ("an array of strings", "a list of words or phrases.", "قائمة كلمات أو عبارات."),
    ("give at least one keyword", "give at least one keyword.", "أضف كلمة مفتاحية واحدة على الأقل."),
    ("new_conversation or keywords", "a new conversation or keywords.", "محادثة جديدة أو كلمات مفتاحية."),
    ("required, an object of 1 to % steps by id", "add 1 to {0} steps.", "أضف من ١ إلى {0} خطوة."),
    ("required, the first step's id", "choose the first step.", "اختر الخطوة الأولى."),
    ("the bot must be a JSON object", "the bot must be a JSON object.", "يجب أن يكون الروبوت كائن JSON."),
    ("a number holds at most % bots", "a number holds at most {0} bots.", "للرقم {0} روبوتًا على الأكثر."),
    (
        "another version of this bot was uploaded at the same time; try again",
        "another version of this bot was saved at the same time; try again.",
        "حُفظت نسخة أخرى من هذا الروبوت في الوقت نفسه؛ حاول مرة أخرى.",
    ),
    (
        "the flow is %; a bot sends published flows only",
        "the flow is {0}; a bot sends only published flows.",
        "حالة النموذج {0}؛ لا يرسل الروبوت إلا النماذج المنشورة.",
    ),
    (
        "no flow of this WhatsApp Business Account has this id",
        "no flow of this WhatsApp Business Account has this id.",
        "لا يوجد نموذج بهذا المعرّف في حساب واتساب للأعمال هذا.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bot_error_names_the_step_and_field_as_the_editor_does() {
        let ask = "steps.ask1.options[2].next: no such step";
        assert_eq!(
            say_bot(Lang::En, ask),
            BotError {
                step: Some("ask1".into()),
                text: "Step \u{2068}ask1\u{2069} › Options 3 › Next step: there is no step with this id.".into()
            }
        );
        assert_eq!(
            say_bot(Lang::Ar, ask).text,
            "الخطوة \u{2068}ask1\u{2069} › الخيارات ٣ › الخطوة التالية: لا توجد خطوة بهذا المعرّف."
        );
        assert_eq!(say_bot(Lang::Ar, "name: required, 1 to 100 characters").text, "الاسم: اكتب من ١ إلى ١٠٠ حرفًا.");
        assert_eq!(
            say_bot(Lang::En, "steps.w.seconds: a whole number from 1 to 604800 (7 days)").text,
            "Step \u{2068}w\u{2069} › Seconds: a whole number from 1 to 604800 (7 days)."
        );
        assert_eq!(say_bot(Lang::En, "a number holds at most 20 bots").step, None);
        let joined = "steps.f.flow_id: the flow is DRAFT; a bot sends published flows only; steps.g.flow_id: no flow";
        assert_eq!(
            split(joined),
            ["steps.f.flow_id: the flow is DRAFT; a bot sends published flows only", "steps.g.flow_id: no flow"]
        );
    }
}
