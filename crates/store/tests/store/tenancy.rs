//! Tenancy, the object index, tokens and settings.

use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;

use crate::fixtures::*;
use crate::harness::{engine_tests, TestStore};

engine_tests!(tenancy_round_trip, duplicate_ids_conflict, phone_number_pages, tokens, settings);

async fn tenancy_round_trip(db: TestStore) {
    let t1 = tenant(&db, 1).await;
    let t2 = tenant(&db, 2).await;

    assert_eq!(db.business("b1").await.unwrap(), Some(t1.business.clone()));
    assert_eq!(db.waba("w1").await.unwrap(), Some(t1.waba.clone()));
    assert_eq!(db.phone_number("p1").await.unwrap(), Some(t1.phone.clone()));
    assert_eq!(db.phone_number_by_number("15550100002").await.unwrap(), Some(t2.phone.clone()));
    assert_eq!(db.app("a2").await.unwrap(), Some(t2.app.clone()));
    assert_eq!(db.business("nobody").await.unwrap(), None);

    // Every object is in the index, with its kind and business.
    for (id, kind, business) in [
        ("b1", ObjectKind::Business, "b1"),
        ("w1", ObjectKind::Waba, "b1"),
        ("p2", ObjectKind::PhoneNumber, "b2"),
        ("a2", ObjectKind::App, "b2"),
    ] {
        let o = db.object(id).await.unwrap().unwrap_or_else(|| panic!("{id} is not indexed"));
        assert_eq!((o.kind, o.business_id.as_str()), (kind, business), "{id}");
    }
    assert!(db.object("nothing").await.unwrap().is_none());

    assert_eq!(db.list_businesses().await.unwrap(), vec![t1.business.clone(), t2.business.clone()]);
    assert_eq!(db.list_wabas(None).await.unwrap().len(), 2);
    assert_eq!(db.list_wabas(Some("b2")).await.unwrap(), vec![t2.waba.clone()]);
    assert_eq!(db.list_apps(Some("b1")).await.unwrap(), vec![t1.app.clone()]);
    assert_eq!(db.list_phone_numbers(Some("b1")).await.unwrap(), vec![t1.phone.clone()]);
    assert_eq!(db.list_phone_numbers(None).await.unwrap().len(), 2);
}

async fn duplicate_ids_conflict(db: TestStore) {
    let t = tenant(&db, 1).await;
    let again = db.create_business(&t.business).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    // A number is unique across WABAs.
    let other = phone("p9", "w1", "b1", &t.phone.number);
    let dup = db.create_phone_number(&other).await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    // The failed plan left nothing behind: not even the object row it began with.
    assert!(db.object("p9").await.unwrap().is_none());
    // A WABA of a business that does not exist breaks a foreign key.
    let orphan = db.create_waba(&waba("w9", "missing")).await;
    assert!(matches!(orphan, Err(StoreError::Conflict(_))), "{orphan:?}");
}

async fn phone_number_pages(db: TestStore) {
    let t = tenant(&db, 1).await;
    for i in 2..=5 {
        db.create_phone_number(&phone(&format!("p{i}"), &t.waba.id, &t.business.id, &format!("1555020000{i}")))
            .await
            .unwrap();
    }
    let ids = |p: &risala_core::model::Page<risala_core::model::PhoneNumber>| {
        p.items.iter().map(|n| n.id.clone()).collect::<Vec<_>>()
    };
    let first = db.page_phone_numbers("w1", &PageRequest { limit: 2, after: None, before: None }).await.unwrap();
    assert_eq!(ids(&first), ["p1", "p2"]);
    assert!(first.has_more_after && !first.has_more_before);

    let last =
        db.page_phone_numbers("w1", &PageRequest { limit: 2, after: Some("p4".into()), before: None }).await.unwrap();
    assert_eq!(ids(&last), ["p5"]);
    assert!(!last.has_more_after && last.has_more_before);

    // Backwards from p4: the two before it, still in id order.
    let back =
        db.page_phone_numbers("w1", &PageRequest { limit: 2, after: None, before: Some("p4".into()) }).await.unwrap();
    assert_eq!(ids(&back), ["p2", "p3"]);
    assert!(back.has_more_before && back.has_more_after);

    let none = db.page_phone_numbers("w9", &PageRequest { limit: 2, after: None, before: None }).await.unwrap();
    assert!(none.items.is_empty() && !none.has_more_after);
}

async fn tokens(db: TestStore) {
    tenant(&db, 1).await;
    let token = TokenRecord {
        id: "t1".into(),
        business_id: "b1".into(),
        name: "ci".into(),
        token_hash: "hash1".into(),
        permissions: vec![Permission::Messaging, Permission::Management],
        created_at: T0,
        revoked_at: None,
        expires_at: Some(T0 + 100),
    };
    db.create_token(&token).await.unwrap();
    assert_eq!(db.token_by_hash("hash1").await.unwrap(), Some(token.clone()));
    assert_eq!(db.list_tokens(Some("b1")).await.unwrap(), vec![token.clone()]);
    assert!(db.list_tokens(Some("b2")).await.unwrap().is_empty());

    // Expiry is set and lifted on an active token only.
    assert!(db.expire_token("t1", Some(T0 + 50)).await.unwrap());
    assert_eq!(db.token_by_hash("hash1").await.unwrap().unwrap().expires_at, Some(T0 + 50));
    assert!(db.expire_token("t1", None).await.unwrap());
    assert_eq!(db.token_by_hash("hash1").await.unwrap().unwrap().expires_at, None);
    assert!(!db.expire_token("t9", None).await.unwrap());

    assert!(db.revoke_token("t1", T0 + 5).await.unwrap());
    assert!(!db.expire_token("t1", Some(T0)).await.unwrap(), "a revoked token stays revoked");
    assert!(!db.revoke_token("t1", T0 + 6).await.unwrap(), "a revoked token is revoked once");
    assert!(!db.revoke_token("t9", T0 + 6).await.unwrap());
    assert_eq!(db.token_by_hash("hash1").await.unwrap().unwrap().revoked_at, Some(T0 + 5));
}

async fn settings(db: TestStore) {
    assert_eq!(db.setting("demo").await.unwrap(), None);
    db.set_setting("demo", "one").await.unwrap();
    db.set_setting("other", "x").await.unwrap();
    db.set_setting("demo", "two").await.unwrap();
    assert_eq!(db.setting("demo").await.unwrap().as_deref(), Some("two"));
    assert_eq!(db.setting("other").await.unwrap().as_deref(), Some("x"));
}
