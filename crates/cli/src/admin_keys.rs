//! `risala admin keys …`: the keys that encrypt secrets at rest. Runs beside a running server:
//! the server reads the key file again when it meets a key it does not hold yet.

use anyhow::Context;
use clap::Subcommand;
use risala_server::Config;

/// Rows of message bodies and webhook payloads read and rewritten per commit by a rotation, so
/// a large database needs neither one huge transaction nor every row in memory.
const BODY_BATCH: usize = 1000;

#[derive(Debug, Subcommand)]
pub enum KeysCmd {
    /// Add a new key to the key file and encrypt every stored secret with it (also secrets
    /// stored before encryption), then the message bodies and webhook payloads encrypted with
    /// an older key, and with `encrypt_at_rest` on those stored in plain text too (in batches
    /// of 1,000 rows). With `encryption_keys`, add the new key there first: this then
    /// re-encrypts with the highest one.
    Rotate,
    /// Print a new key line (`<id>:<base64>`) to add to `encryption_keys`.
    Generate {
        /// The id of the new key: one higher than the highest in use.
        #[arg(long, default_value_t = 1)]
        id: u32,
    },
}

pub async fn run(cmd: KeysCmd, config: &Config) -> anyhow::Result<()> {
    match cmd {
        KeysCmd::Generate { id } => {
            println!("{}", risala_store::keyring::new_key_line(id)?);
            Ok(())
        }
        KeysCmd::Rotate => {
            let store = risala_server::open_store(config).await.context("opening the database")?;
            let keys = store.keyring().clone();
            let from_file = config.encryption_keys.as_deref().is_none_or(|k| k.trim().is_empty());
            let id = if from_file { keys.add_key_to_file()? } else { keys.newest_id() };
            let n = store.reencrypt_secrets().await?;
            crate::admin_privacy::record(config, "keys.rotate", None, &id.to_string(), &format!("secrets={n}")).await?;
            println!("{n} secrets encrypted with key {id} ({})", keys.source());
            let bodies = store.reencrypt_bodies(BODY_BATCH).await?;
            let plain = if store.encrypts_at_rest() {
                "also those stored in plain text"
            } else {
                "encrypt_at_rest is off: those stored in plain text stay so"
            };
            println!("{bodies} message bodies and webhook payloads encrypted with key {id} ({plain})");
            Ok(())
        }
    }
}
