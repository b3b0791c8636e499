"""Enterprise-chat group robots (incoming webhooks): WeCom 企业微信, DingTalk 钉钉 and Feishu 飞书.

Each provider takes a JSON POST in its own documented format and answers HTTP 200 with an error code in the body,
so a 200 is not yet a success: ``post`` reads the code and raises ``ChatError`` unless it says OK.

- WeCom group robot: ``{"msgtype": "text", "text": {"content", "mentioned_mobile_list"}}``, answer ``{"errcode": 0}``.
- DingTalk custom robot: ``{"msgtype": "text", "text": {"content"}, "at": {"atMobiles"}}``, answer ``{"errcode": 0}``.
  With signing on, ``timestamp`` (ms) and ``sign`` = base64(HMAC-SHA256(secret, "{timestamp}\\n{secret}")) go in
  the query string.
- Feishu custom bot: ``{"msg_type": "text", "content": {"text"}}``, answer ``{"code": 0}``. With signing on,
  ``timestamp`` (s) and ``sign`` = base64(HMAC-SHA256(key="{timestamp}\\n{secret}", message="")) go in the body.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from .models import ChatWebhook


class ChatError(Exception):
    """The robot refused the message or could not be reached (worth retrying)."""


@dataclass(frozen=True)
class ChatMessage:
    title: str
    body: str
    link: str = ""
    mobile: str = ""  # the recipient's phone, to @-mention them where the provider supports it

    @property
    def text(self) -> str:
        return "\n".join(part for part in (self.title, self.body, self.link) if part)


def _mobile(phone: str) -> str:
    """The 11-digit mainland mobile number the robots @-mention by ("+86 138-0013-8000" → "13800138000")."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def payload(webhook: ChatWebhook, message: ChatMessage, *, now: float | None = None) -> tuple[str, dict]:
    """The address and JSON body the webhook's provider expects (signed when the webhook has a secret)."""
    now = time.time() if now is None else now
    mobile = _mobile(message.mobile)
    if webhook.provider == ChatWebhook.Provider.WECOM:
        text = {"content": message.text}
        if mobile:
            text["mentioned_mobile_list"] = [mobile]
        return webhook.url, {"msgtype": "text", "text": text}
    if webhook.provider == ChatWebhook.Provider.DINGTALK:
        url = webhook.url
        if webhook.secret:
            timestamp = str(int(now * 1000))
            digest = hmac.new(
                webhook.secret.encode(), f"{timestamp}\n{webhook.secret}".encode(), hashlib.sha256
            ).digest()
            sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
            url = f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"
        body = {"msgtype": "text", "text": {"content": message.text}}
        if mobile:
            # DingTalk highlights the mention only when the content names the number too.
            body = {"msgtype": "text", "text": {"content": f"{message.text}\n@{mobile}"}}
            body["at"] = {"atMobiles": [mobile], "isAtAll": False}
        return url, body
    if webhook.provider == ChatWebhook.Provider.FEISHU:
        body = {"msg_type": "text", "content": {"text": message.text}}
        if webhook.secret:
            timestamp = str(int(now))
            digest = hmac.new(f"{timestamp}\n{webhook.secret}".encode(), b"", hashlib.sha256).digest()
            body = {"timestamp": timestamp, "sign": base64.b64encode(digest).decode(), **body}
        return webhook.url, body
    raise ValueError(f"unknown chat provider {webhook.provider!r}")


def _accepted(provider: str, answer: dict) -> bool:
    if provider == ChatWebhook.Provider.FEISHU:
        # Current bots answer {"code": 0, ...}; older ones {"StatusCode": 0, ...}.
        return answer.get("code", answer.get("StatusCode")) == 0
    return answer.get("errcode") == 0


def post(webhook: ChatWebhook, message: ChatMessage) -> None:
    """Send ``message`` to the webhook's group. Raises ``ChatError`` when it was not accepted."""
    url, body = payload(webhook, message)
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ChatError(f"{webhook.name}: only http(s) webhook addresses are allowed")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.CHAT_WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            raw = response.read(65536)
    except (urllib.error.URLError, OSError) as error:
        raise ChatError(f"{webhook.get_provider_display()}: {error}") from error
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as error:
        raise ChatError(f"{webhook.get_provider_display()}: not JSON: {raw[:200]!r}") from error
    if not isinstance(answer, dict) or not _accepted(webhook.provider, answer):
        raise ChatError(f"{webhook.get_provider_display()} refused the message: {raw[:300].decode(errors='replace')}")
