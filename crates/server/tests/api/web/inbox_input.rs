//! Bad input on the team's work, over HTTP: a label name that is taken (in any case), empty or
//! too long, an empty or too long note, an assignee who is no one of the business — each a 400
//! page that says what is wrong in the reader's language and keeps what was typed, never the
//! page of a refused (expired or cross-site) form; two creates of one name at once make one
//! label. And the labels page is in the navigation,
//! its delete buttons asking first.

use risala_core::model::Role;
use risala_testkit::{engine_test, Engine};
use serde_json::json;

use super::inbox::chat_path;
use super::{app, Web};

const ALICE: &str = "15550001111";
const REFUSED: &str = "The form expired or came from another site";

engine_test!(bad_labels_notes_and_assignees_are_explained_and_kept, super::explained);

async fn explained(engine: Engine) {
    let (_db, app) = app(engine).await;
    let alice = app.customer(ALICE, "Alice").await;
    alice.send(app.business_number(), json!({"type": "text", "text": {"body": "hi"}})).await;
    let business = app.demo.ids.business_id.clone();
    let mut owner = Web::owner(&app).await;
    let oc = owner.csrf().await;
    let path = chat_path(&app, ALICE);
    let red = ("colour", "#b3261e");

    // Labels: "vip" is the name "VIP" has; the page says so and keeps what was typed.
    let p = owner.post("/app/labels", &[("csrf", &oc), ("name", "VIP"), red]).await;
    assert_eq!(p.status, 303);
    for name in ["VIP", "vip", " Vip "] {
        let p = owner.post("/app/labels", &[("csrf", &oc), ("name", name), red]).await;
        assert_eq!(p.status, 400, "{name}");
        assert!(p.body.contains("A label named “\u{2068}VIP\u{2069}” exists already"), "{name}: {}", p.body);
        assert!(p.body.contains(&format!(r#"value="{name}""#)), "the name typed is kept");
        assert!(p.body.contains(r##"value="#b3261e" checked"##), "the colour picked is kept");
        assert!(!p.body.contains(REFUSED));
    }
    assert_eq!(app.state.store.labels(&business).await.unwrap().len(), 1);
    let long = "x".repeat(41);
    for name in ["", "   ", long.as_str()] {
        let p = owner.post("/app/labels", &[("csrf", &oc), ("name", name), red]).await;
        assert_eq!(p.status, 400);
        assert!(p.body.contains("The label’s name must be 1 to 40 characters long."), "{}", p.body);
        assert!(!p.body.contains(REFUSED));
    }
    let p = owner.post("/app/labels", &[("csrf", &oc), ("name", "Late"), ("colour", "red")]).await;
    assert!(p.status == 400 && p.body.contains("Pick one of the colours shown."), "{}", p.body);

    // Notes: empty or too long, said, with the text kept in the form.
    let p = owner.post(&format!("{path}/notes"), &[("csrf", &oc), ("body", "   ")]).await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("The note is empty: write something first.") && !p.body.contains(REFUSED));
    assert!(p.body.contains(&format!(r#"href="{path}""#)), "the way back");
    let long = format!("{} end", "word ".repeat(800));
    let p = owner.post(&format!("{path}/notes"), &[("csrf", &oc), ("body", &long)]).await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("The note is too long: at most 4,000 characters."), "{}", p.body);
    assert!(p.body.contains(&format!(">{long}</textarea>")), "the note typed is kept");
    assert!(p.body.contains(&format!(r#"action="{path}/notes""#)));

    // Assigning to an id that is nobody of the business.
    let p = owner.post(&format!("{path}/assign"), &[("csrf", &oc), ("assignee", "123456789")]).await;
    assert_eq!(p.status, 400);
    assert!(p.body.contains("That person is not on your team") && !p.body.contains(REFUSED), "{}", p.body);
    // A script is told why in the body.
    let p = owner.post_from(&format!("{path}/notes"), &[("body", " ")], &app.base.clone(), Some(&oc)).await;
    assert_eq!((p.status, p.body.as_str()), (400, "The note is empty: write something first."));

    // In Arabic, in Arabic (the name set apart, the digits Arabic).
    owner.lang = "ar";
    let p = owner.post("/app/labels", &[("csrf", &oc), ("name", "vip"), red]).await;
    assert!(p.body.contains("يوجد تصنيف باسم «\u{2068}VIP\u{2069}» من قبل"), "{}", p.body);
    let p = owner.post("/app/labels", &[("csrf", &oc), ("name", ""), red]).await;
    assert!(p.body.contains("من ١ إلى ٤٠ حرفًا"), "{}", p.body);
    let p = owner.post(&format!("{path}/notes"), &[("csrf", &oc), ("body", "")]).await;
    assert!(p.status == 400 && p.body.contains("الملاحظة فارغة"), "{}", p.body);
    let p = owner.post(&format!("{path}/assign"), &[("csrf", &oc), ("assignee", "123456789")]).await;
    assert!(p.body.contains("هذا الشخص ليس من فريقك"), "{}", p.body);
    // Nothing of it was saved.
    let row = app.state.store.chat_row(app.phone_number_id(), ALICE).await.unwrap().unwrap();
    assert_eq!((row.assignee_id, app.state.store.notes(app.phone_number_id(), ALICE).await.unwrap().len()), (None, 0));
}

engine_test!(the_labels_page_is_in_the_navigation_and_deleting_asks_first, super::navigation);

async fn navigation(engine: Engine) {
    let (_db, app) = app(engine).await;
    let business = app.demo.ids.business_id.clone();
    app.state.accounts.create_user(&business, "sara@demo.test", "Sara", "sara-password-1", Role::Agent).await.unwrap();
    let mut owner = Web::owner(&app).await;
    let mut agent = Web::signed_in(&app, "sara@demo.test", "sara-password-1").await;
    for web in [&mut owner, &mut agent] {
        let home = web.get("/app/").await.body;
        let nav = &home[home.find("<nav").unwrap()..home.find("</nav>").unwrap()];
        assert!(nav.contains(r#"<a href="/app/labels">Labels</a>"#), "{nav}");
    }
    let oc = owner.csrf().await;
    owner.post("/app/labels", &[("csrf", &oc), ("name", "VIP"), ("colour", "#b3261e")]).await;
    let page = owner.get("/app/labels").await.body;
    assert!(
        page.contains("data-confirm=\"Delete the label “\u{2068}VIP\u{2069}”? It is taken off every conversation.\""),
        "{page}"
    );
}

engine_test!(two_creates_of_one_label_name_at_once_make_one_label, super::concurrent_creates);

/// Two people create the same label (in different cases) at the same moment: whichever way
/// the two requests interleave (the service's read before either write, or the database's
/// unique key after both reads), exactly one is created and the other gets the same page a
/// taken name always gets, naming the label that won.
async fn concurrent_creates(engine: Engine) {
    let (_db, app) = app(engine).await;
    let business = app.demo.ids.business_id.clone();
    let (mut a, mut b) = (Web::owner(&app).await, Web::owner(&app).await);
    let (ac, bc) = (a.csrf().await, b.csrf().await);
    const ROUNDS: usize = 12;
    for round in 0..ROUNDS {
        let (name_a, name_b) = (format!("Rush {round}"), format!("RUSH {round}"));
        let form_a = [("csrf", ac.as_str()), ("name", name_a.as_str()), ("colour", "#b3261e")];
        let form_b = [("csrf", bc.as_str()), ("name", name_b.as_str()), ("colour", "#1565c0")];
        let (pa, pb) = tokio::join!(a.post("/app/labels", &form_a), b.post("/app/labels", &form_b));
        let (won, lost, winner, loser) = match (pa.status, pb.status) {
            (303, 400) => (pa, pb, &name_a, &name_b),
            (400, 303) => (pb, pa, &name_b, &name_a),
            other => panic!("round {round}: one create, one refusal, not {other:?}"),
        };
        assert_eq!(won.location(), "/app/labels");
        let said = format!("A label named “\u{2068}{winner}\u{2069}” exists already");
        assert!(lost.body.contains(&said), "round {round}: {}", lost.body);
        assert!(lost.body.contains(&format!(r#"value="{loser}""#)), "the name typed is kept");
        assert!(!lost.body.contains(REFUSED));
    }
    let labels = app.state.store.labels(&business).await.unwrap();
    assert_eq!(labels.len(), ROUNDS, "one label per name: {labels:?}");
}
