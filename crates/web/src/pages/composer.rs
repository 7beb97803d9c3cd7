//! Answering from a chat: the composer at the bottom of the conversation and its actions.
//! Inside the customer service window: free text (optionally a reply to a message), a
//! reaction, an attachment; outside it, only the template picker, whose form has a field per
//! variable and a preview rendered on the server by the renderer a send uses. Every send goes
//! through [`ComposeService`], that is the API's send path; a refusal is shown with Meta's code
//! and reason. Opening a chat marks the customer's messages read and typing shows the customer
//! the typing indicator (both with a little script, `composer.js`, so a GET changes nothing).

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use risala_core::compose::{template_fields, unsupported, ComposeService, Draft, Refusal, Slot, TemplateField};
use risala_core::inbox::ChatView;
use risala_core::model::{Direction, Message, Template};
use risala_core::templates::RenderedTemplate;
use risala_core::tools::quick_replies::{Offer, MEDIA_KINDS};
use risala_core::ApiError;
use serde::Deserialize;

use crate::assets;
use crate::error::{WebError, WebResult};
use crate::i18n::Lang;
use crate::layout::{alert, csrf, page};
use crate::routes;
use crate::session::{same_origin, same_secret, Action, NoFields, Viewer};
use crate::WebState;

/// A file the composer received: stored as the business's media.
#[derive(Debug, Clone)]
pub struct Received {
    pub media_id: String,
    pub mime_type: String,
    pub filename: Option<String>,
    /// The form's other fields (`caption`, `reply_to`).
    pub fields: BTreeMap<String, String>,
}

/// The future of an [`AttachmentIntake`].
pub type IntakeFuture = Pin<Box<dyn Future<Output = Result<Received, ApiError>> + Send>>;

/// Receives a multipart request's `file` for business `.1`'s number `.2` the way
/// `POST /{phone-number-id}/media` does (streamed to disk under the cap on uploads in flight,
/// Meta's types and size limits, the content checked against its type), and stores it as the
/// business's media. The server provides it.
pub type AttachmentIntake = Arc<dyn Fn(Request, String, String) -> IntakeFuture + Send + Sync>;

/// Emoji the reaction form offers.
const REACTIONS: [&str; 6] = ["👍", "❤️", "😂", "😮", "😢", "🙏"];
/// Messages the reply and reaction lists offer, the latest.
const PICKABLE: usize = 20;

fn chat_url(p: &str, w: &str) -> String {
    format!("{}/{p}/{w}", routes::CHATS)
}

pub(crate) fn action_url(p: &str, w: &str, action: &str) -> String {
    format!("{}/{action}", chat_url(p, w))
}

/// `(#131047) Re-engagement message: Message failed to send because…`
fn reason(r: &Refusal) -> String {
    match r.details.is_empty() {
        true => format!("(#{}) {}", r.code, r.title),
        false => format!("(#{}) {}: {}", r.code, r.title, r.details),
    }
}

/// A message for a list: who wrote it and what it says (the inbox's one-line summary: the text,
/// the choice, the file's or place's name), shortened. An `<option>` holds text only, no
/// `<bdi>`: what was said is set apart with Unicode's isolates instead, so an Arabic message
/// in an English page (or the reverse) keeps its punctuation where it was written.
fn label(lang: Lang, m: &Message) -> String {
    let c = lang.compose();
    let who = if m.direction == Direction::Inbound { c.from_customer } else { c.from_you };
    let text = crate::pages::inbox::message::summary(lang, m);
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    format!("{who}: {}", crate::i18n::isolate(&short))
}

fn message_options(lang: Lang, view: &ChatView, empty: Option<&str>) -> Markup {
    html! {
        @if let Some(e) = empty { option value="" { (e) } }
        @for m in view.messages.iter().rev().filter(|m| m.kind != "reaction").take(PICKABLE) {
            option value=(m.id) { (label(lang, m)) }
        }
    }
}

