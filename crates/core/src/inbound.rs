//! Inbound (customer → business) messages and the webhook payloads built from them.
