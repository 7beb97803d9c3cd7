//! The console's business hours (owners and admins): per number, the time zone, the weekly
//! ranges, closures, and the away and greeting messages (text here; media through the API).
//! The form is turned into the API's JSON and saved by the same service, so every rule and
//! message is the API's; a refused form is shown again as it was typed, with the reason.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use risala_core::model::PhoneNumber;
use risala_core::tools::hours::schedule::DAYS;
use risala_core::tools::hours::HoursSettings;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::error::{WebError, WebResult};
use crate::i18n::refusals::say;
use crate::i18n::Lang;
use crate::layout::{alert, bidi, csrf};
use crate::pages::console::{allowed, console_page, phone};
use crate::routes;
use crate::session::{Action, Viewer};
use crate::WebState;

/// The form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HoursForm {
    number: String,
    time_zone: String,
    monday: String,
    tuesday: String,
    wednesday: String,
    thursday: String,
    friday: String,
    saturday: String,
    sunday: String,
    closures: String,
    away_enabled: Option<String>,
    away_text: String,
    resend_after_hours: String,
    greeting_enabled: Option<String>,
    greeting_text: String,
    inactive_days: String,
}

impl HoursForm {
    fn days(&self) -> [&String; 7] {
        [&self.monday, &self.tuesday, &self.wednesday, &self.thursday, &self.friday, &self.saturday, &self.sunday]
    }

    fn days_mut(&mut self) -> [&mut String; 7] {
        [
            &mut self.monday,
            &mut self.tuesday,
            &mut self.wednesday,
            &mut self.thursday,
            &mut self.friday,
            &mut self.saturday,
            &mut self.sunday,
        ]
    }

    /// The form of saved settings.
    fn of(number: &str, s: &HoursSettings) -> HoursForm {
        let mut f = HoursForm { number: number.to_string(), ..Default::default() };
        if let Some(h) = s.schedule.as_ref().map(|h| h.to_json()) {
            f.time_zone = h["time_zone"].as_str().unwrap_or_default().to_string();
            for (day, field) in DAYS.iter().zip(f.days_mut()) {
                let ranges = h["weekly"][day].as_array().cloned().unwrap_or_default();
                *field = ranges
                    .iter()
                    .map(|r| format!("{}-{}", r["open"].as_str().unwrap_or(""), r["close"].as_str().unwrap_or("")))
                    .collect::<Vec<_>>()
                    .join(", ");
            }
            let lines: Vec<String> = h["closures"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    let (from, to) = (c["from"].as_str().unwrap_or(""), c["to"].as_str().unwrap_or(""));
                    let when = if from == to { from.to_string() } else { format!("{from}/{to}") };
                    format!("{when} {}", c["name"].as_str().unwrap_or("")).trim().to_string()
                })
                .collect();
            f.closures = lines.join("\n");
        }
        let text = |m: &Option<Value>| m.as_ref().and_then(|m| m["text"]["body"].as_str()).unwrap_or("").to_string();
        f.away_enabled = s.away.enabled.then(|| "on".into());
        f.away_text = text(&s.away.message);
        f.resend_after_hours = s.resend_after_hours.to_string();
        f.greeting_enabled = s.greeting.enabled.then(|| "on".into());
        f.greeting_text = text(&s.greeting.message);
        f.inactive_days = s.inactive_days.to_string();
        f
    }

    /// The API's update body. Ranges and dates are passed on as typed, so the service's checks
    /// name what is wrong.
    fn to_body(&self) -> Map<String, Value> {
        let mut body = Map::new();
        let no_days = self.days().iter().all(|d| d.trim().is_empty());
        if self.time_zone.trim().is_empty() && no_days && self.closures.trim().is_empty() {
            body.insert("hours".into(), Value::Null);
        } else {
            let mut weekly = Map::new();
            for (day, field) in DAYS.iter().zip(self.days()) {
                let ranges: Vec<Value> = field
                    .split(',')
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(|r| {
                        let (open, close) = r.split_once('-').unwrap_or((r, ""));
                        json!({"open": open.trim(), "close": close.trim()})
                    })
                    .collect();
                weekly.insert(day.to_string(), Value::Array(ranges));
            }
            let closures: Vec<Value> = self
                .closures
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| {
                    let (when, name) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
                    let (from, to) = when.split_once('/').unwrap_or((when, when));
                    json!({"from": from, "to": to, "name": name.trim()})
                })
                .collect();
            body.insert(
                "hours".into(),
                json!({"time_zone": self.time_zone.trim(), "weekly": weekly, "closures": closures}),
            );
        }
        let part = |enabled: &Option<String>, text: &str, key: &str, n: &str| {
            let mut p = Map::new();
            p.insert("enabled".into(), json!(enabled.is_some()));
            if !text.trim().is_empty() {
                p.insert("message".into(), json!({"type": "text", "text": {"body": text.trim()}}));
            }
            let n = n.trim();
            if !n.is_empty() {
                p.insert(key.into(), n.parse::<i64>().map(Value::from).unwrap_or_else(|_| json!(n)));
            }
            Value::Object(p)
        };
        body.insert(
            "away_message".into(),
            part(&self.away_enabled, &self.away_text, "resend_after_hours", &self.resend_after_hours),
        );
        body.insert(
            "greeting_message".into(),
            part(&self.greeting_enabled, &self.greeting_text, "inactive_days", &self.inactive_days),
        );
        body
    }
}

