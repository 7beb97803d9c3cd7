//! The broadcasts pages' strings (English and Arabic).

use super::Lang;

pub struct BroadcastStrings {
    pub broadcasts: &'static str,
    pub none: &'static str,
    pub new: &'static str,
    pub name: &'static str,
    pub number: &'static str,
    pub mode: &'static str,
    pub mode_broadcast: &'static str,
    pub mode_list: &'static str,
    pub mode_hint: &'static str,
    pub template: &'static str,
    pub text: &'static str,
    pub params: &'static str,
    pub params_hint: &'static str,
    pub labels: &'static str,
    pub csv: &'static str,
    pub csv_hint: &'static str,
    pub csv_file: &'static str,
    /// A chosen file (or pasted text) that is not CSV text: a picture, a document.
    pub not_csv: &'static str,
    pub default_country: &'static str,
    pub send_at: &'static str,
    pub send_at_hint: &'static str,
    pub create: &'static str,
    pub status: &'static str,
    pub progress: &'static str,
    pub queued: &'static str,
    pub sent: &'static str,
    pub delivered: &'static str,
    pub read: &'static str,
    pub failed: &'static str,
    pub skipped_opted_out: &'static str,
    pub skipped_blocked: &'static str,
    pub replied: &'static str,
    pub rejected: &'static str,
    pub row: &'static str,
    pub reason: &'static str,
    pub cancel: &'static str,
    pub resume: &'static str,
    pub export: &'static str,
    pub report: &'static str,
    pub recipient: &'static str,
    pub created: &'static str,
    pub paused_because: &'static str,
    pub first_rows: &'static str,
    pub yes: &'static str,
    pub states: [(&'static str, &'static str); 5],
}

impl BroadcastStrings {
    /// The word for a broadcast's or a recipient's status.
    pub fn status(&self, s: &str) -> &'static str {
        match s {
            "queued" => self.queued,
            "sent" => self.sent,
            "delivered" => self.delivered,
            "read" => self.read,
            "failed" => self.failed,
            "skipped_opted_out" => self.skipped_opted_out,
            "skipped_blocked" => self.skipped_blocked,
            other => self.states.iter().find(|(k, _)| *k == other).map(|(_, v)| *v).unwrap_or("?"),
        }
    }
}

pub const EN: BroadcastStrings = BroadcastStrings {
    broadcasts: "Broadcasts",
    none: "No broadcasts yet.",
    new: "New broadcast",
    name: "Name",
    number: "Number",
    mode: "Mode",
    mode_broadcast: "Broadcast (a template, any customer)",
    mode_list: "Broadcast list (up to 256 customers who have your number in their chats)",
    mode_hint: "A broadcast list may send a text; customers whose 24-hour window is closed then get a failure.",
    template: "Template",
    text: "Text (broadcast lists only)",
    params: "Parameters for everyone",
    params_hint: "One per line: 1=Eid (or name=value for named parameters). A CSV column of the same name wins.",
    labels: "Customers with these labels",
    csv: "Import a CSV",
    csv_hint: "First row: phone, optionally country, then one column per template parameter (1, 2, … or names).",
    csv_file: "CSV file",
    not_csv: "This is not a CSV file. Choose a .csv file saved as text (UTF-8) from a spreadsheet.",
    default_country: "Country of local numbers (ISO, e.g. SA)",
    send_at: "Send at (UTC, sandbox clock)",
    send_at_hint: "Empty: now.",
    create: "Create broadcast",
    status: "Status",
    progress: "Progress",
    queued: "Queued",
    sent: "Sent",
    delivered: "Delivered",
    read: "Read",
    failed: "Failed",
    skipped_opted_out: "Skipped: stopped marketing",
    skipped_blocked: "Skipped: blocked",
    replied: "Replied",
    rejected: "Rows not imported",
    row: "Row",
    reason: "Reason",
    cancel: "Cancel",
    resume: "Resume",
    export: "Export the report (CSV)",
    report: "Report",
    recipient: "Recipient",
    created: "Created",
    paused_because: "Paused",
    first_rows: "The first {n} recipients; the export has them all.",
    yes: "Yes",
    states: [
        ("scheduled", "Scheduled"),
        ("running", "Sending"),
        ("paused", "Paused"),
        ("cancelled", "Cancelled"),
        ("completed", "Completed"),
    ],
};

