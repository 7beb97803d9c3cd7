//! The payments page's strings (English and Arabic).

use super::Lang;

pub struct PaymentsStrings {
    pub title: &'static str,
    pub intro: &'static str,
    pub provider: &'static str,
    pub sandbox: &'static str,
    pub stripe: &'static str,
    pub secret_key: &'static str,
    pub secret_key_hint: &'static str,
    pub webhook_secret: &'static str,
    pub webhook_secret_hint: &'static str,
    pub webhook_url: &'static str,
    pub key_set: &'static str,
    pub not_set: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub orders: &'static str,
    pub no_orders: &'static str,
    pub reference: &'static str,
    pub customer: &'static str,
    pub total: &'static str,
    pub order_status: &'static str,
    pub payment_status: &'static str,
    pub no_numbers: &'static str,
}

pub const EN: PaymentsStrings = PaymentsStrings {
    title: "Payments",
    intro: "Customers pay the orders this number sends with order_details messages. Choose who takes \
        the payment: the sandbox (pays at once; for tests) or Stripe with your own keys.",
    provider: "Payment provider",
    sandbox: "Sandbox",
    stripe: "Stripe",
    secret_key: "Stripe secret key",
    secret_key_hint:
        "sk_live_… or sk_test_… (a restricted rk_… key works). Stored encrypted; leave empty to keep the current one.",
    webhook_secret: "Stripe webhook signing secret",
    webhook_secret_hint: "whsec_… of the endpoint below in your Stripe dashboard. Leave empty to keep the current one.",
    webhook_url: "Stripe webhook endpoint",
    key_set: "Current key",
    not_set: "not set",
    save: "Save",
    saved: "Saved.",
    orders: "Recent orders",
    no_orders: "No orders yet: send an order_details message.",
    reference: "Reference",
    customer: "Customer",
    total: "Total",
    order_status: "Order",
    payment_status: "Payment",
    no_numbers: "The business has no number yet.",
};

pub const AR: PaymentsStrings = PaymentsStrings {
    title: "المدفوعات",
    intro: "يدفع العملاء الطلبات التي يرسلها هذا الرقم في رسائل order_details. اختر من يتلقى الدفع: \
        بيئة الاختبار (تدفع فورًا؛ للتجارب) أو Stripe بمفاتيحك الخاصة.",
    provider: "مزوّد الدفع",
    sandbox: "بيئة الاختبار",
    stripe: "Stripe",
    secret_key: "المفتاح السري لـ Stripe",
    secret_key_hint: "sk_live_… أو sk_test_… (يصلح مفتاح مقيّد rk_…). يُحفظ مشفّرًا؛ اتركه فارغًا للإبقاء على الحالي.",
    webhook_secret: "سر توقيع Webhook في Stripe",
    webhook_secret_hint: "whsec_… لنقطة النهاية أدناه في لوحة Stripe. اتركه فارغًا للإبقاء على الحالي.",
    webhook_url: "نقطة نهاية Webhook لـ Stripe",
    key_set: "المفتاح الحالي",
    not_set: "غير معيّن",
    save: "حفظ",
    saved: "تم الحفظ.",
    orders: "أحدث الطلبات",
    no_orders: "لا طلبات بعد: أرسل رسالة order_details.",
    reference: "المرجع",
    customer: "العميل",
    total: "الإجمالي",
    order_status: "الطلب",
    payment_status: "الدفع",
    no_numbers: "ليس لدى النشاط التجاري رقم بعد.",
};

impl Lang {
    /// The payments page's strings in this language.
    pub fn payments(self) -> &'static PaymentsStrings {
        match self {
            Lang::En => &EN,
            Lang::Ar => &AR,
        }
    }
}
