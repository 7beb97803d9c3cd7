"""Kapso's Python SDK (kapso-whatsapp-cloud-api 0.3.0, pydantic-validated) against the server:
`base_url` is the only change. Sends, media, templates, mark-read, and its signature verifier on
every webhook body the server delivered during the suite."""

from __future__ import annotations

import asyncio

from kapso_whatsapp import WhatsAppClient
from kapso_whatsapp.webhooks import normalize_webhook, verify_signature

from common import APP_SECRET, MEDIA, PHONE_ID, TOKEN, URL, WABA_ID, record

K = "kapso-whatsapp-cloud-api 0.3.0 (Python)"


async def _check(op: str, coro):
    try:
        v = await coro
    except Exception as e:  # noqa: BLE001
        record(K, op, False, f"{type(e).__name__}: {e}")
        return None
    record(K, op, True)
    return v


def _wamid(r) -> str:
    mid = r.messages[0].id if hasattr(r, "messages") else r["messages"][0]["id"]
    assert mid.startswith("wamid."), r
    return mid


async def _run(alice, receiver) -> None:
    inbound = alice.send("text", {"body": "Hello Kapso (Python)"})
    to = alice.wa_id
    async with WhatsAppClient(access_token=TOKEN, base_url=URL, graph_version="v23.0", max_retries=0) as c:
        m = c.messages

        async def sent(coro):
            return _wamid(await coro)

        await _check("messages.send_text", sent(m.send_text(phone_number_id=PHONE_ID, to=to, body="Hi https://example.com", preview_url=True)))
        await _check(
            "messages.send_text reply (context)",
            sent(m.send_text(phone_number_id=PHONE_ID, to=to, body="Quoted", context={"message_id": inbound})),
        )
        data, mime = MEDIA["image.png"]
        up = await _check("media.upload", c.media.upload(phone_number_id=PHONE_ID, file=data, type=mime, filename="k.png"))
        if up is not None:
            mid = up.id if hasattr(up, "id") else up["id"]
            await _check("media.get", c.media.get(media_id=mid))
            await _check("messages.send_image by id", sent(m.send_image(phone_number_id=PHONE_ID, to=to, image={"id": mid, "caption": "x"})))
            await _check("media.delete", c.media.delete(media_id=mid))
        await _check(
            "messages.send_location",
            sent(m.send_location(phone_number_id=PHONE_ID, to=to, location={"latitude": 1.5, "longitude": 2.5, "name": "Here"})),
        )
        await _check(
            "messages.send_interactive_buttons",
            sent(m.send_interactive_buttons(phone_number_id=PHONE_ID, to=to, body_text="Ready?", buttons=[{"id": "y", "title": "Yes"}])),
        )
        await _check(
            "messages.send_template (hello_world)",
            sent(m.send_template(phone_number_id=PHONE_ID, to=to, template={"name": "hello_world", "language": {"code": "en_US"}})),
        )
        await _check("messages.mark_read", m.mark_read(phone_number_id=PHONE_ID, message_id=inbound))
        await _check(
            "messages.mark_read(typing_indicator=True)",
            m.mark_read(phone_number_id=PHONE_ID, message_id=inbound, typing_indicator=True),
        )
        await _check(
            "templates.create",
            c.templates.create(
                business_account_id=WABA_ID,
                name="kapso_py_note",
                language="en_US",
                category="UTILITY",
                components=[{"type": "BODY", "text": "Hello {{1}}, your parcel {{2}} left our depot today.", "example": {"body_text": [["Ann", "P-1"]]}}],
            ),
        )
        await _check("templates.list", c.templates.list(business_account_id=WABA_ID, name="kapso_py_note"))
        await _check("templates.delete", c.templates.delete(business_account_id=WABA_ID, name="kapso_py_note"))

    ok = [verify_signature(app_secret=APP_SECRET, raw_body=d["body"], signature_header=d["headers"].get("x-hub-signature-256")) for d in receiver.deliveries]
    record(K, "verify_signature on every captured webhook", len(ok) > 10 and all(ok), f"{ok.count(False)} of {len(ok)} rejected")
    try:
        n = 0
        for d in receiver.bodies():
            r = normalize_webhook(d)
            n += len(getattr(r, "messages", None) or []) + len(getattr(r, "statuses", None) or [])
        record(K, "normalize_webhook on every captured webhook", n > 10, f"{n} messages+statuses")
    except Exception as e:  # noqa: BLE001
        record(K, "normalize_webhook on every captured webhook", False, f"{type(e).__name__}: {e}")


def run(alice, receiver) -> None:
    asyncio.run(_run(alice, receiver))
