"""Meta's own OpenAPI examples (../shared/specs/business-messaging-api_v23.0.yaml, read in place, never copied).

Every request example of `POST /{Phone-Number-ID}/messages` and `POST /{WABA-ID}/message_templates`
is sent with its placeholders replaced by the demo tenant's ids; each response is validated against
the spec's response schema. Every webhook body captured during the suite is validated against the
spec's `WebhookPayload`.
"""

from __future__ import annotations

import copy
import json
import os
import re

import jsonschema
import yaml

import base64

from common import APP_ID, DEMO, MEDIA, PHONE_ID, TOKEN, WABA_ID, Customer, check, graph, record

M = "Meta OpenAPI examples"
SPEC_PATH = os.environ["RISALA_SPEC"]
spec = yaml.safe_load(open(SPEC_PATH))

MSG_PATH = "/{Version}/{Phone-Number-ID}/messages"
TPL_PATH = "/{Version}/{WABA-ID}/message_templates"

MEDIA_FILES = {
    "image": "image.png",
    "video": "video.mp4",
    "audio": "audio.mp3",
    "document": "doc.pdf",
    "sticker": "sticker.webp",
}

# Template-send examples name templates that exist only on Meta's side; the suite creates fixtures
# with the components each example fills (same parameters), and sends to them.
BODY3 = {
    "type": "BODY",
    "text": "Your order {{1}} costs {{2}} and arrives on {{3}} at the latest.",
    "example": {"body_text": [["A-1", "$10", "Monday"]]},
}
# Header samples are handles of the Resumable Upload API: `run` uploads the sample first and puts
# its handle here, as a user does (this server refuses handles it did not issue, as Meta does).
IMAGE_HEADER = {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["<uploaded by run>"]}}
FIXTURES = {
    "conf_text": [BODY3],
    "conf_media": [IMAGE_HEADER, BODY3],
    "conf_interactive": [
        IMAGE_HEADER,
        BODY3,
        {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Yes"}, {"type": "QUICK_REPLY", "text": "No"}]},
    ],
    "sample_issue_resolution": [
        {"type": "BODY", "text": "Hello {{1}}, was your issue resolved today?", "example": {"body_text": [["Ann"]]}},
        {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Yes"}, {"type": "QUICK_REPLY", "text": "No"}]},
    ],
    "intro_catalog_offer": [
        BODY3,
        {"type": "BUTTONS", "buttons": [{"type": "CATALOG", "text": "View catalog"}]},
    ],
    "conf_flow": [
        {"type": "BODY", "text": "Please fill in the short form today."},
        {"type": "BUTTONS", "buttons": [{"type": "FLOW", "text": "Open form", "flow_id": "set when the flow exists"}]},
    ],
}
TEMPLATE_FOR_EXAMPLE = {
    "Send Message Template Text": "conf_text",
    "Send Sample Text Message": "conf_text",
    "Send Sample Shipping Confirmation Template": "conf_text",
    "Send Message Template Media": "conf_media",
    "Send Message Template Interactive": "conf_interactive",
    "Send Flow Template Message": "conf_flow",
}


def _schema_validator(schema: dict) -> jsonschema.protocols.Validator:
    root = {**schema, "components": spec["components"]}
    return jsonschema.Draft4Validator(root)


def _validate(schema: dict, instance) -> None:
    errors = sorted(_schema_validator(schema).iter_errors(instance), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        raise AssertionError(f"response does not match the spec schema at {list(e.path)}: {e.message[:200]}")


def _examples(path: str, method: str = "post") -> dict:
    op = spec["paths"][path][method]
    out = {}
    for c in op.get("requestBody", {}).get("content", {}).values():
        out.update({k: v["value"] for k, v in (c.get("examples") or {}).items()})
    return out


def _response_schema(path: str, method: str) -> dict:
    return spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]


# A one-screen flow for the examples that send a flow message.
FLOW_FIXTURE = {
    "version": "7.1",
    "screens": [
        {
            "id": "WELCOME",
            "title": "Welcome",
            "terminal": True,
            "layout": {
                "type": "SingleColumnLayout",
                "children": [
                    {"type": "TextBody", "text": "Hello"},
                    {"type": "Footer", "label": "Done", "on-click-action": {"name": "complete", "payload": {}}},
                ],
            },
        }
    ],
}


def upload_handle(fname: str) -> str:
    """A header sample's handle, the way a user gets one: a Resumable Upload API session, then the
    bytes (`Authorization: OAuth`, as Meta's guide shows)."""
    data, mime = MEDIA[fname]
    r = graph.post(f"/v23.0/{APP_ID}/uploads", params={"file_name": fname, "file_length": len(data), "file_type": mime})
    r.raise_for_status()
    r = graph.post(
        f"/v23.0/{r.json()['id']}",
        content=data,
        headers={"Authorization": f"OAuth {TOKEN}", "file_offset": "0"},
    )
    r.raise_for_status()
    return r.json()["h"]


def _handle_type(handle: str) -> str:
    """The MIME type a Meta handle names (`4::<base64 type>:…`), or ''."""
    try:
        return base64.b64decode(handle.split(":")[2] + "==").decode()
    except (IndexError, ValueError):
        return ""


def retailer_id(v: str) -> str:
    """A product SKU of an example (`<YOUR_PRODUCT1_SKU_IN_CATALOG>` or `2lc20305pt`) as the
    retailer id of a product in the conformance catalog."""
    return v.strip("<>").lower()


def product_ids(v) -> set:
    """Every product retailer id the examples name."""
    if isinstance(v, dict):
        out = set()
        for k, x in v.items():
            if k in ("product_retailer_id", "thumbnail_product_retailer_id") and isinstance(x, str):
                out.add(retailer_id(x))
            else:
                out |= product_ids(x)
        return out
    if isinstance(v, list):
        return set().union(*(product_ids(x) for x in v)) if v else set()
    return set()


def conformance_catalog(examples: dict) -> str:
    """A catalog of the demo business with a product for every SKU the product, product list
    and catalog examples name, connected to the demo WABA (product messages are checked against
    the connected catalog, as on Meta's platform): its id."""
    r = graph.post(f"/v23.0/{DEMO['business_id']}/owned_product_catalogs", json={"name": "conformance_catalog"})
    if r.status_code != 200:
        record(M, "fixture catalog conformance_catalog", False, f"{r.status_code} {r.text[:300]}")
        return "0"
    catalog = r.json()["id"]
    requests = [
        {"method": "CREATE", "data": {"id": rid, "title": f"Product {rid}", "price": "10.00 USD", "availability": "in stock"}}
        for rid in sorted(product_ids(examples))
    ]
    r = graph.post(f"/v23.0/{catalog}/items_batch", json={"item_type": "PRODUCT_ITEM", "requests": requests})
    if r.status_code != 200:
        record(M, "fixture products of conformance_catalog", False, f"{r.status_code} {r.text[:300]}")
    r = graph.post(f"/v23.0/{WABA_ID}/product_catalogs", json={"catalog_id": catalog})
    if r.status_code != 200:
        record(M, "fixture catalog connected to the WABA", False, f"{r.status_code} {r.text[:300]}")
    return catalog


class Subst:
    def __init__(
        self,
        to: str,
        media_ids: dict,
        files_base: str,
        inbound: str,
        flow_id: str,
        handles: dict | None = None,
        catalog_id: str = "0",
    ):
        self.to, self.media_ids, self.files_base, self.inbound = to, media_ids, files_base, inbound
        self.flow_id = flow_id
        self.handles = handles or {}
        self.catalog_id = catalog_id

    def __call__(self, v, kind=None, key=None):
        if isinstance(v, dict):
            out = {}
            for k, x in v.items():
                nk = self(k, kind, "__key__") if isinstance(k, str) and k.startswith("<") else k
                out[nk] = self(x, k if k in MEDIA_FILES else kind, k)
            return out
        if isinstance(v, list):
            return [self(x, kind, key) for x in v]
        if not isinstance(v, str):
            return v
        if key == "catalog_id":
            return self.catalog_id
        if key in ("product_retailer_id", "thumbnail_product_retailer_id"):
            return retailer_id(v)
        if key == "header_handle" and self.handles:
            t = _handle_type(v)
            return self.handles["document" if "pdf" in t else "video" if t.startswith("video") else "image"]
        if key == "link" and kind in MEDIA_FILES:
            return f"{self.files_base}/{MEDIA_FILES[kind]}"
        if key == "link":
            return f"{self.files_base}/image.png"
        if re.fullmatch(r"<(IMAGE|VIDEO|AUDIO|DOCUMENT|STICKER|MEDIA)_OBJECT_ID>", v):
            return self.media_ids[kind or "image"]
        if v.startswith("wamid.") or v.startswith("<MSGID"):
            return self.inbound
        if v == "{{Flow-ID}}":
            return self.flow_id
        if v == "{{Flow-Name}}":
            return "conformance_flow"
        if v == "<HEADER_TYPE>":
            return "text"
        if v == "language-and-locale-code":
            return "en_US"
        if key == "name" and re.fullmatch(r"<[A-Z0-9_]+>", v):
            return "conformance_" + v.strip("<>").lower()
        if key == "__key__":
            return v.strip("<>").lower()
        if re.fullmatch(r"<[A-Z0-9_]+>", v):
            return v.strip("<>").replace("_", " ").capitalize()
        return v


def _send_example(name: str, body: dict, sub: Subst) -> None:
    body = sub(copy.deepcopy(body))
    if "to" in body:
        body["to"] = sub.to
    if body.get("type") == "template" and name in TEMPLATE_FOR_EXAMPLE:
        body["template"]["name"] = TEMPLATE_FOR_EXAMPLE[name]
    r = graph.post(f"/v23.0/{PHONE_ID}/messages", json=body)
    assert r.status_code == 200, f"{r.status_code} {r.text[:400]}"
    _validate(_response_schema(MSG_PATH, "post"), r.json())


def run(alice: Customer, files, inbound: str, receiver) -> None:
    # Fixtures: media of every kind, and the templates the template examples name.
    media_ids = {}
    for kind, fname in MEDIA_FILES.items():
        data, mime = MEDIA[fname]
        r = graph.post(
            f"/v23.0/{PHONE_ID}/media",
            data={"messaging_product": "whatsapp", "type": mime},
            files={"file": (fname, data, mime)},
        )
        r.raise_for_status()
        media_ids[kind] = r.json()["id"]
    media_ids["media"] = media_ids["image"]
    handles = {kind: upload_handle(MEDIA_FILES[kind]) for kind in ("image", "video", "document")}
    IMAGE_HEADER["example"]["header_handle"] = [handles["image"]]
    # The flow the flow examples and the FLOW button fixture name (a template's FLOW button must
    # name a published flow of the WABA, as on Meta's platform), created and published through
    # the API as a user would.
    flow_id = "0"
    r = graph.post(
        f"/v23.0/{WABA_ID}/flows",
        json={"name": "conformance_flow", "categories": ["OTHER"], "flow_json": json.dumps(FLOW_FIXTURE), "publish": True},
    )
    if r.status_code == 200:
        flow_id = r.json()["id"]
    else:
        record(M, "fixture flow conformance_flow", False, f"{r.status_code} {r.text[:300]}")

    FIXTURES["conf_flow"][1]["buttons"][0]["flow_id"] = flow_id
    for tname, comps in FIXTURES.items():
        r = graph.post(
            f"/v23.0/{WABA_ID}/message_templates",
            json={"name": tname, "language": "en_US", "category": "MARKETING", "components": comps},
        )
        if r.status_code != 200 or r.json().get("status") != "APPROVED":
            record(M, f"fixture template {tname}", False, f"{r.status_code} {r.text[:300]}")

    catalog_id = conformance_catalog(_examples(MSG_PATH))
    sub = Subst(alice.wa_id, media_ids, files.base, inbound, flow_id, handles, catalog_id)

    for name, body in sorted(_examples(MSG_PATH).items()):
        with check(M, f"messages: {name}"):
            _send_example(name, body, sub)

    tpl_examples = _examples(TPL_PATH)
    created = []
    for name, body in sorted(tpl_examples.items()):
        with check(M, f"message_templates: {name}"):
            body = sub(copy.deepcopy(body))
            # Some examples share a name (and language) with another example: keep the content,
            # make the name unique, as a real user would have to.
            while body["name"] in created:
                body["name"] += "_x"
            r = graph.post(f"/v23.0/{WABA_ID}/message_templates", json=body)
            assert r.status_code == 200, f"{r.status_code} {r.text[:400]}"
            _validate(_response_schema(TPL_PATH, "post"), r.json())
            created.append(body["name"])

    with check(M, "message_templates: GET list (response schema)"):
        r = graph.get(f"/v23.0/{WABA_ID}/message_templates", params={"limit": 50})
        assert r.status_code == 200, r.text
        _validate(_response_schema(TPL_PATH, "get"), r.json())

    with check(M, "message_templates: DELETE by name (response schema)"):
        r = graph.delete(f"/v23.0/{WABA_ID}/message_templates", params={"name": "conf_text"})
        assert r.status_code == 200, r.text
        _validate(_response_schema(TPL_PATH, "delete"), r.json())


def _explain(e) -> str:
    """The spec's objections, innermost first (oneOf/anyOf branches are listed briefly)."""
    parts = []
    for c in e.context or []:
        path = "/".join(str(p) for p in list(c.absolute_path)[4:])
        msg = c.message if len(c.message) < 90 else c.message[:60] + "…"
        parts.append(f"{path}: {msg}")
    if not parts:
        parts.append(f"{'/'.join(str(p) for p in list(e.absolute_path)[4:])}: {e.message[:120]}")
    return "; ".join(dict.fromkeys(parts))[:500]


def validate_webhooks(receiver) -> None:
    """Every webhook body emitted during the suite, against the spec's WebhookPayload."""
    schema = {"$ref": "#/components/schemas/WebhookPayload"}
    validator = _schema_validator(schema)
    by_field: dict[str, list[str]] = {}
    for body in receiver.bodies():
        for entry in body.get("entry", []):
            for ch in entry.get("changes", []):
                one = {"object": body.get("object"), "entry": [{**entry, "changes": [ch]}]}
                kind = ch.get("field", "?")
                if kind == "messages":
                    v = ch.get("value", {})
                    kind += " (statuses)" if "statuses" in v else f" ({v.get('messages', [{}])[0].get('type', '?')})"
                errs = list(validator.iter_errors(one))
                by_field.setdefault(kind, [])
                if errs:
                    by_field[kind].append(_explain(errs[0]))
    # Control: Meta's own documented inbound text payload (developers.facebook.com, "messages webhook
    # reference"), against the same schema. When it fails too, a failure above is the spec
    # schema's, not the server's.
    control = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}],
            "messages": [{"from": "16505551234", "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
                          "timestamp": "1749416383", "type": "text", "text": {"body": "Does it come in another color?"}}]}}]}],
    }
    errs = list(validator.iter_errors(control))
    record(
        "webhook bodies vs spec WebhookPayload",
        "control: Meta's documented inbound text webhook",
        not errs,
        _explain(errs[0]) if errs else "",
    )
    for kind, errs in sorted(by_field.items()):
        record(
            "webhook bodies vs spec WebhookPayload",
            f"field {kind}",
            not errs,
            f"{len(errs)} bodies fail; first: {errs[0]}" if errs else "",
        )
    print(f"  validated webhook changes of {len(by_field)} kinds", flush=True)
    with open(os.path.join(os.environ["CONFORMANCE_WORK"], "webhook_kinds.json"), "w") as f:
        json.dump(sorted(by_field), f)
