//! The web app's people: users (email unique), sessions by token hash, one-time reset tokens,
//! invitations accepted once.

use risala_core::model::*;
use risala_core::store::*;
use risala_core::StoreError;

use crate::fixtures::*;
use crate::harness::{engine_tests, TestStore};

engine_tests!(users_and_sessions, resets_are_one_time, invitations_are_accepted_once);

fn user(id: &str, business_id: &str, email: &str, role: Role) -> User {
    User {
        id: id.into(),
        business_id: business_id.into(),
        email: email.into(),
        name: format!("Name {id}"),
        password_hash: format!("hash-{id}"),
        role,
        created_at: T0,
        disabled_at: None,
    }
}

async fn users_and_sessions(db: TestStore) {
    tenant(&db, 1).await;
    tenant(&db, 2).await;
    let owner = user("u1", "b1", "owner@b1.example", Role::Owner);
    db.create_user(&owner).await.unwrap();
    db.create_user(&user("u2", "b1", "agent@b1.example", Role::Agent)).await.unwrap();
    db.create_user(&user("u3", "b2", "owner@b2.example", Role::Owner)).await.unwrap();
    let taken = db.create_user(&user("u4", "b2", "owner@b1.example", Role::Agent)).await;
    assert!(matches!(taken, Err(StoreError::Conflict(_))), "{taken:?}");

    assert_eq!(db.user("u1").await.unwrap(), Some(owner.clone()));
    assert_eq!(db.user_by_email("owner@b1.example").await.unwrap(), Some(owner.clone()));
    let ids: Vec<_> = db.users("b1").await.unwrap().into_iter().map(|u| u.id).collect();
    assert_eq!(ids, ["u1", "u2"]);
    assert!(db.set_user_role("b1", "u2", Role::Admin).await.unwrap());
    assert!(!db.set_user_role("b2", "u2", Role::Owner).await.unwrap(), "another business's user");
    assert_eq!(db.user("u2").await.unwrap().unwrap().role, Role::Admin);

    db.create_user_session("s1", "u1", T0, T0 + 1000).await.unwrap();
    db.create_user_session("s2", "u1", T0, T0 + 1000).await.unwrap();
    db.create_user_session("s3", "u2", T0, T0 + 1000).await.unwrap();
    let s = db.user_session("s1", T0 + 10).await.unwrap().unwrap();
    assert_eq!((s.user, s.expires_at, s.last_seen_at), (owner, T0 + 1000, T0));
    assert_eq!(db.user_session("s1", T0 + 1000).await.unwrap(), None, "expired");
    db.touch_user_session("s1", T0 + 500).await.unwrap();
    assert_eq!(db.user_session("s1", T0 + 600).await.unwrap().unwrap().last_seen_at, T0 + 500);
    db.delete_user_session("s1").await.unwrap();
    assert_eq!(db.user_session("s1", T0).await.unwrap(), None);
    assert_eq!(db.delete_user_sessions("u1").await.unwrap(), 1);
    assert_eq!(db.user_session("s2", T0).await.unwrap(), None);

    // Disabling ends the user's sessions; enabling does not bring them back.
    assert!(db.set_user_disabled("b1", "u2", Some(T0 + 5)).await.unwrap());
    assert_eq!(db.user("u2").await.unwrap().unwrap().disabled_at, Some(T0 + 5));
    assert_eq!(db.user_session("s3", T0).await.unwrap(), None);
    assert!(db.set_user_disabled("b1", "u2", None).await.unwrap());
    assert_eq!(db.user("u2").await.unwrap().unwrap().disabled_at, None);
    assert!(!db.set_user_disabled("b2", "u1", Some(T0)).await.unwrap(), "another business's user");
}

async fn resets_are_one_time(db: TestStore) {
    tenant(&db, 1).await;
    db.create_user(&user("u1", "b1", "a@b1.example", Role::Owner)).await.unwrap();
    db.create_user_session("s1", "u1", T0, T0 + 10_000).await.unwrap();
    db.create_password_reset("r1", "u1", T0, T0 + 100).await.unwrap();
    assert_eq!(db.password_reset("r1", T0 + 1).await.unwrap().as_deref(), Some("u1"));
    assert_eq!(db.password_reset("r1", T0 + 100).await.unwrap(), None, "expired");
    assert!(!db.set_password("u1", "late", Some("r1"), T0 + 100).await.unwrap());
    assert_eq!(db.user("u1").await.unwrap().unwrap().password_hash, "hash-u1");
    assert!(db.user_session("s1", T0).await.unwrap().is_some(), "a refused reset ends nothing");

    assert!(db.set_password("u1", "new", Some("r1"), T0 + 1).await.unwrap());
    assert_eq!(db.user("u1").await.unwrap().unwrap().password_hash, "new");
    assert_eq!(db.user_session("s1", T0).await.unwrap(), None, "a new password ends the sessions");
    assert_eq!(db.password_reset("r1", T0 + 2).await.unwrap(), None, "used");
    assert!(!db.set_password("u1", "again", Some("r1"), T0 + 2).await.unwrap());
    assert!(db.set_password("u1", "direct", None, T0 + 3).await.unwrap());
    assert_eq!(db.user("u1").await.unwrap().unwrap().password_hash, "direct");
}

async fn invitations_are_accepted_once(db: TestStore) {
    tenant(&db, 1).await;
    db.create_user(&user("u1", "b1", "owner@b1.example", Role::Owner)).await.unwrap();
    let inv = |hash: &str, at: i64| Invitation {
        token_hash: hash.into(),
        business_id: "b1".into(),
        email: "new@b1.example".into(),
        role: Role::Agent,
        invited_by: "u1".into(),
        created_at: at,
        expires_at: at + 100,
        accepted_at: None,
    };
    db.create_invitation(&inv("i1", T0)).await.unwrap();
    db.create_invitation(&inv("i2", T0 + 1)).await.unwrap();
    assert_eq!(db.invitation("i1", T0).await.unwrap(), None, "a new invitation replaces the pending one");
    assert_eq!(db.invitations("b1", T0 + 2).await.unwrap(), vec![inv("i2", T0 + 1)]);

    let mut joiner = user("u2", "b2", "ignored@b2.example", Role::Owner);
    joiner.name = "Sara".into();
    assert!(!db.accept_invitation("i2", &joiner, T0 + 101).await.unwrap(), "expired");
    assert!(db.accept_invitation("i2", &joiner, T0 + 50).await.unwrap());
    let u = db.user("u2").await.unwrap().unwrap();
    assert_eq!(
        (u.business_id.as_str(), u.email.as_str(), u.role, u.name.as_str(), u.created_at),
        ("b1", "new@b1.example", Role::Agent, "Sara", T0 + 50),
        "the business, email and role are the invitation's"
    );
    assert!(!db.accept_invitation("i2", &user("u3", "b1", "x@b1.example", Role::Agent), T0 + 51).await.unwrap());
    assert_eq!(db.user("u3").await.unwrap(), None);
    assert!(db.invitations("b1", T0 + 52).await.unwrap().is_empty());
}
