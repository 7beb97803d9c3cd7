//! Live updates of the team inbox: the server tells the open pages of a business that a
//! conversation changed (a message, a status, an assignment, a note, a label, closing), and who
//! is viewing or typing in a conversation; the pages listen on `GET /app/events`
//! (server-sent events) and fetch what changed. On a fleet of nodes the server relays each
//! event to the other nodes ([`Feed::relay_to`]), whose pages hear it too.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::Stream;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::session::Viewer;
use crate::WebState;

/// Events queued per business before a slow page misses some (it reloads what it shows on
/// the next event it gets, so nothing is lost for long).
const QUEUE: usize = 256;
/// How long someone counts as viewing or typing after they last said so.
pub const PRESENCE_MS: i64 = 30_000;
/// How long "typing" lasts without another keystroke.
pub const TYPING_MS: i64 = 6_000;

/// What a page is told.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveEvent {
    /// A conversation of the number changed: the list and, when it is open, the conversation
    /// reload. The customer is not named: one who hides their number from the business must
    /// not find it in the business's pages, and a page reloads what it shows anyway.
    Chat { phone_number_id: String },
    /// The business's labels changed.
    Labels,
    /// A broadcast's progress changed: its page reloads the counts.
    Broadcast { id: String },
    /// Who is in the conversation now (each page leaves itself out).
    Presence { phone_number_id: String, wa_id: String, people: Vec<Present> },
}

/// Someone with the conversation open.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Present {
    pub user_id: String,
    pub name: String,
    pub typing: bool,
}

/// One person's presence in a conversation.
#[derive(Debug, Clone)]
struct Seen {
    name: String,
    until: i64,
    typing_until: i64,
}

type ChatKey = (String, String, String);

/// Hands this node's events on to the other nodes of a fleet.
pub type Relay = Box<dyn Fn(&str, &LiveEvent) + Send + Sync>;

/// The business's channels and who is where.
#[derive(Default)]
pub struct Feed {
    channels: Mutex<HashMap<String, broadcast::Sender<LiveEvent>>>,
    presence: Mutex<HashMap<ChatKey, HashMap<String, Seen>>>,
    relay: std::sync::OnceLock<Relay>,
}

impl Feed {
    /// Hand every event published on this node to `relay` too (the server's event bus).
    pub fn relay_to(&self, relay: Relay) {
        let _ = self.relay.set(relay);
    }

    /// Tell the business's open pages, on this node and (through the relay) the others.
    pub fn publish(&self, business_id: &str, event: LiveEvent) {
        if let Some(relay) = self.relay.get() {
            relay(business_id, &event);
        }
        self.publish_here(business_id, event);
    }

    /// Every open page of this node reloads what it shows (events may have been missed).
    pub fn reload_all(&self) {
        let businesses: Vec<String> = self.channels.lock().map(|c| c.keys().cloned().collect()).unwrap_or_default();
        for b in businesses {
            self.publish_here(&b, LiveEvent::Labels);
        }
    }

    /// Tell the business's open pages of this node only (an event another node published).
    pub fn publish_here(&self, business_id: &str, event: LiveEvent) {
        let Ok(mut c) = self.channels.lock() else { return };
        if let Some(tx) = c.get(business_id) {
            if tx.send(event).is_err() {
                // Nobody listens any more.
                c.remove(business_id);
            }
        }
    }

    /// A conversation of the number changed.
    pub fn chat_changed(&self, business_id: &str, phone_number_id: &str) {
        let event = LiveEvent::Chat { phone_number_id: phone_number_id.into() };
        self.publish(business_id, event);
    }

    /// Listen to the business's events.
    pub fn subscribe(&self, business_id: &str) -> broadcast::Receiver<LiveEvent> {
        let mut c = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        c.entry(business_id.to_string()).or_insert_with(|| broadcast::channel(QUEUE).0).subscribe()
    }

    /// The server is stopping: every stream ends (a page reconnects to another node or when the
    /// server is back), so no open page holds the graceful shutdown up.
    pub fn close(&self) {
        if let Ok(mut c) = self.channels.lock() {
            c.clear();
        }
    }

    /// Pages listening, for every business.
    pub fn listeners(&self) -> usize {
        self.channels.lock().map(|c| c.values().map(|t| t.receiver_count()).sum()).unwrap_or(0)
    }

    /// `viewer` has the conversation open (`typing` or not) at `now`, or left it (`leave`):
    /// the people in it now, told to the business's pages.
    pub fn presence(
        &self,
        viewer: &Viewer,
        phone_number_id: &str,
        wa_id: &str,
        state: PresenceState,
        now: i64,
    ) -> Vec<Present> {
        let key = (viewer.user.business_id.clone(), phone_number_id.to_string(), wa_id.to_string());
        let people = {
            let mut p = self.presence.lock().unwrap_or_else(|e| e.into_inner());
            let here = p.entry(key.clone()).or_default();
            match state {
                PresenceState::Leave => {
                    here.remove(&viewer.user.id);
                }
                PresenceState::Viewing | PresenceState::Typing => {
                    let typing = state == PresenceState::Typing;
                    let seen = here.entry(viewer.user.id.clone()).or_insert(Seen {
                        name: viewer.user.name.clone(),
                        until: 0,
                        typing_until: 0,
                    });
                    seen.until = now + PRESENCE_MS;
                    if typing {
                        seen.typing_until = now + TYPING_MS;
                    }
                }
            }
            here.retain(|_, s| s.until > now);
            let people = listed(here, now);
            if here.is_empty() {
                p.remove(&key);
            }
            people
        };
        self.publish(
            &viewer.user.business_id,
            LiveEvent::Presence {
                phone_number_id: phone_number_id.into(),
                wa_id: wa_id.into(),
                people: people.clone(),
            },
        );
        people
    }

    /// Who is in the conversation at `now`, without changing anything.
    pub fn present(&self, business_id: &str, phone_number_id: &str, wa_id: &str, now: i64) -> Vec<Present> {
        let key = (business_id.to_string(), phone_number_id.to_string(), wa_id.to_string());
        let p = self.presence.lock().unwrap_or_else(|e| e.into_inner());
        p.get(&key).map(|here| listed(here, now)).unwrap_or_default()
    }
}

fn listed(here: &HashMap<String, Seen>, now: i64) -> Vec<Present> {
    let mut people: Vec<Present> = here
        .iter()
        .filter(|(_, s)| s.until > now)
        .map(|(id, s)| Present { user_id: id.clone(), name: s.name.clone(), typing: s.typing_until > now })
        .collect();
    people.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.user_id.cmp(&b.user_id)));
    people
}

/// What a page says of its person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenceState {
    Viewing,
    Typing,
    Leave,
}

/// `GET /app/events`: the business's events as server-sent events (`data:` a JSON
/// [`LiveEvent`]), a comment every 15 seconds to keep the connection open.
pub async fn events(State(state): State<WebState>, v: Viewer) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = state.feed.subscribe(&v.user.business_id);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        match rx.recv().await {
            Ok(e) => {
                let data = serde_json::to_string(&e).unwrap_or_default();
                Some((Ok(Event::default().data(data)), rx))
            }
            // Missed some: the page reloads what it shows.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                Some((Ok(Event::default().data(r#"{"kind":"labels"}"#)), rx))
            }
            Err(broadcast::error::RecvError::Closed) => None,
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(std::time::Duration::from_secs(15)))
}

/// The feed, shared by the server (which tells it about messages) and the pages.
pub type SharedFeed = Arc<Feed>;
