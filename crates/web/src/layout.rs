//! The page shell every page shares: `<html lang dir>`, the stylesheet and script, the top bar
//! (navigation, language switch, sign out), and the error pages.

use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use crate::assets;
use crate::i18n::Lang;
use crate::routes;
use crate::session::Viewer;

/// A whole page titled `title`, for `viewer` when someone is signed in.
pub fn page(lang: Lang, viewer: Option<&Viewer>, title: &str, body: Markup) -> Response {
    let t = lang.t();
    let other = if lang == Lang::Ar { Lang::En } else { Lang::Ar };
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // No icon to fetch: the browser's request for /favicon.ico was a 400 and an
                // error in the console of every page.
                link rel="icon" href="data:,";
                @if let Some(v) = viewer { meta name="csrf-token" content=(v.csrf()); }
                title { (title) " · " (t.app_name) }
                link rel="stylesheet" href=(assets::url("app.css"));
                script src=(assets::url("app.js")) defer {}
            }
            body {
                a.skip href="#content" { (t.skip_to_content) }
                header.top {
                    a.brand href=(routes::HOME) { (t.app_name) }
                    nav aria-label=(t.main_nav) {
                        @if let Some(v) = viewer {
                            a href=(routes::HOME) { (t.chats) }
                            // Labels are the team's, like its people: every role reads them.
                            a href=(routes::LABELS) { (lang.inbox().manage_labels) }
                            @if v.user.role.manages_people() { a href=(routes::PEOPLE) { (t.people) } }
                            @if v.user.role.manages_people() { a href=(routes::CONSOLE) { (lang.c().console) } }
                            @else { a href=(routes::CONSOLE_CONTACTS) { (lang.contacts().title) } }
                        }
                        a.lang href=(format!("{}/{}", routes::LANG, other.code())) lang=(other.code()) hreflang=(other.code()) { (other.t().lang_name) }
                        @if let Some(v) = viewer {
                            span.hide-narrow { (t.signed_in_as.replace("{name}", &v.user.name)) }
                            form method="post" action=(routes::SIGN_OUT) {
                                input type="hidden" name="csrf" value=(v.csrf());
                                button.link type="submit" { (t.sign_out) }
                            }
                        }
                    }
                }
                main id="content" { (body) }
            }
        }
    };
    ([(header::CACHE_CONTROL, "no-store")], Html(markup.into_string())).into_response()
}

/// An alert line: an error (`role=alert`) or a confirmation (`role=status`).
pub fn alert(error: bool, text: &str) -> Markup {
    html! {
        @if error { div.alert.error role="alert" { (text) } } @else { div.alert.ok role="status" { (text) } }
    }
}

/// `text` with its left-to-right fragments, marked in the catalogue with Unicode's LRI…PDI
/// (`\u{2066}09:00-12:00\u{2069}`), each in a `<bdi dir="ltr">`: times, dates and codes in an
/// Arabic sentence keep their order and punctuation.
pub fn bidi(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split(['\u{2066}', '\u{2069}']).enumerate() {
            @if i % 2 == 1 { bdi dir="ltr" { (part) } } @else { (part) }
        }
    }
}

/// The page of an error status; a 500 shows the request id.
/// `refused`: a request refused for its origin, CSRF token or form, not for the person's role.
pub fn error_page(lang: Lang, status: u16, refused: bool, request_id: &str) -> Response {
    let t = lang.t();
    let (title, text) = match status {
        _ if refused => (t.refused_title, t.refused_text),
        404 => (t.not_found_title, t.not_found_text),
        403 => (t.forbidden_title, t.forbidden_text),
        401 => (t.unauthorized_title, t.unauthorized_text),
        400..=499 => (t.refused_title, t.refused_text),
        _ => (t.error_title, t.error_text),
    };
    let body = html! {
        div.card.narrow {
            h1 { (title) }
            p { (text) }
            @if status >= 500 { p { code { (request_id) } } }
            @if status == 401 { p { a href=(routes::SIGN_IN) { (t.sign_in) } } }
            p { a href=(routes::HOME) { (t.back_home) } }
        }
    };
    page(lang, None, title, body)
}

/// A labelled input: `kind` (`email`, `password`, `text`), its `autocomplete`, a value, a hint.
pub fn field(label: &str, name: &str, kind: &str, autocomplete: &str, value: &str, hint: Option<&str>) -> Markup {
    let hint_id = format!("{name}-hint");
    html! {
        label for=(name) { (label) }
        input id=(name) name=(name) type=(kind) autocomplete=(autocomplete) value=(value) required
            aria-describedby=[hint.map(|_| hint_id.as_str())];
        @if let Some(h) = hint { p.hint id=(hint_id) { (h) } }
    }
}

/// The hidden CSRF field of a form of a signed-in person.
pub fn csrf(viewer: &Viewer) -> Markup {
    html! { input type="hidden" name="csrf" value=(viewer.csrf()); }
}
