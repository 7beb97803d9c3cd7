//! The bots page, the bot editor and the console's template form refused, as their readers
//! read them: the step and field named as the editor and the form label them (no API path such
//! as `steps.ask1.options[0].next` or `BODY text`), the reason in the page's language, what was
//! typed set apart and kept in the form; the API's own message unchanged.

use risala_testkit::{assert_graph_error, engine_test, Engine};
use serde_json::json;

use super::refusals_pages::{alert, iso};
use crate::web::Web;

engine_test!(bots_and_template_forms_say_why_in_the_pages_language, super::bots_and_templates);

async fn bots_and_templates(engine: Engine) {
    let (_db, app) = crate::web::app(engine).await;
    let pid = app.phone_number_id().to_string();
    let mut web = Web::owner(&app).await;
    let csrf = web.csrf().await;
    let bad = json!({"name": "Shop", "trigger": {"on": "new_conversation"}, "start": "ask1", "steps": {
        "ask1": {"type": "ask", "text": "Buy?", "variable": "v",
                 "options": [{"id": "a", "title": "A", "next": "nowhere"}]}}})
    .to_string();
    // The API still names the path, in English.
    let e = assert_graph_error(
        &app.post(&format!("/tools/v1/{pid}/bots"), &serde_json::from_str(&bad).unwrap()).await,
        400,
        131009,
    );
    assert!(e["error_data"]["details"].as_str().unwrap().contains("steps.ask1.options[0].next: no such step"), "{e}");

    let en = "Step <ask1> › Options 1 › Next step: there is no step with this id.";
    let ar = "الخطوة <ask1> › الخيارات ١ › الخطوة التالية: لا توجد خطوة بهذا المعرّف.";
    for (lang, want) in [("en", en), ("ar", ar)] {
        web.lang = lang;
        // The bots page's import: the reason above the list, the definition kept.
        let p = web
            .post(&format!("/app/console/bots/{pid}"), &[("csrf", &csrf), ("bot_id", ""), ("definition", &bad)])
            .await;
        assert_eq!(p.status, 400, "{}", p.body);
        assert_eq!(alert(&p.body), iso(want), "{lang}");
        assert!(p.body.contains("&quot;next&quot;:&quot;nowhere&quot;"), "what was typed is kept: {}", p.body);
        // The editor: the same words on the step's card and in the list at the top.
        let p = web.post(&format!("/app/console/bots/{pid}/new"), &[("csrf", &csrf), ("definition", &bad)]).await;
        assert_eq!(p.status, 400, "{}", p.body);
        assert!(p.body.contains(&format!(r#"<ul class="errors"><li>{}</li></ul>"#, iso(want))), "{lang}: {}", p.body);
        assert!(!p.body.contains("steps.ask1.options"), "no API path on the page: {}", p.body);
        assert!(p.body.contains("&quot;next&quot;:&quot;nowhere&quot;"), "what was typed is kept: {}", p.body);
    }
    web.lang = "ar";
    let p = web.post(&format!("/app/console/bots/{pid}/new"), &[("csrf", &csrf), ("definition", "{not json")]).await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("التعريف ليس JSON (السطر ١، العمود ٢)."), "{}", p.body);

    // The template form: the field as the form labels it, in the page's language.
    let form = |language: &'static str, body: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("waba_id", app.waba_id().to_string()),
            ("name", "order_ready".into()),
            ("language", language.into()),
            ("category", "UTILITY".into()),
            ("header", "".into()),
            ("body", body.into()),
            ("example_1", "Layla".into()),
            ("footer", "".into()),
            ("action", "create".into()),
        ]
    };
    let cases = [
        (
            form("xx_YY", "Hi {{1}}"),
            "Language: <xx_YY> is not a language code; write one such as en_US, ar or es_MX.",
            "اللغة: <xx_YY> ليس رمز لغة؛ اكتب رمزًا مثل ar أو en_US أو es_MX.",
        ),
        (
            form("en_US", "Hi {{2}}"),
            "Body: number the variables in order from {{1}}, without gaps.",
            "النص: رقّم المتغيرات بالترتيب من {{1}} دون فجوات.",
        ),
    ];
    for (form, en, ar) in cases {
        for (lang, want) in [("en", en), ("ar", ar)] {
            web.lang = lang;
            let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let p = web.post("/app/console/templates", &f).await;
            assert_eq!(p.status, 400, "{}", p.body);
            assert_eq!(alert(&p.body), iso(want), "{lang} {form:?}");
            assert!(p.body.contains(r#"value="order_ready""#), "what was typed is kept: {}", p.body);
        }
    }
    let t = json!({"name": "gaps", "language": "en_US", "category": "UTILITY",
        "components": [{"type": "BODY", "text": "Hi {{2}}", "example": {"body_text": [["Layla"]]}}]});
    let e = assert_graph_error(&app.post(&format!("/v23.0/{}/message_templates", app.waba_id()), &t).await, 400, 100);
    assert!(e["error_data"]["details"].as_str().unwrap().starts_with("BODY text: variables must be numbered"), "{e}");
    app.stop().await;
}
