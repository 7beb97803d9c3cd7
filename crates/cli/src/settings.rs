//! Layered configuration: defaults < TOML file (`--config`) < `RISALA_*` environment <
//! command-line flags.

use std::path::PathBuf;

use anyhow::Context;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use risala_server::config::Config;
use serde::Serialize;

/// The keys the environment may set (`RISALA_<KEY>`, nested keys with `__`): every key of the
/// configuration, read from its serialized defaults so that a new field is settable at once.
/// Other `RISALA_*` variables, such as the test suite's `RISALA_TEST_POSTGRES_URL`, are not
/// configuration.
fn env_keys() -> Vec<String> {
    fn walk(prefix: &str, v: &serde_json::Value, out: &mut Vec<String>) {
        let serde_json::Value::Object(m) = v else { return };
        for (k, child) in m {
            let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            if child.is_object() {
                walk(&key, child, out);
            } else {
                out.push(key);
            }
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = serde_json::to_value(Config::default()) {
        walk("", &v, &mut out);
    }
    out
}

/// Flags that override everything else when given.
#[derive(Debug, Default, Clone, Serialize, clap::Args)]
pub struct Overrides {
    /// Address to listen on [env: RISALA_LISTEN] [default: 127.0.0.1:8080]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// Data directory of the SQLite database [env: RISALA_DATA_DIR] [default: ./risala-data]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…); unset = SQLite [env: RISALA_DATABASE_URL]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// Fixed demo token value, for scripts and CI [env: RISALA_DEMO_TOKEN]
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demo_token: Option<String>,
    /// sandbox or platform [env: RISALA_MODE] [default: sandbox]
    #[arg(long, global = true, value_parser = ["sandbox", "platform"])]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// text or json [env: RISALA_LOG_FORMAT] [default: text]
    #[arg(long, global = true, value_parser = ["text", "json"])]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<String>,
}

/// Build the configuration from all layers.
pub fn load(file: Option<&PathBuf>, overrides: &Overrides) -> anyhow::Result<Config> {
    let mut fig = Figment::from(Serialized::defaults(Config::default()));
    if let Some(path) = file {
        anyhow::ensure!(path.exists(), "config file {} does not exist", path.display());
        // Figment reads a directory as no file at all: say so rather than run on defaults.
        anyhow::ensure!(!path.is_dir(), "config file {} is a directory, not a TOML file", path.display());
        std::fs::File::open(path).with_context(|| format!("config file {}", path.display()))?;
        fig = fig.merge(Toml::file(path));
    }
    let keys = env_keys();
    fig = fig
        .merge(Env::prefixed("RISALA_").split("__").filter(move |k| keys.iter().any(|e| k == e.as_str())))
        .merge(Serialized::defaults(overrides));
    let mut config: Config = fig.extract().context("invalid configuration")?;
    if config.database_url.as_deref() == Some("") {
        config.database_url = None;
    }
    if config.demo_token.as_deref() == Some("") {
        config.demo_token = None;
    }
    if config.admin_token.as_deref() == Some("") {
        config.admin_token = None;
    }
    if config.sign_in_code_file.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
        config.sign_in_code_file = None;
    }
    config.webhooks.validate().map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use risala_server::config::DEFAULT_TOML;

    #[test]
    fn printed_default_file_parses_to_the_defaults() {
        let parsed: Config = Figment::from(Toml::string(DEFAULT_TOML)).extract().unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API returns its own large error
    fn layers_apply_in_order() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("r.toml", "listen = \"127.0.0.1:9000\"\nlog_level = \"debug\"\n")?;
            jail.set_env("RISALA_LISTEN", "127.0.0.1:9001");
            jail.set_env("RISALA_TEST_POSTGRES_URL", "postgres://ignored");
            // Every configuration key, nested ones too, can be set from the environment.
            jail.set_env("RISALA_MESSAGING_LIMIT_TIER", "TIER_10K");
            jail.set_env("RISALA_WEBHOOKS__BATCH_MAX_COUNT", "1");
            jail.set_env("RISALA_RETENTION__MESSAGE_BODIES", "90d");
            let c = load(Some(&PathBuf::from("r.toml")), &Overrides::default()).unwrap();
            assert_eq!(c.listen, "127.0.0.1:9001");
            assert_eq!(c.log_level, "debug");
            assert_eq!(c.messaging_limit_tier, "TIER_10K");
            assert_eq!(c.webhooks.batch_max_count, 1);
            assert_eq!(c.retention.message_bodies.as_deref(), Some("90d"));
            let o = Overrides { listen: Some("127.0.0.1:9002".into()), ..Default::default() };
            let c = load(Some(&PathBuf::from("r.toml")), &o).unwrap();
            assert_eq!(c.listen, "127.0.0.1:9002");
            jail.create_file("bad.toml", "nonsense = 1\n")?;
            assert!(load(Some(&PathBuf::from("bad.toml")), &Overrides::default()).is_err());
            Ok(())
        });
    }
}
