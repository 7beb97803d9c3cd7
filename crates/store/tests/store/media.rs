//! Media: insert, read, copy into a chat, delete, expiry.

use risala_core::model::*;
use risala_core::store::*;

use crate::fixtures::*;
use risala_store::Engine;

use crate::harness::{engine_tests, TestStore};

engine_tests!(
    media_round_trip,
    media_chunks_round_trip_and_go_with_their_media,
    media_copy_rides_with_its_message,
    media_expiry,
    migration_cuts_stored_media_into_chunks,
    media_chunks_are_encrypted_at_rest
);

/// Store `data` as media `id`, chunk by chunk, as the messaging service does.
async fn insert_with_chunks(db: &TestStore, m: &Media, data: &[u8]) {
    db.insert_media(m).await.unwrap();
    for (seq, chunk) in data.chunks(MEDIA_CHUNK).enumerate() {
        db.insert_media_chunk(&m.id, seq as i64, chunk.to_vec()).await.unwrap();
    }
}

/// Media `id`'s bytes, read back chunk by chunk until a chunk is missing.
async fn read_chunks(db: &TestStore, id: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut seq = 0;
    while let Some(chunk) = db.media_chunk(id, seq).await.unwrap() {
        out.extend_from_slice(&chunk);
        seq += 1;
    }
    out
}

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
    insert_with_chunks(&db, &m, &data).await;
    assert_eq!(db.media("m1").await.unwrap(), Some(m.clone()));
    assert_eq!(db.media_chunk("m1", 0).await.unwrap(), Some(data));
    assert_eq!(db.object("m1").await.unwrap().map(|o| o.kind), Some(ObjectKind::Media));

    assert!(db.delete_media("m1").await.unwrap());
    assert!(!db.delete_media("m1").await.unwrap(), "deleted once");
    assert_eq!(db.media("m1").await.unwrap(), None);
    assert_eq!(db.media_chunk("m1", 0).await.unwrap(), None);
    assert!(db.object("m1").await.unwrap().is_none(), "the object index forgets it too");
}

async fn media_chunks_round_trip_and_go_with_their_media(db: TestStore) {
    tenant(&db, 1).await;
    // Two whole chunks and a short one, every byte value in each.
    let data: Vec<u8> = (0..2 * MEDIA_CHUNK + 1000).map(|i| (i * 7 % 251) as u8).collect();
    let mut m = media("big", T0 + 1000);
    m.file_size = data.len() as i64;
    assert_eq!(m.chunk_count(), 3);
    insert_with_chunks(&db, &m, &data).await;
    assert_eq!(db.media_chunk("big", 2).await.unwrap().map(|c| c.len()), Some(1000));
    assert_eq!(db.media_chunk("big", 3).await.unwrap(), None);
    assert!(read_chunks(&db, "big").await == data, "the bytes come back as written");

    // A chunk larger than MEDIA_CHUNK, one at a taken seq, and one of media that does not exist
    // are refused.
    assert!(db.insert_media_chunk("big", 3, vec![0; MEDIA_CHUNK + 1]).await.is_err());
    assert!(db.insert_media_chunk("big", 1, vec![1]).await.is_err());
    assert!(db.insert_media_chunk("nobody", 0, vec![1]).await.is_err());

    // Expiry is extended once every chunk is in.
    db.set_media_expiry("big", T0 + 9000).await.unwrap();
    assert_eq!(db.media("big").await.unwrap().map(|m| m.expires_at), Some(T0 + 9000));

    let other = media("other", T0 + 1000);
    insert_with_chunks(&db, &other, b"kept").await;
    assert!(db.delete_media("big").await.unwrap());
    for seq in 0..3 {
        assert_eq!(db.media_chunk("big", seq).await.unwrap(), None, "chunk {seq} went with its media");
    }
    assert_eq!(read_chunks(&db, "other").await, b"kept", "other media keep theirs");
}

