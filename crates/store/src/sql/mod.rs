//! Every SQL statement the store runs, by name, one file per area. Store methods take their
//! text from here, and the store's tests prepare each one on both engines and check that its
//! `$N` parameters are numbered in order: what the store gives up by not using compile-time
//! checked SQL, its tests make up for.
//!
//! A statement is declared with `statements!`, which both defines the constant the code uses
//! and lists it in the area's `STATEMENTS`, so no statement can be used without being checked.
//! There is no SQL assembled at run time: [`crate::Db::query`] and [`crate::Plan`] take
//! `&'static str`, and a method that needs another shape (paging backwards, a filter by id
//! list) picks another named statement.

use crate::db::Engine;

pub(crate) mod accounts;
pub(crate) mod ads;
pub(crate) mod at_rest;
pub(crate) mod badges;
pub(crate) mod billing;
pub(crate) mod bots;
pub(crate) mod broadcasts;
pub(crate) mod catalogs;
pub(crate) mod cbp;
pub(crate) mod cluster;
pub(crate) mod contacts;
pub(crate) mod engine;
pub(crate) mod faq;
pub(crate) mod flows;
pub(crate) mod hours;
pub(crate) mod inbox;
pub(crate) mod insights;
pub(crate) mod messages;
pub(crate) mod numbers;
pub(crate) mod payments;
pub(crate) mod privacy;
pub(crate) mod profile;
pub(crate) mod quality;
pub(crate) mod quick_replies;
pub(crate) mod sandbox;
pub(crate) mod secrets;
pub(crate) mod state_file;
pub(crate) mod templates;
pub(crate) mod tenancy;
pub(crate) mod user_ids;
pub(crate) mod webhooks;

/// The text of a statement, per engine that runs it.
#[derive(Debug, Clone, Copy)]
pub enum Sql {
    /// The same text on both engines (SQLite accepts `$1` placeholders).
    Both(&'static str),
    /// One statement in each engine's dialect (the lease statements of `webhooks` take no
    /// owner on SQLite, which keeps its leases in memory: one parameter fewer there).
    Pair { sqlite: &'static str, postgres: &'static str },
    /// Run by SQLite only.
    Sqlite(&'static str),
    /// Run by PostgreSQL only.
    Postgres(&'static str),
}

/// One named statement of the store.
#[derive(Debug, Clone, Copy)]
pub struct Statement {
    /// The constant's name.
    pub name: &'static str,
    pub sql: Sql,
}

impl Statement {
    /// The text `engine` runs, if it runs this statement.
    pub fn on(&self, engine: Engine) -> Option<&'static str> {
        match (self.sql, engine) {
            (Sql::Both(s), _) => Some(s),
            (Sql::Pair { sqlite, .. }, Engine::Sqlite) => Some(sqlite),
            (Sql::Pair { postgres, .. }, Engine::Postgres) => Some(postgres),
            (Sql::Sqlite(s), Engine::Sqlite) => Some(s),
            (Sql::Postgres(s), Engine::Postgres) => Some(s),
            (Sql::Sqlite(_), Engine::Postgres) | (Sql::Postgres(_), Engine::Sqlite) => None,
        }
    }
}

/// Declare an area's statements: `both NAME = "…";` (a `&str`), `pair NAME = (sqlite,
/// postgres);` (a `(&str, &str)`), `sqlite NAME = "…";` or `postgres NAME = "…";`. Defines a
/// `pub(crate) const` for each, and `STATEMENTS` listing them all.
macro_rules! statements {
    ($( $(#[$doc:meta])* $kind:ident $name:ident = $sql:expr; )*) => {
        $( $crate::sql::statements!(@const $(#[$doc])* $kind $name $sql); )*

        /// Every statement of this area, for the store's SQL check.
        pub(crate) const STATEMENTS: &[$crate::sql::Statement] = &[
            $( $crate::sql::Statement { name: stringify!($name), sql: $crate::sql::statements!(@sql $kind $name) } ),*
        ];
    };
    (@const $(#[$doc:meta])* pair $name:ident $sql:expr) => {
        $(#[$doc])* pub(crate) const $name: (&str, &str) = $sql;
    };
    (@const $(#[$doc:meta])* $kind:ident $name:ident $sql:expr) => {
        $(#[$doc])* pub(crate) const $name: &str = $sql;
    };
    (@sql both $name:ident) => { $crate::sql::Sql::Both($name) };
    (@sql pair $name:ident) => { $crate::sql::Sql::Pair { sqlite: $name.0, postgres: $name.1 } };
    (@sql sqlite $name:ident) => { $crate::sql::Sql::Sqlite($name) };
    (@sql postgres $name:ident) => { $crate::sql::Sql::Postgres($name) };
}
pub(crate) use statements;

/// The statements PostgreSQL may run for the rows of several plans of a batch at once (see
/// [`crate::Plan::mergeable`]): each with its form over arrays, whose `$N` is the array of the
/// rows' `$N` values.
pub(crate) const MERGED: &[(&str, &str)] = &[
    (messages::INSERT_MESSAGE, messages::INSERT_MESSAGES),
    (messages::TOUCH_CONVERSATION_INBOUND, messages::TOUCH_CONVERSATIONS_INBOUND),
    (messages::TOUCH_CONVERSATION_OUTBOUND, messages::TOUCH_CONVERSATIONS_OUTBOUND),
    (webhooks::INSERT_OUTBOX, webhooks::INSERT_OUTBOX_ROWS),
];

/// The statements of [`MERGED`], each with its form over arrays (for the store's SQL check).
#[doc(hidden)]
pub fn merged() -> &'static [(&'static str, &'static str)] {
    MERGED
}

/// Every statement the store runs, with its area.
#[doc(hidden)]
pub fn all() -> impl Iterator<Item = (&'static str, &'static Statement)> {
    [
        ("engine", engine::STATEMENTS),
        ("cluster", cluster::STATEMENTS),
        ("tenancy", tenancy::STATEMENTS),
        ("messages", messages::STATEMENTS),
        ("numbers", numbers::STATEMENTS),
        ("privacy", privacy::STATEMENTS),
        ("profile", profile::STATEMENTS),
        ("webhooks", webhooks::STATEMENTS),
        ("templates", templates::STATEMENTS),
        ("billing", billing::STATEMENTS),
        ("cbp", cbp::STATEMENTS),
        ("quality", quality::STATEMENTS),
        ("secrets", secrets::STATEMENTS),
        ("accounts", accounts::STATEMENTS),
        ("inbox", inbox::STATEMENTS),
        ("at_rest", at_rest::STATEMENTS),
        ("user_ids", user_ids::STATEMENTS),
        ("sandbox", sandbox::STATEMENTS),
        ("flows", flows::STATEMENTS),
        ("insights", insights::STATEMENTS),
        ("hours", hours::STATEMENTS),
        ("quick_replies", quick_replies::STATEMENTS),
        ("state_file", state_file::STATEMENTS),
        ("faq", faq::STATEMENTS),
        ("contacts", contacts::STATEMENTS),
        ("broadcasts", broadcasts::STATEMENTS),
        ("catalogs", catalogs::STATEMENTS),
        ("bots", bots::STATEMENTS),
        ("ads", ads::STATEMENTS),
        ("badges", badges::STATEMENTS),
        ("payments", payments::STATEMENTS),
    ]
    .into_iter()
    .flat_map(|(area, list)| list.iter().map(move |s| (area, s)))
}
