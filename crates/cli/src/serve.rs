//! `risala serve`: open the store, seed the sandbox, print what a user needs, serve until
//! SIGTERM or Ctrl-C (in-flight requests finish).

use anyhow::Context;
use risala_server::config::{LogFormat, Mode};
use risala_server::{Config, RateCardStart};

fn init_logs(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

pub async fn run(config: Config) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    init_logs(&config);
    // One server per SQLite data directory: a second would claim the same webhook outbox and
    // deliver every event twice. Held until this function returns (the process ends).
    let _lock = match risala_store::sqlite_file(config.database_url.as_deref(), &config.sqlite_path())? {
        Some(db) => Some(risala_store::datadir::DataDirLock::acquire(&db)?),
        None => None,
    };
    let listener =
        risala_server::listen(&config.listen).await.with_context(|| format!("cannot listen on {}", config.listen))?;
    let bound = listener.local_addr()?.to_string();
    // The links the server makes without a request (webhooks' media URLs, the chat's address)
    // name the address it listens on, a port given as 0 included.
    let config = Config { listen: bound.clone(), ..config };
    let state = risala_server::build_state(config.clone()).await.context("starting the server")?;
    let demo = if config.mode == Mode::Sandbox && config.seed_demo {
        Some(risala_server::seed_demo(&state).await?)
    } else {
        None
    };
    let rates = risala_server::seed_rate_card(&state).await.context("the starting rate card")?;
    // Listen for SIGTERM before the banner says the server is up: a SIGTERM sent right after
    // it must stop the server cleanly, not kill it with the default action.
    let shutdown = shutdown_signal();
    let base = config.public_url(&bound);
    print_banner(&config, &base, demo.as_ref(), &rates);
    tracing::info!(
        listen = %bound,
        engine = state.store.engine().as_str(),
        mode = ?config.mode,
        startup_ms = started.elapsed().as_millis() as u64,
        "risala is ready"
    );
    risala_server::serve(listener, state, shutdown).await?;
    tracing::info!("stopped");
    Ok(())
}

fn print_banner(config: &Config, base: &str, demo: Option<&risala_server::Demo>, rates: &risala_server::RateCardStart) {
    let engine = match &config.database_url {
        Some(_) => "PostgreSQL".to_string(),
        None => format!("SQLite at {}", config.sqlite_path().display()),
    };
    let mode = match config.mode {
        Mode::Sandbox => "sandbox",
        Mode::Platform => "platform",
    };
    let mut out = format!(
        "\nRisala {} ({mode}) listening on {base}\nWeb app: {base}/app/\nCustomer web chat: {base}/chat/\nStorage: {engine}\n",
        env!("CARGO_PKG_VERSION")
    );
    out.push_str(&match rates {
        RateCardStart::Loaded(name) => format!(
            "Rate card: {name} (the built-in starting card, loaded now: Meta's USD rates as of 2026-01-01;\n           load Meta's current card with `risala admin rates load FILE --effective YYYY-MM-DD`)\n"
        ),
        RateCardStart::Present(name) => format!("Rate card: {name}\n"),
        RateCardStart::Missing => "WARNING: no rate card: template messages are priced at zero\n         (load one with `risala admin rates load FILE --effective YYYY-MM-DD`)\n".to_string(),
    });
    if let Some(demo) = demo {
        let d = &demo.tenant;
        let token_line = match &d.token {
            Some(t) if d.created && config.demo_token.is_none() => {
                format!("{t}\n                  (shown once: it is stored only as a hash)")
            }
            Some(t) => t.clone(),
            None => "(shown at the first start only; make another: risala admin tokens create --business BUSINESS_ID)"
                .into(),
        };
        let token_var = d.token.clone().unwrap_or_else(|| "$RISALA_TOKEN".into());
        out.push_str(&format!(
            "\nDemo tenant{}:\n  access token    {token_line}\n  phone number id {}\n  display number  +{}\n  WABA id         {}\n  business id     {}\n  app id          {}\n  app secret      {}\n",
            if d.created { " (created now)" } else { "" },
            d.ids.phone_number_id,
            d.phone.number,
            d.ids.waba_id,
            d.ids.business_id,
            d.ids.app_id,
            d.app.app_secret,
        ));
        let password = match &demo.owner_password {
            Some(p) if config.demo_owner_password.is_none() => {
                format!("{p}\n                  (shown once: it is stored only as a hash)")
            }
            Some(p) => p.clone(),
            None => "(shown at the first start only; \"Forgot your password?\" sends a link to the log)".into(),
        };
        out.push_str(&format!(
            "\nWeb app sign-in ({base}/app/):\n  email           {}\n  password        {password}\n",
            risala_core::accounts::DEMO_OWNER_EMAIL
        ));
        out.push_str(&format!(
            "\nChat as a customer: open {base}/chat/?phone={} , sign in with any number\n  (15550001111 below) and write; answer from the web app or with curl.\n",
            d.phone.number
        ));
        out.push_str(&format!(
            "\nSend a text message:\n  curl -s {base}/v23.0/{}/messages \\\n    -H \"Authorization: Bearer {token_var}\" -H 'Content-Type: application/json' \\\n    -d '{{\"messaging_product\":\"whatsapp\",\"to\":\"15550001111\",\"type\":\"text\",\"text\":{{\"body\":\"Hello from Risala\"}}}}'\n",
            d.ids.phone_number_id
        ));
    }
    println!("{out}");
}

/// Resolves at SIGTERM or Ctrl-C. The SIGTERM handler is installed when this is called, not
/// when the future is first polled.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
    async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let term = async move {
            match term {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            _ = ctrl_c => {},
            _ = term => {},
        }
        tracing::info!("shutting down: finishing in-flight requests");
    }
}
