//! The web app's paths, all under `/app`, and the customer web chat at `/chat/`.

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, MethodRouter};
use axum::Router;

use crate::pages::inbox::{actions, labels};
use crate::pages::{account, chats, composer, console, errors, people, sign_in, tools, webchat};
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
pub const CONSOLE_HOURS: &str = "/app/console/hours";
pub const CONSOLE_QUICK_REPLIES: &str = "/app/console/quick-replies";
pub const CONSOLE_FAQ: &str = "/app/console/faq";
pub const CONSOLE_BOTS: &str = "/app/console/bots";
pub const CONSOLE_CONTACTS: &str = "/app/console/contacts";
pub const CONSOLE_CATALOGS: &str = "/app/console/catalogs";
pub const CONSOLE_COMMERCE: &str = "/app/console/commerce";
pub const CONSOLE_PAYMENTS: &str = "/app/console/payments";
pub const LABELS: &str = "/app/labels";
pub const EVENTS: &str = "/app/events";
pub const BROADCASTS: &str = "/app/tools/broadcasts";
pub const CONSOLE_ADS: &str = "/app/console/ads";
pub const CONSOLE_BADGE: &str = "/app/console/badge";
pub const OPERATOR: &str = "/app/operator";
pub const OPERATOR_SIGN_IN: &str = "/app/operator/sign-in";
pub const OPERATOR_SIGN_OUT: &str = "/app/operator/sign-out";
pub const OPERATOR_BADGES: &str = "/app/operator/badges";
pub const OPERATOR_CRITERIA: &str = "/app/operator/criteria";

/// The router and every path it routes, in the order they were added: the security tests walk
/// the paths, so a new page or action is checked (a session, the CSRF token, the business's
/// own ids) without anyone listing it again.
pub struct Table {
    router: Router<WebState>,
    paths: Vec<String>,
}

impl Table {
    fn new() -> Table {
        Table { router: Router::new(), paths: Vec::new() }
    }

    fn route(mut self, path: &str, method_router: MethodRouter<WebState>) -> Table {
        self.router = self.router.route(path, method_router);
        self.paths.push(path.to_string());
        self
    }

    fn merge(mut self, other: Table) -> Table {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }
}

pub fn routes() -> Router<WebState> {
    table().router
}

/// Every path of the web app, as its router has it (`/app/chats/{phone_number_id}/{wa_id}`).
pub fn paths() -> Vec<String> {
    table().paths
}

fn table() -> Table {
    Table::new()
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
        .route(CONSOLE_BADGE, get(console::badge::show))
        .route("/app/console/badge/{phone_number_id}", post(console::badge::submit))
        .route(CONSOLE_HOURS, get(tools::hours::show).post(tools::hours::save))
        .route(CONSOLE_QUICK_REPLIES, get(tools::quick_replies::list).post(tools::quick_replies::create))
        .route("/app/console/quick-replies/{id}/delete", post(tools::quick_replies::delete))
        .route(CONSOLE_FAQ, get(tools::faq::show))
        .route(CONSOLE_CONTACTS, get(tools::contacts::list).post(tools::contacts::save))
        .route("/app/console/contacts/export", get(tools::contacts::export))
        .route("/app/console/contacts/import", post(tools::contacts::import))
        .route("/app/console/contacts/fields", post(tools::contacts::create_field))
        .route("/app/console/contacts/fields/{id}/delete", post(tools::contacts::delete_field))
        .route("/app/console/contacts/{wa_id}/delete", post(tools::contacts::delete))
        .route("/app/console/contacts/{wa_id}/opt_ins", post(tools::contacts::opt_in))
        .route("/app/console/faq/{phone_number_id}", post(tools::faq::create))
        .route("/app/console/faq/{phone_number_id}/settings", post(tools::faq::save_settings))
        .route("/app/console/faq/{phone_number_id}/{entry_id}", post(tools::faq::update))
        .route("/app/console/faq/{phone_number_id}/{entry_id}/delete", post(tools::faq::delete))
        .route(CONSOLE_BOTS, get(tools::bots::show))
        .route("/app/console/bots/{phone_number_id}", post(tools::bots::import))
        .route("/app/console/bots/{phone_number_id}/{bot_id}/export", get(tools::bots::export))
        .route("/app/console/bots/{phone_number_id}/{bot_id}/delete", post(tools::bots::delete))
        .route(
            "/app/console/bots/{phone_number_id}/new",
            get(tools::bot_editor::new_form).post(tools::bot_editor::create),
        )
        .route(
            "/app/console/bots/{phone_number_id}/{bot_id}/edit",
            get(tools::bot_editor::edit_form).post(tools::bot_editor::save),
        )
        .merge(tool_routes())
        .merge(operator_routes())
        .merge(catalog_routes())
        .route(CONSOLE_PAYMENTS, get(tools::payments::show))
        .route("/app/console/payments/{phone_number_id}", post(tools::payments::save))
        .route("/app/lang/{code}", get(errors::switch_language))
        .route("/app/assets/{file}", get(crate::assets::serve))
        .route("/app/{*rest}", get(errors::not_found).post(errors::not_found))
        // The customer web chat: its own prefix, which no Graph id can collide with.
        .route("/chat", get(|| async { axum::response::Redirect::permanent(webchat::PATH) }))
        .route(webchat::PATH, get(webchat::page))
}

