//! The customer web chat (`/chat/`): the "phone" of the sandbox and the web chat of a platform
//! deployment, in WhatsApp Web's shape (the chat list on the start side, the conversation
//! beside it, a composer at the bottom; one pane at a time on a phone).
//!
//! The server draws the page's frame, its forms and their labels in the reader's language; the
//! script (`webchat.js`, with `webchat-view.js` drawing the messages) signs the customer in and
//! then speaks the customer API (`/customer/v1/…`) with the session's bearer token, and its
//! WebSocket for live messages, typing and read receipts. The token lives in the tab: each tab
//! can be another customer, and the numbers used on a device are offered again.
//!
//! Ways in: `?phone=<business number>&text=<prefilled>` (click-to-chat, and the short links of
//! QR codes, `/wa/message/{code}`, lead here) opens that chat with the text in the composer;
//! `?as=<wa_id>` picks a number already used on this device; `?lang=ar|en` sets the language.

use axum::extract::Query;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::Deserialize;

use crate::assets;
use crate::i18n::Lang;
use crate::WebState;

/// The page's path.
pub const PATH: &str = "/chat/";

#[derive(Deserialize, Default)]
pub struct ChatQuery {
    lang: Option<String>,
}

/// The strings for the script, as JSON safe inside `<script>` (no `<` at all).
fn strings_json(lang: Lang) -> String {
    let map: serde_json::Map<String, serde_json::Value> =
        lang.webchat().iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(*v))).collect();
    serde_json::Value::Object(map).to_string().replace('<', "\\u003c")
}

fn sign_in(lang: Lang, codes: bool) -> Markup {
    let w = |k| lang.w(k);
    html! {
        section #sign-in .card.narrow aria-labelledby="sign-in-title" {
            h1 #sign-in-title { (w("sign_in_title")) }
            p.muted { (if codes { w("platform_intro") } else { w("sandbox_intro") }) }
            div #known hidden {
                h2 { (w("known")) }
                ul #known-list .known {}
            }
            form #sign-in-form novalidate {
                label for="wc-phone" { (w("phone")) }
                input #wc-phone name="phone" type="tel" inputmode="numeric" autocomplete="tel" required
                    aria-describedby="wc-phone-hint" dir="ltr";
                p.hint #wc-phone-hint { (w("phone_hint")) }
                label for="wc-name" { (w("name")) }
                input #wc-name name="name" type="text" autocomplete="name";
                @if codes {
                    div #code-row hidden {
                        label for="wc-code" { (w("code")) }
                        input #wc-code name="code" type="text" inputmode="numeric" autocomplete="one-time-code" dir="ltr";
                    }
                }
                p #sign-in-error .alert.error role="alert" hidden {}
                p #sign-in-note .alert.ok role="status" hidden {}
                button #sign-in-submit type="submit" { (if codes { w("send_code") } else { w("sign_in") }) }
            }
        }
    }
}

/// A 24 × 24 icon drawn from one SVG path (emoji fonts are not everywhere).
fn icon(path: &str) -> Markup {
    html! { svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false" { path fill="currentColor" d=(path) {} } }
}

fn composer(lang: Lang) -> Markup {
    let w = |k| lang.w(k);
    html! {
        div #reply-preview .reply-preview hidden {
            span.muted { (w("replying_to")) } " "
            span #reply-text dir="auto" {}
            button.small.link #reply-cancel type="button" { (w("cancel")) }
        }
        div #emoji-panel .emoji-panel hidden role="group" aria-label=(w("emoji")) {}
        form #location-form .wc-form hidden {
            label for="loc-lat" { (w("latitude")) }
            input #loc-lat type="number" step="any" min="-90" max="90" required dir="ltr";
            label for="loc-lng" { (w("longitude")) }
            input #loc-lng type="number" step="any" min="-180" max="180" required dir="ltr";
            label for="loc-name" { (w("place_name")) }
            input #loc-name type="text";
            div.actions {
                button.small #loc-here type="button" { (w("here")) }
                button.small #loc-send type="submit" { (w("share_location")) }
                button.small.link #loc-cancel type="button" { (w("cancel")) }
            }
        }
        form #contact-form .wc-form hidden {
            label for="contact-name" { (w("contact_name")) }
            input #contact-name type="text" required;
            label for="contact-phone" { (w("contact_phone")) }
            input #contact-phone type="tel" required dir="ltr";
            div.actions {
                button.small #contact-send type="submit" { (w("contact")) }
                button.small.link #contact-cancel type="button" { (w("cancel")) }
            }
        }
        form #composer .wc-composer {
            button.icon #emoji-button type="button" aria-label=(w("emoji")) title=(w("emoji")) aria-expanded="false" { "😊" }
            button.icon #attach-button type="button" aria-label=(w("attach")) title=(w("attach")) { (icon("M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z")) }
            input #file type="file" hidden accept="image/*,video/*,audio/*,application/pdf,text/plain,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.webp";
            button.icon #location-button type="button" aria-label=(w("location")) title=(w("location")) { (icon("M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z")) }
            button.icon #contact-button type="button" aria-label=(w("contact")) title=(w("contact")) { (icon("M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9zm0 2c-4 0-8 2-8 5v2h16v-2c0-3-4-5-8-5z")) }
            label.visually-hidden for="message" { (w("type_message")) }
            textarea #message rows="1" placeholder=(w("type_message")) dir="auto" {}
            button #send-button type="submit" { (w("send")) }
        }
        p #blocked-note .blocked-note hidden { (w("blocked_note")) }
    }
}

fn conversation(lang: Lang) -> Markup {
    let w = |k| lang.w(k);
    html! {
        section #conversation .conversation aria-label=(w("title")) {
            p #chat-empty .pick { (w("pick_chat")) }
            div #chat .wc-chat hidden {
                header.chat-head {
                    button.link.back #back type="button" aria-label=(w("back")) { "←" }
                    span #chat-avatar .avatar aria-hidden="true" {}
                    div.chat-title {
                        h2 #chat-name {}
                        span #chat-status .chat-meta aria-live="polite" {}
                    }
                    button.icon #menu-button type="button" aria-haspopup="true" aria-expanded="false" aria-controls="chat-menu"
                        aria-label=(w("menu")) title=(w("menu")) { "⋮" }
                }
                div #chat-menu .wc-menu hidden {
                    @for action in ["block", "unblock", "report", "report_block", "stop_marketing", "resume_marketing", "mute", "unmute", "archive", "unarchive", "delete_chat"] {
                        button type="button" data-action=(action) { (w(action)) }
                    }
                }
                div #thread .thread role="log" aria-live="polite" tabindex="0" {}
                div #starters .starters hidden {}
                (composer(lang))
            }
        }
    }
}

/// `GET /chat/`: the page, in the language of `?lang=`, else the reader's.
/// The web chat's policy: the app's, but product cards may show the business's product
/// images (`image_url`, on the business's own host) over `https:` only. Scripts, styles, media
/// and connections stay on this server; plain `http:` images stay out (no mixed content), and
/// the cards load them without a referrer, so the image host learns nothing of the chat.
const WEBCHAT_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; \
    media-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub async fn page(State(state): State<WebState>, Query(q): Query<ChatQuery>, headers: HeaderMap) -> Response {
    let lang = q.lang.as_deref().and_then(Lang::parse).unwrap_or_else(|| Lang::of(&headers));
    let other = if lang == Lang::Ar { Lang::En } else { Lang::Ar };
    let w = |k| lang.w(k);
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // No icon to fetch: the browser's request for /favicon.ico was a 400 and an
                // error in the console of every page.
                link rel="icon" href="data:,";
                title { (w("title")) " · " (lang.t().app_name) }
                link rel="stylesheet" href=(assets::url("app.css"));
                link rel="stylesheet" href=(assets::url("webchat.css"));
                script src=(assets::url("webchat-view.js")) defer {}
                script src=(assets::url("webchat-flow.js")) defer {}
                link rel="stylesheet" href=(assets::url("webchat-updates.css"));
                script src=(assets::url("webchat-updates.js")) defer {}
                script src=(assets::url("webchat-badge.js")) defer {}
                script src=(assets::url("webchat-shop.js")) defer {}
                script src=(assets::url("webchat-pay.js")) defer {}
                script src=(assets::url("webchat.js")) defer {}
            }
            body.webchat {
                a.skip href="#content" { (lang.t().skip_to_content) }
                header.top {
                    a.brand href=(PATH) { (w("brand")) }
                    nav aria-label=(lang.t().main_nav) {
                        a.lang #lang-switch href=(format!("{PATH}?lang={}", other.code())) lang=(other.code()) hreflang=(other.code()) { (other.t().lang_name) }
                        button.link #profile-button type="button" hidden { (w("profile")) }
                        button.link #sign-out type="button" hidden { (w("sign_out")) }
                    }
                }
                main #content .wc-main data-codes=(if state.customer_codes { "1" } else { "0" }) data-lang=(lang.code()) {
                    (sign_in(lang, state.customer_codes))
                    p #notice .alert.ok.wc-toast role="status" hidden {}
                    div #app .inbox.wc hidden {
                        aside #chat-list-pane .inbox-list aria-labelledby="chats-title" {
                            div.wc-me { span #me-avatar .avatar aria-hidden="true" {} span #me-name .chat-name {} }
                            (super::webchat_updates::tabs(lang))
                            h1 #chats-title { (w("chats")) }
                            p #live-state .chat-meta role="status" {}
                            ul #chat-list .chats {}
                            button.link #archived-toggle type="button" hidden {}
                            form #new-chat .wc-form {
                                label for="wc-new-number" { (w("new_chat")) }
                                div.filter-row {
                                    input #wc-new-number type="tel" inputmode="numeric" placeholder=(w("business_number")) dir="ltr" required;
                                    button.small type="submit" { (w("open")) }
                                }
                            }
                            (super::webchat_updates::panes(lang))
                        }
                        (conversation(lang))
                    }
                    dialog #profile-dialog aria-labelledby="profile-title" {
                        form #profile-form method="dialog" {
                            h2 #profile-title { (w("profile")) }
                            img #profile-picture .avatar-large alt="" hidden;
                            label for="profile-name" { (w("name")) }
                            input #profile-name type="text" autocomplete="name" maxlength="256";
                            label for="profile-file" { (w("picture")) }
                            input #profile-file type="file" accept="image/*";
                            div.actions {
                                button #profile-save type="submit" value="save" { (w("save")) }
                                button.link #profile-cancel type="submit" value="cancel" { (w("cancel")) }
                            }
                        }
                    }
                    dialog #flow-dialog aria-labelledby="flow-title" {
                        form #flow-form method="dialog" {
                            h2 #flow-title {}
                            div #flow-body {}
                            p #flow-error .alert.error role="alert" hidden {}
                            div.actions {
                                button #flow-next type="submit" value="next" {}
                                button.link #flow-cancel type="submit" value="cancel" { (w("cancel")) }
                            }
                        }
                    }
                }
                script #wc-strings type="application/json" { (PreEscaped(strings_json(lang))) }
            }
        }
    };
    ([(header::CACHE_CONTROL, "no-store"), (header::CONTENT_SECURITY_POLICY, WEBCHAT_CSP)], Html(markup.into_string()))
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_cannot_close_the_script() {
        for lang in Lang::ALL {
            let s = strings_json(lang);
            assert!(!s.contains('<'));
            let v: serde_json::Value = serde_json::from_str(&s).unwrap();
            assert_eq!(v["send"], lang.w("send"));
        }
    }
}
