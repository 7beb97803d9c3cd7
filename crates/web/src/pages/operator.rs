//! The operator console (`/app/operator/…`): the operator signs in with the server's admin token
//! on a form of its own and gets a separate session (cookie `risala_operator`, `HttpOnly;
//! SameSite=Strict; Path=/app/operator`, 8 hours). The cookie holds the time it was issued and a
//! MAC of it keyed by the admin token, so it is valid on every node, and changing the admin
//! token ends every operator session; so does signing out (the store keeps when), and wrong
//! tokens are limited per address. State changes need the same origin and the session's CSRF
//! token, as the business pages do.
//!
//! Pages: the queue of verified-badge requests (the business, its number, the evidence, the
//! criteria checks; approve, or reject with reasons) and the criteria with the review delay.
//! Everything goes through [`risala_core::badges::BadgeService`], as the admin API does.

use std::collections::BTreeMap;

use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use risala_core::accounts::AccountError;
use risala_core::badges::{Criteria, QueueEntry};
use risala_core::clock::system_now_ms;
use risala_core::model::{Actor, Target};
use risala_core::ApiError;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::error::WebError;
use crate::i18n::{cookie, Lang};
use crate::layout::{alert, field, page};
use crate::pages::console::phone;
use crate::routes::{OPERATOR_BADGES, OPERATOR_CRITERIA, OPERATOR_SIGN_IN, OPERATOR_SIGN_OUT};
use crate::session::{same_origin, same_secret, ClientAddr, PublicForm};
use crate::WebState;

pub const COOKIE: &str = "risala_operator";
const TTL_MS: i64 = 8 * 3_600_000;
const MAX_FORM: usize = 64 * 1024;
type Form = BTreeMap<String, String>;

fn mac(token: &str, issued: i64) -> String {
    hex::encode(risala_core::ids::hmac_sha256(token.as_bytes(), format!("risala operator session {issued}").as_bytes()))
}

fn session_value(token: &str, issued: i64) -> String {
    format!("{issued}.{}", mac(token, issued))
}

/// When the session in `value` was issued, if this admin token issued it less than 8 hours
/// ago.
fn issued(token: &str, value: &str, now: i64) -> Option<i64> {
    let (issued, given) = value.split_once('.')?;
    let issued = issued.parse::<i64>().ok()?;
    ((issued..issued + TTL_MS).contains(&now) && same_secret(given, &mac(token, issued))).then_some(issued)
}

fn set_cookie(value: Option<&str>, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let v = match value {
        Some(v) => {
            format!("{COOKIE}={v}; HttpOnly; SameSite=Strict; Path=/app/operator; Max-Age={}{secure}", TTL_MS / 1000)
        }
        None => format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/app/operator; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static("risala_operator=; Path=/app/operator; Max-Age=0"))
}

/// A signed-in operator.
pub struct Operator {
    session: String,
    pub lang: Lang,
}

impl Operator {
    /// The session's CSRF token (derived from it, never stored).
    pub fn csrf(&self) -> String {
        hex::encode(risala_core::ids::hmac_sha256(self.session.as_bytes(), b"risala operator csrf"))
    }
}

/// No operator session: a page goes to the operator's sign-in, an action is 401.
pub enum NotOperator {
    SignIn,
    Refused(WebError),
}

impl IntoResponse for NotOperator {
    fn into_response(self) -> Response {
        match self {
            NotOperator::SignIn => Redirect::to(OPERATOR_SIGN_IN).into_response(),
            NotOperator::Refused(e) => e.into_response(),
        }
    }
}

/// The operator's session: a cookie this admin token issued less than 8 hours ago, after the
/// operator last signed out.
async fn session_of(headers: &HeaderMap, state: &WebState) -> Result<Option<String>, WebError> {
    let Some(token) = state.operator_token.as_deref() else { return Ok(None) };
    let Some(value) = cookie(headers, COOKIE) else { return Ok(None) };
    let Some(issued) = issued(token, &value, system_now_ms()) else { return Ok(None) };
    Ok((issued > state.accounts.operator_signed_out_at().await?).then_some(value))
}

impl FromRequestParts<WebState> for Operator {
    type Rejection = NotOperator;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, NotOperator> {
        match session_of(&parts.headers, state).await.map_err(NotOperator::Refused)? {
            Some(session) => Ok(Operator { session, lang: Lang::of(&parts.headers) }),
            None if matches!(parts.method, Method::GET | Method::HEAD) => Err(NotOperator::SignIn),
            None => Err(NotOperator::Refused(WebError::Unauthorized)),
        }
    }
}

