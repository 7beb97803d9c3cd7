//! A fresh store per test on each engine: SQLite in a temporary directory, PostgreSQL in a
//! schema of its own (dropped afterwards) when `RISALA_TEST_POSTGRES_URL` is set. Without it
//! the PostgreSQL run of a test is skipped with a note, except in CI (`CI` set), where it
//! fails: CI must never pass a PostgreSQL test it did not run.

use std::future::Future;
use std::path::PathBuf;

use rand::Rng;
use risala_store::{Engine, Keyring, SqlStore};

/// The PostgreSQL server for tests, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("RISALA_TEST_POSTGRES_URL").ok().filter(|s| !s.is_empty())
}

/// Whether a test on `engine` can run here. Panics in CI when PostgreSQL is not configured.
pub fn available(engine: Engine) -> bool {
    match engine {
        Engine::Sqlite => true,
        Engine::Postgres => match postgres_url() {
            Some(_) => true,
            None if std::env::var_os("CI").is_some() => {
                panic!("CI is set but RISALA_TEST_POSTGRES_URL is not: the PostgreSQL tests must run in CI")
            }
            None => {
                eprintln!("RISALA_TEST_POSTGRES_URL is not set: the PostgreSQL run of this test is skipped");
                false
            }
        },
    }
}

/// An empty database: a directory for SQLite, or a schema (with the URL that selects it).
pub struct Scratch {
    pub engine: Engine,
    dir: PathBuf,
    pub url: Option<String>,
    schema: Option<String>,
    /// The keys of this database's secrets, the same at every open.
    pub keys: Keyring,
}

impl Scratch {
    pub async fn new(engine: Engine) -> Scratch {
        let n: u64 = rand::thread_rng().gen();
        let dir = std::env::temp_dir().join(format!("risala-store-test-{n:016x}"));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        let (url, schema) = match engine {
            Engine::Sqlite => (None, None),
            Engine::Postgres => {
                let base = postgres_url().expect("RISALA_TEST_POSTGRES_URL");
                let schema = format!("t_{n:016x}");
                let (client, conn) = tokio_postgres::connect(&base, tokio_postgres::NoTls).await.expect("connect");
                tokio::spawn(conn);
                client.batch_execute(&format!("CREATE SCHEMA {schema}")).await.expect("create schema");
                let sep = if base.contains('?') { '&' } else { '?' };
                (Some(format!("{base}{sep}options=-csearch_path%3D{schema}")), Some(schema))
            }
        };
        Scratch { engine, dir, url, schema, keys: Keyring::ephemeral().expect("keys") }
    }

    pub fn sqlite_path(&self) -> PathBuf {
        self.dir.join("risala.db")
    }

    /// Open the store here (migrating the empty database).
    pub async fn open(&self) -> SqlStore {
        match self.engine {
            Engine::Sqlite => {
                // FULL, as a server runs by default: the writer's log goes through
                // `risala_walbuf`, so every SQLite test here also tests it.
                SqlStore::sqlite(&self.sqlite_path(), "FULL", self.keys.clone()).await.expect("open SQLite")
            }
            Engine::Postgres => {
                SqlStore::postgres(self.url.as_deref().expect("url"), self.keys.clone()).await.expect("open PostgreSQL")
            }
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        let (Some(schema), Some(base)) = (self.schema.take(), postgres_url()) else { return };
        // Drop the schema from a thread of its own: the test's runtime may be shutting down.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async {
                if let Ok((client, conn)) = tokio_postgres::connect(&base, tokio_postgres::NoTls).await {
                    tokio::spawn(conn);
                    let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).await;
                }
            });
        })
        .join();
    }
}

/// A store on a fresh database; the database goes when this is dropped.
pub struct TestStore {
    pub store: SqlStore,
    pub engine: Engine,
    _scratch: Scratch,
}

impl std::ops::Deref for TestStore {
    type Target = SqlStore;
    fn deref(&self) -> &SqlStore {
        &self.store
    }
}

impl TestStore {
    /// The SQLite database file, on SQLite.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        (self.engine == Engine::Sqlite).then(|| self._scratch.sqlite_path())
    }

    /// Another store on this database, as another process would open it.
    pub async fn another(&self) -> SqlStore {
        self._scratch.open().await
    }

    /// The URL that selects this test's schema, on PostgreSQL.
    pub fn schema_url(&self) -> Option<String> {
        self._scratch.url.clone()
    }

    /// A plain connection to this test's database, outside the store: for a migration's test,
    /// which builds tables of the old shape and runs the migration's own SQL on them.
    pub async fn raw(&self) -> RawDb {
        match self.engine {
            Engine::Sqlite => {
                RawDb::Sqlite(rusqlite::Connection::open(self.sqlite_file().expect("a SQLite file")).unwrap())
            }
            Engine::Postgres => {
                let url = self.schema_url().expect("a PostgreSQL URL");
                let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(conn);
                RawDb::Postgres(client)
            }
        }
    }
}

/// See [`TestStore::raw`].
pub enum RawDb {
    Sqlite(rusqlite::Connection),
    Postgres(tokio_postgres::Client),
}

impl RawDb {
    /// Of a migration's two files, this engine's.
    pub fn pick<'a>(&self, sqlite: &'a str, postgres: &'a str) -> &'a str {
        match self {
            RawDb::Sqlite(_) => sqlite,
            RawDb::Postgres(_) => postgres,
        }
    }

    /// Create tables of an old shape (SQLite gets `BIGINT` columns as `INTEGER`, its own
    /// spelling).
    pub async fn create(&self, ddl: &str) {
        match self {
            RawDb::Sqlite(_) => self.batch(&ddl.replace("BIGINT", "INTEGER")).await,
            RawDb::Postgres(_) => self.batch(ddl).await,
        }
        .unwrap()
    }

    /// Run statements.
    pub async fn batch(&self, sql: &str) -> Result<(), String> {
        match self {
            RawDb::Sqlite(c) => c.execute_batch(sql).map_err(|e| e.to_string()),
            RawDb::Postgres(c) => c.batch_execute(sql).await.map_err(|e| e.to_string()),
        }
    }

    /// The rows of a query whose columns are all text.
    pub async fn texts(&self, sql: &str) -> Result<Vec<Vec<String>>, String> {
        match self {
            RawDb::Sqlite(c) => {
                let mut q = c.prepare(sql).map_err(|e| e.to_string())?;
                let n = q.column_count();
                let rows = q.query_map([], |r| (0..n).map(|i| r.get(i)).collect()).map_err(|e| e.to_string())?;
                rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
            }
            RawDb::Postgres(c) => {
                let rows = c.query(sql, &[]).await.map_err(|e| e.to_string())?;
                Ok(rows.iter().map(|r| (0..r.len()).map(|i| r.get(i)).collect()).collect())
            }
        }
    }
}

/// Run `body` on a fresh store on `engine`, if that engine is available here.
pub async fn run<F, Fut>(engine: Engine, body: F)
where
    F: FnOnce(TestStore) -> Fut,
    Fut: Future<Output = ()>,
{
    if !available(engine) {
        return;
    }
    let scratch = Scratch::new(engine).await;
    let store = scratch.open().await;
    body(TestStore { store, engine, _scratch: scratch }).await;
}

/// For each `name`, a module `name` with tests `sqlite` and `postgres` that run
/// `async fn name(db: TestStore)` on a fresh store on that engine.
macro_rules! engine_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::harness::run(risala_store::Engine::Sqlite, super::$name).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    $crate::harness::run(risala_store::Engine::Postgres, super::$name).await;
                }
            }
        )*
    };
}
pub(crate) use engine_tests;