async fn media_copy_rides_with_its_message(db: TestStore) {
    let t = tenant(&db, 1).await;
    let wa = "31655555555";
    db.upsert_customer(&customer(wa), false).await.unwrap();
    insert_with_chunks(&db, &media("m1", T0 + 1000), b"data").await;
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
    db.record_message(&NewMessage { media_copies: vec![copy], ..plain(&m) }).await.unwrap();
    let stored = db.media("m1-copy").await.unwrap().expect("copy");
    assert_eq!(stored.owner_wa_id.as_deref(), Some(wa));
    assert_eq!(stored.phone_number_id, None);
    assert_eq!((stored.created_at, stored.expires_at), (T0 + 5, T0 + 5000));
    assert_eq!((stored.mime_type.as_str(), stored.sha256.as_str(), stored.file_size), ("image/png", "sha-m1", 4));
    assert_eq!(read_chunks(&db, "m1-copy").await, b"data");
    assert!(db.object("m1-copy").await.unwrap().is_some());
    // The copy has chunks of its own: deleting the original keeps them.
    assert!(db.delete_media("m1").await.unwrap());
    assert_eq!(read_chunks(&db, "m1-copy").await, b"data");
}

async fn media_expiry(db: TestStore) {
    tenant(&db, 1).await;
    insert_with_chunks(&db, &media("old", T0 + 100), b"a").await;
    insert_with_chunks(&db, &media("edge", T0 + 200), b"b").await;
    insert_with_chunks(&db, &media("new", T0 + 300), b"c").await;
    assert_eq!(db.expire_media(T0 + 99).await.unwrap(), 0);
    // Retention ends at `expires_at`: both that ended by now go, with their index rows.
    assert_eq!(db.expire_media(T0 + 200).await.unwrap(), 2);
    assert!(db.media("old").await.unwrap().is_none() && db.media("edge").await.unwrap().is_none());
    assert!(db.object("old").await.unwrap().is_none());
    assert_eq!(db.media_chunk("old", 0).await.unwrap(), None, "chunks expire with their media");
    assert!(db.media("new").await.unwrap().is_some() && db.object("new").await.unwrap().is_some());
    assert_eq!(read_chunks(&db, "new").await, b"c");
}

/// Migration 0016 on a database holding media as one BLOB each (as before it): every file ends
/// up in chunks of 1 MiB, byte for byte, and the column goes. Run on the engine's own SQL.
async fn migration_cuts_stored_media_into_chunks(db: TestStore) {
    let big: Vec<u8> = (0..MEDIA_CHUNK + 5).map(|i| (i % 253) as u8).collect();
    let create = "CREATE TABLE m16 (id TEXT PRIMARY KEY, data BYTES NOT NULL)";
    let (sqlite, postgres) = (
        include_str!("../../migrations/sqlite/0016_media_chunks.sql"),
        include_str!("../../migrations/postgres/0016_media_chunks.sql"),
    );
    // The migration's own text, run on a table of the old shape under other names (its
    // `media_id` column becomes `m16_id`).
    let rename = |sql: &str| sql.replace("media_chunks", "m16_chunks").replace("media", "m16");
    let chunks: Vec<(String, i64, Vec<u8>)> = match db.engine {
        Engine::Sqlite => {
            let path = db.sqlite_file().expect("a SQLite file");
            let conn = rusqlite::Connection::open(path).unwrap();
            conn.execute(&create.replace("BYTES", "BLOB"), []).unwrap();
            conn.execute("INSERT INTO m16 VALUES ('a', ?1), ('b', ?2)", rusqlite::params![big, b"small".to_vec()])
                .unwrap();
            conn.execute_batch(&rename(sqlite)).unwrap();
            let mut q = conn.prepare("SELECT m16_id, seq, data FROM m16_chunks ORDER BY m16_id, seq").unwrap();
            let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
            rows.map(Result::unwrap).collect()
        }
        Engine::Postgres => {
            let url = db.schema_url().expect("a PostgreSQL URL");
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(conn);
            client.batch_execute(&create.replace("BYTES", "BYTEA")).await.unwrap();
            client.execute("INSERT INTO m16 VALUES ('a', $1), ('b', $2)", &[&big, &b"small".to_vec()]).await.unwrap();
            client.batch_execute(&rename(postgres)).await.unwrap();
            let rows = client.query("SELECT m16_id, seq, data FROM m16_chunks ORDER BY m16_id, seq", &[]).await;
            rows.unwrap().iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect()
        }
    };
    let shape: Vec<(&str, i64, usize)> = chunks.iter().map(|(id, seq, d)| (id.as_str(), *seq, d.len())).collect();
    assert_eq!(shape, [("a", 0, MEDIA_CHUNK), ("a", 1, 5), ("b", 0, 5)]);
    assert!(chunks[0].2.iter().chain(&chunks[1].2).copied().eq(big.iter().copied()), "bytes kept in order");
    assert_eq!(chunks[2].2, b"small");
}

