//! What agents do to a conversation (assign, take, close, reopen, notes, labels), and what the
//! page tells the server (who is viewing or typing); each a POST with the session's CSRF token,
//! answered with a redirect back to the conversation (a form) or 204 (a script). Every change
//! is told to the business's other pages. And the business's media, streamed.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use risala_core::inbox::InboxError;
use risala_core::sniff::{served_type, shown_inline, MEDIA_CSP};
use serde::Deserialize;

use maud::{html, Markup};
use risala_core::inbox::team::Invalid;

use super::chat_path;
use super::panel::note_form;
use crate::error::{WebError, WebResult};
use crate::i18n::invalid;
use crate::layout::{alert, page};
use crate::live::PresenceState;
use crate::session::{Action, NoFields, Viewer};
use crate::WebState;

/// A value the inbox refused: for a form, a page saying why in the reader's language, with
/// the form `again` as it was typed and the way back; for a script, 400 with the reason.
fn refused(v: &Viewer, fetch: bool, p: &str, w: &str, e: &Invalid, again: Option<Markup>) -> Response {
    let (lang, ti) = (v.lang, v.lang.inbox());
    let why = invalid(lang, e);
    if fetch {
        return (StatusCode::BAD_REQUEST, why).into_response();
    }
    let body = html! {
        section.card {
            h1 { (ti.not_saved) }
            (alert(true, &why))
            @if let Some(form) = again { (form) }
            p { a href=(chat_path(p, w)) { (ti.back_to_chat) } }
        }
    };
    let mut resp = page(lang, Some(v), ti.not_saved, body);
    *resp.status_mut() = StatusCode::BAD_REQUEST;
    resp
}

/// After an action: back to the conversation, or 204 for a script.
fn done(fetch: bool, phone_number_id: &str, wa_id: &str) -> Response {
    if fetch {
        StatusCode::NO_CONTENT.into_response()
    } else {
        Redirect::to(&chat_path(phone_number_id, wa_id)).into_response()
    }
}

type ChatPath = Path<(String, String)>;

#[derive(Deserialize)]
pub struct AssignForm {
    /// A user id, or empty for nobody.
    #[serde(default)]
    assignee: String,
}

/// `POST /app/chats/{p}/{w}/assign`.
pub async fn assign(
    State(state): State<WebState>,
    Path((p, w)): ChatPath,
    a: Action<AssignForm>,
) -> WebResult<Response> {
    let assignee = Some(a.form.assignee.trim()).filter(|s| !s.is_empty());
    match state.inbox.assign(&a.viewer.user, &p, &w, assignee).await {
        Err(InboxError::Invalid(e)) => return Ok(refused(&a.viewer, a.fetch, &p, &w, &e, None)),
        r => r?,
    }
    state.feed.chat_changed(&a.viewer.user.business_id, &p);
    Ok(done(a.fetch, &p, &w))
}

/// `POST /app/chats/{p}/{w}/take`: assigned to the person who asks.
pub async fn take(State(state): State<WebState>, Path((p, w)): ChatPath, a: Action<NoFields>) -> WebResult<Response> {
    state.inbox.assign(&a.viewer.user, &p, &w, Some(&a.viewer.user.id)).await?;
    state.feed.chat_changed(&a.viewer.user.business_id, &p);
    Ok(done(a.fetch, &p, &w))
}

async fn set_closed(state: WebState, p: String, w: String, a: Action<NoFields>, closed: bool) -> WebResult<Response> {
    state.inbox.set_closed(&a.viewer.user, &p, &w, closed).await?;
    state.feed.chat_changed(&a.viewer.user.business_id, &p);
    Ok(done(a.fetch, &p, &w))
}

/// `POST /app/chats/{p}/{w}/close`.
pub async fn close(State(state): State<WebState>, Path((p, w)): ChatPath, a: Action<NoFields>) -> WebResult<Response> {
    set_closed(state, p, w, a, true).await
}

/// `POST /app/chats/{p}/{w}/reopen`.
pub async fn reopen(State(state): State<WebState>, Path((p, w)): ChatPath, a: Action<NoFields>) -> WebResult<Response> {
    set_closed(state, p, w, a, false).await
}

#[derive(Deserialize)]
pub struct NoteForm {
    body: String,
}

