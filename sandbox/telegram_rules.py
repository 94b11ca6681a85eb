"""Telegram's rules for what a bot sends, as the Bot API enforces them: HTML parsing
(the subset Telegram supports), text and caption sizes, callback data size, flood limits."""

from __future__ import annotations

import html
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

from sandbox.world import BadRequest

__all__ = [
    "BadRequest",
    "Bucket",
    "Limits",
    "Span",
    "check_markup",
    "check_text",
    "parse_html",
    "parse_html_spans",
]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_LIMIT = 64

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "span",
    "tg-spoiler",
    "blockquote",
    "tg-emoji",
}
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*(/?)>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
NAMED = {"lt", "gt", "amp", "quot"}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _offset(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8"))


Span = tuple[str, dict[str, str], int, int]  # tag, its attributes, from, length (UTF-16 units)


def parse_html(text: str, allowed: frozenset[str] | set[str] = ALLOWED_TAGS) -> tuple[str, str]:
    """Check text as Telegram's HTML parse mode does. Returns (plain text, safe HTML
    for display) or raises BadRequest with Telegram's wording."""
    plain, safe, _ = parse_html_spans(text, allowed)
    return plain, safe


def parse_html_spans(
    text: str, allowed: frozenset[str] | set[str] = ALLOWED_TAGS
) -> tuple[str, str, list[Span]]:
    """``parse_html`` plus each element's range in the plain text, in UTF-16 code units (as
    the Bot API's entities and MAX's markup count), ordered by start, outer first."""
    plain: list[str] = []
    safe: list[str] = []
    stack: list[str] = []
    opened: list[tuple[int, dict[str, str], int]] = []  # (order, attributes, start) per open tag
    spans: list[tuple[int, Span]] = []
    at = 0  # the plain text's length so far, in UTF-16 units
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = _TAG.match(text, i)
            if m is None:
                raise BadRequest(
                    'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset '
                    f"{_offset(text, i)}"
                )
            closing, name, attrs, _ = m.groups()
            name = name.lower()
            if name not in allowed:
                kind = "end" if closing else "start"
                raise BadRequest(
                    f'Bad Request: can\'t parse entities: Unsupported {kind} tag "{name}" at byte '
                    f"offset {_offset(text, i)}"
                )
            if closing:
                if not stack or stack[-1] != name:
                    raise BadRequest(
                        "Bad Request: can't parse entities: Unexpected end tag at byte offset "
                        f"{_offset(text, i)}"
                    )
                stack.pop()
                order, values, start = opened.pop()
                if at > start:
                    spans.append((order, (name, values, start, at - start)))
                safe.append(f"</{name}>")
            else:
                stack.append(name)
                opened.append((i, _attrs(attrs), at))  # ordered by where the tag opens
                safe.append(_safe_open(name, attrs))
            i = m.end()
        elif ch == "&":
            m = _ENTITY.match(text, i)
            if m is None:
                plain.append("&")
                at += 1
                safe.append("&amp;")
                i += 1
                continue
            body = m.group(1)
            if not body.startswith("#") and body not in NAMED:
                raise BadRequest(
                    f'Bad Request: can\'t parse entities: Unsupported HTML entity "&{body};" at byte '
                    f"offset {_offset(text, i)}"
                )
            char = html.unescape(m.group(0))
            plain.append(char)
            at += utf16_len(char)
            safe.append(html.escape(char, quote=False))
            i = m.end()
        elif ch == ">":
            plain.append(">")
            at += 1
            safe.append("&gt;")
            i += 1
        else:
            plain.append(ch)
            at += utf16_len(ch)
            safe.append(ch)
            i += 1
    if stack:
        raise BadRequest(
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1]}"'
        )
    ordered = [span for _, span in sorted(spans, key=lambda item: (item[1][2], item[0]))]
    return "".join(plain), "".join(safe), ordered


def _attrs(attrs: str) -> dict[str, str]:
    return {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTR.finditer(attrs)}


def _safe_open(name: str, attrs: str) -> str:
    values = _attrs(attrs)
    if name == "a":
        href = values.get("href", "")
        if not href.startswith(("http://", "https://", "tg://")):
            href = "#"
        return f'<a href="{html.escape(href)}" target="_blank" rel="noopener">'
    if name == "span":
        return '<span class="tg-spoiler">'
    return f"<{name}>"


def check_text(
    text: Any, parse_mode: str | None, limit: int = TEXT_LIMIT, caption: bool = False
) -> tuple[str, str]:
    if text is None or str(text).strip() == "":
        if caption:
            return "", ""
        raise BadRequest("Bad Request: message text is empty")
    text = str(text)
    if parse_mode and parse_mode.upper() == "HTML":
        plain, safe = parse_html(text)
    else:
        plain, safe = text, html.escape(text, quote=False)
    if not plain.strip() and not caption:
        raise BadRequest("Bad Request: message text is empty")
    if utf16_len(plain) > limit:
        raise BadRequest(
            "Bad Request: message caption is too long" if caption else "Bad Request: message is too long"
        )
    return plain, safe


def check_markup(markup: Any) -> dict[str, Any] | None:
    if markup in (None, "", "null"):
        return None
    if not isinstance(markup, dict):
        raise BadRequest("Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not str(button.get("text", "")).strip():
                raise BadRequest("Bad Request: text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= CALLBACK_LIMIT:
                raise BadRequest("Bad Request: BUTTON_DATA_INVALID")
    return markup


@dataclass
class Bucket:
    """A token bucket: ``rate`` tokens a second, at most ``capacity`` saved up."""

    rate: float
    capacity: float
    tokens: float = -1.0
    stamp: float = field(default_factory=time.monotonic)

    def take(self, now: float | None = None) -> float:
        """Take one token; return 0 if allowed, else the seconds until one is free."""
        now = time.monotonic() if now is None else now
        if self.tokens < 0:
            self.tokens = self.capacity
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


@dataclass
class Limits:
    enabled: bool = True
    global_rate: float = 30.0
    global_burst: float = 30.0
    chat_rate: float = 1.0
    chat_burst: float = 5.0
    group_per_minute: float = 20.0
    buckets: dict[int | str, Bucket] = field(default_factory=dict)

    def check(self, chat_id: int, is_group: bool) -> int:
        """0 when a send is allowed now, else Telegram's retry_after (whole seconds)."""
        if not self.enabled:
            return 0
        wait = self._bucket("all", self.global_rate, self.global_burst).peek_wait()
        chat = (
            self._bucket(chat_id, self.group_per_minute / 60, self.group_per_minute)
            if is_group
            else self._bucket(chat_id, self.chat_rate, self.chat_burst)
        )
        wait = max(wait, chat.peek_wait())
        if wait > 0:
            return max(1, math.ceil(wait))
        self.buckets["all"].take()
        chat.take()
        return 0

    def _bucket(self, key: int | str, rate: float, capacity: float) -> _PeekBucket:
        bucket = self.buckets.get(key)
        if not isinstance(bucket, _PeekBucket) or bucket.rate != rate:
            bucket = _PeekBucket(rate, capacity)
            self.buckets[key] = bucket
        return bucket


class _PeekBucket(Bucket):
    def peek_wait(self) -> float:
        now = time.monotonic()
        tokens = (
            self.capacity
            if self.tokens < 0
            else min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        )
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate
