"""Conformance driver (Python): pywa 4.5.0 end to end, then Meta's OpenAPI examples, then webhook schemas.

Every check is recorded in $CONFORMANCE_RESULTS; report.py turns them into coverage.md and decides
the exit status (a failure not listed in unsupported.json fails the suite).
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import sys
import tempfile

import httpx

sys.path.insert(0, os.path.dirname(__file__))
from common import (  # noqa: E402
    APP_ID,
    APP_SECRET,
    BUSINESS_NUMBER,
    MEDIA,
    PHONE_ID,
    TOKEN,
    URL,
    WABA_ID,
    WORK,
    Customer,
    FileServer,
    Receiver,
    check,
    graph,
    record,
    wait_for,
)

from pywa import WhatsApp, types  # noqa: E402
from pywa.types import templates as tpl  # noqa: E402

C = "pywa 4.5.0"
VERIFY = "conformance-verify"

# ---------------------------------------------------------------- client + webhook receiver
session = httpx.Client(timeout=20)
wa = WhatsApp(
    phone_id=PHONE_ID,
    token=TOKEN,
    session=session,
    waba_id=WABA_ID,
    app_id=APP_ID,
    app_secret=APP_SECRET,
    verify_token=VERIFY,
    validate_updates=True,
)
# The one change a user makes: the base URL.
session.base_url = f"{URL}/v23.0"

rejected: list[str] = []
messages: list[types.Message] = []
statuses: list[types.MessageStatus] = []
buttons: list[types.CallbackButton] = []
selections: list[types.CallbackSelection] = []
template_updates: list = []


def on_post(raw: bytes, sig: str | None):
    err = wa.webhook_update_validator(raw, sig)
    if err:
        rejected.append(f"{err}: {sig}")
        return err
    return wa.webhook_update_handler(raw)


receiver = Receiver(wa.webhook_challenge_handler, on_post)
wa.on_message()(lambda _, m: messages.append(m))
wa.on_message_status()(lambda _, s: statuses.append(s))
wa.on_callback_button()(lambda _, b: buttons.append(b))
wa.on_callback_selection()(lambda _, s: selections.append(s))
wa.on_template_status_update()(lambda _, u: template_updates.append(u))

files = FileServer(MEDIA)


def status_of(wamid: str, st: str):
    return next((s for s in statuses if s.id == wamid and s.status.value == st), None)


def msg_where(pred):
    return next((m for m in messages if pred(m)), None)


# ---------------------------------------------------------------- subscribe (Meta's app subscriptions API)
with check("webhooks", "POST /{app-id}/subscriptions (verify handshake answered by pywa)"):
    r = graph.post(
        f"/v23.0/{APP_ID}/subscriptions",
        data={
            "object": "whatsapp_business_account",
            "callback_url": receiver.url,
            "verify_token": VERIFY,
            "fields": "messages,message_template_status_update,template_category_update,message_template_quality_update",
        },
    )
    assert r.status_code == 200 and r.json().get("success") is True, f"{r.status_code} {r.text}"

alice = Customer("15550001111", "Alice")
bob = Customer("15550002222", "Bob")

# ---------------------------------------------------------------- inbound: every type, parsed by pywa
with check("webhooks", "non-ASCII escaped as Meta does: re-escaping the parsed body gives the signed bytes"):
    text = "مرحبا، هل طلبي جاهز؟ Café ✓ 👍🏽"
    wid = alice.send("text", {"body": text})
    m = wait_for(lambda: msg_where(lambda m: m.id == wid), what="inbound Arabic text")
    assert m.text == text, m.text
    raw = next(d["body"] for d in list(receiver.deliveries) if wid in d["body"])
    assert raw.isascii(), raw
    assert "\\u0645\\u0631" in raw and "\\ud83d\\udc4d" in raw, raw
    # What a client that re-encodes the parsed body before checking the signature computes.
    assert json.dumps(json.loads(raw), separators=(",", ":")) == raw, raw

with check(C, "receive text (types.Message)"):
    wid = alice.send("text", {"body": "Hi, is my order ready?"})
    m = wait_for(lambda: msg_where(lambda m: m.id == wid), what="inbound text")
    assert m.type == types.MessageType.TEXT and m.text == "Hi, is my order ready?", m
    assert m.from_user.wa_id == alice.wa_id and m.from_user.name == "Alice", m.from_user
    assert m.metadata.phone_number_id == PHONE_ID, m.metadata
first_inbound = wid

inbound_media: dict[str, str] = {}
for kind, fname, extra in [
    ("image", "image.png", {"caption": "Receipt"}),
    ("video", "video.mp4", {"caption": "Clip"}),
    ("audio", "audio.mp3", {}),
    ("document", "doc.pdf", {"caption": "Invoice", "filename": "invoice.pdf"}),
    ("sticker", "sticker.webp", {}),
]:
    with check(C, f"receive {kind} and download it (msg.{kind}.download)"):
        data, mime = MEDIA[fname]
        mid = alice.upload(data, mime, fname)
        wid = alice.send(kind, {"media_id": mid, **extra})
        m = wait_for(lambda: msg_where(lambda m: m.id == wid), what=f"inbound {kind}")
        obj = getattr(m, kind)
        assert m.type.value == kind and obj is not None, m
        assert obj.mime_type == mime, obj
        if "caption" in extra:
            assert obj.caption == extra["caption"], obj
        if kind == "document":
            assert obj.filename == "invoice.pdf", obj
        got = obj.get_bytes()
        assert got == data, f"downloaded {len(got)} bytes, sent {len(data)}"
        inbound_media[kind] = obj.id

with check(C, "receive location"):
    wid = alice.send("location", {"latitude": 51.5072, "longitude": -0.1276, "name": "Office", "address": "1 Main St"})
    m = wait_for(lambda: msg_where(lambda m: m.id == wid), what="inbound location")
    assert abs(m.location.latitude - 51.5072) < 1e-9 and abs(m.location.longitude + 0.1276) < 1e-9, m.location
    assert m.location.name == "Office" and m.location.address == "1 Main St", m.location

with check(C, "receive contacts"):
    wid = alice.send(
        "contacts",
        [{"name": {"formatted_name": "Jane Roe", "first_name": "Jane"}, "phones": [{"phone": "+1 555 000 3333", "type": "CELL"}]}],
    )
    m = wait_for(lambda: msg_where(lambda m: m.id == wid), what="inbound contacts")
    assert m.contacts[0].name.formatted_name == "Jane Roe" and m.contacts[0].phones[0].phone == "+1 555 000 3333", m.contacts

# ---------------------------------------------------------------- outbound: every type pywa sends
sent: dict[str, str] = {}


def send(op: str, fn):
    with check(C, op):
        r = fn()
        assert r.id and r.id.startswith("wamid."), r
        sent[op] = r.id


send("send text (preview_url)", lambda: wa.send_message(alice.wa_id, "Yes! https://example.com", preview_url=True))
send("send text reply (context)", lambda: wa.send_message(alice.wa_id, "Quoting you", reply_to_message_id=first_inbound))
send(
    "send reply buttons",
    lambda: wa.send_message(
        alice.wa_id,
        "Ready?",
        header="Order",
        footer="Risala",
        buttons=[types.Button("Yes", callback_data="yes"), types.Button("No", callback_data="no")],
    ),
)
send(
    "send list",
    lambda: wa.send_message(
        alice.wa_id,
        "Pick one",
        buttons=types.SectionList(
            button_title="Options",
            sections=[
                types.Section(
                    title="Sizes",
                    rows=[types.SectionRow("Small", "s", "A small one"), types.SectionRow("Large", "l", "A large one")],
                )
            ],
        ),
    ),
)
send(
    "send CTA URL",
    lambda: wa.send_message(alice.wa_id, "Track it", buttons=types.URLButton(title="Track", url="https://example.com/t/1")),
)
send("send location request", lambda: wa.request_location(alice.wa_id, "Where are you?"))
send("send location", lambda: wa.send_location(alice.wa_id, 37.7, -122.4, name="HQ", address="1 Hacker Way"))
send(
    "send contacts",
    lambda: wa.send_contact(
        alice.wa_id,
        types.Contact(
            name=types.Contact.Name(formatted_name="John Doe", first_name="John"),
            phones=[types.Contact.Phone(phone="+1 555 000 4444", type="WORK")],
            emails=[types.Contact.Email(email="john@example.com", type="WORK")],
        ),
    ),
)
send("send reaction", lambda: wa.send_reaction(alice.wa_id, "👍", first_inbound))
send("remove reaction", lambda: wa.remove_reaction(alice.wa_id, first_inbound))
send(
    "send carousel (image cards with URL buttons)",
    lambda: wa.send_carousel(
        alice.wa_id,
        body="This week's deals",
        cards=[
            types.ImageCarouselCard(
                image=f"{files.base}/image.png",
                body=f"Deal {i}",
                buttons=types.URLButton(title="Buy", url=f"https://example.com/d/{i}"),
            )
            for i in range(2)
        ],
    ),
)

with check(C, "update_commerce_settings + get_commerce_settings"):
    assert wa.update_commerce_settings(is_cart_enabled=False).success
    cs = wa.get_commerce_settings()
    assert cs.is_cart_enabled is False and cs.is_catalog_visible is True, cs
    assert wa.update_commerce_settings(is_cart_enabled=True, is_catalog_visible=True).success

uploaded: dict[str, str] = {}
for kind, fname in [("image", "image.png"), ("video", "video.mp4"), ("audio", "audio.mp3"), ("document", "doc.pdf"), ("sticker", "sticker.webp")]:
    data, mime = MEDIA[fname]
    with check(C, f"upload_media {kind}"):
        media = wa.upload_media(data, mime_type=mime, filename=fname)
        assert media.id, media
        uploaded[kind] = media.id
    sender = getattr(wa, f"send_{kind}")
    extra = {"caption": "by id"} if kind in ("image", "video", "document") else {}
    if kind == "document":
        extra["filename"] = "doc.pdf"
    send(f"send {kind} by uploaded id", lambda: sender(alice.wa_id, uploaded[kind], **extra))
    send(f"send {kind} by link", lambda: sender(alice.wa_id, f"{files.base}/{fname}", **extra))
    send(f"send {kind} by bytes (pywa uploads first)", lambda: sender(alice.wa_id, data, mime_type=mime, **extra))

with check(C, "get_media_url + download_media (uploaded)"):
    mu = wa.get_media_url(uploaded["image"])
    assert mu.mime_type == "image/png" and int(mu.file_size) == len(MEDIA["image.png"][0]), mu
    path = wa.download_media(url=mu.url, path=tempfile.mkdtemp(dir=WORK), filename="x.png")
    assert pathlib.Path(path).read_bytes() == MEDIA["image.png"][0]

with check(C, "delete_media"):
    extra_id = wa.upload_media(MEDIA["image.png"][0], mime_type="image/png", filename="tmp.png").id
    assert wa.delete_media(extra_id).success
    r = graph.get(f"/v23.0/{extra_id}")
    assert r.status_code == 400, f"deleted media still readable: {r.status_code}"

with check(C, "mark_message_as_read"):
    assert wa.mark_message_as_read(first_inbound).success

with check(C, "indicate_typing"):
    assert wa.indicate_typing(first_inbound).success

# ---------------------------------------------------------------- templates
tname = "conformance_order_update"
with check(C, "create_template"):
    created = wa.create_template(
        tpl.Template(
            name=tname,
            language=tpl.TemplateLanguage.ENGLISH_US,
            category=tpl.TemplateCategory.UTILITY,
            components=[
                tpl.HeaderText("Order {{1}}", "A-1"),
                tpl.BodyText("Hello {{1}}, your order {{2}} has shipped today.", "Ann", "A-1"),
                tpl.FooterText(text="Thanks for shopping"),
                tpl.Buttons(buttons=[tpl.QuickReplyButton(text="Track it"), tpl.QuickReplyButton(text="Stop")]),
            ],
        )
    )
    assert created.id and created.status.value == "APPROVED", created

with check(C, "template status webhook (TemplateStatusUpdate)"):
    u = wait_for(lambda: next((u for u in template_updates if str(getattr(u, "template_name", "")) == tname), None), what="template update")
    assert u.new_status.value == "APPROVED", u

with check(C, "get_templates"):
    res = wa.get_templates(name=tname)
    found = [t for t in res if t.name == tname]
    assert found and found[0].status.value == "APPROVED", list(res)

tmsg = None
with check(C, "send_template"):
    r = wa.send_template(
        alice.wa_id,
        name=tname,
        language=tpl.TemplateLanguage.ENGLISH_US,
        params=[tpl.HeaderText.params("A-7"), tpl.BodyText.params("Ann", "A-7")],
    )
    assert r.id.startswith("wamid."), r
    tmsg = r.id
    sent["send_template"] = r.id

# ---------------------------------------------------------------- inbound replies with context
with check(C, "receive button reply (CallbackButton)"):
    wid = alice.send("interactive", {"type": "button_reply", "button_reply": {"id": "yes", "title": "Yes"}}, context=sent["send reply buttons"])
    b = wait_for(lambda: next((b for b in buttons if b.id == wid), None), what="button reply")
    assert b.data == "yes" and b.title == "Yes" and b.reply_to_message.message_id == sent["send reply buttons"], b

with check(C, "receive list reply (CallbackSelection)"):
    wid = alice.send(
        "interactive",
        {"type": "list_reply", "list_reply": {"id": "l", "title": "Large", "description": "A large one"}},
        context=sent["send list"],
    )
    s = wait_for(lambda: next((s for s in selections if s.id == wid), None), what="list reply")
    assert s.data == "l" and s.title == "Large" and s.description == "A large one", s

with check(C, "receive template quick reply (CallbackButton from button)"):
    wid = alice.send("button", {"payload": "Track it", "text": "Track it"}, context=tmsg)
    b = wait_for(lambda: next((b for b in buttons if b.id == wid), None), what="template quick reply")
    assert b.title == "Track it" and b.reply_to_message.message_id == tmsg, b

with check(C, "receive location reply to a location request"):
    wid = alice.send("location", {"latitude": 1.5, "longitude": 2.5}, context=sent["send location request"])
    m = wait_for(lambda: msg_where(lambda m: m.id == wid), what="location reply")
    assert m.location.latitude == 1.5 and m.reply_to_message.message_id == sent["send location request"], m

with check(C, "receive reaction"):
    wid = alice.send("reaction", {"message_id": sent["send text (preview_url)"], "emoji": "❤️"})
    m = wait_for(lambda: msg_where(lambda m: m.id == wid), what="inbound reaction")
    assert m.reaction.emoji == "❤️" and m.reaction.message_id == sent["send text (preview_url)"], m.reaction

with check(C, "receive reply with context (msg.reply_to_message)"):
    wid = alice.send("text", {"body": "About this"}, context=sent["send text reply (context)"])
    m = wait_for(lambda: msg_where(lambda m: m.id == wid), what="reply")
    assert m.reply_to_message.message_id == sent["send text reply (context)"], m

with check(C, "msg.reply_text (reply through pywa's update object)"):
    m = msg_where(lambda m: m.id == first_inbound)
    r = m.reply_text("Replying via the update")
    assert r.id.startswith("wamid."), r

with check(C, "msg.reply_text with user_identifier_priority=(WA_ID, …)"):
    # pywa's documented constructor option, set here on the live client: reply by phone number.
    from pywa.utils import UserIdentifier

    wa._user_identifier_priority = (UserIdentifier.WA_ID, UserIdentifier.BSUID, UserIdentifier.PARENT_BSUID)
    r = msg_where(lambda m: m.id == first_inbound).reply_text("Replying via the update, by wa_id")
    assert r.id.startswith("wamid."), r

# ---------------------------------------------------------------- statuses
with check(C, "status sent (MessageStatus)"):
    for op, wid in sent.items():
        s = wait_for(
            lambda: status_of(wid, "sent"),
            what=f"sent status of {op} (seen: {[x.status.value for x in statuses if x.id == wid]})",
        )
        assert s.from_user.wa_id == alice.wa_id, s

target = sent["send text (preview_url)"]
with check(C, "status delivered (customer acknowledges)"):
    alice.ack(target, "delivered")
    wait_for(lambda: status_of(target, "delivered"), what="delivered")

with check(C, "status read (customer reads)"):
    alice.ack(target, "read")
    wait_for(lambda: status_of(target, "read"), what="read")

with check(C, "one change per webhook POST: pywa reads entry[0].changes[0] and still saw every status"):
    # pywa hands only the first change of a POST to its handlers; with Meta's one change per POST
    # nothing is dropped. Every status of every message sent above reached a handler, and every
    # body captured carries exactly one entry with one change.
    bodies = [json.loads(d["body"]) for d in list(receiver.deliveries)]
    shapes = {(len(b["entry"]), len(b["entry"][0]["changes"])) for b in bodies}
    assert shapes == {(1, 1)}, shapes
    for op, wid in sent.items():
        assert status_of(wid, "sent"), f"sent status of {op} missing"

with check("graph rules", "POST parameters in the query string merge with the body (media and messages)"):
    # Graph merges query-string parameters with the body on POST; the body wins on conflict.
    auth = {"Authorization": f"Bearer {TOKEN}"}
    form = {"file": ("q.png", MEDIA["image.png"][0], "image/png")}
    r = session.post(f"/{PHONE_ID}/media", params={"messaging_product": "whatsapp"}, files=form, headers=auth)
    assert r.status_code == 200 and r.json().get("id"), f"{r.status_code} {r.text}"
    r = session.post(
        f"/{PHONE_ID}/messages",
        params={"messaging_product": "whatsapp", "to": "15550009999"},
        json={"to": alice.wa_id, "type": "text", "text": {"body": "query + body"}},
        headers=auth,
    )
    assert r.status_code == 200, f"{r.status_code} {r.text}"
    assert r.json()["contacts"][0]["wa_id"] == alice.wa_id, r.json()

with check(C, "status failed 131026/131047 outside the window (clock +25h)"):
    r = httpx.post(f"{URL}/sandbox/v1/clock/advance", json={"by": "25h"},
                   headers={"Authorization": f"Bearer {TOKEN}"}, timeout=20)
    assert r.status_code == 200, r.text
    wid = wa.send_message(bob.wa_id, "Bob never wrote").id
    s = wait_for(lambda: status_of(wid, "failed"), what="failed (bob)")
    assert s.error.code == 131047, s.error
    wid = wa.send_message(alice.wa_id, "Alice's window closed").id
    s = wait_for(lambda: status_of(wid, "failed"), what="failed (alice, expired)")
    assert s.error.code == 131047, s.error

with check(C, "template send outside the window is delivered"):
    wid = wa.send_template(bob.wa_id, name="hello_world", language=tpl.TemplateLanguage.ENGLISH_US).id
    wait_for(lambda: status_of(wid, "sent"), what="template sent outside window")

with check(C, "delete_template"):
    assert wa.delete_template(tname).success
    left = graph.get(f"/v23.0/{WABA_ID}/message_templates", params={"name": tname}).json()["data"]
    assert not [t for t in left if t["name"] == tname and t["status"] != "PENDING_DELETION"], left

# ---------------------------------------------------------------- business profile, uploads, conversational components
from pywa.types.others import Command, ConversationalAutomation, Industry  # noqa: E402

picture = MEDIA["image.png"][0]
with check(C, "update_business_profile (profile picture through the Resumable Upload API)"):
    assert wa.update_business_profile(
        about="Risala conformance",
        address="1 Test Street",
        description="A business that tests",
        email="hello@example.com",
        websites=["https://example.com"],
        industry=Industry.RETAIL,
        profile_picture=picture,
    )

with check(C, "get_business_profile"):
    p = wa.get_business_profile()
    assert (p.about, p.email, p.industry, p.websites) == (
        "Risala conformance",
        "hello@example.com",
        Industry.RETAIL,
        ("https://example.com",),
    ), p
    assert httpx.get(p.profile_picture_url, timeout=20).content == picture, p.profile_picture_url

with check(C, "update_conversational_automation (ice breakers, commands)"):
    assert wa.update_conversational_automation(
        ice_breakers=["Plan a trip", "Track my order"],
        commands=[Command(name="help", description="Get help")],
    )

with check(C, "get_business_phone_number fields=conversational_automation"):
    raw = wa.api.get_business_phone_number(PHONE_ID, fields=("conversational_automation",))
    ca = ConversationalAutomation.from_dict(raw["conversational_automation"])
    assert ca.ice_breakers == ("Plan a trip", "Track my order"), ca
    assert [(c.name, c.description) for c in ca.commands or ()] == [("help", "Get help")], ca

with check(C, "receive request_welcome (a customer opens the chat the first time)"):
    r = graph.post(f"/v23.0/{PHONE_ID}/conversational_automation", json={"enable_welcome_message": True})
    assert r.status_code == 200, r.text
    bob = Customer("15550007777", "Bob")
    r = bob.http.post(f"/customer/v1/chats/{re.sub(r'[^0-9]', '', BUSINESS_NUMBER)}/open", json={})
    assert r.status_code == 200 and r.json()["request_welcome"] is True, r.text
    m = wait_for(
        lambda: msg_where(lambda m: m.type == types.MessageType.REQUEST_WELCOME and m.from_user.wa_id == bob.wa_id),
        what="request_welcome",
    )

with check(C, "every webhook signature accepted (validate_updates=True)"):
    assert not rejected, rejected
    assert len(receiver.deliveries) > 10, len(receiver.deliveries)

# ---------------------------------------------------------------- phone number, QR codes
with check(C, "deregister_phone_number + register_phone_number (two-step PIN)"):
    assert wa.deregister_phone_number().success
    assert wa.register_phone_number(pin="135790").success
    f = graph.get(f"/v23.0/{PHONE_ID}", params={"fields": "status,platform_type,is_pin_enabled"}).json()
    assert (f["status"], f["platform_type"], f["is_pin_enabled"]) == ("CONNECTED", "CLOUD_API", True), f

with check(C, "update_display_name"):
    assert wa.update_display_name("Risala Demo Shop").success
    f = graph.get(f"/v23.0/{PHONE_ID}", params={"fields": "verified_name,new_name_status"}).json()
    assert f["verified_name"] == "Risala Demo Shop", f

with check(C, "create_qr_code + get_qr_code + get_qr_codes + update_qr_code + delete_qr_code"):
    qr = wa.create_qr_code("Hello from the conformance suite", image_type="PNG")
    assert qr.code and qr.deep_link_url and qr.qr_image_url, qr
    img = httpx.get(qr.qr_image_url, timeout=20)
    assert img.status_code == 200 and img.headers["content-type"] == "image/png", img
    assert img.content.startswith(b"\x89PNG"), img.content[:8]
    got = wa.get_qr_code(qr.code, image_type="SVG")
    assert got and got.prefilled_message == "Hello from the conformance suite", got
    assert got.qr_image_url and got.qr_image_url.endswith(".svg"), got
    assert any(q.code == qr.code for q in wa.get_qr_codes())
    assert wa.update_qr_code(qr.code, "Changed text").prefilled_message == "Changed text"
    assert wa.delete_qr_code(qr.code).success
    gone = graph.get(f"/v23.0/{PHONE_ID}/message_qrdls/{qr.code}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == 803, gone.text

# ---------------------------------------------------------------- the rest
# The customer writes again, so Meta's examples run inside an open window.
alice.send("text", {"body": "Back again"})

import meta_examples  # noqa: E402
import pywa_flows  # noqa: E402
import quirks  # noqa: E402

pywa_flows.run(wa, alice)

quirks.run()
meta_examples.run(alice=alice, files=files, inbound=first_inbound, receiver=receiver)

try:
    import kapso_py

    kapso_py.run(alice=alice, receiver=receiver)
except Exception as e:  # noqa: BLE001
    record("kapso-whatsapp-cloud-api 0.3.0 (Python)", "driver", False, f"{type(e).__name__}: {e}")

# Webhook bodies for the Node driver's signature verifier, then validation against the spec.
with open(os.path.join(WORK, "webhooks.jsonl"), "w") as f:
    for d in receiver.deliveries:
        f.write(json.dumps(d) + "\n")
meta_examples.validate_webhooks(receiver)
with open(os.path.join(WORK, "context.json"), "w") as f:
    json.dump({"webhook_url": receiver.url}, f)