/// What the composer says a quick reply attaches: `Attached: Image (menu.png). …`.
fn attached_label(lang: Lang, kind: &str, filename: Option<&str>) -> String {
    let c = lang.compose();
    let i = MEDIA_KINDS.iter().position(|k| *k == kind).unwrap_or(3);
    let what = match filename {
        Some(f) => format!("{} ({f})", c.media_kinds[i]),
        None => c.media_kinds[i].to_string(),
    };
    let sentence = if kind == "audio" { c.attached_audio } else { c.attached };
    sentence.replace("{what}", &what)
}

/// The quick replies a `/` in the message offers (`composer.js` shows, filters and inserts
/// them, and attaches a quick reply's media; without the script the list stays hidden and the
/// form works as before).
fn quick_menu(lang: Lang, quick: &[Offer]) -> Markup {
    let t = lang.tools();
    html! {
        @if !quick.is_empty() {
            div.quick-menu id="quick-menu" hidden {
                p.hint id="quick-hint" { (t.menu_hint) }
                ul id="quick-replies" role="listbox" aria-label=(t.quick_replies) aria-describedby="quick-hint" {
                    @for (i, o) in quick.iter().enumerate() {
                        @let media = o.reply.media_kind.as_deref().zip(o.reply.media_id.as_deref());
                        li role="option" id=(format!("quick-{i}")) aria-selected="false" data-shortcut=(o.reply.shortcut) data-text=(o.text)
                            data-id=[media.map(|_| o.reply.id.as_str())]
                            data-media-kind=[media.map(|(k, _)| k)]
                            data-media-src=[media.filter(|(k, _)| *k == "image").map(|(_, id)| format!("/app/media/{id}"))]
                            data-attached=[media.map(|(k, _)| attached_label(lang, k, o.filename.as_deref()))] {
                            code dir="auto" { "/" (o.reply.shortcut) } " "
                            @if let Some((k, _)) = media { span.badge { (lang.compose().media_kinds[MEDIA_KINDS.iter().position(|m| *m == k).unwrap_or(3)]) } " " }
                            span.muted dir="auto" { (o.text.chars().take(80).collect::<String>()) }
                        }
                    }
                }
            }
            // The media of the quick reply picked, sent with the message; removable.
            div.quick-attachment id="quick-attachment" hidden {
                input type="hidden" name="quick_reply" id="quick-reply-id" value="";
                img id="quick-attachment-img" alt="" hidden;
                span id="quick-attachment-name" role="status" {}
                button.chip-x type="button" id="quick-attachment-remove" aria-label=(lang.compose().remove_attachment) title=(lang.compose().remove_attachment) { "×" }
            }
        }
    }
}

