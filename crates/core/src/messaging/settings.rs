//! A WABA's settings (the pricing model, and whether the portfolio is verified), changed
//! through the messaging service so the send path's pricing cache sees them at once. A new
//! template limit is applied at once: templates beyond it become LIMIT_EXCEEDED, or return when
//! there is room again.

use serde_json::{Map, Value};

use super::MessagingService;
use crate::error::ApiError;
use crate::model::WabaSettings;
use crate::templates::TemplateService;

impl MessagingService {
    pub async fn waba_settings(&self, waba_id: &str) -> Result<WabaSettings, ApiError> {
        Ok(self.store.waba_settings(waba_id).await?)
    }

    /// Apply `{"pricing_model":"PMP"|"CBP","verified":bool}` (either key optional); returns the
    /// new settings and how many templates changed status under the new limit.
    pub async fn update_waba_settings(
        &self,
        templates: &TemplateService,
        waba_id: &str,
        body: &Map<String, Value>,
    ) -> Result<(WabaSettings, usize), ApiError> {
        let s = self.store.waba_settings(waba_id).await?.apply(body)?;
        self.cbp.set_settings(waba_id, &s, self.now()).await?;
        let changed = templates.enforce_limit(waba_id, s.template_limit()).await?;
        Ok((s, changed))
    }
}
