//! Customer sign-in in platform mode against an attacker: one client address cannot guess codes
//! for long (133009), a number is locked after ten wrong codes however many codes were issued
//! (133008), codes are limited per number and per address (130429), every refusal says when to
//! retry (`Retry-After`); codes are stored as a keyed hash and never written to the log outside
//! sandbox mode. On SQLite and PostgreSQL.

use risala_core::customers::{LOCKOUT_MS, MAX_CODE_FAILURES};
use risala_testkit::{assert_graph_error, engine_test, json_response, Database, Engine, TestApp};
use serde_json::{json, Value};

use crate::log_capture::{captured, lines_with};

async fn platform(db: &Database) -> TestApp {
    let mut config = db.config();
    config.mode = risala_server::Mode::Platform;
    TestApp::start_with(config).await.unwrap()
}

/// POST without a token: status, `Retry-After` in seconds (if any), body.
async fn post(app: &TestApp, path: &str, body: Value) -> (u16, Option<u64>, Value) {
    let resp = app.client.post(app.url(path)).json(&body).send().await.unwrap();
    let retry = resp.headers().get("retry-after").map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
    let (s, v) = json_response(resp).await;
    (s, retry, v)
}

async fn request_code(app: &TestApp, phone: &str) -> (u16, Option<u64>, Value) {
    post(app, "/customer/v1/session/code", json!({"phone": phone})).await
}

async fn try_code(app: &TestApp, phone: &str, code: &str) -> (u16, Option<u64>, Value) {
    post(app, "/customer/v1/session", json!({"phone": phone, "code": code})).await
}

/// The last code the server wrote for `wa_id` to the operator's file.
fn last_code(app: &TestApp, wa_id: &str) -> String {
    let text = std::fs::read_to_string(app.config.data_dir.join("sign-in-codes.log")).unwrap();
    let line = text.lines().rev().find(|l| l.split(' ').nth(1) == Some(wa_id)).unwrap();
    line.split(' ').nth(2).unwrap().to_string()
}

/// A code other than `right`.
fn wrong(right: &str, n: u32) -> String {
    let mut c = format!("{:06}", n % 1_000_000);
    if c == right {
        c = format!("{:06}", (n + 1) % 1_000_000);
    }
    c
}

fn refused(r: &(u16, Option<u64>, Value), status: u16, code: i64) -> u64 {
    assert_graph_error(&(r.0, r.2.clone()), status, code);
    let retry = r.1.unwrap_or_else(|| panic!("no Retry-After with {}", r.2));
    assert!(retry >= 1, "{retry}");
    retry
}

async fn brute_force(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = platform(&db).await;
    let numbers = ["447700900001", "447700900002", "447700900003"];
    for n in numbers {
        assert_eq!(request_code(&app, n).await.0, 200);
    }
    // Spread over numbers so that no number is locked: the address runs out first.
    let mut tried = 0;
    'guessing: for n in numbers {
        let right = last_code(&app, n);
        for i in 0..(MAX_CODE_FAILURES as u32 - 1) {
            let r = try_code(&app, n, &wrong(&right, i)).await;
            if r.0 == 429 {
                let retry = refused(&r, 429, 133009);
                assert!(retry > 60, "the address waits for its budget to refill: {retry}");
                break 'guessing;
            }
            assert_graph_error(&(r.0, r.2), 403, 131005);
            tried += 1;
        }
    }
    assert_eq!(tried, 20, "twenty codes an hour from one address");
    // Even the right code waits now: the address is out of tries.
    let right = last_code(&app, numbers[2]);
    refused(&try_code(&app, numbers[2], &right).await, 429, 133009);
    app.stop().await;
}
engine_test!(guessing_codes_from_one_address_is_stopped, super::brute_force);

