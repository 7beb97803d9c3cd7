//! The console's usage and invoices: for a month (this one by default), each account's priced
//! messages by category, country and pricing type, with the totals: the ledger the operator's
//! invoice (`risala admin billing invoice`) is made from.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use risala_core::pricing::format_micros;

use super::{allowed, console_page};
use crate::error::{WebError, WebResult};
use crate::routes;
use crate::session::Viewer;
use crate::WebState;

/// `GET /app/console/usage[?month=YYYY-MM]`.
pub async fn show(
    State(state): State<WebState>,
    v: Viewer,
    Query(q): Query<BTreeMap<String, String>>,
) -> WebResult<Response> {
    allowed(&v)?;
    let (lang, c) = (v.lang, v.lang.c());
    let month = q.get("month").filter(|m| !m.is_empty()).cloned().unwrap_or_else(|| state.console.this_month());
    let invoices = match state.console.invoices(&v.user, &month).await {
        Ok(i) => i,
        Err(e) if e.code.row().http_status == 400 => {
            return Err(WebError::Refused(axum::http::StatusCode::BAD_REQUEST))
        }
        Err(e) => return Err(e.into()),
    };
    let body = html! {
        section.card {
            h1 { (c.usage) }
            form.inline method="get" action=(routes::CONSOLE_USAGE) {
                label for="month" { (c.month) }
                input id="month" name="month" type="month" value=(month) required;
                button.small type="submit" { (c.show) }
            }
        }
        @for inv in &invoices {
            @let total: i64 = inv.lines.iter().map(|l| l.amount_micros).sum();
            @let messages: i64 = inv.lines.iter().map(|l| l.messages).sum();
            @let billable: i64 = inv.lines.iter().filter(|l| l.pricing_type == "regular").map(|l| l.messages).sum();
            section.card.invoice data-waba=(inv.waba.id) {
                h2 { (c.invoice_for.replace("{waba}", &inv.waba.name)) " · " bdi dir="ltr" { (lang.digits(&month)) } }
                p {
                    (c.messages) ": " strong { (lang.number(messages)) } " · "
                    (c.billable) ": " strong { (lang.number(billable)) } " · "
                    (c.total) ": " strong.total { bdi dir="ltr" { (lang.digits(&format_micros(total))) " " (inv.currency) } }
                }
                @if inv.lines.is_empty() { p.muted { (c.no_usage) } }
                @else {
                    div.table-wrap { table {
                        thead { tr { th { (c.category) } th { (c.country) } th { (c.pricing_type) } th { (c.messages) } th { (c.amount) } } }
                        tbody {
                            @for l in &inv.lines {
                                tr {
                                    td { bdi { (lang.state_word(&l.category)) } } td { (l.country) } td { bdi { (lang.state_word(&l.pricing_type)) } }
                                    td { (lang.number(l.messages)) }
                                    td { bdi dir="ltr" { (lang.digits(&format_micros(l.amount_micros))) } }
                                }
                            }
                        }
                    } }
                }
            }
        }
    };
    Ok(console_page(&v, routes::CONSOLE_USAGE, c.usage, body))
}
