//! Meta's messaging health status (`GET /{node}?fields=health_status` on a phone number, a WABA
//! or a template): whether sends through that node would succeed, node by node. Each entity
//! is `AVAILABLE`, `LIMITED` (sends work with a limitation: `additional_info` says which) or
//! `BLOCKED` (sends fail: `errors` say why and what to do); the overall status is the worst of
//! them. Every status here is what the send path itself would do with the same state.

use serde_json::{json, Value};

use crate::error::ErrorCode;
use crate::model::{PhoneNumber, Template, TemplateStatus, Tier, NUMBER_RESTRICTED};

/// What one node allows.
#[derive(Debug, Clone, PartialEq)]
pub enum CanSend {
    Available,
    /// Sends work, with these limitations.
    Limited(Vec<String>),
    /// Sends fail, for these reasons.
    Blocked(Vec<Blocker>),
}

/// Why a node blocks sends: the error a send would get, and the way out.
#[derive(Debug, Clone, PartialEq)]
pub struct Blocker {
    pub code: ErrorCode,
    pub description: String,
    pub solution: String,
}

impl CanSend {
    fn rank(&self) -> u8 {
        match self {
            CanSend::Available => 0,
            CanSend::Limited(_) => 1,
            CanSend::Blocked(_) => 2,
        }
    }

    fn as_str(&self) -> &'static str {
        match self {
            CanSend::Available => "AVAILABLE",
            CanSend::Limited(_) => "LIMITED",
            CanSend::Blocked(_) => "BLOCKED",
        }
    }
}

/// One node of the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// `PHONE_NUMBER`, `MESSAGE_TEMPLATE`, `WABA`, `BUSINESS` or `APP`.
    pub kind: &'static str,
    pub id: String,
    pub can_send: CanSend,
}

impl Entity {
    pub fn new(kind: &'static str, id: &str, can_send: CanSend) -> Entity {
        Entity { kind, id: id.to_string(), can_send }
    }

    fn to_json(&self) -> Value {
        let mut v = json!({"entity_type": self.kind, "id": self.id, "can_send_message": self.can_send.as_str()});
        match &self.can_send {
            CanSend::Available => {}
            CanSend::Limited(info) => v["additional_info"] = json!(info),
            CanSend::Blocked(errors) => {
                v["errors"] = errors
                    .iter()
                    .map(|b| {
                        json!({"error_code": b.code.row().code, "error_description": b.description,
                               "possible_solution": b.solution})
                    })
                    .collect();
            }
        }
        v
    }
}

/// The `health_status` value: the worst status of `entities`, and each of them in order.
pub fn health_status(entities: &[Entity]) -> Value {
    let overall = entities.iter().map(|e| &e.can_send).max_by_key(|c| c.rank()).unwrap_or(&CanSend::Available);
    json!({
        "can_send_message": overall.as_str(),
        "entities": entities.iter().map(Entity::to_json).collect::<Vec<_>>(),
    })
}

/// A business number: blocked until it is registered (every send is 133010), limited while its
/// status is `RESTRICTED` (a RED rating past the threshold: business-initiated messages are
/// refused with 131048; answers in an open window still go).
pub fn phone_number(p: &PhoneNumber) -> Entity {
    let can_send = if !p.registered {
        CanSend::Blocked(vec![Blocker {
            code: ErrorCode::NotRegistered,
            description: "The phone number is not registered on the Cloud API.".into(),
            solution: format!("Register the number: POST /{}/register with its PIN.", p.id),
        }])
    } else if p.status == NUMBER_RESTRICTED {
        CanSend::Limited(vec![format!(
            "The phone number's quality rating is {}: business-initiated messages are refused until it recovers; replies within a customer service window are delivered.",
            p.quality_rating
        )])
    } else {
        CanSend::Available
    };
    Entity::new("PHONE_NUMBER", &p.id, can_send)
}

/// A template: only an approved template is sent; paused, disabled and every other status
/// fail the send (132015, 132016, 132001).
pub fn template(t: &Template) -> Entity {
    let blocked = |code, description: String, solution: &str| {
        CanSend::Blocked(vec![Blocker { code, description, solution: solution.to_string() }])
    };
    let can_send = match t.status {
        TemplateStatus::Approved => CanSend::Available,
        TemplateStatus::Paused => blocked(
            ErrorCode::TemplatePaused,
            format!("The template {} ({}) is paused because of low quality.", t.name, t.language),
            "Wait for the pause to end, or edit the template to improve its quality.",
        ),
        TemplateStatus::Disabled => blocked(
            ErrorCode::TemplateDisabled,
            format!("The template {} ({}) is disabled because of repeated low quality.", t.name, t.language),
            "Create a new template with different content.",
        ),
        other => blocked(
            ErrorCode::TemplateMissing,
            format!("The template {} ({}) is not approved (status {other}).", t.name, t.language),
            "Send it once it is approved; a rejected template can be edited and submitted again.",
        ),
    };
    Entity::new("MESSAGE_TEMPLATE", &t.id, can_send)
}

/// A business portfolio: limited while its unique customers of the last 24 hours fill its
/// messaging limit (business-initiated messages to new customers fail with 131048).
pub fn business(business_id: &str, tier: Tier, unique_customers_24h: i64) -> Entity {
    let can_send = match tier.limit() {
        Some(limit) if unique_customers_24h >= limit => CanSend::Limited(vec![format!(
            "The business has reached its messaging limit ({limit} unique customers in 24 hours): business-initiated messages to other customers are refused until the window frees room."
        )]),
        _ => CanSend::Available,
    };
    Entity::new("BUSINESS", business_id, can_send)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overall_status_is_the_worst() {
        let a = Entity::new("APP", "1", CanSend::Available);
        let l = Entity::new("WABA", "2", CanSend::Limited(vec!["why".into()]));
        let b = Entity::new(
            "PHONE_NUMBER",
            "3",
            CanSend::Blocked(vec![Blocker {
                code: ErrorCode::NotRegistered,
                description: "d".into(),
                solution: "s".into(),
            }]),
        );
        assert_eq!(health_status(std::slice::from_ref(&a))["can_send_message"], "AVAILABLE");
        assert_eq!(health_status(&[a.clone(), l.clone()])["can_send_message"], "LIMITED");
        let v = health_status(&[b, l, a]);
        assert_eq!(v["can_send_message"], "BLOCKED");
        assert_eq!(
            v["entities"][0]["errors"][0],
            json!({"error_code": 133010, "error_description": "d", "possible_solution": "s"})
        );
        assert_eq!(v["entities"][1]["additional_info"], json!(["why"]));
        assert!(v["entities"][2].get("errors").is_none() && v["entities"][2].get("additional_info").is_none());
    }
}
