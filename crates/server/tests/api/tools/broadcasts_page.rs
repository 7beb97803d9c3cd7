//! A broadcast's page as its reader reads it, in English and Arabic: the rows not imported in
//! the order of the file (the service lists them check after check, and the API keeps that),
//! the count of recipients in words, every number in the page's digits, the reasons in words.

use risala_testkit::{engine_test, Engine};
use serde_json::json;

use super::broadcasts::{base, start, template};

/// The rows of the table of rows not imported, as the page shows them.
fn rejected_rows(page: &str) -> Vec<String> {
    let table = &page[page.find(r#"id="rejected-h""#).expect("rows not imported")..];
    let table = &table[..table.find("</table>").unwrap()];
    table.split("<tr><td>").skip(1).map(|r| r[..r.find("</td>").unwrap()].to_string()).collect()
}

engine_test!(rejected_rows_in_order_and_counts_in_words, super::in_order);

async fn in_order(engine: Engine) {
    let (_db, app) = start(engine, |_| {}).await;
    // Row 3 has no parameter (refused by the template's check, after the file's own checks),
    // row 4 repeats row 2 (refused while the file is read).
    let csv = "phone,1\n+15557009001,Ann\n+15557009002,\n+15557009001,Ann\n";
    let body = json!({"name": "Eid", "template": template("statement"), "audience": {"csv": csv}});
    let (s, v) = app.post(&base(&app), &body).await;
    assert_eq!(s, 200, "{v}");
    let rows: Vec<i64> = v["rejected"].as_array().unwrap().iter().map(|r| r["row"].as_i64().unwrap()).collect();
    assert_eq!(rows, [4, 3], "the API's order is the service's");
    let path = format!("/app/tools/broadcasts/{}", v["id"].as_str().unwrap());

    let mut web = crate::web::Web::owner(&app).await;
    let page = web.get(&path).await.body;
    assert_eq!(rejected_rows(&page), ["3", "4"]);
    assert!(page.contains(r#"<span class="muted">(1 recipient)</span>"#), "{page}");
    assert!(page.contains("The first 200 recipients; the export has them all."));
    web.lang = "ar";
    let page = web.get(&path).await.body;
    assert_eq!(rejected_rows(&page), ["٣", "٤"]);
    assert!(page.contains(r#"<span class="muted">(مستلم واحد)</span>"#), "{page}");
    assert!(page.contains("أول ٢٠٠ مستلم؛"), "{page}");
    // The reasons in words, not the API's path (`body.parameters[0].text: must not be empty`).
    assert!(page.contains("<td>المتغير {{١}}: يجب ألا يكون فارغًا.</td>"), "{page}");
    web.lang = "en";
    assert!(web.get(&path).await.body.contains("<td>Parameter {{1}}: must not be empty.</td>"));
}
