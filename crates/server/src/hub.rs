//! The customer hub: which customer devices are connected to this node, and a channel to
//! each. Services tell it about events (a business message, typing, read receipts); a
//! device that is not connected gets its messages from the store when it connects.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use risala_core::model::CustomerEvent;
use risala_core::ports::{ClusterEvent, EventBus, Notifier};
use tokio::sync::mpsc;

/// Frames queued per device before the slowest device starts losing live pushes (it still
/// gets every message from the store on reconnect).
const DEVICE_QUEUE: usize = 1024;

/// A device's id on this node and its event channel.
type DeviceSlot = (u64, mpsc::Sender<CustomerEvent>);

#[derive(Default)]
pub struct Hub {
    devices: RwLock<HashMap<String, Vec<DeviceSlot>>>,
    next_id: AtomicU64,
}

/// A connected device; unregisters itself on drop.
pub struct Device {
    hub: Arc<Hub>,
    wa_id: String,
    id: u64,
    pub events: mpsc::Receiver<CustomerEvent>,
}

impl Hub {
    pub fn connect(self: &Arc<Self>, wa_id: &str) -> Device {
        let (tx, rx) = mpsc::channel(DEVICE_QUEUE);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut d) = self.devices.write() {
            d.entry(wa_id.to_string()).or_default().push((id, tx));
        }
        Device { hub: self.clone(), wa_id: wa_id.to_string(), id, events: rx }
    }

    /// Whether one of the customer's devices is connected to this node.
    pub fn has(&self, wa_id: &str) -> bool {
        self.devices.read().is_ok_and(|d| d.contains_key(wa_id))
    }

    /// Close every device's stream (events may have been missed): each reconnects and reads
    /// what waits for it from the store.
    pub fn resync(&self) {
        if let Ok(mut d) = self.devices.write() {
            d.clear();
        }
    }

    /// Number of connected devices.
    pub fn connections(&self) -> usize {
        self.devices.read().map(|d| d.values().map(Vec::len).sum()).unwrap_or(0)
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        if let Ok(mut d) = self.hub.devices.write() {
            if let Some(list) = d.get_mut(&self.wa_id) {
                list.retain(|(id, _)| *id != self.id);
                if list.is_empty() {
                    d.remove(&self.wa_id);
                }
            }
        }
    }
}

impl Notifier for Hub {
    fn customer_event(&self, wa_id: &str, event: CustomerEvent) {
        let Ok(d) = self.devices.read() else { return };
        if let Some(list) = d.get(wa_id) {
            for (_, tx) in list {
                let _ = tx.try_send(event.clone());
            }
        }
    }
}

/// What the messaging service tells: customer devices through the hub, the webhook worker
/// that new outbox rows are committed, and the team inbox's open pages that a conversation
/// changed.
pub struct ServerNotifier {
    pub hub: Arc<Hub>,
    /// The other nodes of a fleet.
    pub bus: Arc<dyn EventBus>,
    pub webhooks: Arc<risala_delivery::Engine>,
    pub inbox: Arc<risala_web::live::Feed>,
}

impl Notifier for ServerNotifier {
    fn customer_event(&self, wa_id: &str, event: CustomerEvent) {
        if !self.bus.shared() {
            return self.hub.customer_event(wa_id, event);
        }
        let wa_id_owned = wa_id.to_string();
        // Ids and kinds only: a node with the customer's device reads the message itself.
        let remote = match &event {
            CustomerEvent::Message(m) => ClusterEvent::Message { wa_id: wa_id_owned, id: m.id.clone() },
            CustomerEvent::Typing { from, phone_number_id } => ClusterEvent::Typing {
                wa_id: wa_id_owned,
                from: from.clone(),
                phone_number_id: phone_number_id.clone(),
            },
            CustomerEvent::Read { message_id, from } => {
                ClusterEvent::Read { wa_id: wa_id_owned, message_id: message_id.clone(), from: from.clone() }
            }
        };
        self.hub.customer_event(wa_id, event);
        self.bus.publish(remote);
    }

    fn outbox_written(&self) {
        self.webhooks.wake();
    }

    fn chat_changed(&self, business_id: &str, phone_number_id: &str, _wa_id: &str) {
        // The pages are told the number only: a customer may hide theirs from the business.
        self.inbox.chat_changed(business_id, phone_number_id);
    }
}