/// `POST /app/chats/{p}/{w}/notes`.
pub async fn note(State(state): State<WebState>, Path((p, w)): ChatPath, a: Action<NoteForm>) -> WebResult<Response> {
    match state.inbox.add_note(&a.viewer.user, &p, &w, &a.form.body).await {
        Err(InboxError::Invalid(e)) => {
            let again = note_form(a.viewer.lang, &a.viewer, &format!("{}/notes", chat_path(&p, &w)), &a.form.body);
            return Ok(refused(&a.viewer, a.fetch, &p, &w, &e, Some(again)));
        }
        r => r?,
    };
    state.feed.chat_changed(&a.viewer.user.business_id, &p);
    Ok(done(a.fetch, &p, &w))
}

#[derive(Deserialize)]
pub struct LabelForm {
    label: String,
    /// `1` puts the label on, `0` takes it off.
    on: String,
}

/// `POST /app/chats/{p}/{w}/labels`.
pub async fn label(State(state): State<WebState>, Path((p, w)): ChatPath, a: Action<LabelForm>) -> WebResult<Response> {
    let on = match a.form.on.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(WebError::Refused(StatusCode::BAD_REQUEST)),
    };
    state.inbox.set_label(&a.viewer.user, &p, &w, &a.form.label, on).await?;
    state.feed.chat_changed(&a.viewer.user.business_id, &p);
    Ok(done(a.fetch, &p, &w))
}

#[derive(Deserialize)]
pub struct PresenceForm {
    /// `viewing`, `typing` or `leave`.
    state: String,
}

/// `POST /app/chats/{p}/{w}/presence` (from the page's script): who is here, told to the
/// business's other pages; 204.
pub async fn presence(
    State(state): State<WebState>,
    Path((p, w)): ChatPath,
    a: Action<PresenceForm>,
) -> WebResult<Response> {
    let what = match a.form.state.as_str() {
        "viewing" => PresenceState::Viewing,
        "typing" => PresenceState::Typing,
        "leave" => PresenceState::Leave,
        _ => return Err(WebError::Refused(StatusCode::BAD_REQUEST)),
    };
    // Only a conversation of the business.
    state.inbox.chat(&a.viewer.user.business_id, &p, &w).await?;
    state.feed.presence(&a.viewer, &p, &w, what, state.inbox.now());
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
pub struct MediaQuery {
    download: Option<String>,
}

/// `GET /app/media/{id}`: media of a message of the business, streamed chunk by chunk; 404
/// for anything else (another business's media included). `?download=1` saves it under its
/// file name.
pub async fn media(
    State(state): State<WebState>,
    v: Viewer,
    Path(id): Path<String>,
    Query(q): Query<MediaQuery>,
) -> WebResult<Response> {
    let m = state.inbox.media(&v.user.business_id, &id).await?;
    let chunks = m.chunk_count();
    let inbox = state.inbox.clone();
    let media_id = m.id.clone();
    let stream = futures_util::stream::unfold(0i64, move |seq| {
        let (inbox, media_id) = (inbox.clone(), media_id.clone());
        async move {
            if seq >= chunks {
                return None;
            }
            let chunk = inbox.media_chunk(&media_id, seq).await.map_err(|e| std::io::Error::other(e.to_string()));
            Some((chunk, seq + 1))
        }
    });
    let filename = m.filename.clone().unwrap_or_else(|| m.id.clone()).replace(['"', '\\', '\r', '\n'], "_");
    // A customer's file is shown only when it is a picture, a sound or a video; anything else,
    // HTML or a script above all, is a download that never runs on the inbox's origin.
    let disposition = if q.download.is_none() && shown_inline(&m.mime_type) {
        "inline".to_string()
    } else {
        format!("attachment; filename=\"{filename}\"")
    };
    let mut resp = Body::from_stream(stream).into_response();
    let h = resp.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, served_type(&m.mime_type)),
        (header::CACHE_CONTROL, "private, max-age=3600"),
        (header::CONTENT_DISPOSITION, disposition.as_str()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CONTENT_SECURITY_POLICY, MEDIA_CSP),
    ] {
        if let Ok(v) = value.parse() {
            h.insert(name, v);
        }
    }
    h.insert(header::CONTENT_LENGTH, m.file_size.into());
    Ok(resp)
}

impl From<InboxError> for WebError {
    fn from(e: InboxError) -> Self {
        match e {
            InboxError::NotFound => WebError::NotFound,
            InboxError::NotAllowed => WebError::Forbidden,
            InboxError::Invalid(_) => WebError::Refused(StatusCode::BAD_REQUEST),
            InboxError::Internal(e) => e.into(),
        }
    }
}
