//! Risala's web app for the people of a business: pages rendered on the server from maud
//! templates (compile-time, escaped by default), one small stylesheet and script embedded in
//! the binary, strings in one catalogue per language (English, Arabic). Pages live under
//! `/app/…`, which no Graph id can collide with, and the customers' web chat at `/chat/`
//! ([`pages::webchat`]); the server mounts [`router`].
//!
//! Handlers call `risala-core`'s services ([`AccountService`], [`InboxService`]) like the API
//! handlers do; every read is scoped to the session's business.

pub mod assets;
pub mod error;
pub mod i18n;
pub mod layout;
pub mod live;
pub mod pages;
pub mod routes;
pub mod session;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use risala_core::accounts::AccountService;
use risala_core::compose::ComposeService;
use risala_core::console::ConsoleService;
use risala_core::inbox::InboxService;

pub use error::{WebError, WebResult};
pub use i18n::Lang;

/// What the pages need from the server.
#[derive(Clone)]
pub struct WebState {
    pub accounts: AccountService,
    pub inbox: InboxService,
    /// The owners' console.
    pub console: ConsoleService,
    /// Live updates of the inbox's pages, shared with the server's notifier.
    pub feed: live::SharedFeed,
    /// Answering from a chat: the composer's sends, read receipts, typing.
    pub compose: ComposeService,
    /// FAQ answers of the business's numbers.
    pub faq: risala_core::tools::faq::FaqService,
    /// Chatbots with hand-off of the business's numbers.
    pub bots: risala_core::tools::bots::BotService,
    /// Contacts as a small CRM.
    pub contacts: risala_core::tools::contacts::ContactService,
    /// Broadcasts (business tools).
    pub broadcasts: risala_core::tools::broadcasts::BroadcastService,
    /// Click-to-WhatsApp ads and Status updates (issue #18).
    pub ads: risala_core::ads::AdService,
    /// Receives a file attached in the composer, as `POST /{phone-number-id}/media` does.
    pub attachments: pages::composer::AttachmentIntake,
    /// Business hours, the away message and the greeting (issue #17).
    pub hours: risala_core::tools::hours::HoursService,
    /// Quick replies (issue #17): the console's page and the composer's `/` menu.
    pub quick_replies: risala_core::tools::quick_replies::QuickReplyService,
    /// Catalogs and orders (issue #18): the console's catalog pages.
    pub catalogs: risala_core::commerce::CatalogService,
    /// A number's commerce switches (`whatsapp_commerce_settings`) from the console.
    pub messaging: risala_core::messaging::MessagingService,
    /// Payments (issue #18): a number's provider settings and its orders.
    pub payments: risala_core::payments::PaymentService,
    /// Base of the links sent by email (`https://risala.example`). `None` (sandbox without
    /// `public_url`): the `Host` the request was sent to.
    pub link_base: Option<String>,
    /// Customers sign in to the web chat with a one-time code (platform mode); in sandbox mode
    /// the number alone opens a session.
    pub customer_codes: bool,
    /// Mark the session cookie `Secure` (the server speaks HTTPS or `public_url` is https).
    pub secure_cookies: bool,
    /// The verified badge's requests, for the operator console.
    pub badges: risala_core::badges::BadgeService,
    /// The admin token, which signs the operator in to the operator console; `None`: closed.
    pub operator_token: Option<String>,
    /// The operator console's decisions are recorded here, as the admin API's are.
    pub audit: risala_core::audit::AuditService,
}

/// The request id the server gave a request (its `fbtrace_id`), shown on a 500 page.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The web app's routes, with its state, to merge into the server's router.
pub fn router(state: WebState) -> Router {
    routes::routes().layer(axum::middleware::from_fn(shell)).with_state(state)
}

/// Security headers on every answer under `/app`, and an error status turned into its page in
/// the reader's language (a 500 with the request id, its cause logged once).
async fn shell(req: Request, next: Next) -> Response {
    let lang = Lang::of(req.headers());
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default();
    let mut resp = next.run(req).await;
    if let Some(e) = resp.extensions_mut().remove::<error::ErrorPage>() {
        let status = resp.status();
        if let Some(cause) = &e.cause {
            tracing::error!(fbtrace_id = %request_id, cause = %cause, "web page failed");
        }
        let kept: Vec<_> = resp.headers().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        resp = layout::error_page(lang, status.as_u16(), e.refused, &request_id);
        *resp.status_mut() = status;
        for (k, v) in kept {
            if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
                resp.headers_mut().insert(k, v);
            }
        }
    }
    let h = resp.headers_mut();
    // `media-src`: the chats' audio and video (voice notes included) play from this server.
    // A response with a policy of its own (media: a sandbox) keeps it.
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Reset and invitation links carry their token in the path: never send it to another
    // site. (Not `no-referrer`: with it browsers send `Origin: null` on form posts, which the
    // same-origin check must refuse.)
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    resp
}
