//! The business tools of issue #17 through `/tools/v1/{phone-number-id}/…` and what they do
//! when customers write, one file per tool.

mod bot_editor;
mod bot_editor_browser;
mod bot_steps;
mod bots;
mod bots_browser;
mod broadcasts;
mod broadcasts_browser;
mod broadcasts_csv_browser;
mod broadcasts_page;
mod browser;
mod contacts;
mod contacts_browser;
mod contacts_read;
mod faq;
mod faq_browser;
mod hours;
mod quick_replies;
mod quick_replies_browser;
mod refusals_bots_templates;
mod refusals_pages;

use risala_core::model::Permission;
use risala_testkit::TestApp;

/// Another business with a number (+1 555 010 9999) and a token: `(phone number id, token)`.
pub async fn other_business(app: &TestApp) -> (String, String) {
    let t = &app.state.tenancy;
    let b = t.create_business("Other Co").await.unwrap();
    let w = t.create_waba(&b.id, "Other WABA").await.unwrap();
    let p = t
        .create_phone_number(risala_core::tenancy::NewPhoneNumber {
            waba_id: &w.id,
            number: "+15550109999",
            verified_name: "Other",
            account_mode: "SANDBOX",
        })
        .await
        .unwrap();
    let (_, token) = t.create_token(&b.id, "other", &Permission::ALL, None).await.unwrap();
    (p.id, token)
}
