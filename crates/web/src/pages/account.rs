//! Pages reached by emailed links, before there is a session: asking for a password reset,
//! setting a new password, accepting an invitation.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use risala_core::accounts::AccountError;
use risala_core::model::Role;
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::i18n::{Lang, Strings};
use crate::layout::{alert, field, page};
use crate::pages::link_base;
use crate::routes;
use crate::session::{session_cookie, PublicForm};
use crate::WebState;

/// The words for an account error a form shows, or `None` for errors that are no form's.
pub fn form_error(t: &'static Strings, e: &AccountError) -> Option<&'static str> {
    Some(match e {
        AccountError::InvalidEmail => t.invalid_email,
        AccountError::BadPassword => t.bad_password,
        AccountError::BadName => t.bad_name,
        AccountError::EmailTaken => t.email_taken,
        AccountError::NotAllowed => t.not_allowed,
        AccountError::KeepOwner => t.keep_owner,
        _ => return None,
    })
}

/// The form again with the error (400), or the error's own page.
fn refused(lang: Lang, e: AccountError, render: impl FnOnce(&str) -> Response) -> WebResult<Response> {
    match form_error(lang.t(), &e) {
        Some(text) => {
            let mut resp = render(text);
            *resp.status_mut() = StatusCode::BAD_REQUEST;
            Ok(resp)
        }
        None => Err(e.into()),
    }
}

pub fn role_name(t: &Strings, role: Role) -> &'static str {
    match role {
        Role::Owner => t.owner,
        Role::Admin => t.admin,
        Role::Agent => t.agent,
    }
}

fn reset_page(lang: Lang, sent: bool) -> Response {
    let t = lang.t();
    let body = html! {
        div.card.narrow {
            h1 { (t.reset_title) }
            @if sent { (alert(false, t.reset_sent)) } @else { p.muted { (t.reset_intro) } }
            form method="post" action=(routes::RESET) {
                (field(t.email, "email", "email", "username", "", None))
                button type="submit" { (t.send_link) }
            }
            p { a href=(routes::SIGN_IN) { (t.sign_in) } }
        }
    };
    page(lang, None, t.reset_title, body)
}

pub async fn reset_form(lang: Lang) -> Response {
    reset_page(lang, false)
}

#[derive(Deserialize)]
pub struct EmailForm {
    email: String,
}

/// `POST /app/reset`: the same answer whether the email has an account or not.
pub async fn reset_request(
    State(state): State<WebState>,
    lang: Lang,
    headers: HeaderMap,
    PublicForm(f): PublicForm<EmailForm>,
) -> WebResult<Response> {
    let base = format!("{}{}/", link_base(&state, &headers), routes::RESET);
    state.accounts.request_reset(&f.email, &base).await?;
    Ok(reset_page(lang, true))
}

fn password_form(
    lang: Lang,
    action: &str,
    title: &str,
    intro: Markup,
    with_name: bool,
    error: Option<&str>,
) -> Response {
    let t = lang.t();
    let body = html! {
        div.card.narrow {
            h1 { (title) }
            (intro)
            @if let Some(e) = error { (alert(true, e)) }
            form method="post" action=(action) {
                @if with_name { (field(t.name, "name", "text", "name", "", None)) }
                (field(t.new_password, "password", "password", "new-password", "", Some(t.password_hint)))
                button type="submit" { @if with_name { (t.accept) } @else { (t.set_password) } }
            }
        }
    };
    page(lang, None, title, body)
}

/// `GET /app/reset/{token}`: the new-password form while the link is good.
pub async fn new_password_form(
    State(state): State<WebState>,
    lang: Lang,
    Path(token): Path<String>,
) -> WebResult<Response> {
    let user = state.accounts.reset_user(&token).await?;
    let intro = html! { p.muted { (user.email) } };
    Ok(password_form(lang, &format!("{}/{token}", routes::RESET), lang.t().reset_title, intro, false, None))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    password: String,
}

/// `POST /app/reset/{token}`: the new password (the link is used up, every session ends).
pub async fn new_password(
    State(state): State<WebState>,
    lang: Lang,
    Path(token): Path<String>,
    PublicForm(f): PublicForm<PasswordForm>,
) -> WebResult<Response> {
    match state.accounts.reset_password(&token, &f.password).await {
        Ok(_) => Ok(Redirect::to(&format!("{}?done=password", routes::SIGN_IN)).into_response()),
        Err(e) => refused(lang, e, |text| {
            let action = format!("{}/{token}", routes::RESET);
            password_form(lang, &action, lang.t().reset_title, html! {}, false, Some(text))
        }),
    }
}

async fn invitation_page(state: &WebState, lang: Lang, token: &str, error: Option<&str>) -> WebResult<Response> {
    let t = lang.t();
    let inv = state.accounts.invitation(token).await?;
    let business = state.accounts.business_name(&inv.business_id).await?;
    let title = t.invite_title.replace("{business}", &business);
    let intro =
        html! { p { (t.invite_intro.replace("{role}", role_name(t, inv.role)).replace("{email}", &inv.email)) } };
    Ok(password_form(lang, &format!("{}/{token}", routes::INVITE), &title, intro, true, error))
}

/// `GET /app/invite/{token}`: who invites, as what; name and password to choose.
pub async fn invitation(State(state): State<WebState>, lang: Lang, Path(token): Path<String>) -> WebResult<Response> {
    invitation_page(&state, lang, &token, None).await
}

#[derive(Deserialize)]
pub struct AcceptForm {
    name: String,
    password: String,
}

/// `POST /app/invite/{token}`: the account, signed in.
pub async fn accept(
    State(state): State<WebState>,
    lang: Lang,
    Path(token): Path<String>,
    PublicForm(f): PublicForm<AcceptForm>,
) -> WebResult<Response> {
    match state.accounts.accept(&token, &f.name, &f.password).await {
        Ok(s) => Ok((
            [(header::SET_COOKIE, session_cookie(Some(&s.token), state.secure_cookies))],
            Redirect::to(routes::HOME),
        )
            .into_response()),
        Err(e) => match form_error(lang.t(), &e) {
            Some(text) => {
                let mut resp = invitation_page(&state, lang, &token, Some(text)).await?;
                *resp.status_mut() = StatusCode::BAD_REQUEST;
                Ok(resp)
            }
            None => Err(WebError::from(e)),
        },
    }
}