/// With `encrypt_at_rest`, chunks are stored encrypted (bound to their file's SHA-256 and their
/// place in it) and read back plain whatever the switch; a copy's chunks open, a chunk moved to
/// another file does not.
async fn media_chunks_are_encrypted_at_rest(db: TestStore) {
    let t = tenant(&db, 1).await;
    let sealed = db.store.clone().encrypt_at_rest(true);
    let secret = b"%PDF-1.4 the distinctive media secret".to_vec();
    let m = media("sec", T0 + 1000);
    sealed.insert_media(&m).await.unwrap();
    sealed.insert_media_chunk("sec", 0, secret.clone()).await.unwrap();
    let rows = db.db().query("SELECT data FROM media_chunks WHERE media_id = 'sec'", vec![]).await.unwrap();
    let raw = rows[0].blob(0).unwrap();
    assert!(risala_store::Keyring::is_sealed_bytes(&raw), "stored encrypted");
    assert!(!raw.windows(11).any(|w| w == b"distinctive"), "no plain text in the row");
    assert_eq!(sealed.media_chunk("sec", 0).await.unwrap(), Some(secret.clone()));
    assert_eq!(db.media_chunk("sec", 0).await.unwrap(), Some(secret.clone()), "reads whatever the switch");

    // The copy a send makes shares the stored bytes, and opens.
    let wa = "31655555555";
    db.upsert_customer(&customer(wa), false).await.unwrap();
    let msg = message(&t, wa, 1, Direction::Outbound);
    let copy = MediaCopy {
        new_id: "sec-copy".into(),
        source_id: "sec".into(),
        business_id: "b1".into(),
        owner_wa_id: Some(wa.into()),
        phone_number_id: None,
        created_at: T0 + 5,
        expires_at: T0 + 5000,
    };
    sealed.record_message(&NewMessage { media_copies: vec![copy], ..plain(&msg) }).await.unwrap();
    assert_eq!(sealed.media_chunk("sec-copy", 0).await.unwrap(), Some(secret.clone()));

    // The same bytes as another file's chunk: refused, not read as that file.
    let other = Media { sha256: "sha-other".into(), ..media("other", T0 + 1000) };
    sealed.insert_media(&other).await.unwrap();
    sealed.insert_media_chunk("other", 0, b"%PDF-1.4 other".to_vec()).await.unwrap();
    let swap = risala_store::Plan::one(
        "UPDATE media_chunks SET data = (SELECT data FROM media_chunks WHERE media_id = 'sec' AND seq = 0) WHERE media_id = 'other'",
        vec![],
    );
    db.db().write(swap).await.unwrap();
    assert!(sealed.media_chunk("other", 0).await.is_err(), "a chunk of another file does not open");

    // Switch off: written plain, except bytes that would read as encrypted.
    let plain_media = media("plain", T0 + 1000);
    db.insert_media(&plain_media).await.unwrap();
    db.insert_media_chunk("plain", 0, b"plain bytes".to_vec()).await.unwrap();
    let rows = db.db().query("SELECT data FROM media_chunks WHERE media_id = 'plain'", vec![]).await.unwrap();
    assert_eq!(rows[0].blob(0).unwrap(), b"plain bytes");
    let mut look_alike = risala_store::keyring::BYTES_MAGIC.to_vec();
    look_alike.extend_from_slice(&[0u8; 64]);
    let m2 = media("alike", T0 + 1000);
    db.insert_media(&m2).await.unwrap();
    db.insert_media_chunk("alike", 0, look_alike.clone()).await.unwrap();
    assert_eq!(db.media_chunk("alike", 0).await.unwrap(), Some(look_alike));
}