/// The form's fields as it labels them, for the service's reasons.
fn fields(lang: Lang) -> Vec<(&'static str, &'static str)> {
    let t = lang.tools();
    let days = ["weekly.monday", "weekly.tuesday", "weekly.wednesday", "weekly.thursday", "weekly.friday"];
    let mut f: Vec<(&str, &str)> = days.into_iter().chain(["weekly.saturday", "weekly.sunday"]).zip(t.days).collect();
    f.extend([
        ("time_zone", t.time_zone),
        ("weekly", t.weekly),
        ("closures", t.closures),
        ("away_message", t.away),
        ("greeting_message", t.greeting),
        ("away_message.resend_after_hours", t.resend_after_hours),
        ("resend_after_hours", t.resend_after_hours),
        ("greeting_message.inactive_days", t.inactive_days),
        ("inactive_days", t.inactive_days),
    ]);
    f
}

/// The business's numbers, and the one asked for (else the first).
async fn numbers(
    state: &WebState,
    v: &Viewer,
    wanted: Option<&str>,
) -> WebResult<(Vec<PhoneNumber>, Option<PhoneNumber>)> {
    let view = state.console.numbers(&v.user).await?;
    let list: Vec<PhoneNumber> = view.numbers.into_iter().map(|(p, _)| p).collect();
    let chosen = match wanted {
        Some(id) => Some(list.iter().find(|p| p.id == id).cloned().ok_or(WebError::NotFound)?),
        None => list.first().cloned(),
    };
    Ok((list, chosen))
}

/// Whether an automatic message is media (set through the API): the form edits text only.
fn is_media(m: &Option<Value>) -> bool {
    m.as_ref().is_some_and(|m| m["type"] != "text")
}

/// The page: `f` as typed (or saved), `s` the saved settings.
fn render(
    v: &Viewer,
    (list, p): (&[PhoneNumber], &PhoneNumber),
    f: &HoursForm,
    s: &HoursSettings,
    open: Option<bool>,
    note: Markup,
) -> Response {
    let (lang, t) = (v.lang, v.lang.tools());
    let checked = |o: &Option<String>| o.is_some();
    let body = html! {
        section.card aria-labelledby="hours-h" {
            h1 id="hours-h" { (t.hours) }
            form.inline method="get" action=(routes::CONSOLE_HOURS) {
                label for="hours-number" { (t.number) }
                select id="hours-number" name="number" {
                    @for n in list { option value=(n.id) selected[n.id == p.id] { (crate::pages::console::phone_text(lang, &n.number)) " · " (n.verified_name) } }
                }
                button.small type="submit" { (t.show) }
            }
            p { (phone(lang, &p.number)) " · " @match open {
                Some(true) => span.badge.GREEN { (t.open_now) },
                Some(false) => span.badge.RED { (t.closed_now) },
                None => span.muted { (t.no_hours) },
            } }
            (note)
            form.hours method="post" action=(routes::CONSOLE_HOURS) {
                (csrf(v))
                input type="hidden" name="number" value=(p.id);
                label for="time_zone" { (t.time_zone) }
                input id="time_zone" name="time_zone" value=(f.time_zone) dir="ltr" aria-describedby="tz-hint" placeholder="Asia/Riyadh";
                p.hint id="tz-hint" { (t.time_zone_hint) }
                fieldset {
                    legend { (t.weekly) }
                    p.hint id="ranges-hint" { (bidi(t.ranges_hint)) }
                    @for ((day, name), value) in DAYS.iter().zip(t.days).zip(f.days()) {
                        div.day-row {
                            label for=(format!("day-{day}")) { (name) }
                            input id=(format!("day-{day}")) name=(day) value=(value) dir="ltr" aria-describedby="ranges-hint" placeholder="09:00-17:00";
                        }
                    }
                }
                label for="closures" { (t.closures) }
                textarea id="closures" name="closures" rows="3" dir="ltr" aria-describedby="closures-hint" { (f.closures) }
                p.hint id="closures-hint" { (bidi(t.closures_hint)) }
                (auto_part(t.away, t.away_hint, "away", &f.away_text, (checked(&f.away_enabled), is_media(&s.away.message)), ("resend_after_hours", t.resend_after_hours, &f.resend_after_hours), t))
                (auto_part(t.greeting, t.greeting_hint, "greeting", &f.greeting_text, (checked(&f.greeting_enabled), is_media(&s.greeting.message)), ("inactive_days", t.inactive_days, &f.inactive_days), t))
                button type="submit" { (t.save) }
            }
        }
    };
    console_page(v, routes::CONSOLE_HOURS, t.hours, body)
}

