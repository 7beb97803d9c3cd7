//! The one writer of the Graph error envelope. Every rejection — handler errors, extractor
//! rejections, unknown routes, caught panics — goes through [`GraphError`].

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use risala_core::{ApiError, ErrorCode};
use risala_types::graph::{GraphErrorData, GraphErrorEnvelope};

tokio::task_local! {
    /// The request id of the request being served: `fbtrace_id` in errors, `x-fb-trace-id`.
    pub static TRACE_ID: String;
    /// The method of the request being served, lower case (`post`): Graph names it when an
    /// object is not found ("Unsupported delete request. Object with ID …").
    pub static REQUEST_VERB: &'static str;
}

/// The lower-case verb Graph writes for `method` in its errors.
pub fn verb(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::POST => "post",
        Method::DELETE => "delete",
        Method::PUT => "put",
        Method::PATCH => "patch",
        Method::HEAD => "head",
        Method::OPTIONS => "options",
        _ => "get",
    }
}

/// An object that is not found is "Unsupported get request" in the service's words, which do
/// not know the method: the request's own verb, when it is another.
fn with_request_verb(e: &ApiError) -> std::borrow::Cow<'_, ApiError> {
    const GET: &str = "Unsupported get request.";
    let verb = REQUEST_VERB.try_with(|v| *v).unwrap_or("get");
    if e.code != ErrorCode::ObjectNotFound || verb == "get" || !e.details.starts_with(GET) {
        return std::borrow::Cow::Borrowed(e);
    }
    let mut e = e.clone();
    e.details = format!("Unsupported {verb} request.{}", &e.details[GET.len()..]);
    std::borrow::Cow::Owned(e)
}

/// The current request id, or a fresh one outside a request.
pub fn trace_id() -> String {
    TRACE_ID.try_with(|t| t.clone()).unwrap_or_else(|_| risala_core::ids::new_trace_id())
}

/// A Graph error response.
#[derive(Debug)]
pub struct GraphError(pub ApiError);

impl From<ApiError> for GraphError {
    fn from(e: ApiError) -> Self {
        GraphError(e)
    }
}

impl From<risala_core::StoreError> for GraphError {
    fn from(e: risala_core::StoreError) -> Self {
        GraphError(e.into())
    }
}

/// The envelope body for an error.
pub fn envelope(e: &ApiError, fbtrace_id: String) -> GraphErrorEnvelope {
    let row = e.code.row();
    GraphErrorEnvelope {
        error: risala_types::graph::GraphError {
            message: e.graph_message(),
            kind: row.kind.to_string(),
            code: row.code,
            error_subcode: row.subcode,
            error_data: Some(GraphErrorData { messaging_product: "whatsapp".into(), details: e.details.clone() }),
            error_user_title: e.user_title.clone(),
            error_user_msg: e.user_msg.clone(),
            is_transient: Some(row.transient),
            fbtrace_id,
        },
    }
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let row = self.0.code.row();
        respond(&self.0, row.http_status, row.subcode)
    }
}

/// The Graph error response for `e`, with its HTTP status and `error_subcode` given (a sandbox
/// fault rule may answer another than the table's); [`GraphError`] gives the table's.
pub fn respond(e: &ApiError, http_status: u16, subcode: Option<i64>) -> Response {
    let e = &*with_request_verb(e);
    let row = e.code.row();
    let fbtrace_id = trace_id();
    // The one place an error's cause is logged: the client gets Meta's generic envelope and
    // the trace id, the log gets the cause chain under the same id.
    match e.cause_chain() {
        Some(cause) => tracing::error!(fbtrace_id = %fbtrace_id, code = row.code, cause = %cause, "request failed"),
        None if e.code == ErrorCode::Unknown => {
            tracing::warn!(fbtrace_id = %fbtrace_id, details = %e.details, "internal error answered")
        }
        None => {}
    }
    let status = StatusCode::from_u16(http_status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut body = envelope(e, fbtrace_id);
    body.error.error_subcode = subcode;
    let mut resp = (status, axum::Json(body)).into_response();
    if http_status == 401 {
        resp.headers_mut()
            .insert("www-authenticate", HeaderValue::from_static("OAuth \"Facebook Platform\" \"invalid_token\""));
    }
    if let Some(s) = e.retry_after_s {
        resp.headers_mut().insert("retry-after", HeaderValue::from(s.get()));
    }
    resp.extensions_mut().insert(e.code);
    resp
}

pub type GraphResult<T> = Result<T, GraphError>;
