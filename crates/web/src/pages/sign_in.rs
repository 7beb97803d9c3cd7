//! Signing in and out.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use risala_core::accounts::AccountError;
use serde::Deserialize;

use crate::error::WebResult;
use crate::i18n::{cookie, Lang};
use crate::layout::{alert, field, page};
use crate::routes;
use crate::session::{session_cookie, Action, ClientAddr, NoFields, PublicForm, SESSION_COOKIE};
use crate::WebState;

#[derive(Deserialize)]
pub struct Notice {
    done: Option<String>,
}

/// The sign-in page, with an error (and its status) or a notice.
fn render(lang: Lang, email: &str, error: Option<String>, notice: Option<&str>) -> Response {
    let t = lang.t();
    let body = html! {
        div.card.narrow {
            h1 { (t.sign_in) }
            p.muted { (t.sign_in_intro) }
            @if let Some(e) = &error { (alert(true, e)) }
            @if let Some(n) = notice { (alert(false, n)) }
            form method="post" action=(routes::SIGN_IN) {
                (field(t.email, "email", "email", "username", email, None))
                (field(t.password, "password", "password", "current-password", "", None))
                button type="submit" { (t.sign_in) }
            }
            p { a href=(routes::RESET) { (t.forgot) } }
        }
    };
    page(lang, None, t.sign_in, body)
}

/// `GET /app/sign-in`; a signed-in person goes on to the app.
pub async fn form(State(state): State<WebState>, headers: HeaderMap, Query(q): Query<Notice>) -> WebResult<Response> {
    let lang = Lang::of(&headers);
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        if state.accounts.authenticate(&token).await?.is_some() {
            return Ok(Redirect::to(routes::HOME).into_response());
        }
    }
    let notice = (q.done.as_deref() == Some("password")).then_some(lang.t().password_set);
    Ok(render(lang, "", None, notice))
}

#[derive(Deserialize)]
pub struct Credentials {
    email: String,
    password: String,
}

/// `POST /app/sign-in`: a session cookie and on to the app, or the form again with why not
/// (401; 429 with `Retry-After` once failures are limited).
pub async fn submit(
    State(state): State<WebState>,
    lang: Lang,
    ClientAddr(ip): ClientAddr,
    PublicForm(f): PublicForm<Credentials>,
) -> WebResult<Response> {
    let t = lang.t();
    match state.accounts.sign_in(&f.email, &f.password, ip).await {
        Ok(s) => Ok((
            [(header::SET_COOKIE, session_cookie(Some(&s.token), state.secure_cookies))],
            Redirect::to(routes::HOME),
        )
            .into_response()),
        Err(AccountError::TooManyAttempts(wait)) => {
            let secs = (wait + 999) / 1000;
            let text = t.too_many.replace("{s}", &lang.number(secs));
            let mut resp = render(lang, &f.email, Some(text), None);
            *resp.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            if let Ok(v) = secs.to_string().parse() {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(resp)
        }
        Err(e @ (AccountError::WrongCredentials | AccountError::Disabled)) => {
            let text = if e == AccountError::Disabled { t.disabled } else { t.wrong_credentials };
            let mut resp = render(lang, &f.email, Some(text.to_string()), None);
            *resp.status_mut() = StatusCode::UNAUTHORIZED;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

fn signed_out(state: &WebState) -> Response {
    ([(header::SET_COOKIE, session_cookie(None, state.secure_cookies))], Redirect::to(routes::SIGN_IN)).into_response()
}

/// `POST /app/sign-out`: end this session.
pub async fn sign_out(State(state): State<WebState>, a: Action<NoFields>) -> WebResult<Response> {
    state.accounts.sign_out(&a.viewer.token).await?;
    Ok(signed_out(&state))
}

/// `POST /app/sign-out-everywhere`: end every session of the person, on every device.
pub async fn sign_out_everywhere(State(state): State<WebState>, a: Action<NoFields>) -> WebResult<Response> {
    state.accounts.sign_out_everywhere(&a.viewer.user).await?;
    Ok(signed_out(&state))
}