fn auto_part(
    title: &str,
    hint: &str,
    key: &str,
    text: &str,
    (enabled, media): (bool, bool),
    (n_name, n_label, n_value): (&str, &str, &str),
    t: &crate::i18n::tools::ToolsStrings,
) -> Markup {
    html! {
        fieldset {
            legend { (title) }
            p.hint { (hint) }
            label.check { input type="checkbox" name=(format!("{key}_enabled")) checked[enabled]; " " (t.enabled) }
            label for=(format!("{key}-text")) { (t.message_text) }
            textarea id=(format!("{key}-text")) name=(format!("{key}_text")) rows="2" dir="auto" aria-describedby=(format!("{key}-vars")) { (text) }
            p.hint id=(format!("{key}-vars")) { (t.variables_hint) }
            @if media { p.hint { (t.media_message) } }
            label for=(format!("{key}-n")) { (n_label) }
            input id=(format!("{key}-n")) name=(n_name) value=(n_value) inputmode="numeric" dir="ltr";
        }
    }
}

/// `GET /app/console/hours[?number=…][&saved=1]`.
pub async fn show(
    State(state): State<WebState>,
    v: Viewer,
    Query(q): Query<BTreeMap<String, String>>,
) -> WebResult<Response> {
    allowed(&v)?;
    let (list, chosen) = numbers(&state, &v, q.get("number").map(String::as_str)).await?;
    let Some(p) = chosen else {
        let body = html! { section.card { h1 { (v.lang.tools().hours) } p.muted { (v.lang.tools().no_numbers) } } };
        return Ok(console_page(&v, routes::CONSOLE_HOURS, v.lang.tools().hours, body));
    };
    let s = state.hours.settings(&p.id).await?;
    let open = s.schedule.as_ref().map(|h| h.is_open(state.hours.now()));
    let note = html! { @if q.contains_key("saved") { (alert(false, v.lang.tools().saved)) } };
    let f = HoursForm::of(&p.id, &s);
    Ok(render(&v, (&list, &p), &f, &s, open, note))
}

/// `POST /app/console/hours`: saved, or the form again with the reason.
pub async fn save(State(state): State<WebState>, a: Action<HoursForm>) -> WebResult<Response> {
    allowed(&a.viewer)?;
    let v = &a.viewer;
    let (list, chosen) = numbers(&state, v, Some(&a.form.number)).await?;
    let p = chosen.ok_or(WebError::NotFound)?;
    match state.hours.update(&p, &a.form.to_body()).await {
        Ok(_) => Ok(Redirect::to(&format!("{}?number={}&saved=1", routes::CONSOLE_HOURS, p.id)).into_response()),
        Err(e) if e.code.row().http_status < 500 => {
            let s = state.hours.settings(&p.id).await?;
            let open = s.schedule.as_ref().map(|h| h.is_open(state.hours.now()));
            let mut resp =
                render(v, (&list, &p), &a.form, &s, open, alert(true, &say(v.lang, &e.details, &fields(v.lang))));
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}
