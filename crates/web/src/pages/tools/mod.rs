//! The business tools' pages in the owners' console, one file per tool.

pub mod ads;
pub mod bot_editor;
pub mod bots;
pub mod broadcasts;
pub mod contacts;
pub mod faq;
pub mod hours;
pub mod payments;
pub mod quick_replies;

use maud::{html, Markup};
use risala_core::model::PhoneNumber;

use crate::error::{WebError, WebResult};
use crate::pages::console::phone_text;
use crate::session::Viewer;
use crate::WebState;

/// The business's number `wanted` (its id), else its first; `None` when it has none.
pub async fn pick_number(state: &WebState, v: &Viewer, wanted: Option<&str>) -> WebResult<Option<PhoneNumber>> {
    let numbers = state.inbox.numbers(&v.user.business_id).await.map_err(|_| WebError::NotFound)?;
    match wanted {
        Some(id) => numbers.into_iter().find(|p| p.id == id).map(Some).ok_or(WebError::NotFound),
        None => Ok(numbers.into_iter().next()),
    }
}

/// A form that switches the page to another number of the business.
pub async fn number_picker(state: &WebState, v: &Viewer, path: &str, current: &PhoneNumber) -> WebResult<Markup> {
    let numbers = state.inbox.numbers(&v.user.business_id).await.map_err(|_| WebError::NotFound)?;
    let f = v.lang.faq();
    Ok(html! {
        @if numbers.len() > 1 {
            form.inline method="get" action=(path) {
                label for="number" { (f.number) }
                select id="number" name="number" {
                    @for p in &numbers {
                        option value=(p.id) selected[p.id == current.id] { (phone_text(v.lang, &p.number)) " · " (p.verified_name) }
                    }
                }
                button.secondary type="submit" { (f.show) }
            }
        }
    })
}
