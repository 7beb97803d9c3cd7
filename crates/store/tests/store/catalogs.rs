//! Catalog products: a new product of a retailer id the catalog has is Conflict (the unique
//! key holds it, so a create racing another is refused), where the batch's upsert replaces it.

use risala_core::commerce::products::blank;
use risala_core::store::*;
use risala_core::StoreError;

use crate::fixtures::*;
use crate::harness::{engine_tests, TestStore};

engine_tests!(a_products_retailer_id_is_created_once);

async fn a_products_retailer_id_is_created_once(db: TestStore) {
    tenant(&db, 1).await;
    let catalog = Catalog {
        id: "c1".into(),
        business_id: "b1".into(),
        name: "Souk".into(),
        vertical: "commerce".into(),
        waba_id: None,
        created_at: T0,
        updated_at: T0,
    };
    db.insert_catalog(&catalog).await.unwrap();
    let product = |name: &str| Product { retailer_id: "tea".into(), name: name.into(), ..blank("c1", T0) };
    db.create_product(&product("Mint tea")).await.unwrap();
    let again = db.create_product(&product("Green tea")).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(db.product("c1", "tea").await.unwrap().unwrap().name, "Mint tea", "not overwritten");
    // The batch's upsert replaces it, keeping its id.
    let first = db.product("c1", "tea").await.unwrap().unwrap();
    db.write_products("c1", &[product("Green tea")], &[]).await.unwrap();
    let now = db.product("c1", "tea").await.unwrap().unwrap();
    assert_eq!((now.id, now.name.as_str()), (first.id, "Green tea"));
}
