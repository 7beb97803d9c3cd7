//! Receiving media to disk. Uploads and link fetches stream into a temporary file (created
//! 0600, in `<data_dir>/tmp` with SQLite, in the system's temporary directory with
//! PostgreSQL), computing SHA-256 and size on the way and stopping as soon as a size limit is
//! passed; the file is then stored chunk by chunk and removed, on every path (errors and
//! client disconnects included: the file goes when its guard is dropped). A cap on uploads and
//! fetches in flight bounds the memory and disk they hold: beyond it a request waits at most
//! `[media] max_wait`, then gets Graph's throttling error (code 4).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use risala_core::ports::MediaBody;
use risala_core::sniff::HEAD_LEN;
use risala_core::{ApiError, ErrorCode};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Temporary files of uploads start with this, so leftovers are recognised.
const PREFIX: &str = "risala-media-";

/// Where media are received and how many may be received at once.
pub struct MediaIntake {
    dir: PathBuf,
    /// The directory is this server's alone (`<data_dir>/tmp`, under the data directory's lock):
    /// leftovers of a crash are removed at start.
    private: bool,
    permits: Arc<Semaphore>,
    max_in_flight: usize,
    max_wait: Duration,
}

impl MediaIntake {
    /// `dir` is `Some(<data_dir>/tmp)` with SQLite, `None` for the system's temporary
    /// directory (PostgreSQL deployments, whose data directory may not be local).
    pub fn new(dir: Option<PathBuf>, max_in_flight: usize, max_wait: Duration) -> MediaIntake {
        let private = dir.is_some();
        let dir = dir.unwrap_or_else(std::env::temp_dir);
        let max_in_flight = max_in_flight.max(1);
        MediaIntake { dir, private, permits: Arc::new(Semaphore::new(max_in_flight)), max_in_flight, max_wait }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Create the directory (0700) and, when it is this server's own, remove what a crash left.
    pub fn prepare(&self) -> std::io::Result<()> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&self.dir)?;
        if self.private {
            for entry in std::fs::read_dir(&self.dir)? {
                let entry = entry?;
                if entry.file_name().to_string_lossy().starts_with(PREFIX) {
                    std::fs::remove_file(entry.path())?;
                }
            }
        }
        Ok(())
    }

    /// Wait (at most `max_wait`) for room among the uploads and fetches in flight.
    pub async fn admit(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        match tokio::time::timeout(self.max_wait, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(ApiError::new(
                ErrorCode::AppRateLimit,
                format!(
                    "Too many media uploads and link fetches in flight (at most {}); none finished within {} s. \
                     Retry later.",
                    self.max_in_flight,
                    self.max_wait.as_secs_f64()
                ),
            )
            .with_retry_after(1000)),
        }
    }

    /// A new temporary file (0600) for one file received under `permit`.
    pub async fn spool(&self, permit: OwnedSemaphorePermit) -> Result<Spool, ApiError> {
        let failed = |e: std::io::Error| ApiError::internal().with_cause(e);
        if !self.dir.exists() {
            self.prepare().map_err(failed)?;
        }
        let path = self.dir.join(format!("{PREFIX}{}.part", hex::encode(rand::random::<[u8; 12]>())));
        let mut open = tokio::fs::OpenOptions::new();
        open.write(true).read(true).create_new(true);
        #[cfg(unix)]
        open.mode(0o600);
        let file = open.open(&path).await.map_err(failed)?;
        Ok(Spool {
            file,
            _path: TempPath(path),
            size: 0,
            hasher: Sha256::new(),
            head: Vec::with_capacity(HEAD_LEN),
            _permit: permit,
        })
    }
}

/// Removes its file when dropped, whatever path dropped it.
struct TempPath(PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_file(&self.0) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(file = %self.0.display(), error = %e, "a temporary media file could not be removed");
            }
        }
    }
}

/// A file being received.
pub struct Spool {
    file: tokio::fs::File,
    _path: TempPath,
    size: u64,
    hasher: Sha256,
    head: Vec<u8>,
    _permit: OwnedSemaphorePermit,
}

/// The file would pass its size limit: nothing more is read.
#[derive(Debug)]
pub struct OverLimit;

impl Spool {
    /// Append `bytes`, unless the file would then be larger than `limit` bytes.
    pub async fn write(&mut self, bytes: &[u8], limit: u64) -> Result<Result<(), OverLimit>, ApiError> {
        if self.size + bytes.len() as u64 > limit {
            return Ok(Err(OverLimit));
        }
        if self.head.len() < HEAD_LEN {
            let n = (HEAD_LEN - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..n]);
        }
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
        self.file.write_all(bytes).await.map_err(|e| ApiError::internal().with_cause(e))?;
        Ok(Ok(()))
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The whole file is in: ready to be read back from its start, as `mime_type`.
    pub async fn finish(mut self, mime_type: String) -> Result<Spooled, ApiError> {
        let failed = |e: std::io::Error| ApiError::internal().with_cause(e);
        self.file.flush().await.map_err(failed)?;
        self.file.rewind().await.map_err(failed)?;
        let sha256 = self.hasher.finalize().into();
        Ok(Spooled { spool: Spool { hasher: Sha256::new(), ..self }, mime_type, sha256 })
    }
}

/// A file received whole: its type, size, SHA-256 and first bytes, read back chunk by chunk.
pub struct Spooled {
    spool: Spool,
    mime_type: String,
    sha256: [u8; 32],
}

impl Spooled {
    /// Declare the file's type (a form's `type` field may come after the file).
    pub fn set_mime_type(&mut self, mime_type: String) {
        self.mime_type = mime_type;
    }
}

#[async_trait::async_trait]
impl MediaBody for Spooled {
    fn mime_type(&self) -> &str {
        &self.mime_type
    }

    fn size(&self) -> u64 {
        self.spool.size
    }

    fn sha256(&self) -> [u8; 32] {
        self.sha256
    }

    fn head(&self) -> &[u8] {
        &self.spool.head
    }

    async fn next_chunk(&mut self, max: usize) -> std::io::Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(max);
        while buf.len() < max {
            let n = (&mut self.spool.file).take((max - buf.len()) as u64).read_to_end(&mut buf).await?;
            if n == 0 {
                break;
            }
        }
        Ok(buf)
    }
}