/// The composer of a chat, for the bottom of the chat page.
pub async fn panel(state: &WebState, v: &Viewer, view: &ChatView) -> WebResult<Markup> {
    let (lang, c) = (v.lang, v.lang.compose());
    let conv = &view.chat.conversation;
    let (p, w) = (conv.phone_number_id.as_str(), view.chat.customer_key(state.inbox.now()));
    let s = state.compose.state(&v.user.business_id, p, w).await?;
    let quick = state.quick_replies.for_chat(&v.user.business_id, p, &view.chat.profile_name, &v.user.name).await?;
    let when = |ms: i64| lang.datetime(ms);
    let csrf_q = format!("?csrf={}", v.csrf());
    let shop = match s.window.open {
        true => Some(super::composer_shop::forms(state, v, view, &s.phone.waba_id).await?),
        false => None,
    };
    Ok(html! {
        section.card.composer id="composer" aria-labelledby="composer-h"
            data-read=(action_url(p, w, "read")) data-typing=(action_url(p, w, "typing")) {
            h2 id="composer-h" { (c.answer) }
            @match (s.window.open, s.window.last_inbound_at) {
                (true, _) => p.window.open { (c.window_open.replace("{time}", &when(s.window.closes_at.unwrap_or_default()))) },
                (false, Some(t)) => p.window.closed role="status" { (c.window_closed.replace("{time}", &when(t))) },
                (false, None) => p.window.closed role="status" { (c.window_never) },
            }
            @if s.window.open {
                form.compose method="post" action=(action_url(p, w, "send")) {
                    (csrf(v))
                    label for="compose-reply" { (c.reply_to) }
                    select id="compose-reply" name="reply_to" { (message_options(lang, view, Some(c.no_reply))) }
                    label for="compose-body" { (c.message) }
                    div.compose-row {
                        textarea id="compose-body" name="body" rows="2" required dir="auto"
                            aria-controls=[(!quick.is_empty()).then_some("quick-replies")]
                            aria-autocomplete=[(!quick.is_empty()).then_some("list")] {}
                        button type="submit" { (c.send) }
                    }
                    (quick_menu(lang, &quick))
                }
                details.compose-more {
                    summary { (c.attach) }
                    form method="post" enctype="multipart/form-data" action=(format!("{}{csrf_q}", action_url(p, w, "attach"))) {
                        label for="compose-file" { (c.file) }
                        input id="compose-file" type="file" name="file" required aria-describedby="compose-file-hint";
                        p.hint id="compose-file-hint" { (c.file_hint) }
                        label for="compose-caption" { (c.caption) }
                        input id="compose-caption" type="text" name="caption" dir="auto";
                        button type="submit" { (c.send_file) }
                    }
                }
                @if !view.messages.is_empty() {
                    details.compose-more {
                        summary { (c.react) }
                        form method="post" action=(action_url(p, w, "react")) {
                            (csrf(v))
                            label for="compose-react-to" { (c.react_to) }
                            select id="compose-react-to" name="message_id" { (message_options(lang, view, None)) }
                            fieldset.reactions {
                                legend { (c.reaction) }
                                @for e in REACTIONS { button.emoji type="submit" name="emoji" value=(e) { (e) } }
                            }
                        }
                    }
                }
                @if let Some(shop) = shop { (shop) }
            }
            (template_list(lang, p, w, &s.templates, s.window.open))
        }
        script src=(assets::url("composer.js")) defer {}
    })
}

fn template_list(lang: Lang, p: &str, w: &str, templates: &[Template], window_open: bool) -> Markup {
    let c = lang.compose();
    let list = html! {
        p.muted { (c.templates_intro) }
        @if templates.is_empty() { p.muted { (c.no_templates) } }
        ul.templates {
            @for t in templates {
                li {
                    a href=(action_url(p, w, &format!("templates/{}", t.id))) {
                        strong { bdi { (t.name) } } " "
                        span.badge { (t.language) } " "
                        span.badge { (t.category.as_str()) }
                        span.template-body dir="auto" { (t.body_text()) }
                    }
                }
            }
        }
    };
    html! {
        @if window_open {
            details.compose-more { summary { (c.templates) } (list) }
        } @else {
            div.template-picker { h3 { (c.templates) } (list) }
        }
    }
}

/// Send `draft` in the chat as the viewer's business; the chat again, or the refusal's page.
pub(crate) async fn send_draft(state: &WebState, v: &Viewer, p: &str, w: &str, draft: Draft) -> WebResult<Response> {
    let result = state.compose.send(&v.user.business_id, p, w, draft).await?;
    Ok(send_result(v, p, w, result))
}

pub(crate) fn send_result(v: &Viewer, p: &str, w: &str, result: Result<String, Refusal>) -> Response {
    match result {
        Ok(_) => Redirect::to(&format!("{}#composer", chat_url(p, w))).into_response(),
        Err(r) => refused_page(v, p, w, &r, None),
    }
}

