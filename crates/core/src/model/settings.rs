//! What an operator sets per WABA: the pricing model (PMP, or conversation-based CBP) and
//! whether the business portfolio is verified (6,000 templates instead of 250).

use serde_json::{json, Value};

use super::pricing::PricingModel;
use super::templates::{MAX_TEMPLATES_PER_WABA, MAX_TEMPLATES_VERIFIED};
use crate::error::ApiError;

/// A WABA's settings; a WABA nobody configured is PMP and not verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WabaSettings {
    pub pricing_model: PricingModel,
    /// The business portfolio is verified (and a number has an approved display name).
    pub verified: bool,
}

impl WabaSettings {
    /// How many templates the WABA may hold.
    pub fn template_limit(&self) -> i64 {
        if self.verified {
            MAX_TEMPLATES_VERIFIED
        } else {
            MAX_TEMPLATES_PER_WABA
        }
    }

    /// The admin API's view.
    pub fn to_json(&self, waba_id: &str) -> Value {
        json!({
            "waba_id": waba_id,
            "pricing_model": self.pricing_model.as_str(),
            "verified": self.verified,
            "template_limit": self.template_limit(),
        })
    }

    /// Apply `{"pricing_model":"PMP"|"CBP","verified":bool}` (either key optional).
    pub fn apply(mut self, body: &serde_json::Map<String, Value>) -> Result<WabaSettings, ApiError> {
        match body.get("pricing_model") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => {
                self.pricing_model = PricingModel::parse(s)
                    .ok_or_else(|| ApiError::invalid(format!("pricing_model: '{s}' is not PMP or CBP")))?
            }
            Some(_) => return Err(ApiError::invalid("pricing_model: must be a string, PMP or CBP")),
        }
        match body.get("verified") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => self.verified = *b,
            Some(_) => return Err(ApiError::invalid("verified: must be true or false")),
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_and_limits() {
        let s = WabaSettings::default();
        assert_eq!((s.pricing_model, s.template_limit()), (PricingModel::Pmp, 250));
        let body = json!({"pricing_model": "cbp", "verified": true});
        let s = s.apply(body.as_object().unwrap()).unwrap();
        assert_eq!((s.pricing_model, s.template_limit()), (PricingModel::Cbp, 6000));
        assert!(s.apply(json!({"pricing_model": "XYZ"}).as_object().unwrap()).is_err());
        assert!(s.apply(json!({"verified": "yes"}).as_object().unwrap()).is_err());
    }
}
