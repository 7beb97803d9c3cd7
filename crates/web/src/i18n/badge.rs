//! The console's verified-badge page's strings (English and Arabic).

use super::Lang;

pub struct BadgeStrings {
    pub title: &'static str,
    pub intro: &'static str,
    pub no_numbers: &'static str,
    pub state: &'static str,
    pub none: &'static str,
    pub pending: &'static str,
    pub approved: &'static str,
    pub rejected: &'static str,
    /// `{submitted}`, `{due}`: dates.
    pub pending_text: &'static str,
    pub approved_text: &'static str,
    pub rejected_reasons: &'static str,
    /// `{date}`: when a new request is possible.
    pub retry_from: &'static str,
    pub retry_now: &'static str,
    pub requirements: &'static str,
    pub met: &'static str,
    pub missing: &'static str,
    pub all_met: &'static str,
    pub not_eligible: &'static str,
    pub two_step_ok: &'static str,
    pub two_step_missing: &'static str,
    pub verified_ok: &'static str,
    pub verified_missing: &'static str,
    /// `{name}`.
    pub name_ok: &'static str,
    /// `{name}`, `{status}`.
    pub name_missing: &'static str,
    /// `{days}`, `{min}`.
    pub days_ok: &'static str,
    /// `{days}`, `{min}`, `{date}`: when the number reaches `{min}`.
    pub days_missing: &'static str,
    pub form: &'static str,
    pub website: &'static str,
    pub website_hint: &'static str,
    pub country: &'static str,
    pub language: &'static str,
    pub parent: &'static str,
    pub links: &'static str,
    /// `{min}`: links needed.
    pub links_hint: &'static str,
    pub info: &'static str,
    pub optional: &'static str,
    pub submit: &'static str,
    pub submitted: &'static str,
    pub refused: &'static str,
}

pub const EN: BadgeStrings = BadgeStrings {
    title: "Verified badge",
    intro: "An official business account shows a green badge beside the number's name. The platform's \
        operator reviews each request; the decision comes within a few days.",
    no_numbers: "The business has no number yet.",
    state: "Badge",
    none: "Not requested",
    pending: "Under review",
    approved: "Approved",
    rejected: "Not approved",
    pending_text: "Requested on {submitted}. The review ends by {due}.",
    approved_text: "Customers see the green badge beside this number's name.",
    rejected_reasons: "Why it was not approved",
    retry_from: "You can send a new request from {date}.",
    retry_now: "You can send a new request now.",
    requirements: "What the request needs",
    met: "Done",
    missing: "Missing",
    all_met: "This number meets every requirement: you can send the request.",
    not_eligible: "This number cannot ask for the badge yet. Fix what is missing above first.",
    two_step_ok: "Two-step verification is on.",
    two_step_missing: "Two-step verification is off. Set a six-digit PIN for this number (through the API: \
        POST /{phone-number-id} with \"pin\").",
    verified_ok: "The business is verified.",
    verified_missing: "The business is not verified yet. The platform's operator verifies businesses: ask them.",
    name_ok: "The display name \"{name}\" is approved.",
    name_missing: "The display name \"{name}\" is not approved yet (its status is {status}).",
    days_ok: "The number has been on the platform {days} days (at least {min} needed).",
    days_missing: "The number has been on the platform only {days} days; it needs {min}. It can ask from {date}.",
    form: "Ask for the badge",
    website: "Business website",
    website_hint: "An address that starts with https:// or http://.",
    country: "Main country of operation",
    language: "Main language",
    parent: "Parent business or brand",
    links: "Articles about the business",
    links_hint: "One address a line, up to 5, at least {min}: news articles from well-known publications count most.",
    info: "Anything else the reviewer should know",
    optional: "optional",
    submit: "Send the request",
    submitted: "Your request was sent. The review takes a few days.",
    refused: "The request was not sent:",
};

pub const AR: BadgeStrings = BadgeStrings {
    title: "شارة التوثيق",
    intro: "يظهر الحساب التجاري الرسمي بشارة خضراء بجانب اسم الرقم. يراجع مشغّل المنصة كل طلب، \
        ويصدر القرار خلال أيام قليلة.",
    no_numbers: "ليس لدى النشاط التجاري رقم بعد.",
    state: "الشارة",
    none: "لم تُطلب",
    pending: "قيد المراجعة",
    approved: "مقبولة",
    rejected: "لم تُقبل",
    pending_text: "طُلبت في {submitted}. تنتهي المراجعة قبل {due}.",
    approved_text: "يرى العملاء الشارة الخضراء بجانب اسم هذا الرقم.",
    rejected_reasons: "أسباب عدم القبول",
    retry_from: "يمكنك إرسال طلب جديد ابتداءً من {date}.",
    retry_now: "يمكنك إرسال طلب جديد الآن.",
    requirements: "ما يحتاجه الطلب",
    met: "مكتمل",
    missing: "ناقص",
    all_met: "يستوفي هذا الرقم كل الشروط: يمكنك إرسال الطلب.",
    not_eligible: "لا يمكن لهذا الرقم طلب الشارة بعد. أكمل ما ينقص أعلاه أولًا.",
    two_step_ok: "التحقق بخطوتين مفعّل.",
    two_step_missing: "التحقق بخطوتين غير مفعّل. عيّن رمزًا من ستة أرقام لهذا الرقم (عبر الواجهة البرمجية: \
        POST /{phone-number-id} مع \"pin\").",
    verified_ok: "النشاط التجاري موثّق.",
    verified_missing: "النشاط التجاري غير موثّق بعد. يوثّق مشغّل المنصة الأنشطة التجارية: اطلب منه ذلك.",
    name_ok: "اسم العرض \"{name}\" معتمد.",
    name_missing: "اسم العرض \"{name}\" غير معتمد بعد (حالته {status}).",
    days_ok: "الرقم على المنصة منذ {days} يومًا (المطلوب {min} على الأقل).",
    days_missing: "الرقم على المنصة منذ {days} يومًا فقط، والمطلوب {min}. يمكنه الطلب ابتداءً من {date}.",
    form: "طلب الشارة",
    website: "موقع النشاط التجاري",
    website_hint: "عنوان يبدأ بـ https:// أو http://.",
    country: "بلد النشاط الرئيسي",
    language: "اللغة الرئيسية",
    parent: "النشاط التجاري أو العلامة الأم",
    links: "مقالات عن النشاط التجاري",
    links_hint: "عنوان في كل سطر، حتى ٥، و{min} على الأقل: مقالات الصحف المعروفة لها الوزن الأكبر.",
    info: "معلومات أخرى تفيد المراجِع",
    optional: "اختياري",
    submit: "إرسال الطلب",
    submitted: "أُرسل طلبك. تستغرق المراجعة بضعة أيام.",
    refused: "لم يُرسل الطلب:",
};

impl Lang {
    /// The verified-badge page's strings in this language.
    pub fn badge(self) -> &'static BadgeStrings {
        match self {
            Lang::En => &EN,
            Lang::Ar => &AR,
        }
    }
}
