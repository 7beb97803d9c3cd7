//! The People page for owners and admins: the business's people and pending invitations,
//! inviting by email, changing roles, disabling and enabling.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use risala_core::model::Role;
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::layout::{alert, csrf, field, page};
use crate::pages::account::{form_error, role_name};
use crate::pages::link_base;
use crate::routes;
use crate::session::{Action, NoFields, Viewer};
use crate::WebState;

/// The page, with a confirmation or an error of the last action.
async fn render(state: &WebState, v: &Viewer, notice: Option<(bool, String)>) -> WebResult<Response> {
    let (lang, t) = (v.lang, v.lang.t());
    let (users, invitations) = state.accounts.people(&v.user).await?;
    let grantable: Vec<Role> =
        Role::ALL.iter().copied().filter(|r| v.user.role == Role::Owner || *r != Role::Owner).collect();
    let body = html! {
        section.card {
            h1 { (t.people) }
            @if let Some((error, text)) = &notice { (alert(*error, text)) }
            div.table-wrap { table {
                thead { tr { th { (t.name) } th { (t.email) } th { (t.role) } th { (t.status) } } }
                tbody {
                    @for u in &users {
                        tr {
                            td { (u.name) @if u.id == v.user.id { " " span.muted { (t.you) } } }
                            td { bdi { (u.email) } }
                            td {
                                @if u.id == v.user.id || (u.role == Role::Owner && v.user.role != Role::Owner) {
                                    (role_name(t, u.role))
                                } @else {
                                    form method="post" action=(format!("{}/{}/role", routes::PEOPLE, u.id)) {
                                        (csrf(v))
                                        label.skip for=(format!("role-{}", u.id)) { (t.role) }
                                        select id=(format!("role-{}", u.id)) name="role" data-autosave {
                                            @for r in &grantable {
                                                option value=(r.as_str()) selected[*r == u.role] { (role_name(t, *r)) }
                                            }
                                        }
                                        button.small type="submit" { (t.save) }
                                        span role="status" data-ok=(t.saved) {}
                                    }
                                }
                            }
                            td {
                                @if u.disabled_at.is_some() { (t.disabled_status) } @else { (t.active) }
                                @if u.id != v.user.id && (u.role != Role::Owner || v.user.role == Role::Owner) {
                                    @let (path, label, confirm) = if u.disabled_at.is_some() { ("enable", t.enable, None) } else { ("disable", t.disable, Some(t.confirm_disable)) };
                                    form method="post" action=(format!("{}/{}/{path}", routes::PEOPLE, u.id)) data-confirm=[confirm] {
                                        (csrf(v))
                                        button.small.danger[confirm.is_some()] type="submit" { (label) }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
        }
        @if !invitations.is_empty() {
            section.card {
                h2 { (t.pending_invitations) }
                ul { @for i in &invitations { li { bdi { (i.email) } " · " (role_name(t, i.role)) " · " (t.expires) " " (lang.datetime(i.expires_at)) } } }
            }
        }
        section.card {
            h2 { (t.invite_someone) }
            form method="post" action=(format!("{}/invite", routes::PEOPLE)) {
                (csrf(v))
                (field(t.email, "email", "email", "off", "", None))
                label for="role" { (t.role) }
                select id="role" name="role" {
                    @for r in &grantable { option value=(r.as_str()) selected[*r == Role::Agent] { (role_name(t, *r)) } }
                }
                button type="submit" { (t.invite) }
            }
        }
    };
    Ok(page(lang, Some(v), t.people, body))
}

/// `GET /app/people`: owners and admins (403 for agents).
pub async fn list(State(state): State<WebState>, v: Viewer) -> WebResult<Response> {
    render(&state, &v, None).await
}

#[derive(Deserialize)]
pub struct InviteForm {
    email: String,
    role: String,
}

fn parse_role(s: &str) -> WebResult<Role> {
    Role::parse(s).ok_or(WebError::Refused(StatusCode::BAD_REQUEST))
}

/// `POST /app/people/invite`: the invitation link goes out through the sender.
pub async fn invite(State(state): State<WebState>, headers: HeaderMap, a: Action<InviteForm>) -> WebResult<Response> {
    let t = a.viewer.lang.t();
    let role = parse_role(&a.form.role)?;
    let base = format!("{}{}/", link_base(&state, &headers), routes::INVITE);
    let (status, notice) = match state.accounts.invite(&a.viewer.user, &a.form.email, role, &base).await {
        Ok(inv) => (StatusCode::OK, (false, t.invited.replace("{email}", &inv.email))),
        Err(e) => match form_error(t, &e) {
            Some(text) => (StatusCode::BAD_REQUEST, (true, text.to_string())),
            None => return Err(e.into()),
        },
    };
    let mut resp = render(&state, &a.viewer, Some(notice)).await?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// After a change: 204 to a script, back to the page for a form.
fn done(fetch: bool) -> Response {
    if fetch {
        StatusCode::NO_CONTENT.into_response()
    } else {
        Redirect::to(routes::PEOPLE).into_response()
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

/// `POST /app/people/{id}/role`.
pub async fn set_role(
    State(state): State<WebState>,
    Path(id): Path<String>,
    a: Action<RoleForm>,
) -> WebResult<Response> {
    let role = parse_role(&a.form.role)?;
    state.accounts.set_role(&a.viewer.user, &id, role).await?;
    Ok(done(a.fetch))
}

/// `POST /app/people/{id}/disable`: signed out everywhere too.
pub async fn disable(
    State(state): State<WebState>,
    Path(id): Path<String>,
    a: Action<NoFields>,
) -> WebResult<Response> {
    state.accounts.set_disabled(&a.viewer.user, &id, true).await?;
    Ok(done(a.fetch))
}

/// `POST /app/people/{id}/enable`.
pub async fn enable(State(state): State<WebState>, Path(id): Path<String>, a: Action<NoFields>) -> WebResult<Response> {
    state.accounts.set_disabled(&a.viewer.user, &id, false).await?;
    Ok(done(a.fetch))
}
