//! Graph API envelope types: errors, paging, simple success bodies.

use serde::{Deserialize, Serialize};

/// The Graph error envelope: `{"error":{...}}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GraphErrorEnvelope {
    pub error: GraphError,
}

/// The body of a Graph error, as Meta writes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GraphError {
    /// `"(#<code>) <title>"`.
    pub message: String,
    /// Usually `OAuthException`.
    #[serde(rename = "type")]
    pub kind: String,
    pub code: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_subcode: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_data: Option<GraphErrorData>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_user_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_user_msg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_transient: Option<bool>,
    pub fbtrace_id: String,
}

/// `error_data` of a Graph error.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GraphErrorData {
    pub messaging_product: String,
    pub details: String,
}

/// Cursor paging block of a Graph list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Paging {
    pub cursors: Cursors,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
}

/// `paging.cursors`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Cursors {
    pub before: String,
    pub after: String,
}

/// A Graph list: `{"data":[...],"paging":{...}}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GraphList<T> {
    pub data: Vec<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paging: Option<Paging>,
    /// `summary` when the request asked for one (`summary=total_count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<serde_json::Value>,
}

/// `{"success":true}`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Success {
    pub success: bool,
}
