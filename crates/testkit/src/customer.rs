//! A simulated customer for tests: a session on the customer API, HTTP calls, and a
//! WebSocket device.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message as Ws;

use crate::{json_response, TestApp};

pub struct TestCustomer {
    pub wa_id: String,
    pub token: String,
    base: String,
    client: reqwest::Client,
}

type WsStream = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A connected customer device.
pub struct Device {
    ws: WsStream,
}

impl TestApp {
    /// Open a customer session (sandbox: by phone number alone).
    pub async fn customer(&self, phone: &str, name: &str) -> TestCustomer {
        let (s, v) = self.post_as("/customer/v1/session", &json!({"phone": phone, "name": name}), None).await;
        assert_eq!(s, 200, "session: {v}");
        TestCustomer {
            wa_id: v["wa_id"].as_str().expect("wa_id").to_string(),
            token: v["token"].as_str().expect("token").to_string(),
            base: self.base.clone(),
            client: self.client.clone(),
        }
    }
}

impl TestCustomer {
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let r =
            self.client.post(format!("{}{path}", self.base)).bearer_auth(&self.token).json(body).send().await.unwrap();
        json_response(r).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self.client.get(format!("{}{path}", self.base)).bearer_auth(&self.token).send().await.unwrap();
        json_response(r).await
    }

    /// Send a message (`{"type":…}` without `to`) to a business number; returns the wamid.
    pub async fn send(&self, to: &str, message: Value) -> String {
        let mut body = message;
        body["to"] = json!(to);
        let (s, v) = self.post("/customer/v1/messages", &body).await;
        assert_eq!(s, 200, "customer send: {v}");
        v["id"].as_str().unwrap().to_string()
    }

    pub async fn ack(&self, id: &str, status: &str) -> (u16, Value) {
        self.post(&format!("/customer/v1/messages/{id}/status"), &json!({"status": status})).await
    }

    /// Upload a file from the customer's device; returns the media id.
    pub async fn upload(&self, mime: &str, bytes: Vec<u8>) -> String {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("f").mime_str(mime).unwrap();
        let form = reqwest::multipart::Form::new().part("file", part);
        let r = self
            .client
            .post(format!("{}/customer/v1/media", self.base))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        let (s, v) = json_response(r).await;
        assert_eq!(s, 200, "customer upload: {v}");
        v["id"].as_str().unwrap().to_string()
    }

    pub async fn connect(&self) -> Device {
        let url = format!("{}/customer/v1/stream?token={}", self.base.replacen("http", "ws", 1), self.token);
        let (ws, _) = tokio_tungstenite::connect_async(url.as_str()).await.expect("connect stream");
        Device { ws }
    }
}

impl Device {
    /// The next JSON frame, or None after `within`.
    pub async fn next_within(&mut self, within: Duration) -> Option<Value> {
        loop {
            let frame = tokio::time::timeout(within, self.ws.next()).await.ok()??;
            if let Ok(Ws::Text(t)) = frame {
                return serde_json::from_str(&t).ok();
            }
        }
    }

    /// The next frame; panics after 5 seconds.
    pub async fn next(&mut self) -> Value {
        self.next_within(Duration::from_secs(5)).await.expect("a frame within 5 s")
    }

    /// The next `message` event's message.
    pub async fn next_message(&mut self) -> Value {
        loop {
            let f = self.next().await;
            if f["event"] == "message" {
                return f["message"].clone();
            }
        }
    }

    /// The frames the server sends before it answers a frame of ours. It sends a device its
    /// backlog of undelivered messages before it reads any frame from it, so once the answer
    /// is in, nothing of the backlog is still to come: an empty result proves nothing else was
    /// waiting, with no fixed wait. The frame is an unknown action; its answer is the error
    /// event. (Messages pushed live after the connection are not ordered with the answer.)
    pub async fn frames_before_reply(&mut self) -> Vec<Value> {
        self.send(json!({"action": "risala_testkit_fence"})).await;
        let mut before = Vec::new();
        loop {
            let f = self.next().await;
            if f["event"] == "error" && f["error"].to_string().contains("risala_testkit_fence") {
                return before;
            }
            before.push(f);
        }
    }

    pub async fn send(&mut self, frame: Value) {
        self.ws.send(Ws::Text(frame.to_string().into())).await.unwrap();
    }
}
