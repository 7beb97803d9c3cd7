// Conformance driver (Node): the Kapso SDK (@kapso/whatsapp-cloud-api 0.3.0, Zod-validated
// responses) against the running server, pointed at it with `baseUrl` only; then its signature
// verifier and normalizer on every webhook body the server delivered during the Python driver.
import { appendFileSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { WhatsAppClient } from "@kapso/whatsapp-cloud-api";
import { normalizeWebhook, verifySignature } from "@kapso/whatsapp-cloud-api/server";

const C = "@kapso/whatsapp-cloud-api 0.3.0 (Node)";
const URL_ = process.env.RISALA_URL;
const TOKEN = process.env.RISALA_TOKEN;
const WORK = process.env.CONFORMANCE_WORK;
const demo = JSON.parse(readFileSync(process.env.RISALA_DEMO, "utf8"));
const phoneNumberId = demo.phone_number_id;
const businessAccountId = demo.waba_id;

function record(operation, ok, detail = "") {
  appendFileSync(
    process.env.CONFORMANCE_RESULTS,
    JSON.stringify({ client: C, operation, ok, detail: String(detail).slice(0, 600) }) + "\n",
  );
  console.log(`  [${ok ? "PASS" : "FAIL"}] ${C}: ${operation}${ok ? "" : " -- " + String(detail).slice(0, 300)}`);
}

async function check(operation, fn) {
  try {
    const v = await fn();
    record(operation, true);
    return v;
  } catch (e) {
    const issues = e?.issues ? " " + JSON.stringify(e.issues).slice(0, 300) : "";
    record(operation, false, `${e?.name ?? "Error"}: ${e?.message ?? e}${issues}`);
    return undefined;
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

const client = new WhatsAppClient({ accessToken: TOKEN, baseUrl: URL_, graphVersion: "v23.0" });

// A customer to talk to (the Python driver's Alice wrote last, so her window is open).
const session = await (
  await fetch(`${URL_}/customer/v1/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ phone: "15550001111", name: "Alice" }),
  })
).json();
const to = session.wa_id;
const inbound = await (
  await fetch(`${URL_}/customer/v1/messages`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ to: demo.display_phone_number, type: "text", text: { body: "Hello Kapso" } }),
  })
).json();

const sent = (r) => {
  assert(r?.messages?.[0]?.id?.startsWith("wamid."), JSON.stringify(r));
  return r.messages[0].id;
};

await check("messages.sendText", async () => sent(await client.messages.sendText({ phoneNumberId, to, body: "Hi from Kapso", previewUrl: true })));
await check("messages.sendText reply (contextMessageId)", async () =>
  sent(await client.messages.sendText({ phoneNumberId, to, body: "Quoted", contextMessageId: inbound.id })));

const png = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da63f8cfc000000301010018dd8db00000000049454e44ae426082",
  "hex",
);
const media = await check("media.upload", async () => {
  const r = await client.media.upload({ phoneNumberId, type: "image/png", file: new Blob([png], { type: "image/png" }), fileName: "k.png" });
  assert(r.id, JSON.stringify(r));
  return r;
});
if (media) {
  await check("media.get", async () => {
    const r = await client.media.get({ mediaId: media.id, phoneNumberId });
    assert(r.mimeType === "image/png" && r.url, JSON.stringify(r));
  });
  await check("media.download (auth: always)", async () => {
    const buf = Buffer.from(await client.media.download({ mediaId: media.id, auth: "always" }));
    assert(buf.equals(png), `got ${buf.length} bytes`);
  });
  await check("messages.sendImage by id", async () => sent(await client.messages.sendImage({ phoneNumberId, to, image: { id: media.id, caption: "by id" } })));
}
const files = createServer((req, res) => {
  res.writeHead(200, { "Content-Type": "image/png", "Content-Length": png.length });
  res.end(png);
});
await new Promise((r) => files.listen(0, "127.0.0.1", r));
const link = `http://127.0.0.1:${files.address().port}/k.png`;
await check("messages.sendImage by link", async () =>
  sent(await client.messages.sendImage({ phoneNumberId, to, image: { link, caption: "by link" } })));
files.close();
await check("messages.sendLocation", async () =>
  sent(await client.messages.sendLocation({ phoneNumberId, to, location: { latitude: 1.5, longitude: 2.5, name: "Here", address: "1 St" } })));
await check("messages.sendContacts", async () =>
  sent(await client.messages.sendContacts({ phoneNumberId, to, contacts: [{ name: { formattedName: "Jane Roe", firstName: "Jane" }, phones: [{ phone: "+15550003333", type: "CELL" }] }] })));
await check("messages.sendReaction", async () =>
  sent(await client.messages.sendReaction({ phoneNumberId, to, reaction: { messageId: inbound.id, emoji: "👍" } })));
await check("messages.sendInteractiveButtons", async () =>
  sent(await client.messages.sendInteractiveButtons({ phoneNumberId, to, bodyText: "Ready?", buttons: [{ id: "y", title: "Yes" }, { id: "n", title: "No" }] })));
await check("messages.sendInteractiveList", async () =>
  sent(await client.messages.sendInteractiveList({ phoneNumberId, to, bodyText: "Pick", buttonText: "Options", sections: [{ title: "S", rows: [{ id: "a", title: "A", description: "The A" }] }] })));
await check("messages.sendInteractiveCtaUrl", async () =>
  sent(await client.messages.sendInteractiveCtaUrl({ phoneNumberId, to, bodyText: "Track", parameters: { displayText: "Track", url: "https://example.com/t" } })));
await check("messages.sendInteractiveLocationRequest", async () =>
  sent(await client.messages.sendInteractiveLocationRequest({ phoneNumberId, to, bodyText: "Where?", parameters: { requestMessage: "Send location" } })));
await check("messages.sendTemplate (hello_world)", async () =>
  sent(await client.messages.sendTemplate({ phoneNumberId, to, template: { name: "hello_world", language: { code: "en_US" } } })));
await check("messages.sendRaw", async () =>
  sent(await client.messages.sendRaw({ phoneNumberId, payload: { messaging_product: "whatsapp", to, type: "text", text: { body: "raw" } } })));
await check("messages.markRead (+ typing indicator)", async () => {
  const r = await client.messages.markRead({ phoneNumberId, messageId: inbound.id, typingIndicator: { type: "text" } });
  assert(r.success === true, JSON.stringify(r));
});

const created = await check("templates.create", async () => {
  const r = await client.templates.create({
    businessAccountId,
    name: "kapso_shipping_note",
    language: "en_US",
    category: "UTILITY",
    components: [{ type: "BODY", text: "Hello {{1}}, your parcel {{2}} left our depot today.", example: { body_text: [["Ann", "P-1"]] } }],
  });
  assert(r.id && r.status, JSON.stringify(r));
  return r;
});
await check("templates.list", async () => {
  const r = await client.templates.list({ businessAccountId, limit: 50 });
  assert(r.data.some((t) => t.name === "kapso_shipping_note"), JSON.stringify(r).slice(0, 300));
});
if (created) {
  await check("templates.get", async () => {
    const r = await client.templates.get({ businessAccountId, templateId: created.id });
    assert(r.name === "kapso_shipping_note", JSON.stringify(r));
  });
  await check("messages.sendTemplate (created, body parameters)", async () =>
    sent(await client.messages.sendTemplate({
      phoneNumberId, to,
      template: { name: "kapso_shipping_note", language: { code: "en_US" }, components: [{ type: "body", parameters: [{ type: "text", text: "Ann" }, { type: "text", text: "P-9" }] }] },
    })));
}
await check("templates.delete", async () => {
  const r = await client.templates.delete({ businessAccountId, name: "kapso_shipping_note" });
  assert(r.success === true, JSON.stringify(r));
});
if (media) {
  await check("media.delete", async () => {
    const r = await client.media.delete({ mediaId: media.id });
    assert(r.success === true, JSON.stringify(r));
  });
}

// Webhooks the server delivered (captured by the Python driver's receiver, raw bytes and headers).
let deliveries = [];
try {
  deliveries = readFileSync(join(WORK, "webhooks.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
} catch (e) {
  record("read captured webhooks", false, e.message);
}
await check("verifySignature on every captured webhook", async () => {
  assert(deliveries.length > 10, `only ${deliveries.length} deliveries`);
  for (const d of deliveries) {
    assert(verifySignature({ appSecret: demo.app_secret, rawBody: d.body, signatureHeader: d.headers["x-hub-signature-256"] }), `bad signature: ${d.body.slice(0, 120)}`);
  }
  const d = deliveries[0];
  assert(!verifySignature({ appSecret: demo.app_secret, rawBody: d.body + " ", signatureHeader: d.headers["x-hub-signature-256"] }), "tampered body verified");
  assert(!verifySignature({ appSecret: "0".repeat(32), rawBody: d.body, signatureHeader: d.headers["x-hub-signature-256"] }), "wrong secret verified");
});
await check("normalizeWebhook: inbound messages and statuses", async () => {
  let messages = 0, statuses = 0;
  for (const d of deliveries) {
    const n = normalizeWebhook(JSON.parse(d.body));
    messages += n.messages?.length ?? 0;
    statuses += n.statuses?.length ?? 0;
    for (const s of n.statuses ?? []) assert(s.id && s.status && s.recipientUserId, `status ${JSON.stringify(s)}`);
  }
  assert(messages >= 10 && statuses >= 10, `messages ${messages}, statuses ${statuses}`);
});
