"""MAX's rules for what a bot sends (platform-api.max.ru, schema 0.0.30), as the MAX face
checks them: text size and format, the HTML subset, inline keyboards, and rate limits.

Errors are ``BadRequest`` with MAX's shape in mind: the face answers
``{"code": error_code, "message": description}`` with ``code`` as the HTTP status."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

from sandbox.telegram_rules import Bucket, parse_html_spans
from sandbox.world import BadRequest

TEXT_LIMIT = 4000  # NewMessageBody.text maxLength
HTML_TAGS = frozenset(  # the tags MAX's HTML format supports (no <br>: the docs do not list it)
    {"i", "em", "b", "strong", "del", "s", "ins", "u", "a", "pre", "code", "mark", "blockquote", "h1"}
)
FORMATS = ("html", "markdown")
MARKUP_TYPES = {  # an HTML tag as MAX's MarkupElement type
    "b": "strong",
    "strong": "strong",
    "i": "emphasized",
    "em": "emphasized",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "del": "strikethrough",
    "code": "monospaced",
    "pre": "monospaced",
    "a": "link",
    "mark": "highlighted",
    "blockquote": "quote",
    "h1": "heading",
}
MAX_ROWS = 30
MAX_ROW_BUTTONS = 7
MAX_WIDE_ROW_BUTTONS = 3  # a row with a link, request_contact or request_geo_location button
WIDE_BUTTONS = frozenset({"link", "request_contact", "request_geo_location"})
MAX_BUTTONS = 210
BUTTON_TEXT_LIMIT = 128  # Button.text maxLength
PAYLOAD_LIMIT = 1024  # CallbackButton.payload maxLength
URL_LIMIT = 2048  # LinkButton.url maxLength
BUTTON_TYPES = frozenset(
    {
        "callback",
        "link",
        "request_geo_location",
        "request_contact",
        "chat",
        "message",
        "open_app",
        "clipboard",
    }
)
START_PAYLOAD_LIMIT = 128  # a longer deep-link payload is dropped, not passed to the bot
SENDER_ACTIONS = frozenset(
    {"typing_on", "sending_photo", "sending_video", "sending_audio", "sending_file", "mark_seen"}
)
INVALID = "proto.payload"  # the key of a request MAX can't accept


def invalid(message: str) -> BadRequest:
    return BadRequest(message, 400, INVALID)


Markup = list[dict[str, Any]]


def check_text(text: Any, fmt: Any, has_attachments: bool) -> tuple[str, str, Markup]:
    """(plain text as the person sees it, safe HTML for the web chat, MAX's markup: the
    formatted ranges of the plain text, ``{type, from, length}`` in UTF-16 units, a link's
    ``url`` too), as MAX keeps a message sent with ``format: html``."""
    if text is None or str(text) == "":
        if not has_attachments:
            raise invalid("text: message must have text or attachments")
        return "", "", []
    if not isinstance(text, str):
        raise invalid("text: a string is expected")
    if len(text) > TEXT_LIMIT:
        raise invalid(f"text: size must be between 0 and {TEXT_LIMIT}")
    if fmt is not None and fmt not in FORMATS:
        raise invalid(f"format: must be one of {list(FORMATS)} or null")
    if fmt == "html":
        try:
            plain, safe, spans = parse_html_spans(text, HTML_TAGS)
        except BadRequest as exc:
            raise invalid(exc.description.removeprefix("Bad Request: ")) from None
        return plain, safe, _markup(spans)
    return text, html.escape(text, quote=False), []


def _markup(spans: list[tuple[str, dict[str, str], int, int]]) -> Markup:
    out: Markup = []
    for tag, attrs, start, length in spans:
        element: dict[str, Any] = {"type": MARKUP_TYPES[tag], "from": start, "length": length}
        if tag == "a":
            url = html.unescape(attrs.get("href", ""))
            if not url:
                continue
            element["url"] = url
        out.append(element)
    return out


def check_keyboard(payload: Any) -> list[list[dict[str, Any]]]:
    """The rows of an ``inline_keyboard`` attachment, checked as MAX checks them."""
    rows = payload.get("buttons") if isinstance(payload, dict) else None
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) and r for r in rows):
        raise invalid("inline_keyboard: buttons must be a non-empty list of non-empty rows")
    if len(rows) > MAX_ROWS:
        raise invalid(f"inline_keyboard: at most {MAX_ROWS} rows")
    if sum(len(r) for r in rows) > MAX_BUTTONS:
        raise invalid(f"inline_keyboard: at most {MAX_BUTTONS} buttons")
    for row in rows:
        wide = any(isinstance(b, dict) and b.get("type") in WIDE_BUTTONS for b in row)
        limit = MAX_WIDE_ROW_BUTTONS if wide else MAX_ROW_BUTTONS
        if len(row) > limit:
            raise invalid(f"inline_keyboard: at most {limit} buttons in this row")
        for button in row:
            _check_button(button)
    return rows


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or button.get("type") not in BUTTON_TYPES:
        raise invalid(f"button: type must be one of {sorted(BUTTON_TYPES)}")
    text = button.get("text")
    if not isinstance(text, str) or not 1 <= len(text) <= BUTTON_TEXT_LIMIT:
        raise invalid(f"button.text: size must be between 1 and {BUTTON_TEXT_LIMIT}")
    if button["type"] == "callback":
        payload = button.get("payload")
        if not isinstance(payload, str) or len(payload) > PAYLOAD_LIMIT:
            raise invalid(f"button.payload: a string of at most {PAYLOAD_LIMIT} characters is required")
    if button["type"] == "link":
        url = button.get("url")
        if not isinstance(url, str) or not url or len(url) > URL_LIMIT:
            raise invalid(f"button.url: a URL of at most {URL_LIMIT} characters is required")


def telegram_like(rows: list[list[dict[str, Any]]]) -> dict[str, Any]:
    """A MAX keyboard in the Telegram-like form the control API shows for both faces."""
    shown: list[list[dict[str, Any]]] = []
    for row in rows:
        out: list[dict[str, Any]] = []
        for b in row:
            if b["type"] == "callback":
                out.append({"text": b["text"], "callback_data": b["payload"]})
            elif b["type"] == "link":
                out.append({"text": b["text"], "url": b["url"]})
            else:
                out.append({"text": b["text"], "max_type": b["type"]})
        shown.append(out)
    return {"inline_keyboard": shown}


@dataclass
class MaxLimits:
    """30 requests a second overall and 2 messages a second to one chat (``enabled`` is
    the emulator's switch, shared with Telegram's limits)."""

    global_rate: float = 30.0
    chat_rate: float = 2.0
    buckets: dict[int | str, Bucket] = field(default_factory=dict)

    def request(self) -> int:
        return self._take("all", self.global_rate)

    def send(self, chat_id: int) -> int:
        return self._take(chat_id, self.chat_rate)

    def _take(self, key: int | str, rate: float) -> int:
        bucket = self.buckets.get(key)
        if bucket is None or bucket.rate != rate:
            bucket = self.buckets[key] = Bucket(rate, rate)
        wait = bucket.take()
        return max(1, math.ceil(wait)) if wait > 0 else 0
