//! A template's FLOW button opens a flow of the template's WABA. At creation (and at an edit
//! of the components) the flow a button names by `flow_id` or `flow_name` must exist in the
//! WABA and be PUBLISHED, as Meta requires; a `flow_json` must be a Flow JSON document (an
//! object with screens). At send, the flow must still be PUBLISHED: a deprecated or deleted
//! flow is refused with 131009, as an interactive flow message naming it is.

use serde_json::Value;

use super::service::TemplateService;
use super::{invalid, Template};
use crate::error::ApiError;
use crate::model::{Flow, FlowStatus};

fn is(v: &Value, kind: &str) -> bool {
    v["type"].as_str().is_some_and(|t| t.eq_ignore_ascii_case(kind))
}

/// The FLOW buttons of `components` (raw or validated), with their index.
fn flow_buttons(components: &Value) -> impl Iterator<Item = (usize, &Value)> {
    components
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| is(c, "BUTTONS"))
        .flat_map(|c| c["buttons"].as_array().into_iter().flatten().enumerate())
        .filter(|(_, b)| is(b, "FLOW"))
}

impl TemplateService {
    /// The flow a FLOW button names, with the field naming it (`None` for `flow_json`).
    async fn named_flow<'a>(&self, waba_id: &str, b: &'a Value) -> Result<Option<(&'a str, Option<Flow>)>, ApiError> {
        let text = |k: &str| b.get(k).and_then(Value::as_str);
        Ok(match (text("flow_id"), text("flow_name")) {
            (Some(id), _) => Some(("flow_id", self.store().flow(id).await?.filter(|f| f.waba_id == waba_id))),
            (None, Some(name)) => Some(("flow_name", self.store().flow_by_name(waba_id, name).await?)),
            (None, None) => None,
        })
    }

    /// Creation and edits: every FLOW button of `components` names a published flow of
    /// `waba_id`, or carries a Flow JSON document.
    pub(super) async fn check_flow_buttons(&self, waba_id: &str, components: &Value) -> Result<(), ApiError> {
        for (i, b) in flow_buttons(components) {
            let at = format!("buttons[{i}]");
            match self.named_flow(waba_id, b).await? {
                Some((field, None)) => {
                    let v = b[field].as_str().unwrap_or_default();
                    return Err(invalid(format!(
                        "{at}.{field}: there is no flow '{v}' in this WhatsApp Business Account; create and publish the flow first."
                    ))
                    .with_message("Invalid Flow"));
                }
                Some((field, Some(f))) if f.status != FlowStatus::Published => {
                    let v = b[field].as_str().unwrap_or_default();
                    return Err(invalid(format!(
                        "{at}.{field}: flow '{v}' is {}; a template's FLOW button needs a PUBLISHED flow.",
                        f.status
                    ))
                    .with_message("Invalid Flow"));
                }
                Some(_) => {}
                None => {
                    let doc = b["flow_json"].as_str().and_then(|s| serde_json::from_str::<Value>(s).ok());
                    let screens = doc.as_ref().and_then(|d| d["screens"].as_array()).is_some_and(|s| !s.is_empty());
                    if !screens {
                        return Err(invalid(format!(
                            "{at}.flow_json: must be a Flow JSON document (a JSON object with its screens), as a string."
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    /// Sending: the flows of the template's FLOW buttons may still be opened.
    pub(super) async fn check_flows_sendable(&self, t: &Template) -> Result<(), ApiError> {
        for (i, b) in flow_buttons(&t.components) {
            let (field, flow) = match self.named_flow(&t.waba_id, b).await? {
                Some(found) => found,
                None => continue,
            };
            let v = b[field].as_str().unwrap_or_default();
            let state = match flow {
                Some(f) if f.status == FlowStatus::Published => continue,
                Some(f) => f.status.to_string(),
                None => "deleted".to_string(),
            };
            return Err(ApiError::bad_value(format!(
                "template {} button {i}: its {field} '{v}' names a flow that is {state}; a flow message can only open a PUBLISHED flow",
                t.name
            )));
        }
        Ok(())
    }
}