/// A state-changing request of the operator: same origin, the session, its CSRF token.
pub struct OperatorAction {
    pub operator: Operator,
    pub form: Form,
}

impl FromRequest<WebState> for OperatorAction {
    type Rejection = NotOperator;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, NotOperator> {
        let (mut parts, body) = req.into_parts();
        let operator = Operator::from_request_parts(&mut parts, state).await?;
        let refused = |s| NotOperator::Refused(WebError::Refused(s));
        if !same_origin(&parts.headers) {
            return Err(refused(StatusCode::FORBIDDEN));
        }
        let bytes = axum::body::to_bytes(body, MAX_FORM).await.map_err(|_| refused(StatusCode::PAYLOAD_TOO_LARGE))?;
        let form: Form = serde_urlencoded::from_bytes(&bytes).map_err(|_| refused(StatusCode::BAD_REQUEST))?;
        let sent = parts.headers.get(crate::session::CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
        let sent = sent.or_else(|| form.get("csrf").cloned());
        if !sent.is_some_and(|s| same_secret(&s, &operator.csrf())) {
            return Err(refused(StatusCode::FORBIDDEN));
        }
        Ok(OperatorAction { operator, form })
    }
}

fn csrf_field(o: &Operator) -> Markup {
    html! { input type="hidden" name="csrf" value=(o.csrf()); }
}

/// The console's frame: its title, its two pages, sign out.
fn frame(o: &Operator, current: &str, title: &str, body: Markup) -> Response {
    let t = o.lang.operator();
    let body = html! {
        div.operator-bar {
            strong { (t.console) }
            nav.tabs aria-label=(t.console) {
                @for (path, name) in [(OPERATOR_BADGES, t.badges), (OPERATOR_CRITERIA, t.criteria)] {
                    a href=(path) aria-current=[(path == current).then_some("page")] { (name) }
                }
            }
            form method="post" action=(OPERATOR_SIGN_OUT) {
                (csrf_field(o))
                button.link type="submit" { (t.sign_out) }
            }
        }
        (body)
    };
    page(o.lang, None, title, body)
}

fn sign_in_page(lang: Lang, state: &WebState, error: Option<&str>) -> Response {
    let t = lang.operator();
    let body = html! {
        div.card.narrow {
            h1 { (t.sign_in_title) }
            p.muted { (t.sign_in_intro) }
            @if state.operator_token.is_none() { (alert(true, t.no_token)) }
            @if let Some(e) = error { (alert(true, e)) }
            form method="post" action=(OPERATOR_SIGN_IN) {
                (field(t.token, "token", "password", "current-password", "", None))
                button type="submit" { (t.sign_in) }
            }
        }
    };
    page(lang, None, t.sign_in_title, body)
}

/// `GET /app/operator/sign-in`; a signed-in operator goes on to the queue.
pub async fn sign_in_form(State(state): State<WebState>, headers: HeaderMap) -> Result<Response, WebError> {
    if session_of(&headers, &state).await?.is_some() {
        return Ok(Redirect::to(OPERATOR_BADGES).into_response());
    }
    Ok(sign_in_page(Lang::of(&headers), &state, None))
}

#[derive(Deserialize)]
pub struct TokenForm {
    token: String,
}

/// `POST /app/operator/sign-in`: the admin token opens an operator session (401 otherwise;
/// 429 with `Retry-After` once wrong tokens from the address are limited).
pub async fn sign_in(
    State(state): State<WebState>,
    lang: Lang,
    ClientAddr(ip): ClientAddr,
    PublicForm(f): PublicForm<TokenForm>,
) -> Result<Response, WebError> {
    let now = system_now_ms();
    let token = state.operator_token.as_deref().filter(|t| same_secret(f.token.trim(), t));
    let t = lang.operator();
    let (status, error) = match (state.accounts.operator_sign_in(ip, token.is_some(), now), token) {
        (Ok(()), Some(token)) => {
            let value = session_value(token, now);
            let cookie = set_cookie(Some(&value), state.secure_cookies);
            return Ok(([(header::SET_COOKIE, cookie)], Redirect::to(OPERATOR_BADGES)).into_response());
        }
        (Err(AccountError::TooManyAttempts(wait)), _) => {
            let secs = (wait + 999) / 1000;
            (StatusCode::TOO_MANY_REQUESTS, (lang.t().too_many.replace("{s}", &lang.number(secs)), Some(secs)))
        }
        (Err(AccountError::WrongCredentials), _) | (Ok(()), None) => {
            (StatusCode::UNAUTHORIZED, (t.wrong_token.to_string(), None))
        }
        (Err(e), _) => return Err(e.into()),
    };
    let (text, retry) = error;
    let mut resp = sign_in_page(lang, &state, Some(&text));
    *resp.status_mut() = status;
    if let Some(v) = retry.and_then(|s| s.to_string().parse().ok()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Ok(resp)
}

/// `POST /app/operator/sign-out`: ends every operator session, on every node.
pub async fn sign_out(State(state): State<WebState>, _a: OperatorAction) -> Result<Response, WebError> {
    state.accounts.operator_sign_out(system_now_ms()).await?;
    Ok(([(header::SET_COOKIE, set_cookie(None, state.secure_cookies))], Redirect::to(OPERATOR_SIGN_IN)).into_response())
}

/// `GET /app/operator`.
pub async fn home(_o: Operator) -> Redirect {
    Redirect::to(OPERATOR_BADGES)
}

#[derive(Deserialize)]
pub struct QueueQuery {
    status: Option<String>,
    done: Option<String>,
}

fn when(lang: Lang, ms: i64) -> Markup {
    html! { time datetime=(crate::i18n::iso(ms)) { (lang.datetime(ms)) } }
}

fn status_name(lang: Lang, status: &str) -> &'static str {
    let t = lang.operator();
    match status {
        "PENDING" => t.pending,
        "APPROVED" => t.approved,
        _ => t.rejected,
    }
}

fn entry(o: &Operator, e: &QueueEntry) -> Markup {
    let (lang, t) = (o.lang, o.lang.operator());
    let r = &e.request;
    let ev = &r.evidence;
    let text = |k: &str| ev[k].as_str().unwrap_or("").to_string();
    let checks: Vec<&Value> = r.checks.as_array().map(|a| a.iter().collect()).unwrap_or_default();
    let badge = match r.status.as_str() {
        "APPROVED" => "GREEN",
        "REJECTED" => "RED",
        _ => "YELLOW",
    };
    html! {
        article.card.oba data-request=(r.id) data-phone=(r.phone_number_id) aria-labelledby=(format!("h-{}", r.id)) {
            h2 id=(format!("h-{}", r.id)) {
                bdi { (e.business_name.clone().unwrap_or_default()) } " "
                span class=(format!("badge {badge}")) { (status_name(lang, &r.status)) }
            }
            dl.facts {
                dt { (t.number) } dd { @if let Some(p) = &e.phone { (phone(lang, &p.number)) } }
                dt { (t.display_name) } dd { bdi { @if let Some(p) = &e.phone { (p.verified_name) } } }
                dt { (t.submitted) } dd { (when(lang, r.submitted_at)) }
                @if let Some(d) = r.decided_at {
                    dt { (t.decided) } dd { (when(lang, d)) " · "
                        (if r.decided_by.as_deref() == Some("rules") { t.by_rules } else { t.by_operator }) }
                } @else {
                    dt { (t.due) } dd { (when(lang, r.due_at)) }
                }
            }
            h3 { (t.evidence) }
            dl.facts {
                dt { (t.website) } dd { bdi dir="ltr" { (text("business_website_url")) } }
                dt { (t.country) } dd { bdi { (text("primary_country_of_operation")) } }
                dt { (t.language) } dd { bdi { (text("primary_language")) } }
                dt { (t.parent) } dd { bdi { (text("parent_business_or_brand")) } }
                dt { (t.info) } dd { bdi { (text("additional_supporting_information")) } }
                dt { (t.links) }
                dd { ul.links { @for l in ev["supporting_links"].as_array().into_iter().flatten() {
                    li { bdi dir="ltr" { (l.as_str().unwrap_or("")) } }
                } } }
            }
            h3 { (t.checks) }
            div.table-wrap { table.checks {
                thead { tr { th scope="col" { (t.criterion) } th scope="col" { (t.result) } th scope="col" {} } }
                tbody { @for c in &checks {
                    @let ok = c["passed"].as_bool().unwrap_or(false);
                    tr data-criterion=(c["criterion"].as_str().unwrap_or("")) {
                        td { code { (c["criterion"].as_str().unwrap_or("")) } }
                        td { span class=(if ok { "badge GREEN" } else { "badge RED" }) { (if ok { t.passed } else { t.failed }) } }
                        td { bdi dir="ltr" { (c["detail"].as_str().unwrap_or("")) } }
                    }
                } }
            } }
            @if !r.reasons.is_empty() {
                h3 { (t.reasons) }
                ul { @for reason in &r.reasons { li { bdi { (reason) } } } }
            }
            @if r.status == "PENDING" {
                @let action = format!("{OPERATOR_BADGES}/{}/review", r.phone_number_id);
                div.review {
                    form method="post" action=(action) {
                        (csrf_field(o))
                        input type="hidden" name="decision" value="APPROVED";
                        button type="submit" { (t.approve) }
                    }
                    form method="post" action=(action) {
                        (csrf_field(o))
                        input type="hidden" name="decision" value="REJECTED";
                        @let id = format!("reasons-{}", r.phone_number_id);
                        label for=(id) { (t.reasons) }
                        textarea id=(id) name="reasons" rows="3" aria-describedby=(format!("{id}-hint")) {}
                        p.hint id=(format!("{id}-hint")) { (t.reasons_hint) }
                        button.danger type="submit" { (t.reject) }
                    }
                }
            }
        }
    }
}

async fn queue_page(
    state: &WebState,
    o: &Operator,
    status: Option<&str>,
    notice: Option<(bool, String)>,
) -> Result<Response, WebError> {
    let t = o.lang.operator();
    let entries = state.badges.queue_entries(status, None, 200).await?;
    let filters =
        [(Some("PENDING"), t.pending), (Some("APPROVED"), t.approved), (Some("REJECTED"), t.rejected), (None, t.all)];
    let body = html! {
        section.card aria-labelledby="badges-h" {
            h1 id="badges-h" { (t.badges) }
            p.muted { (t.badges_intro) }
            @if let Some((error, text)) = &notice { (alert(*error, text)) }
            nav.filters aria-label=(t.badges) {
                @for (s, name) in filters {
                    @let href = format!("{OPERATOR_BADGES}?status={}", s.unwrap_or("all"));
                    a href=(href) aria-current=[(s == status).then_some("page")] { (name) }
                }
            }
        }
        @if entries.is_empty() { p.card.muted { (t.none) } }
        @for e in &entries { (entry(o, e)) }
    };
    Ok(frame(o, OPERATOR_BADGES, t.badges, body))
}

fn status_filter(s: Option<&str>) -> Option<&'static str> {
    match s {
        Some("all") => None,
        Some("APPROVED") => Some("APPROVED"),
        Some("REJECTED") => Some("REJECTED"),
        _ => Some("PENDING"),
    }
}

