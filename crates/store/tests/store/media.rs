//! Media: insert, read, copy into a chat, delete, expiry.

use risala_core::model::*;
use risala_core::store::*;

use crate::fixtures::*;
use crate::harness::{engine_tests, TestStore};

engine_tests!(media_round_trip, media_copy_rides_with_its_message, media_expiry);

fn media(id: &str, expires_at: i64) -> Media {
    Media {
        id: id.into(),
        business_id: "b1".into(),
        phone_number_id: Some("p1".into()),
        owner_wa_id: None,
        mime_type: "image/png".into(),
        sha256: format!("sha-{id}"),
        file_size: 4,
        filename: Some(format!("{id}.png")),
        created_at: T0,
        expires_at,
    }
}

async fn media_round_trip(db: TestStore) {
    tenant(&db, 1).await;
    let m = media("m1", T0 + 1000);
    // Every byte value survives, including NUL and invalid UTF-8.
    let data = vec![0u8, 159, 146, 150, 255];
    db.insert_media(&m, &data).await.unwrap();
    assert_eq!(db.media("m1").await.unwrap(), Some(m.clone()));
    assert_eq!(db.media_data("m1").await.unwrap(), Some(data));
    assert_eq!(db.object("m1").await.unwrap().map(|o| o.kind), Some(ObjectKind::Media));

    assert!(db.delete_media("m1").await.unwrap());
    assert!(!db.delete_media("m1").await.unwrap(), "deleted once");
    assert_eq!(db.media("m1").await.unwrap(), None);
    assert_eq!(db.media_data("m1").await.unwrap(), None);
    assert!(db.object("m1").await.unwrap().is_none(), "the object index forgets it too");
}

async fn media_copy_rides_with_its_message(db: TestStore) {
    let t = tenant(&db, 1).await;
    let wa = "31655555555";
    db.upsert_customer(&customer(wa), false).await.unwrap();
    db.insert_media(&media("m1", T0 + 1000), b"data").await.unwrap();
    let m = message(&t, wa, 1, Direction::Outbound);
    let copy = MediaCopy {
        new_id: "m1-copy".into(),
        source_id: "m1".into(),
        business_id: "b1".into(),
        owner_wa_id: Some(wa.into()),
        phone_number_id: None,
        created_at: T0 + 5,
        expires_at: T0 + 5000,
    };
    db.record_message(&NewMessage { media_copy: Some(copy), ..plain(&m) }).await.unwrap();
    let stored = db.media("m1-copy").await.unwrap().expect("copy");
    assert_eq!(stored.owner_wa_id.as_deref(), Some(wa));
    assert_eq!(stored.phone_number_id, None);
    assert_eq!((stored.created_at, stored.expires_at), (T0 + 5, T0 + 5000));
    assert_eq!((stored.mime_type.as_str(), stored.sha256.as_str(), stored.file_size), ("image/png", "sha-m1", 4));
    assert_eq!(db.media_data("m1-copy").await.unwrap().as_deref(), Some(&b"data"[..]));
    assert!(db.object("m1-copy").await.unwrap().is_some());
}

async fn media_expiry(db: TestStore) {
    tenant(&db, 1).await;
    db.insert_media(&media("old", T0 + 100), b"a").await.unwrap();
    db.insert_media(&media("edge", T0 + 200), b"b").await.unwrap();
    db.insert_media(&media("new", T0 + 300), b"c").await.unwrap();
    assert_eq!(db.expire_media(T0 + 99).await.unwrap(), 0);
    // Retention ends at `expires_at`: both that ended by now go, with their index rows.
    assert_eq!(db.expire_media(T0 + 200).await.unwrap(), 2);
    assert!(db.media("old").await.unwrap().is_none() && db.media("edge").await.unwrap().is_none());
    assert!(db.object("old").await.unwrap().is_none());
    assert!(db.media("new").await.unwrap().is_some() && db.object("new").await.unwrap().is_some());
}
