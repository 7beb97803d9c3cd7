//! The customer web chat's Updates and Feed tabs (issue #18): beside the chat list, the
//! businesses' Status updates with sponsored Status, and a feed of click-to-WhatsApp ads as
//! Facebook and Instagram would show them. The script `webchat-updates.js` fills them from
//! `/customer/v1/status` and `/customer/v1/ads`; a tap opens the chat with the ad's text.

use maud::{html, Markup};

use crate::i18n::Lang;

/// The tab bar over the chat list.
pub fn tabs(lang: Lang) -> Markup {
    let w = |k| lang.w(k);
    html! {
        div.wc-tabs role="tablist" aria-label=(w("tabs")) {
            button #tab-chats type="button" role="tab" aria-selected="true" aria-controls="chat-list" data-tab="chats" { (w("chats")) }
            button #tab-updates type="button" role="tab" aria-selected="false" aria-controls="updates-pane" data-tab="updates" { (w("updates")) }
            button #tab-feed type="button" role="tab" aria-selected="false" aria-controls="feed-pane" data-tab="feed" { (w("feed")) }
        }
    }
}

/// The two panes the tabs show instead of the chat list.
pub fn panes(lang: Lang) -> Markup {
    let w = |k| lang.w(k);
    html! {
        section #updates-pane .wc-pane role="tabpanel" aria-labelledby="tab-updates" hidden {
            h2 { (w("updates")) }
            p #updates-empty .muted hidden { (w("no_updates")) }
            div #updates-list {}
            h3 #sponsored-title hidden { (w("sponsored")) }
            div #sponsored-list {}
        }
        section #feed-pane .wc-pane role="tabpanel" aria-labelledby="tab-feed" hidden {
            h2 { (w("feed")) }
            p #feed-empty .muted hidden { (w("no_ads")) }
            div #feed-list {}
        }
    }
}
