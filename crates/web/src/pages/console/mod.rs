//! The owners' console (owners and admins; an agent gets 403): the business's numbers with
//! their quality, limit and throughput; its templates; its webhook deliveries; its usage and
//! invoices. Every page reads through `ConsoleService`, scoped to the session's business.

pub mod badge;
pub mod billing;
pub mod catalog;
pub mod templates;
pub mod webhooks;

use axum::extract::State;
use axum::response::Response;
use maud::{html, Markup};
use risala_core::console::ConsoleService;

use crate::error::{WebError, WebResult};
use crate::i18n::Lang;
use crate::layout::page;
use crate::routes;
use crate::session::Viewer;
use crate::WebState;

/// The console's sections: path and title.
fn sections(lang: Lang) -> [(&'static str, &'static str); 14] {
    let (c, t) = (lang.c(), lang.tools());
    [
        (routes::CONSOLE, c.numbers),
        (routes::CONSOLE_TEMPLATES, c.templates),
        (routes::CONSOLE_WEBHOOKS, c.webhooks),
        (routes::CONSOLE_USAGE, c.usage),
        (routes::CONSOLE_HOURS, t.hours),
        (routes::CONSOLE_QUICK_REPLIES, t.quick_replies),
        (routes::CONSOLE_FAQ, lang.faq().title),
        (routes::CONSOLE_BOTS, lang.bots().title),
        (routes::CONSOLE_CONTACTS, lang.contacts().title),
        (routes::BROADCASTS, lang.bc().broadcasts),
        (routes::CONSOLE_ADS, lang.ads().title),
        (routes::CONSOLE_CATALOGS, lang.commerce().catalogs),
        (routes::CONSOLE_PAYMENTS, lang.payments().title),
        (routes::CONSOLE_BADGE, lang.badge().title),
    ]
}

/// A console page: the section tabs, then `body`. An agent reads the contacts only, so their
/// tabs are that one.
pub fn console_page(v: &Viewer, current: &str, title: &str, body: Markup) -> Response {
    let lang = v.lang;
    let all = ConsoleService::allowed(&v.user).is_ok();
    let tabs = html! {
        nav.tabs aria-label=(lang.c().console) {
            @for (path, name) in sections(lang).into_iter().filter(|(p, _)| all || *p == routes::CONSOLE_CONTACTS) {
                a href=(path) aria-current=[(path == current).then_some("page")] { (name) }
            }
        }
        (body)
    };
    page(lang, Some(v), title, tabs)
}

/// Owners and admins only.
pub fn allowed(v: &Viewer) -> WebResult<()> {
    ConsoleService::allowed(&v.user).map_err(|_| WebError::Forbidden)
}

/// `+` and the digits, kept left to right in an Arabic page.
pub fn phone(lang: Lang, digits: &str) -> Markup {
    html! { bdi dir="ltr" { "+" (lang.digits(digits)) } }
}

/// [`phone`] as text, for where no element may go (an `<option>`): isolated left to right
/// with Unicode's LRI…PDI, so that `+` stays before the digits in an Arabic page.
pub fn phone_text(lang: Lang, digits: &str) -> String {
    format!("\u{2066}+{}\u{2069}", lang.digits(digits))
}

/// `GET /app/console`: numbers, quality, the messaging limit and throughput.
pub async fn numbers(State(state): State<WebState>, v: Viewer) -> WebResult<Response> {
    allowed(&v)?;
    let (lang, c) = (v.lang, v.lang.c());
    let view = state.console.numbers(&v.user).await?;
    let body = html! {
        section.card aria-labelledby="limit-h" {
            h1 id="limit-h" { (c.messaging_limit) ": " span.badge { bdi { (lang.state_word(view.tier.as_str())) } } }
            p { (c.unique_customers) ": " strong { (lang.number(view.unique_customers_24h)) } }
            @if let Some(at) = view.upgrade_due_at { p { (c.upgrade_due) ": " (lang.datetime(at)) } }
        }
        section.card aria-labelledby="numbers-h" {
            h2 id="numbers-h" { (c.numbers) }
            div.table-wrap { table {
                thead { tr {
                    th { (c.number) } th { (c.verified_name) } th { (c.quality) } th { (c.status) }
                    th { (c.throughput) } th { (c.signals) } th { (c.sent_7d) }
                } }
                tbody {
                    @for (p, score) in &view.numbers {
                        tr {
                            td { (phone(lang, &p.number)) }
                            td { bdi { (p.verified_name) } }
                            td { span class=(format!("badge {}", p.quality_rating)) { bdi { (lang.state_word(&p.quality_rating)) } } }
                            td { bdi { (lang.state_word(&p.status)) } }
                            td { bdi { (lang.state_word(&p.throughput_level)) } }
                            td { (lang.digits(&format!("{:.2}", score.per_1000))) }
                            td { (lang.number(score.sent)) }
                        }
                    }
                }
            } }
        }
    };
    Ok(console_page(&v, routes::CONSOLE, c.numbers, body))
}
