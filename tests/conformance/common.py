"""Shared helpers for the conformance drivers: results, the customer API, waiting, the webhook receiver."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

URL = os.environ["RISALA_URL"]
TOKEN = os.environ["RISALA_TOKEN"]
DEMO = json.load(open(os.environ["RISALA_DEMO"]))
WORK = os.environ["CONFORMANCE_WORK"]
RESULTS = os.environ["CONFORMANCE_RESULTS"]

PHONE_ID = DEMO["phone_number_id"]
WABA_ID = DEMO["waba_id"]
APP_ID = DEMO["app_id"]
APP_SECRET = DEMO["app_secret"]
BUSINESS_NUMBER = DEMO["display_phone_number"]

_lock = threading.Lock()


def record(client: str, operation: str, ok: bool, detail: str = "") -> None:
    line = json.dumps({"client": client, "operation": operation, "ok": ok, "detail": detail[:600]})
    with _lock, open(RESULTS, "a") as f:
        f.write(line + "\n")
    print(f"  [{'PASS' if ok else 'FAIL'}] {client}: {operation}" + ("" if ok else f" -- {detail[:300]}"), flush=True)


@contextlib.contextmanager
def check(client: str, operation: str):
    """Record a check: passes unless the block raises."""
    try:
        yield
    except Exception as e:  # noqa: BLE001 - every failure is recorded, none aborts the suite
        detail = f"{type(e).__name__}: {e}"
        if os.environ.get("CONFORMANCE_VERBOSE"):
            traceback.print_exc()
        record(client, operation, False, detail)
    else:
        record(client, operation, True)


def wait_for(pred, timeout: float = 15.0, what: str = "condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


graph = httpx.Client(base_url=URL, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=20)


class Customer:
    """A simulated customer on the customer API."""

    def __init__(self, phone: str, name: str):
        r = httpx.post(f"{URL}/customer/v1/session", json={"phone": phone, "name": name}, timeout=20)
        r.raise_for_status()
        body = r.json()
        self.wa_id = body["wa_id"]
        self.name = name
        self.http = httpx.Client(base_url=URL, headers={"Authorization": f"Bearer {body['token']}"}, timeout=20)

    def send(self, type_: str, payload: dict, context: str | None = None) -> str:
        body = {"to": BUSINESS_NUMBER, "type": type_, type_: payload}
        if context:
            body["context"] = {"id": context}
        r = self.http.post("/customer/v1/messages", json=body)
        if r.status_code != 200:
            raise AssertionError(f"customer send {type_}: {r.status_code} {r.text}")
        return r.json()["id"]

    def upload(self, data: bytes, mime: str, filename: str) -> str:
        r = self.http.post("/customer/v1/media", files={"file": (filename, data, mime)})
        if r.status_code != 200:
            raise AssertionError(f"customer upload: {r.status_code} {r.text}")
        return r.json()["id"]

    def ack(self, wamid: str, status: str) -> None:
        r = self.http.post(f"/customer/v1/messages/{wamid}/status", json={"status": status})
        if r.status_code != 200:
            raise AssertionError(f"customer ack {status}: {r.status_code} {r.text}")


class Receiver:
    """A webhook endpoint: captures every delivery (raw body + headers) and hands it to `handle`."""

    def __init__(self, handle_get, handle_post):
        self.deliveries: list[dict] = []
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                from urllib.parse import parse_qs, urlparse

                q = parse_qs(urlparse(self.path).query)
                body, status = handle_get(q.get("hub.verify_token", [None])[0], q.get("hub.challenge", [None])[0])
                self._answer(status, body)

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n)
                with _lock:
                    outer.deliveries.append({"body": raw.decode(), "headers": {k.lower(): v for k, v in self.headers.items()}})
                body, status = handle_post(raw, self.headers.get("X-Hub-Signature-256"))
                self._answer(status, body)

            def _answer(self, status, body):
                data = (body or "").encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self) -> list[dict]:
        with _lock:
            return [json.loads(d["body"]) for d in self.deliveries]


class FileServer:
    """A tiny local HTTP server for media sent `by link`."""

    def __init__(self, files: dict[str, tuple[bytes, str]]):
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                name = self.path.lstrip("/").split("?")[0]
                if name not in files:
                    self.send_response(404)
                    self.end_headers()
                    return
                data, mime = files[name]
                self.send_response(200)
                self.send_header("Content-Type", mime)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def png_bytes() -> bytes:
    import struct
    import zlib

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    raw = b"\x00\xff\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


MEDIA = {
    "image.png": (png_bytes(), "image/png"),
    "video.mp4": (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, "video/mp4"),
    "audio.mp3": (b"ID3\x03\x00\x00\x00" + b"\x00" * 64, "audio/mpeg"),
    "doc.pdf": (b"%PDF-1.4\n%conformance\n", "application/pdf"),
    "sticker.webp": (b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 28, "image/webp"),
}
