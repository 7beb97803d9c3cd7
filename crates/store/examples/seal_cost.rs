//! The cost of encrypting at rest, alone: sealing and opening a message body and a webhook
//! payload of typical sizes with the key ring, as the store does per row. Complements the
//! `risala-bench send` runs with `--encrypt-at-rest`, whose difference is lost in the noise of
//! a shared host. Run: `cargo run --release -p risala-store --example seal_cost`.

use std::time::Instant;

use risala_store::Keyring;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let keys = Keyring::ephemeral()?;
    let body = r#"{"body":"Your order 4711 has shipped and arrives on Thursday between 9 and 12. Reply STOP to opt out.","preview_url":false}"#;
    let payload = format!(
        r#"{{"messaging_product":"whatsapp","metadata":{{"display_phone_number":"15550001111","phone_number_id":"106540352242922"}},"statuses":[{{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NjQ4N0Q1QjhGMUIzRjRGMDkA","status":"delivered","timestamp":"1764750000","recipient_id":"16505551234","conversation":{{"id":"c0f1e2d3c4b5a6978877665544332211","origin":{{"type":"utility"}}}},"pricing":{{"billable":true,"pricing_model":"PMP","category":"utility","type":"regular"}},"biz_opaque_callback_data":"{body}"}}]}}"#
    );
    const N: u32 = 200_000;
    for (what, plain) in [("message body", body), ("webhook payload", payload.as_str())] {
        let started = Instant::now();
        let mut sealed = String::new();
        for i in 0..N {
            sealed = keys.seal_row("messages.content", &i.to_string(), plain)?;
        }
        let seal = started.elapsed().as_secs_f64() * 1e6 / f64::from(N);
        let started = Instant::now();
        for _ in 0..N {
            let opened = keys.open_row("messages.content", &(N - 1).to_string(), sealed.clone())?;
            assert_eq!(opened.len(), plain.len());
        }
        let open = started.elapsed().as_secs_f64() * 1e6 / f64::from(N);
        println!("{what}: {} bytes, stored {} bytes; seal {seal:.2} µs, open {open:.2} µs", plain.len(), sealed.len());
    }
    Ok(())
}