async fn lockout(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = platform(&db).await;
    let n = "447700900123";
    assert_eq!(request_code(&app, n).await.0, 200);
    let right = last_code(&app, n);
    for i in 0..(MAX_CODE_FAILURES as u32 - 1) {
        assert_graph_error(
            &{
                let r = try_code(&app, n, &wrong(&right, i)).await;
                (r.0, r.2)
            },
            403,
            131005,
        );
    }
    // A new code does not give the attacker a new budget…
    assert_eq!(request_code(&app, n).await.0, 200);
    let right = last_code(&app, n);
    // …the tenth wrong code locks the number for an hour,
    let retry = refused(&try_code(&app, n, &wrong(&right, 99)).await, 429, 133008);
    assert!((3_500..=3_600).contains(&retry), "{retry}");
    // and while it is locked even the right code is refused, and no new code is sent.
    refused(&try_code(&app, n, &right).await, 429, 133008);
    refused(&request_code(&app, n).await, 429, 133008);
    // Another number is not affected.
    assert_eq!(request_code(&app, "447700900124").await.0, 200);

    // An hour later the lock is over; one more wrong code locks it again at once (the failures
    // count until a sign-in succeeds)…
    app.state.clock.advance(LOCKOUT_MS + 1000, i64::MAX).unwrap();
    assert_eq!(request_code(&app, n).await.0, 200);
    let right = last_code(&app, n);
    refused(&try_code(&app, n, &wrong(&right, 7)).await, 429, 133008);
    // …and after the next hour a right code signs in.
    app.state.clock.advance(LOCKOUT_MS + 1000, i64::MAX).unwrap();
    assert_eq!(request_code(&app, n).await.0, 200);
    let right = last_code(&app, n);
    let (s, _, v) = try_code(&app, n, &right).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["wa_id"], n);
    app.stop().await;
}
engine_test!(wrong_codes_lock_the_number_across_reissued_codes, super::lockout);

async fn code_requests(engine: Engine) {
    let db = Database::fresh(engine).await.unwrap();
    let app = platform(&db).await;
    for _ in 0..5 {
        assert_eq!(request_code(&app, "447700900123").await.0, 200);
    }
    let retry = refused(&request_code(&app, "447700900123").await, 429, 130429);
    assert!((700..=720).contains(&retry), "one code back every 12 minutes: {retry}");
    // Other numbers from the same address, up to the address's budget (20 an hour; the refused
    // request counted too).
    for i in 0..14 {
        assert_eq!(request_code(&app, &format!("4477009002{i:02}")).await.0, 200, "{i}");
    }
    refused(&request_code(&app, "447700900300").await, 429, 130429);
    app.stop().await;
}
engine_test!(sign_in_codes_are_limited_per_number_and_per_address, super::code_requests);

async fn stored_and_logged(engine: Engine) {
    captured();
    let db = Database::fresh(engine).await.unwrap();
    let app = platform(&db).await;
    let n = "447700900777";
    assert_eq!(request_code(&app, n).await.0, 200);
    let code = last_code(&app, n);
    // Not in the log: only the operator's file has it.
    let logged = lines_with(n);
    assert!(!logged.is_empty(), "the request is logged: {logged:?}");
    assert!(logged.iter().all(|l| !l.contains(&code)), "the code is in the log: {logged:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(app.config.data_dir.join("sign-in-codes.log")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
    // Stored as a keyed hash, not as SHA-256 of six digits anyone can tabulate: the bare hash
    // does not match what is stored (and counts as a wrong code).
    assert_eq!(app.state.store.customer_code_state(n).await.unwrap(), Some((0, 0)));
    let now = risala_core::clock::Clock::now_ms(&*app.state.clock);
    let bare = risala_core::ids::hash_token(&code);
    assert!(!app.state.store.check_customer_code(n, &bare, now, MAX_CODE_FAILURES, now + LOCKOUT_MS).await.unwrap());
    assert_eq!(app.state.store.customer_code_state(n).await.unwrap(), Some((1, 0)));
    assert_ne!(app.state.customers.code_hash(n, &code), bare);
    assert_eq!(try_code(&app, n, &code).await.0, 200, "the keyed hash is what the check uses");
    app.stop().await;

    // A sandbox logs codes: that is where a developer reads them.
    let db = Database::fresh(engine).await.unwrap();
    let app = TestApp::start(&db).await.unwrap();
    assert_eq!(request_code(&app, "447700900778").await.0, 200);
    let lines = lines_with("447700900778");
    assert!(lines.iter().any(|l| l.contains("code=")), "{lines:?}");
    assert!(!app.config.data_dir.join("sign-in-codes.log").exists());
    app.stop().await;
}
engine_test!(codes_are_hashed_with_a_key_and_kept_out_of_the_log, super::stored_and_logged);
