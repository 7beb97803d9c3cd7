//! The tools' forms refused, as their readers read them: in the page's language, the field
//! named as the form labels it (no API path such as `weekly.monday[0].open`), what was typed
//! set apart so it reads in its own direction in Arabic; the API's own message unchanged.

use risala_testkit::{engine_test, Engine};

use crate::web::Web;

const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

/// `s` with each `<…>` set apart as the pages set a typed value apart.
pub fn iso(s: &str) -> String {
    s.replace('<', &FSI.to_string()).replace('>', &PDI.to_string())
}

/// The page's error alert, or a failure showing the page.
pub fn alert(page: &str) -> String {
    let at = page.find(r#"role="alert">"#).unwrap_or_else(|| panic!("no alert in {page}")) + 13;
    page[at..at + page[at..].find("</div>").unwrap()].to_string()
}

engine_test!(tools_forms_say_why_in_the_pages_language, super::tools_forms);

async fn tools_forms(engine: Engine) {
    let (_db, app) = crate::web::app(engine).await;
    let mut web = Web::owner(&app).await;
    let csrf = web.csrf().await;
    let number = app.phone_number_id().to_string();
    let hours = |f: &[(&'static str, &'static str)]| {
        let mut form = vec![("number", number.clone())];
        form.extend(f.iter().map(|(k, v)| (*k, v.to_string())));
        form
    };
    // A form, and what the page says in English and in Arabic.
    type Case = (Vec<(&'static str, String)>, &'static str, &'static str);
    let cases: Vec<Case> = vec![
        (
            hours(&[("time_zone", "Mars/X")]),
            "Time zone: <Mars/X> is not a time zone; write one such as Europe/London or Asia/Riyadh.",
            "المنطقة الزمنية: <Mars/X> ليست منطقة زمنية؛ اكتب واحدة مثل Europe/London أو Asia/Riyadh.",
        ),
        (
            hours(&[("time_zone", "UTC"), ("monday", "25:00-26:00")]),
            "Monday: <25:00> is not a time; write it like 09:00 (from 00:00 to 24:00).",
            "الاثنين: <25:00> ليس وقتًا؛ اكتبه مثل 09:00 (من 00:00 إلى 24:00).",
        ),
        (
            hours(&[("greeting_enabled", "on")]),
            "Greeting message: write the message before turning it on.",
            "رسالة الترحيب: اكتب الرسالة قبل تفعيلها.",
        ),
        (
            hours(&[("greeting_text", "Hi {{foo}}")]),
            "Greeting message: {{<foo>}} is not a variable; the ones there are: <{{customer_name}}, {{business_name}}>.",
            "رسالة الترحيب: {{<foo>}} ليس متغيرًا؛ المتغيرات المتاحة: <{{customer_name}}, {{business_name}}>.",
        ),
    ];
    for (form, en, ar) in cases {
        for (lang, want) in [("en", en), ("ar", ar)] {
            web.lang = lang;
            let mut f: Vec<(&str, &str)> = vec![("csrf", &csrf)];
            f.extend(form.iter().map(|(k, v)| (*k, v.as_str())));
            let p = web.post("/app/console/hours", &f).await;
            assert_eq!(p.status, 422, "{form:?}");
            assert_eq!(alert(&p.body), iso(want), "{lang} {form:?}");
        }
    }

    // Quick replies: a shortcut taken.
    let qr = [("csrf", csrf.as_str()), ("shortcut", "/hello"), ("text", "Hi")];
    assert_eq!(web.post("/app/console/quick-replies", &qr).await.status, 303);
    web.lang = "ar";
    let p = web.post("/app/console/quick-replies", &qr).await;
    assert_eq!(alert(&p.body), iso("الاختصار: /<hello> مستخدم في رد سريع آخر."));
    web.lang = "en";
    let p = web.post("/app/console/quick-replies", &qr).await;
    assert_eq!(alert(&p.body), iso("Shortcut: /<hello> is already used by another quick reply."));

    // FAQ: a question with nothing to match.
    let faq = format!("/app/console/faq/{number}");
    let entry = [("csrf", csrf.as_str()), ("question", "Is it?"), ("answer", "Yes"), ("enabled", "on")];
    web.lang = "ar";
    let p = web.post(&faq, &entry).await;
    assert_eq!(p.status, 400, "{}", p.body);
    assert!(alert(&p.body).starts_with("السؤال: لا كلمة فيه للمطابقة"), "{}", alert(&p.body));

    // Ads: a country that is no calling code, a name left out.
    let ads = format!("/app/console/ads/{number}");
    let ad = |name: &'static str, countries: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("name", name.into()),
            ("placement", "facebook".into()),
            ("headline", "Eid".into()),
            ("prefilled_text", "Hi".into()),
            ("budget", "5000".into()),
            ("currency", "USD".into()),
            ("cost_per", "conversation".into()),
            ("price", "100".into()),
            ("countries", countries.into()),
        ]
    };
    for (form, want) in [
        (ad("Eid", "SA"), "الدول (رموز الاتصال): <SA> ليس مفتاح دولة؛ اكتب مفتاحًا مثل 44 أو 966."),
        (ad("", "44"), "الاسم: هذا الحقل مطلوب."),
    ] {
        let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let p = web.post(&ads, &f).await;
        assert_eq!(alert(&p.body), iso(want), "{form:?}");
    }
}