pub const AR: BroadcastStrings = BroadcastStrings {
    broadcasts: "الرسائل الجماعية",
    none: "لا توجد رسائل جماعية بعد.",
    new: "رسالة جماعية جديدة",
    name: "الاسم",
    number: "الرقم",
    mode: "النوع",
    mode_broadcast: "رسالة جماعية (قالب، لأي عميل)",
    mode_list: "قائمة بث (حتى 256 عميلاً لديهم رقمك في محادثاتهم)",
    mode_hint: "يمكن لقائمة البث إرسال نص؛ ويفشل الإرسال لمن انتهت نافذة الـ24 ساعة لديه.",
    template: "القالب",
    text: "النص (لقوائم البث فقط)",
    params: "المتغيرات للجميع",
    params_hint: "متغير في كل سطر: 1=العيد (أو الاسم=القيمة للمتغيرات المسماة). عمود CSV بالاسم نفسه له الأولوية.",
    labels: "العملاء الذين يحملون هذه التصنيفات",
    csv: "استيراد ملف CSV",
    csv_hint: "الصف الأول: phone، ثم country اختيارياً، ثم عمود لكل متغير في القالب (1، 2، … أو الأسماء).",
    csv_file: "ملف CSV",
    not_csv: "هذا ليس ملف CSV. اختر ملفًا بامتداد ‎.csv‎ محفوظًا نصًا (UTF-8) من جدول بيانات.",
    default_country: "دولة الأرقام المحلية (رمز ISO مثل SA)",
    send_at: "وقت الإرسال (UTC، ساعة البيئة التجريبية)",
    send_at_hint: "فارغ: الآن.",
    create: "إنشاء الرسالة الجماعية",
    status: "الحالة",
    progress: "التقدم",
    queued: "في الانتظار",
    sent: "أُرسلت",
    delivered: "وصلت",
    read: "قُرئت",
    failed: "فشلت",
    skipped_opted_out: "تُخطّي: أوقف التسويق",
    skipped_blocked: "تُخطّي: محظور",
    replied: "ردّ",
    rejected: "صفوف لم تُستورد",
    row: "الصف",
    reason: "السبب",
    cancel: "إلغاء",
    resume: "استئناف",
    export: "تصدير التقرير (CSV)",
    report: "التقرير",
    recipient: "المستلم",
    created: "أُنشئت",
    paused_because: "متوقفة مؤقتاً",
    first_rows: "أول {n} مستلم؛ الملف المصدَّر يضمهم جميعاً.",
    yes: "نعم",
    states: [
        ("scheduled", "مجدولة"),
        ("running", "قيد الإرسال"),
        ("paused", "متوقفة مؤقتاً"),
        ("cancelled", "ملغاة"),
        ("completed", "اكتملت"),
    ],
};

/// How many recipients, in words: `1 recipient`, `2 recipients`; in Arabic by its plural rules
/// (one, two, three to ten, eleven to ninety-nine, a hundred…), in Arabic digits.
pub fn recipients(lang: Lang, n: i64) -> String {
    let num = lang.number(n);
    match lang {
        Lang::En if n == 1 => "1 recipient".to_string(),
        Lang::En => format!("{num} recipients"),
        Lang::Ar => match (n, n % 100) {
            (0, _) => "لا مستلمين".to_string(),
            (1, _) => "مستلم واحد".to_string(),
            (2, _) => "مستلمان".to_string(),
            (_, 3..=10) => format!("{num} مستلمين"),
            (_, 11..=99) => format!("{num} مستلمًا"),
            _ => format!("{num} مستلم"),
        },
    }
}

impl Lang {
    /// The broadcasts pages' strings.
    pub fn bc(self) -> &'static BroadcastStrings {
        match self {
            Lang::En => &EN,
            Lang::Ar => &AR,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_counted_in_words() {
        let en: Vec<String> = [1, 2, 1200].map(|n| recipients(Lang::En, n)).into();
        assert_eq!(en, ["1 recipient", "2 recipients", "1,200 recipients"]);
        let ar: Vec<String> = [0, 1, 2, 7, 11, 100, 103, 200].map(|n| recipients(Lang::Ar, n)).into();
        assert_eq!(
            ar,
            ["لا مستلمين", "مستلم واحد", "مستلمان", "٧ مستلمين", "١١ مستلمًا", "١٠٠ مستلم", "١٠٣ مستلمين", "٢٠٠ مستلم"]
        );
    }
}
