//! The whole sandbox as one file, "so a bug report is one file": export every table and the
//! media bytes, and import such a file, which is checked in full before anything is replaced.

use crate::error::ApiError;
use crate::store::{StateImportError, StateSummary};

use super::{stored_offset, SandboxService, MAX_OFFSET_MS};

impl SandboxService {
    /// The state file of the sandbox (see [`crate::store::StateFileStore`]).
    pub async fn export_state(&self, server_settings: &[&str]) -> Result<Vec<u8>, ApiError> {
        Ok(self.store.export_state(server_settings).await?)
    }

    /// Replace the whole state with `file`'s, then run the clock at the imported offset. A file
    /// that does not pass every check answers 100 with what is wrong, and nothing changes.
    pub async fn import_state(&self, file: &[u8], server_settings: &[&str]) -> Result<StateSummary, ApiError> {
        let summary = match self.store.import_state(file, server_settings).await {
            Ok(s) => s,
            Err(StateImportError::Invalid(why)) => {
                return Err(ApiError::invalid(format!("The state file cannot be imported: {why}")))
            }
            Err(StateImportError::Store(e)) => return Err(e.into()),
        };
        let offset = stored_offset(&*self.store).await?.clamp(0, MAX_OFFSET_MS);
        self.clock.set_offset(offset);
        self.waker.wake();
        Ok(summary)
    }
}