/// The page after a refusal: Meta's reason, and the way back (or the template form again).
fn refused_page(v: &Viewer, p: &str, w: &str, r: &Refusal, again: Option<Markup>) -> Response {
    let c = v.lang.compose();
    let body = html! {
        section.card {
            h1 { (c.not_sent_title) }
            (alert(true, &c.not_sent.replace("{reason}", &reason(r))))
            @if let Some(form) = again { (form) }
            p { a href=(format!("{}#composer", chat_url(p, w))) { (c.back_to_chat) } }
        }
    };
    let mut resp = page(v.lang, Some(v), c.not_sent_title, body);
    *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    resp
}

#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    reply_to: String,
    /// A quick reply picked with `/` whose media goes with the message (`composer.js`).
    #[serde(default)]
    quick_reply: String,
}

fn some(s: String) -> Option<String> {
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// `POST /app/chats/{p}/{w}/send`: free text, optionally a reply. With `quick_reply`, that
/// quick reply's media is sent with the text as its caption (an audio has none: the text
/// follows it), through the same send path as an attached file.
pub async fn send_text(
    State(state): State<WebState>,
    Path((p, w)): Path<(String, String)>,
    a: Action<TextForm>,
) -> WebResult<Response> {
    let business = &a.viewer.user.business_id;
    let TextForm { body, reply_to, quick_reply } = a.form;
    let reply_to = some(reply_to);
    let attachment = match some(quick_reply) {
        Some(id) => state.quick_replies.attachment(business, &id).await?,
        None => None,
    };
    let Some(m) = attachment else {
        let result = state.compose.send(business, &p, &w, Draft::Text { body, reply_to }).await?;
        return Ok(send_result(&a.viewer, &p, &w, result));
    };
    let audio = m.kind == "audio";
    let (caption, after) = if audio { (None, some(body)) } else { (some(body), None) };
    let draft = Draft::Media { kind: m.kind, media_id: m.media_id, caption, filename: m.filename, reply_to };
    let mut result = state.compose.send(business, &p, &w, draft).await?;
    if let (Ok(_), Some(body)) = (&result, after) {
        result = state.compose.send(business, &p, &w, Draft::Text { body, reply_to: None }).await?;
    }
    Ok(send_result(&a.viewer, &p, &w, result))
}

#[derive(Deserialize)]
pub struct ReactForm {
    message_id: String,
    emoji: String,
}

/// `POST /app/chats/{p}/{w}/react`.
pub async fn react(
    State(state): State<WebState>,
    Path((p, w)): Path<(String, String)>,
    a: Action<ReactForm>,
) -> WebResult<Response> {
    let draft = Draft::Reaction { message_id: a.form.message_id, emoji: a.form.emoji };
    send_draft(&state, &a.viewer, &p, &w, draft).await
}

#[derive(Deserialize)]
struct CsrfQuery {
    csrf: Option<String>,
}

/// `POST /app/chats/{p}/{w}/attach?csrf=…` (multipart: `file`, `caption`): the file is stored
/// as `POST /{phone-number-id}/media` stores it, then sent by its id. The CSRF token is in
/// the query (the page's form action), so it is checked before any byte of the file is read.
pub async fn attach(
    State(state): State<WebState>,
    Path((p, w)): Path<(String, String)>,
    req: Request,
) -> WebResult<Response> {
    let (mut parts, body) = req.into_parts();
    let v = Viewer::from_request_parts(&mut parts, &state).await?;
    let sent = serde_urlencoded::from_str::<CsrfQuery>(parts.uri.query().unwrap_or(""))
        .map_err(|_| WebError::Refused(StatusCode::BAD_REQUEST))?
        .csrf;
    if !same_origin(&parts.headers) || !sent.is_some_and(|s| same_secret(&s, &v.csrf())) {
        return Err(WebError::Refused(StatusCode::FORBIDDEN));
    }
    let business = v.user.business_id.clone();
    // The chat is the business's before anything is received.
    let s = state.compose.state(&business, &p, &w).await?;
    let received = (state.attachments)(Request::from_parts(parts, body), business.clone(), s.phone.id.clone()).await;
    let mut r = match received {
        Ok(r) => r,
        Err(e) if e.code.row().http_status < 500 => {
            let refusal = Refusal::from_api(&e);
            return Ok(refused_page(&v, &p, &w, &refusal, None));
        }
        Err(e) => return Err(e.into()),
    };
    let kind = risala_core::compose::media_kind(&r.mime_type).to_string();
    let draft = Draft::Media {
        kind,
        media_id: r.media_id,
        caption: r.fields.remove("caption").and_then(some),
        filename: r.filename,
        reply_to: r.fields.remove("reply_to").and_then(some),
    };
    let result = state.compose.send(&business, &p, &w, draft).await?;
    Ok(send_result(&v, &p, &w, result))
}

/// `POST /app/chats/{p}/{w}/read` (script): the customer's messages are read.
pub async fn read(
    State(state): State<WebState>,
    Path((p, w)): Path<(String, String)>,
    a: Action<NoFields>,
) -> WebResult<Response> {
    state.compose.mark_read(&a.viewer.user.business_id, &p, &w, false).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /app/chats/{p}/{w}/typing` (script, while the person types): read, and the typing
/// indicator.
pub async fn typing(
    State(state): State<WebState>,
    Path((p, w)): Path<(String, String)>,
    a: Action<NoFields>,
) -> WebResult<Response> {
    state.compose.mark_read(&a.viewer.user.business_id, &p, &w, true).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A field's label: where the variable sits and its name (`Body {{1}}`), kept left to right.
fn field_label(lang: Lang, f: &TemplateField) -> Markup {
    let c = lang.compose();
    let var = |place: &str| html! { (place) " " bdi dir="ltr" { "{{" (f.name) "}}" } };
    match f.slot {
        Slot::HeaderText => var(c.var_header),
        Slot::Body => var(c.var_body),
        Slot::HeaderMedia => html! { (c.var_media.replace("{kind}", &f.name)) },
        Slot::Button(i) => {
            html! { (c.var_button.replace("{n}", &lang.number(i as i64 + 1)).replace("{kind}", &f.name)) }
        }
    }
}

/// An element id for a field key (`body.first_name` → `tpl-body-first_name`).
fn field_id(key: &str) -> String {
    let safe: String = key.chars().map(|ch| if ch.is_ascii_alphanumeric() || ch == '_' { ch } else { '-' }).collect();
    format!("tpl-{safe}")
}

/// What the customer would see: a bubble with the header, body, footer and buttons.
fn preview_markup(lang: Lang, preview: &Result<RenderedTemplate, Refusal>) -> Markup {
    match preview {
        Ok(r) => html! {
            div.bubble.out.template-preview dir="auto" {
                @if let Some(h) = &r.header {
                    @match h["type"].as_str() {
                        Some("text") => strong.tpl-header { (h["text"].as_str().unwrap_or_default()) },
                        Some(kind) => span.tpl-media { "[" (kind.to_uppercase()) "]" },
                        None => {},
                    }
                }
                p.tpl-body { (r.body) }
                @if let Some(f) = &r.footer { p.tpl-footer.muted { (f) } }
                @if !r.buttons.is_empty() {
                    ul.tpl-buttons { @for b in &r.buttons { li { (b["text"].as_str().unwrap_or_default()) } } }
                }
            }
        },
        Err(r) => alert(true, &lang.compose().not_sent.replace("{reason}", &reason(r))),
    }
}

/// The template form: a field per variable, the preview, send.
fn template_form(v: &Viewer, p: &str, w: &str, t: &Template, values: &BTreeMap<String, String>) -> Markup {
    let (lang, c) = (v.lang, v.lang.compose());
    let url = action_url(p, w, &format!("templates/{}", t.id));
    let fields = template_fields(t);
    let preview = ComposeService::preview(t, values);
    html! {
        @if let Some(why) = unsupported(t) {
            (alert(true, &c.unsupported.replace("{why}", why)))
        } @else {
            form.template-form method="post" action=(url) data-preview=(format!("{url}/preview")) {
                (csrf(v))
                fieldset {
                    legend { (c.parameters) }
                    @if fields.is_empty() { p.muted { (c.no_parameters) } }
                    @for f in &fields {
                        @let id = field_id(&f.key);
                        @let hint = format!("{id}-hint");
                        label for=(id) { (field_label(lang, f)) }
                        input id=(id) name=(f.key) type=(if f.slot == Slot::HeaderMedia { "url" } else { "text" }) required dir="auto"
                            value=(values.get(&f.key).map(String::as_str).unwrap_or(""))
                            aria-describedby=[f.example.as_ref().map(|_| hint.as_str())];
                        @if let Some(e) = &f.example { p.hint id=(hint) { (c.example) " " bdi dir="auto" { (e) } } }
                    }
                }
                h3 { (c.preview) }
                div id="template-preview" aria-live="polite" { (preview_markup(lang, &preview)) }
                div.form-actions {
                    button type="submit" { (c.send_template) }
                    button.secondary type="submit" formaction=(format!("{url}/preview")) formnovalidate data-preview-button { (c.update_preview) }
                }
            }
        }
    }
}

fn template_page(v: &Viewer, p: &str, w: &str, t: &Template, values: &BTreeMap<String, String>) -> Response {
    let c = v.lang.compose();
    let body = html! {
        section.card {
            p { a href=(format!("{}#composer", chat_url(p, w))) { (c.back_to_chat) } }
            h1 { bdi { (t.name) } " " span.badge { (t.language) } " " span.badge { (t.category.as_str()) } }
            (template_form(v, p, w, t, values))
        }
        script src=(assets::url("composer.js")) defer {}
    };
    page(v.lang, Some(v), &t.name, body)
}

/// `GET /app/chats/{p}/{w}/templates/{id}`: the template picker's form for one template.
pub async fn template(
    State(state): State<WebState>,
    v: Viewer,
    Path((p, w, id)): Path<(String, String, String)>,
) -> WebResult<Response> {
    let t = state.compose.template(&v.user.business_id, &p, &w, &id).await?;
    Ok(template_page(&v, &p, &w, &t, &BTreeMap::new()))
}

/// The form's values without its CSRF token.
fn values(mut form: BTreeMap<String, String>) -> BTreeMap<String, String> {
    form.remove("csrf");
    form
}

/// `POST /app/chats/{p}/{w}/templates/{id}/preview`: from the script, the preview alone; from
/// the form's button, the page again.
pub async fn preview(
    State(state): State<WebState>,
    Path((p, w, id)): Path<(String, String, String)>,
    a: Action<BTreeMap<String, String>>,
) -> WebResult<Response> {
    let t = state.compose.template(&a.viewer.user.business_id, &p, &w, &id).await?;
    let values = values(a.form);
    if a.fetch {
        let markup = preview_markup(a.viewer.lang, &ComposeService::preview(&t, &values));
        return Ok(axum::response::Html(markup.into_string()).into_response());
    }
    Ok(template_page(&a.viewer, &p, &w, &t, &values))
}

/// `POST /app/chats/{p}/{w}/templates/{id}`: send the template.
pub async fn send_template(
    State(state): State<WebState>,
    Path((p, w, id)): Path<(String, String, String)>,
    a: Action<BTreeMap<String, String>>,
) -> WebResult<Response> {
    let business = &a.viewer.user.business_id;
    let t = state.compose.template(business, &p, &w, &id).await?;
    let values = values(a.form);
    let draft = Draft::Template { template_id: t.id.clone(), values: values.clone() };
    match state.compose.send(business, &p, &w, draft).await? {
        Ok(_) => Ok(Redirect::to(&format!("{}#composer", chat_url(&p, &w))).into_response()),
        Err(r) => {
            let again = template_form(&a.viewer, &p, &w, &t, &values);
            Ok(refused_page(&a.viewer, &p, &w, &r, Some(again)))
        }
    }
}