/// `GET /app/operator/badges?status=PENDING|APPROVED|REJECTED|all`.
pub async fn badges(
    State(state): State<WebState>,
    o: Operator,
    Query(q): Query<QueueQuery>,
) -> Result<Response, WebError> {
    let notice = q.done.as_deref().map(|_| (false, o.lang.operator().decided_ok.to_string()));
    queue_page(&state, &o, status_filter(q.status.as_deref()), notice).await
}

/// `POST /app/operator/badges/{phone_number_id}/review`: approve, or reject with reasons (one
/// a line). A refused decision shows the queue again with why (400).
pub async fn review(
    State(state): State<WebState>,
    Path(phone_number_id): Path<String>,
    ClientAddr(ip): ClientAddr,
    a: OperatorAction,
) -> Result<Response, WebError> {
    let p = state.badges.phone(&phone_number_id).await?;
    let decision = a.form.get("decision").map(String::as_str).unwrap_or("");
    let reasons: Vec<String> =
        a.form.get("reasons").map(|r| r.lines().map(str::to_string).collect()).unwrap_or_default();
    match state.badges.review(&p, decision, &reasons).await {
        Ok(_) => {
            let target = Target { business_id: Some(p.business_id.clone()), id: p.id.clone() };
            let detail = format!("decision={decision}");
            state.audit.record(&Actor::operator(Some(ip.to_string())), "badge.review", &target, &detail).await?;
            Ok(Redirect::to(&format!("{OPERATOR_BADGES}?status=all&done=1")).into_response())
        }
        Err(e) if e.code == risala_core::ErrorCode::InvalidParameter => {
            let mut resp = queue_page(&state, &a.operator, Some("PENDING"), Some((true, e.details))).await?;
            *resp.status_mut() = StatusCode::BAD_REQUEST;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

fn number_field(label: &str, name: &str, value: i64, min: i64, max: i64, hint: Option<&str>) -> Markup {
    let hint_id = format!("{name}-hint");
    html! {
        label for=(name) { (label) }
        input id=(name) name=(name) type="number" min=(min) max=(max) value=(value) required
            aria-describedby=[hint.map(|_| hint_id.as_str())];
        @if let Some(h) = hint { p.hint id=(hint_id) { (h) } }
    }
}

fn criteria_page(o: &Operator, c: &Criteria, notice: Option<(bool, String)>) -> Response {
    let t = o.lang.operator();
    let check = |name: &str, label: &str, on: bool| {
        html! { label.crit { input type="checkbox" name=(name) checked[on]; " " (label) } }
    };
    let body = html! {
        section.card aria-labelledby="criteria-h" {
            h1 id="criteria-h" { (t.criteria) }
            p.muted { (t.criteria_intro) }
            @if let Some((error, text)) = &notice { (alert(*error, text)) }
            form method="post" action=(OPERATOR_CRITERIA) {
                (csrf_field(o))
                fieldset {
                    legend { (t.criteria) }
                    (check("two_step_verification", t.two_step, c.two_step_verification))
                    (check("business_verification", t.business_verified, c.business_verification))
                    (check("display_name_approved", t.name_approved, c.display_name_approved))
                }
                (number_field(t.min_days, "min_days_on_platform", c.min_days_on_platform, 0, 365, None))
                (number_field(t.min_links, "min_supporting_links", c.min_supporting_links as i64, 0, 5, None))
                (number_field(t.min_notable, "min_notable_links", c.min_notable_links as i64, 0, 5, None))
                label for="notable_sources" { (t.notable_sources) }
                textarea id="notable_sources" name="notable_sources" rows="6" dir="ltr" aria-describedby="notable_sources-hint" {
                    (c.notable_sources.join("\n"))
                }
                p.hint id="notable_sources-hint" { (t.notable_hint) }
                (number_field(t.review_days, "review_days", c.review_days, 3, 14, Some(t.review_days_hint)))
                button type="submit" { (t.save) }
            }
        }
    };
    frame(o, OPERATOR_CRITERIA, t.criteria, body)
}

/// `GET /app/operator/criteria`.
pub async fn criteria(State(state): State<WebState>, o: Operator) -> Result<Response, WebError> {
    let c = state.badges.criteria().await?;
    Ok(criteria_page(&o, &c, None))
}

/// The criteria form as the changes `set_criteria` takes; a number that does not parse is
/// refused naming its field.
fn changes(form: &Form) -> Result<Map<String, Value>, ApiError> {
    let mut m = Map::new();
    for k in ["two_step_verification", "business_verification", "display_name_approved"] {
        m.insert(k.into(), json!(form.contains_key(k)));
    }
    for k in ["min_days_on_platform", "min_supporting_links", "min_notable_links", "review_days"] {
        let v = form.get(k).map(|v| v.trim()).unwrap_or("");
        let n: i64 =
            v.parse().map_err(|_| ApiError::invalid(format!("Param {k} must be a whole number, not '{v}'")))?;
        m.insert(k.into(), json!(n));
    }
    let sources: Vec<String> = form
        .get("notable_sources")
        .map(|s| s.lines().map(|l| l.trim().to_ascii_lowercase()).filter(|l| !l.is_empty()).collect())
        .unwrap_or_default();
    m.insert("notable_sources".into(), json!(sources));
    Ok(m)
}

/// `POST /app/operator/criteria`.
pub async fn save_criteria(
    State(state): State<WebState>,
    ClientAddr(ip): ClientAddr,
    a: OperatorAction,
) -> Result<Response, WebError> {
    let t = a.operator.lang.operator();
    let changed = changes(&a.form);
    let fields = changed.as_ref().map(|m| m.keys().cloned().collect::<Vec<_>>().join(",")).unwrap_or_default();
    let result = match changed {
        Ok(m) => state.badges.set_criteria(&m).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(c) => {
            let target = Target { business_id: None, id: "official_business_account.criteria".into() };
            let detail = format!("fields={fields}");
            state.audit.record(&Actor::operator(Some(ip.to_string())), "badge.criteria", &target, &detail).await?;
            Ok(criteria_page(&a.operator, &c, Some((false, t.saved.to_string()))))
        }
        Err(e) if e.code == risala_core::ErrorCode::InvalidParameter => {
            let c = state.badges.criteria().await?;
            let mut resp = criteria_page(&a.operator, &c, Some((true, e.details)));
            *resp.status_mut() = StatusCode::BAD_REQUEST;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_the_tokens_and_expire() {
        let v = session_value("admin", 1_000);
        assert_eq!(issued("admin", &v, 1_000 + TTL_MS - 1), Some(1_000));
        assert_eq!(issued("admin", &v, 1_000 + TTL_MS), None, "expired");
        assert_eq!(issued("other", &v, 2_000), None, "another token");
        assert_eq!(issued("admin", "1000.00", 2_000), None);
        assert_eq!(issued("admin", &format!("999.{}", mac("admin", 1_000)), 2_000), None, "the MAC covers the time");
    }
}
