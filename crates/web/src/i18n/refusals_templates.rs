//! The template rules' reasons, as the console's template form says them (the fields it has:
//! name, language, category, header, body with its examples, footer). The rules name a
//! component's text `BODY text` or `BODY.text`, as Meta's error details do; the API keeps them.

use super::refusals::Message;

/// The template rules' reasons the form can meet (`%` a value), and how each language says them.
pub const MESSAGES: &[Message] = &[
    ("a template name has 1 to % characters", "a template name has 1 to {0} characters.", "لاسم القالب من ١ إلى {0} حرفًا."),
    (
        "'%' is not a valid template name: use only lowercase letters, digits and underscores",
        "{0} cannot be used: write only lowercase letters, digits and underscores (_).",
        "لا يمكن استخدام {0}: اكتب حروفًا إنجليزية صغيرة وأرقامًا وشرطات سفلية (_) فقط.",
    ),
    (
        "'%' is not a supported template language code (for example en_US, en_GB, es, es_MX, pt_BR)",
        "{0} is not a language code; write one such as en_US, ar or es_MX.",
        "{0} ليس رمز لغة؛ اكتب رمزًا مثل ar أو en_US أو es_MX.",
    ),
    (
        "'%' is not one of MARKETING, UTILITY, AUTHENTICATION",
        "choose marketing, utility or authentication.",
        "اختر تسويقي أو خدمي أو مصادقة.",
    ),
    ("is % characters long; at most % are allowed", "{0} characters; at most {1} are allowed.", "{0} حرفًا؛ المسموح {1} على الأكثر."),
    (
        "at most % variable(s) allowed, found %",
        "at most {0} variable(s), and there are {1}.",
        "{0} متغير على الأكثر، وفيه {1}.",
    ),
    (
        "'%' is not a valid positional variable: use {{1}}, {{2}}, … (or parameter_format named)",
        "{0} is not a variable; number them {{1}}, {{2}}, …",
        "{0} ليس متغيرًا؛ رقّم المتغيرات {{1}} و{{2}} و…",
    ),
    (
        "'%' is not a valid variable",
        "{0} is not a variable; number them {{1}}, {{2}}, …",
        "{0} ليس متغيرًا؛ رقّم المتغيرات {{1}} و{{2}} و…",
    ),
    (
        "an opening '{{' at position % is never closed",
        "a {{ is not closed with }}.",
        "يوجد {{ لم يُغلق بـ }}.",
    ),
    (
        "variables must be numbered in sequence starting at {{1}}, without gaps",
        "number the variables in order from {{1}}, without gaps.",
        "رقّم المتغيرات بالترتيب من {{1}} دون فجوات.",
    ),
    ("a footer cannot contain variables", "a footer cannot have variables.", "لا يمكن أن يحتوي التذييل على متغيرات."),
    (
        "Content in this language already exists: the template % already has % content. Edit it, or use another name",
        "A template named {0} already exists in {1}; edit it, or choose another name.",
        "يوجد قالب باسم {0} في اللغة {1}؛ عدّله أو اختر اسمًا آخر.",
    ),
    (
        "Message template limit reached: this WhatsApp Business Account can have at most % message templates. Delete templates you no longer use",
        "This account has reached its limit of {0} templates; delete the ones you no longer use.",
        "بلغ هذا الحساب حدّه من القوالب ({0})؛ احذف ما لم تعد تستخدمه.",
    ),
    (
        "Template creation rate limit: at most % message templates can be created per WhatsApp Business Account per hour",
        "At most {0} templates can be created per account each hour; try again later.",
        "يمكن إنشاء {0} قالبًا على الأكثر لكل حساب في الساعة؛ حاول لاحقًا.",
    ),
];
