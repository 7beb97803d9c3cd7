//! Everything the servers of this test binary log (one global subscriber): warnings and errors
//! from every crate, and the server's own info lines (where a sandbox logs sign-in codes).

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Start capturing (once per binary); call before the server under test starts.
pub fn captured() -> &'static Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Captured::default();
        let writer = log.clone();
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_env_filter(tracing_subscriber::EnvFilter::new("warn,risala_server::state=info"))
            .with_writer(move || writer.clone())
            .init();
        log
    })
}

/// The captured lines that contain `needle`.
pub fn lines_with(needle: &str) -> Vec<String> {
    let bytes = captured().0.lock().expect("log").clone();
    String::from_utf8_lossy(&bytes).lines().filter(|l| l.contains(needle)).map(str::to_string).collect()
}
