//! Strings of the composer's shop actions (sending the catalog or a product, billing an order),
//! in every language. `{name}` marks a value put in at run time.

use super::Lang;

pub struct ShopStrings {
    pub shop: &'static str,
    pub no_catalog: &'static str,
    pub hidden: &'static str,
    pub message: &'static str,
    pub optional_message: &'static str,
    pub catalog_default: &'static str,
    pub thumbnail: &'static str,
    pub first_product: &'static str,
    pub send_catalog: &'static str,
    pub product: &'static str,
    pub send_product: &'static str,
    pub bill: &'static str,
    pub bill_intro: &'static str,
    pub order: &'static str,
    pub bill_default: &'static str,
    pub send_bill: &'static str,
}

pub const EN: ShopStrings = ShopStrings {
    shop: "Catalog and payment",
    no_catalog: "No catalog is connected to this number's WhatsApp Business Account (Console → Catalogs).",
    hidden: "The catalog is hidden on this number: customers cannot browse it (Console → Catalogs).",
    message: "Message",
    optional_message: "Message (optional)",
    catalog_default: "Browse our catalog and send us your cart.",
    thumbnail: "Product shown on the message",
    first_product: "The first product",
    send_catalog: "Send the catalog",
    product: "Product",
    send_product: "Send the product",
    bill: "Request payment for an order",
    bill_intro: "The customer gets a bill for the order's items and total, and pays it in the chat.",
    order: "Order",
    bill_default: "Thank you for your order! Here is your bill.",
    send_bill: "Request payment",
};

pub const AR: ShopStrings = ShopStrings {
    shop: "الكتالوج والدفع",
    no_catalog: "لا كتالوج مرتبط بحساب واتساب للأعمال لهذا الرقم (لوحة التحكم ← الكتالوجات).",
    hidden: "الكتالوج مخفي على هذا الرقم: لا يمكن للعملاء تصفحه (لوحة التحكم ← الكتالوجات).",
    message: "الرسالة",
    optional_message: "الرسالة (اختيارية)",
    catalog_default: "تصفّح كتالوجنا وأرسل لنا سلتك.",
    thumbnail: "المنتج الظاهر في الرسالة",
    first_product: "أول منتج",
    send_catalog: "أرسل الكتالوج",
    product: "المنتج",
    send_product: "أرسل المنتج",
    bill: "اطلب دفع طلب",
    bill_intro: "يتلقى العميل فاتورة بعناصر الطلب ومجموعه، ويدفعها في المحادثة.",
    order: "الطلب",
    bill_default: "شكرًا لطلبك! هذه فاتورتك.",
    send_bill: "اطلب الدفع",
};

impl Lang {
    pub fn shop(self) -> &'static ShopStrings {
        match self {
            Lang::En => &EN,
            Lang::Ar => &AR,
        }
    }
}