/// The business tools' pages.
fn tool_routes() -> Table {
    use crate::pages::tools::broadcasts;
    Table::new()
        .route(BROADCASTS, get(broadcasts::list).post(broadcasts::create))
        .route("/app/tools/broadcasts/{id}", get(broadcasts::show))
        .route("/app/tools/broadcasts/{id}/progress", get(broadcasts::live))
        .route("/app/tools/broadcasts/{id}/export.csv", get(broadcasts::export))
        .route("/app/tools/broadcasts/{id}/cancel", post(broadcasts::cancel))
        .route("/app/tools/broadcasts/{id}/resume", post(broadcasts::resume))
        .route(CONSOLE_ADS, get(tools::ads::show))
        .route("/app/console/ads/{phone_number_id}", post(tools::ads::create))
        .route("/app/console/ads/{phone_number_id}/{ad_id}/pause", post(tools::ads::pause))
        .route("/app/console/ads/{phone_number_id}/{ad_id}/resume", post(tools::ads::resume))
        .route("/app/console/status/{phone_number_id}", post(tools::ads::post_status))
        .route("/app/console/status/{phone_number_id}/{status_id}/delete", post(tools::ads::delete_status))
}

/// The operator console: its own sign-in and session (the admin token).
fn operator_routes() -> Table {
    use crate::pages::operator;
    Table::new()
        .route(OPERATOR, get(operator::home))
        .route(OPERATOR_SIGN_IN, get(operator::sign_in_form).post(operator::sign_in))
        .route(OPERATOR_SIGN_OUT, post(operator::sign_out))
        .route(OPERATOR_BADGES, get(operator::badges))
        .route("/app/operator/badges/{phone_number_id}/review", post(operator::review))
        .route(OPERATOR_CRITERIA, get(operator::criteria).post(operator::save_criteria))
}

/// The composer's actions on one chat.
fn composer_routes() -> Table {
    const CHAT: &str = "/app/chats/{phone_number_id}/{wa_id}";
    Table::new()
        .route(&format!("{CHAT}/send"), post(composer::send_text))
        .route(&format!("{CHAT}/react"), post(composer::react))
        .route(&format!("{CHAT}/catalog"), post(crate::pages::composer_shop::send_catalog))
        .route(&format!("{CHAT}/product"), post(crate::pages::composer_shop::send_product))
        .route(&format!("{CHAT}/bill"), post(crate::pages::composer_shop::bill))
        // The file's size is limited by its type while it streams in, as for `POST /{id}/media`.
        .route(&format!("{CHAT}/attach"), post(composer::attach).layer(DefaultBodyLimit::disable()))
        .route(&format!("{CHAT}/read"), post(composer::read))
        .route(&format!("{CHAT}/typing"), post(composer::typing))
        .route(&format!("{CHAT}/templates/{{template_id}}"), get(composer::template).post(composer::send_template))
        .route(&format!("{CHAT}/templates/{{template_id}}/preview"), post(composer::preview))
}

/// Catalogs and orders: the console's catalog pages and the commerce switches.
fn catalog_routes() -> Table {
    use crate::pages::console::catalog;
    Table::new()
        .route(CONSOLE_CATALOGS, get(catalog::list).post(catalog::create))
        .route("/app/console/catalogs/{catalog_id}", get(catalog::show))
        .route("/app/console/catalogs/{catalog_id}/connect", post(catalog::connect))
        .route("/app/console/catalogs/{catalog_id}/disconnect", post(catalog::disconnect))
        .route("/app/console/catalogs/{catalog_id}/products", post(catalog::save_product))
        .route("/app/console/catalogs/{catalog_id}/upload", post(catalog::upload))
        .route("/app/console/commerce/{phone_number_id}", post(catalog::switches))
}
