"""Wire quirks real clients have, sent raw (the Rust tests in crates/server/tests cover them too)."""

from __future__ import annotations

import httpx

from common import PHONE_ID, TOKEN, URL, check, graph

Q = "wire quirks"


def _ok(r: httpx.Response) -> None:
    assert r.status_code == 200, f"{r.status_code} {r.text}"
    body = r.json()
    assert body["messages"][0]["id"].startswith("wamid."), body


def run() -> None:
    msg = {"messaging_product": "whatsapp", "to": "15550001111", "type": "text", "text": {"body": "quirk"}}
    for prefix in ["/v15.0", "/v21.0", "/v23.0", "/v25.0", ""]:
        with check(Q, f"path prefix {prefix or '(unversioned)'}"):
            _ok(graph.post(f"{prefix}/{PHONE_ID}/messages", json=msg))
            r = graph.get(f"{prefix}/{PHONE_ID}")
            assert r.status_code == 200 and r.json()["id"] == PHONE_ID, r.text

    with check(Q, "trailing slash on a versioned path (Meta's Business SDK, its Node SDK's PIN)"):
        r = graph.get(f"/v23.0/{PHONE_ID}/")
        assert r.status_code == 200 and r.json()["id"] == PHONE_ID, r.text
        _ok(graph.post(f"/v23.0/{PHONE_ID}/messages/", json=msg))

    with check(Q, "chunked body without Content-Length"):
        import json

        data = json.dumps(msg).encode()

        def gen():
            yield data[:10]
            yield data[10:]

        r = httpx.post(
            f"{URL}/v23.0/{PHONE_ID}/messages",
            content=gen(),
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        )
        assert "content-length" not in {k.lower() for k in r.request.headers}, r.request.headers
        _ok(r)

    with check(Q, "missing recipient_type"):
        _ok(graph.post(f"/v23.0/{PHONE_ID}/messages", json=msg))

    with check(Q, "recipient_type individual"):
        _ok(graph.post(f"/v23.0/{PHONE_ID}/messages", json={**msg, "recipient_type": "individual"}))

    for v in (True, False):
        with check(Q, f"preview_url {str(v).lower()}"):
            _ok(graph.post(f"/v23.0/{PHONE_ID}/messages", json={**msg, "text": {"body": "see https://example.com", "preview_url": v}}))

    with check(Q, "access_token query parameter instead of a header"):
        r = httpx.post(f"{URL}/v23.0/{PHONE_ID}/messages?access_token={TOKEN}", json=msg)
        _ok(r)

    with check(Q, "form-encoded body (curl -d / requests data=)"):
        r = graph.post(
            f"/v23.0/{PHONE_ID}/messages",
            data={"messaging_product": "whatsapp", "to": "15550001111", "type": "text", "text": '{"body":"form"}'},
        )
        _ok(r)

    with check(Q, "'to' with + ( ) - and spaces"):
        _ok(graph.post(f"/v23.0/{PHONE_ID}/messages", json={**msg, "to": "+1 (555) 000-1111"}))
