"""A local stand-in for the enterprise-chat group robots (WeCom, DingTalk, Feishu): a real HTTP server on
127.0.0.1 in a thread that records every request and answers as the provider would.

Signatures are checked here as the providers check them (recomputing the HMAC from the secret): a wrong or missing
signature gets the provider's own refusal, so a test that passes proves the signing is right.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OK = {
    "wecom": (200, {"errcode": 0, "errmsg": "ok"}),
    "dingtalk": (200, {"errcode": 0, "errmsg": "ok"}),
    "feishu": (200, {"code": 0, "msg": "success", "data": {}}),
}


@dataclass
class Received:
    provider: str
    path: str
    query: dict[str, str]
    body: dict
    content_type: str
    signature_ok: bool | None = None  # None: the robot has no secret


@dataclass
class Robot:
    """One server; each provider answers under its own path: /wecom, /dingtalk, /feishu."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)
    # Answers to give, in order, before going back to the provider's OK: (status, JSON body or raw bytes).
    queued: dict[str, list[tuple[int, object]]] = field(default_factory=dict)

    def url(self, provider: str) -> str:
        return f"http://127.0.0.1:{self.port}/{provider}"

    def answer_next(self, provider: str, status: int, body: object, times: int = 1) -> None:
        self.queued.setdefault(provider, []).extend([(status, body)] * times)

    def of(self, provider: str) -> list[Received]:
        return [r for r in self.requests if r.provider == provider]


def _dingtalk_sign_ok(secret: str, query: dict[str, str]) -> bool:
    timestamp, sign = query.get("timestamp", ""), query.get("sign", "")
    if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > 3600 * 1000:
        return False
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), sign)


def _feishu_sign_ok(secret: str, body: dict) -> bool:
    timestamp, sign = str(body.get("timestamp", "")), body.get("sign", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 3600:
        return False
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), sign)


def _handler(robot: Robot):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep the test output clean
            pass

        def do_POST(self):
            parts = urllib.parse.urlsplit(self.path)
            provider = parts.path.strip("/").split("/")[0]
            query = dict(urllib.parse.parse_qsl(parts.query))  # decodes the URL-encoded sign
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.loads(raw)
            received = Received(provider, parts.path, query, body, self.headers.get("Content-Type", ""))
            robot.requests.append(received)
            status, answer = OK.get(provider, (404, {"error": "no such robot"}))
            secret = robot.secrets.get(provider)
            if secret and provider == "dingtalk":
                received.signature_ok = _dingtalk_sign_ok(secret, query)
                if not received.signature_ok:
                    status, answer = 200, {"errcode": 310000, "errmsg": "sign not match"}
            if secret and provider == "feishu":
                received.signature_ok = _feishu_sign_ok(secret, body)
                if not received.signature_ok:
                    status, answer = 200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}
            if robot.queued.get(provider):
                status, answer = robot.queued[provider].pop(0)
            data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


class running_robot:
    """``with running_robot() as robot:`` a server on a free port, shut down afterwards."""

    def __enter__(self) -> Robot:
        self.robot = Robot()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.robot))
        self.robot.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.robot

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def closed_port_url() -> str:
    """An address where nothing listens (a port just freed)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return f"http://127.0.0.1:{port}/robot"
