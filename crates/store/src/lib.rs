//! SQLite and PostgreSQL storage behind the `risala-core` store traits. Store methods are
//! written once over [`db::Db`]; each engine supplies reads and a group-commit writer.

mod accounts;
mod ads;
mod at_rest;
pub mod backup;
mod badges;
pub mod billing;
mod bots;
mod broadcasts;
mod catalogs;
mod cbp;
pub mod cluster;
mod contacts;
pub mod datadir;
pub mod db;
mod faq;
mod flows;
mod hours;
mod inbox;
mod insights;
pub mod keyring;
pub mod messages;
pub mod migrate;
mod numbers;
mod payments;
pub mod postgres;
mod privacy;
mod profile;
pub mod quality;
mod quick_replies;
mod sandbox;
mod schedule;
mod secrets;
#[doc(hidden)]
pub mod sql;
pub mod sqlite;
mod state_file;
mod templates;
mod tenancy;
mod user_ids;
pub mod value;
pub mod webhooks;

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use risala_core::store::*;
use risala_core::StoreError;

pub use db::{Db, Engine, Plan};
pub use keyring::Keyring;

/// The SQLite database file the configuration names (`sqlite:PATH`, or else `sqlite_path`),
/// or `None` for PostgreSQL.
pub fn sqlite_file(database_url: Option<&str>, sqlite_path: &Path) -> Result<Option<PathBuf>, StoreError> {
    match database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => Ok(None),
        Some(url) if url.starts_with("sqlite:") => {
            Ok(Some(PathBuf::from(url.trim_start_matches("sqlite://").trim_start_matches("sqlite:"))))
        }
        Some(other) => {
            Err(StoreError::Database(format!("unsupported database URL '{other}': use postgres://… or sqlite:PATH")))
        }
        None => Ok(Some(sqlite_path.to_path_buf())),
    }
}

/// The one store implementation.
#[derive(Clone)]
pub struct SqlStore {
    pub(crate) db: Db,
    /// The outbox's schedule and webhook leases of this process (SQLite only; PostgreSQL keeps
    /// leases in the rows).
    pub(crate) schedule: std::sync::Arc<webhooks::OutboxSchedule>,
    /// Encrypts the secrets columns before binding and decrypts them after reading.
    pub(crate) keys: Keyring,
    /// Whether new message bodies and webhook payloads are encrypted too (`encrypt_at_rest`).
    pub(crate) seal_bodies: bool,
}

impl SqlStore {
    /// The store over `db`, once `keys` proved to be the keys its secrets are encrypted with.
    async fn over(db: Db, keys: Keyring) -> Result<SqlStore, StoreError> {
        let store = SqlStore { db, schedule: Default::default(), keys, seal_bodies: false };
        store.check_keys().await?;
        Ok(store)
    }

    /// Open SQLite at `path` (WAL; `synchronous` is FULL, NORMAL or OFF).
    pub async fn sqlite(path: &Path, synchronous: &str, keys: Keyring) -> Result<SqlStore, StoreError> {
        SqlStore::over(Db::Sqlite(sqlite::SqliteDb::open(path, synchronous)?), keys).await
    }

    /// Connect to PostgreSQL (`postgres://…`).
    pub async fn postgres(url: &str, keys: Keyring) -> Result<SqlStore, StoreError> {
        SqlStore::over(Db::Postgres(postgres::PgDb::connect(url).await?), keys).await
    }

    /// Open whichever engine the configuration names: a PostgreSQL URL, or else SQLite at
    /// `sqlite_path`; secrets are encrypted with `keys`.
    pub async fn open(
        database_url: Option<&str>,
        sqlite_path: &Path,
        synchronous: &str,
        keys: Keyring,
    ) -> Result<SqlStore, StoreError> {
        match sqlite_file(database_url, sqlite_path)? {
            Some(path) => Self::sqlite(&path, synchronous, keys).await,
            None => Self::postgres(database_url.unwrap_or_default(), keys).await,
        }
    }

    /// The keys that encrypt this store's secrets.
    pub fn keyring(&self) -> &Keyring {
        &self.keys
    }

    pub fn db(&self) -> &Db {
        &self.db
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> StoreResult<()> {
        self.db.ping().await
    }

    fn engine(&self) -> Engine {
        self.db.engine()
    }

    async fn checkpoint(&self) -> StoreResult<()> {
        match &self.db {
            Db::Sqlite(d) => d.checkpoint().await,
            Db::Postgres(_) => Ok(()),
        }
    }
}
