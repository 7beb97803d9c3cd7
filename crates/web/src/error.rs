//! What a page answers when it cannot show what was asked: a status and which page to show.
//! The page itself (in the reader's language, with the request id) is rendered once, by
//! the shell of [`crate::router`], so a handler only says what went wrong.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use risala_core::accounts::AccountError;
use risala_core::{ApiError, ErrorCode};

/// Why a page or action was refused.
#[derive(Debug)]
pub enum WebError {
    /// No such page, or not the business's: 404.
    NotFound,
    /// The person's role does not allow it: 403.
    Forbidden,
    /// A page without a session: to the sign-in page (303).
    SignIn,
    /// An action without a session: 401.
    Unauthorized,
    /// A state-changing request without the session's CSRF token, from another origin, or with
    /// a form that does not parse: 403 (400 for a form).
    Refused(StatusCode),
    /// The server failed: 500 with the request id; the cause is logged.
    Internal(ApiError),
}

/// Carried from a handler's response to the page shell, which renders it.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    /// Refused for its origin, CSRF token or form (not for the person's role).
    pub refused: bool,
    /// What failed underneath, for the log (500s only).
    pub cause: Option<String>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let refused = matches!(self, WebError::Refused(_));
        let (status, cause) = match self {
            WebError::SignIn => return Redirect::to(crate::routes::SIGN_IN).into_response(),
            WebError::NotFound => (StatusCode::NOT_FOUND, None),
            WebError::Forbidden => (StatusCode::FORBIDDEN, None),
            WebError::Unauthorized => (StatusCode::UNAUTHORIZED, None),
            WebError::Refused(status) => (status, None),
            WebError::Internal(e) => {
                (StatusCode::INTERNAL_SERVER_ERROR, Some(e.cause_chain().unwrap_or_else(|| e.details.clone())))
            }
        };
        let mut resp = status.into_response();
        resp.extensions_mut().insert(ErrorPage { refused, cause });
        resp
    }
}

impl From<ApiError> for WebError {
    fn from(e: ApiError) -> Self {
        match e.code {
            ErrorCode::ObjectNotFound | ErrorCode::AliasNotFound => WebError::NotFound,
            ErrorCode::PermissionDenied => WebError::Forbidden,
            _ => WebError::Internal(e),
        }
    }
}

impl From<AccountError> for WebError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::NotAllowed | AccountError::KeepOwner => WebError::Forbidden,
            AccountError::NotFound | AccountError::LinkExpired => WebError::NotFound,
            AccountError::Internal(e) => WebError::Internal(e),
            _ => WebError::Refused(StatusCode::BAD_REQUEST),
        }
    }
}

pub type WebResult<T> = Result<T, WebError>;
