//! `risala admin backup|restore`: a consistent copy of the SQLite database while the server
//! serves, and its restore while no server holds the data directory. PostgreSQL is backed up
//! with PostgreSQL's own tools.

use std::path::Path;

use anyhow::bail;
use risala_server::Config;

/// The SQLite database of the configuration, or an answer pointing PostgreSQL users at
/// `pg_dump`/`pg_restore`.
fn sqlite_database(config: &Config, what: &str) -> anyhow::Result<std::path::PathBuf> {
    match risala_store::sqlite_file(config.database_url.as_deref(), &config.sqlite_path())? {
        Some(db) => Ok(db),
        None => bail!(
            "{what} on PostgreSQL is done with PostgreSQL's tools: pg_dump --format=custom and pg_restore \
             (see the Security chapter of the book)"
        ),
    }
}

pub fn backup(config: &Config, to: &Path) -> anyhow::Result<()> {
    let db = sqlite_database(config, "backup")?;
    let bytes = risala_store::backup::backup(&db, to)?;
    println!(
        "backed up {} to {} ({bytes} bytes); keep the key file ({}) apart from it: the secrets in the backup need it",
        db.display(),
        to.display(),
        config.key_path().map(|p| p.display().to_string()).unwrap_or_else(|| "encryption_keys".into())
    );
    Ok(())
}

pub fn restore(config: &Config, from: &Path) -> anyhow::Result<()> {
    let db = sqlite_database(config, "restore")?;
    let keys = risala_server::keyring(config)?;
    risala_store::backup::restore(&db, from, &keys)?;
    println!("restored {} from {}", db.display(), from.display());
    Ok(())
}
