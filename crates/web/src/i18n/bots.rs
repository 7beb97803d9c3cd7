//! The bots page's strings (English and Arabic).

use super::Lang;

pub struct BotsStrings {
    pub title: &'static str,
    pub intro: &'static str,
    pub no_editor: &'static str,
    pub bots: &'static str,
    pub no_bots: &'static str,
    pub name: &'static str,
    pub version: &'static str,
    pub trigger: &'static str,
    pub new_conversation: &'static str,
    pub keywords: &'static str,
    pub steps: &'static str,
    pub state: &'static str,
    pub on: &'static str,
    pub off: &'static str,
    pub export: &'static str,
    pub delete: &'static str,
    pub import: &'static str,
    pub import_hint: &'static str,
    pub definition: &'static str,
    pub replace: &'static str,
    pub new_bot: &'static str,
    pub upload: &'static str,
    pub saved: &'static str,
    pub deleted: &'static str,
    pub no_numbers: &'static str,
}

pub const EN: BotsStrings = BotsStrings {
    title: "Bots",
    intro: "A bot answers a customer's first message (or a keyword) step by step, then hands the \
        conversation to the team with its transcript as a note. While a person holds the conversation \
        the bot is silent; closing it gives it back to the bot.",
    no_editor: "The visual editor is not built yet: write the bot as JSON (see the Bots chapter of the \
        book) and import it here or through the API.",
    bots: "Bots of this number",
    no_bots: "No bot yet: import one below.",
    name: "Name",
    version: "Version",
    trigger: "Starts on",
    new_conversation: "a new conversation",
    keywords: "keywords",
    steps: "Steps",
    state: "State",
    on: "On",
    off: "Off",
    export: "Export JSON",
    delete: "Delete",
    import: "Import a bot",
    import_hint: "Errors name the step, like steps.ask1.options[2].next: no such step.",
    definition: "Definition (JSON)",
    replace: "Upload as",
    new_bot: "a new bot",
    upload: "Import",
    saved: "Saved.",
    deleted: "Deleted.",
    no_numbers: "The business has no number yet.",
};

pub const AR: BotsStrings = BotsStrings {
    title: "روبوتات المحادثة",
    intro: "يجيب الروبوت عن أول رسالة من العميل (أو عن كلمة مفتاحية) خطوة بخطوة، ثم يسلّم المحادثة إلى \
        الفريق مع نص المحادثة كملاحظة. يصمت الروبوت ما دام أحد الموظفين يتولى المحادثة، وإغلاقها يعيدها إليه.",
    no_editor: "المحرر المرئي غير متوفر بعد: اكتب الروبوت بصيغة JSON (راجع فصل الروبوتات في الدليل) \
        واستورده هنا أو عبر الواجهة البرمجية.",
    bots: "روبوتات هذا الرقم",
    no_bots: "لا يوجد روبوت بعد: استورد واحداً أدناه.",
    name: "الاسم",
    version: "الإصدار",
    trigger: "يبدأ عند",
    new_conversation: "محادثة جديدة",
    keywords: "كلمات مفتاحية",
    steps: "الخطوات",
    state: "الحالة",
    on: "يعمل",
    off: "متوقف",
    export: "تصدير JSON",
    delete: "حذف",
    import: "استيراد روبوت",
    import_hint: "تشير الأخطاء إلى الخطوة، مثل steps.ask1.options[2].next: no such step.",
    definition: "التعريف (JSON)",
    replace: "رفع بوصفه",
    new_bot: "روبوتاً جديداً",
    upload: "استيراد",
    saved: "تم الحفظ.",
    deleted: "تم الحذف.",
    no_numbers: "ليس لدى النشاط التجاري رقم بعد.",
};

impl Lang {
    /// The bots page's strings in this language.
    pub fn bots(self) -> &'static BotsStrings {
        match self {
            Lang::En => &EN,
            Lang::Ar => &AR,
        }
    }
}
