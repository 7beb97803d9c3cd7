//! The web app's paths, all under `/app`.

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;

use crate::pages::inbox::{actions, labels};
use crate::pages::{account, chats, composer, console, errors, people, sign_in};
use crate::WebState;

pub const HOME: &str = "/app/";
pub const SIGN_IN: &str = "/app/sign-in";
pub const SIGN_OUT: &str = "/app/sign-out";
pub const SIGN_OUT_EVERYWHERE: &str = "/app/sign-out-everywhere";
pub const RESET: &str = "/app/reset";
pub const INVITE: &str = "/app/invite";
pub const PEOPLE: &str = "/app/people";
pub const CHATS: &str = "/app/chats";
pub const LANG: &str = "/app/lang";
pub const CONSOLE: &str = "/app/console";
pub const CONSOLE_TEMPLATES: &str = "/app/console/templates";
pub const CONSOLE_WEBHOOKS: &str = "/app/console/webhooks";
pub const CONSOLE_USAGE: &str = "/app/console/usage";
pub const LABELS: &str = "/app/labels";
pub const EVENTS: &str = "/app/events";
pub const BROADCASTS: &str = "/app/tools/broadcasts";

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/app", get(|| async { axum::response::Redirect::permanent(HOME) }))
        .route(HOME, get(chats::home))
        .route("/app/chats/{phone_number_id}/{wa_id}", get(chats::chat))
        .route("/app/chats/{phone_number_id}/{wa_id}/assign", post(actions::assign))
        .route("/app/chats/{phone_number_id}/{wa_id}/take", post(actions::take))
        .route("/app/chats/{phone_number_id}/{wa_id}/close", post(actions::close))
        .route("/app/chats/{phone_number_id}/{wa_id}/reopen", post(actions::reopen))
        .route("/app/chats/{phone_number_id}/{wa_id}/notes", post(actions::note))
        .route("/app/chats/{phone_number_id}/{wa_id}/labels", post(actions::label))
        .route("/app/chats/{phone_number_id}/{wa_id}/presence", post(actions::presence))
        .route("/app/media/{id}", get(actions::media))
        .route(LABELS, get(labels::list).post(labels::create))
        .route("/app/labels/{id}/delete", post(labels::delete))
        .route(EVENTS, get(crate::live::events))
        .merge(composer_routes())
        .route(SIGN_IN, get(sign_in::form).post(sign_in::submit))
        .route(SIGN_OUT, post(sign_in::sign_out))
        .route(SIGN_OUT_EVERYWHERE, post(sign_in::sign_out_everywhere))
        .route(RESET, get(account::reset_form).post(account::reset_request))
        .route("/app/reset/{token}", get(account::new_password_form).post(account::new_password))
        .route("/app/invite/{token}", get(account::invitation).post(account::accept))
        .route(PEOPLE, get(people::list))
        .route("/app/people/invite", post(people::invite))
        .route("/app/people/{id}/role", post(people::set_role))
        .route("/app/people/{id}/disable", post(people::disable))
        .route("/app/people/{id}/enable", post(people::enable))
        .route(CONSOLE, get(console::numbers))
        .route(CONSOLE_TEMPLATES, get(console::templates::list).post(console::templates::create))
        .route(CONSOLE_WEBHOOKS, get(console::webhooks::list))
        .route("/app/console/webhooks/{id}/replay", post(console::webhooks::replay))
        .route("/app/console/webhooks/replay-dead", post(console::webhooks::replay_dead))
        .route(CONSOLE_USAGE, get(console::billing::show))
        .merge(tool_routes())
        .route("/app/lang/{code}", get(errors::switch_language))
        .route("/app/assets/{file}", get(crate::assets::serve))
        .route("/app/{*rest}", get(errors::not_found).post(errors::not_found))
}

/// The business tools' pages.
fn tool_routes() -> Router<WebState> {
    use crate::pages::tools::broadcasts;
    Router::new()
        .route(BROADCASTS, get(broadcasts::list).post(broadcasts::create))
        .route("/app/tools/broadcasts/{id}", get(broadcasts::show))
        .route("/app/tools/broadcasts/{id}/progress", get(broadcasts::live))
        .route("/app/tools/broadcasts/{id}/export.csv", get(broadcasts::export))
        .route("/app/tools/broadcasts/{id}/cancel", post(broadcasts::cancel))
        .route("/app/tools/broadcasts/{id}/resume", post(broadcasts::resume))
}

/// The composer's actions on one chat.
fn composer_routes() -> Router<WebState> {
    const CHAT: &str = "/app/chats/{phone_number_id}/{wa_id}";
    Router::new()
        .route(&format!("{CHAT}/send"), post(composer::send_text))
        .route(&format!("{CHAT}/react"), post(composer::react))
        // The file's size is limited by its type while it streams in, as for `POST /{id}/media`.
        .route(&format!("{CHAT}/attach"), post(composer::attach).layer(DefaultBodyLimit::disable()))
        .route(&format!("{CHAT}/read"), post(composer::read))
        .route(&format!("{CHAT}/typing"), post(composer::typing))
        .route(&format!("{CHAT}/templates/{{template_id}}"), get(composer::template).post(composer::send_template))
        .route(&format!("{CHAT}/templates/{{template_id}}/preview"), post(composer::preview))
}
