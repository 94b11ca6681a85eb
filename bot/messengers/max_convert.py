"""MAX's shapes ⇄ the Bot API shapes the handlers read: plain functions over dicts, no I/O.

In: a MAX update becomes a Telegram-shaped update (a message, a callback query, a member
joining a group), ids moved into our id space (``bot.domain.identity``); a MAX message id
(a string) becomes the integer the caller resolved for it. Out: an inline keyboard becomes
MAX's ``inline_keyboard`` attachment within MAX's limits, HTML is kept to MAX's subset."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from bot.domain.identity import from_max, to_max

Row = Mapping[str, Any]
Refs = Mapping[str, int]
CALLBACK_PREFIX = "max:"  # our callback query ids for MAX presses (Telegram's are digits)
TEXT_LIMIT = 4000
ROW_LIMIT = 7
LINK_ROW_LIMIT = 3  # a row with a link or contact button
ROWS_LIMIT = 30
BUTTON_TEXT_LIMIT = 128
MAX_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "del", "a", "code", "pre", "mark", "blockquote", "h1"}
)
TAG = re.compile(r"</?([a-zA-Z][\w-]*)(?:\s[^<>]*)?/?>")


# --- in -------------------------------------------------------------------------------------
def mids_in(update: Mapping[str, Any]) -> list[str]:
    """The MAX message ids the update carries (resolve them to integers before ``to_update``)."""
    body = (update.get("message") or {}).get("body") or {}
    return [body["mid"]] if body.get("mid") else []


def update_id(update: Mapping[str, Any]) -> int:
    """MAX updates carry no id: a stable one from what identifies the event, so an update
    delivered twice is recognised by the duplicate guard."""
    body = (update.get("message") or {}).get("body") or {}
    callback = update.get("callback") or {}
    user = update.get("user") or {}
    key = "|".join(
        str(x)
        for x in (
            update.get("update_type"),
            update.get("timestamp"),
            body.get("mid"),
            callback.get("callback_id"),
            update.get("chat_id"),
            user.get("user_id"),
        )
    )
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=7).digest(), "big")


def user(u: Mapping[str, Any], locale: str | None = None) -> dict[str, Any]:
    first = u.get("first_name") or u.get("name") or "—"
    out: dict[str, Any] = {
        "id": from_max(int(u["user_id"])),
        "is_bot": bool(u.get("is_bot")),
        "first_name": first,
    }
    if u.get("last_name"):
        out["last_name"] = u["last_name"]
    if u.get("username"):
        out["username"] = u["username"]
    if locale:
        out["language_code"] = locale.split("-")[0]
    return out


def _group(chat_id: int) -> dict[str, Any]:
    return {"id": from_max(chat_id), "type": "group", "title": "MAX"}


def _private(person: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": person["id"], "type": "private", "first_name": person["first_name"]}


def _chat_of(recipient: Mapping[str, Any], person: Mapping[str, Any]) -> dict[str, Any]:
    if recipient.get("chat_type") == "dialog":
        return _private(person)
    return _group(int(recipient["chat_id"]))


MARKUP = {
    "strong": "bold",
    "emphasized": "italic",
    "monospaced": "code",
    "strikethrough": "strikethrough",
    "underline": "underline",
    "quote": "blockquote",
    "heading": "bold",
    "link": "text_link",
}


def entities(markup: list[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """MAX's markup (plain text plus typed ranges) as the Bot API's entities, so a message
    the bot reads back (a pressed message it edits) keeps its formatting."""
    out = []
    for m in markup or []:
        kind = MARKUP.get(str(m.get("type")))
        if kind is None or (kind == "text_link" and not m.get("url")):
            continue
        entity = {"type": kind, "offset": int(m["from"]), "length": int(m["length"])}
        if kind == "text_link":
            entity["url"] = m["url"]
        out.append(entity)
    return out


def _content(body: Mapping[str, Any]) -> dict[str, Any]:
    text = body.get("text")
    if text:
        out: dict[str, Any] = {"text": text}
        found = entities(body.get("markup"))
        if text.startswith("/"):
            found.insert(0, {"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
        if found:
            out["entities"] = found
        return out
    for att in body.get("attachments") or []:
        kind = att.get("type")
        ref = str((att.get("payload") or {}).get("token") or (att.get("payload") or {}).get("url") or "max")[
            :64
        ]
        if kind == "image":
            return {"photo": [{"file_id": ref, "file_unique_id": ref, "width": 1, "height": 1}]}
        if kind == "file":
            return {"document": {"file_id": ref, "file_unique_id": ref}}
        if kind == "sticker":
            return {
                "sticker": {
                    "file_id": ref,
                    "file_unique_id": ref,
                    "type": "regular",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                }
            }
    return {}


def _message(
    msg: Mapping[str, Any], refs: Mapping[str, int], locale: str | None, bot: Mapping[str, Any]
) -> dict[str, Any]:
    body = msg.get("body") or {}
    sender = msg.get("sender") or {}
    recipient = msg.get("recipient") or {}
    if sender.get("is_bot"):
        frm = dict(bot)
        human = user({"user_id": recipient.get("user_id") or sender["user_id"], "first_name": "—"})
    else:
        frm = human = user(sender, locale)
    out = {
        "message_id": refs.get(body.get("mid", ""), 0),
        "date": int(msg.get("timestamp", 0)) // 1000,
        "chat": _chat_of(recipient, human),
        "from": frm,
        **_content(body),
    }
    markup = reply_markup(body.get("attachments"))
    if markup is not None:
        out["reply_markup"] = markup
    return out


def reply_markup(attachments: list[Mapping[str, Any]] | None) -> dict[str, Any] | None:
    """A message's MAX keyboard as the Bot API's, so a handler can read which button was
    pressed (an answered prompt then shows the answer chosen)."""
    for att in attachments or []:
        if att.get("type") != "inline_keyboard":
            continue
        rows = []
        for row in (att.get("payload") or {}).get("buttons") or []:
            shown = []
            for b in row:
                if b.get("type") == "callback":
                    shown.append({"text": b.get("text", ""), "callback_data": b.get("payload", "")})
                elif b.get("type") == "link":
                    shown.append({"text": b.get("text", ""), "url": b.get("url", "")})
            if shown:
                rows.append(shown)
        return {"inline_keyboard": rows} if rows else None
    return None


def to_update(
    update: Mapping[str, Any], refs: Mapping[str, int], bot: Mapping[str, Any]
) -> dict[str, Any] | None:
    """A Telegram-shaped update, or None for an event the bot does not use."""
    kind = update.get("update_type")
    locale = update.get("user_locale")
    made = _EVENTS.get(str(kind))
    if made is None:
        return None
    body = made(update, refs, locale, bot)
    return None if body is None else {"update_id": update_id(update), **body}


def _created(
    u: Mapping[str, Any], refs: Mapping[str, int], locale: str | None, bot: Mapping[str, Any]
) -> Any:
    msg = u.get("message")
    if not msg or (msg.get("sender") or {}).get("is_bot"):
        return None
    return {"message": _message(msg, refs, locale, bot)}


def _callback(
    u: Mapping[str, Any], refs: Mapping[str, int], locale: str | None, bot: Mapping[str, Any]
) -> Any:
    cb = u.get("callback") or {}
    person = user(cb["user"], locale)
    out: dict[str, Any] = {
        "id": CALLBACK_PREFIX + str(cb["callback_id"]),
        "from": person,
        "chat_instance": str(person["id"]),
        "data": cb.get("payload") or "",
    }
    if u.get("message"):
        message = _message(u["message"], refs, locale, bot)
        if message["chat"]["type"] == "private":
            message["chat"] = _private(person)
        out["message"] = message
    return {"callback_query": out}


def _started(
    u: Mapping[str, Any], refs: Mapping[str, int], locale: str | None, bot: Mapping[str, Any]
) -> Any:
    person = user(u["user"], locale)
    payload = (u.get("payload") or "").strip()
    text = "/start" + (f" {payload}" if payload else "")
    return {
        "message": {
            "message_id": 0,
            "date": int(u.get("timestamp", 0)) // 1000,
            "chat": _private(person),
            "from": person,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        }
    }


def _members(
    u: Mapping[str, Any], refs: Mapping[str, int], locale: str | None, bot: Mapping[str, Any]
) -> Any:
    kind = u.get("update_type")
    who = dict(bot) if kind in ("bot_added", "bot_removed") else user(u["user"], locale)
    message: dict[str, Any] = {
        "message_id": 0,
        "date": int(u.get("timestamp", 0)) // 1000,
        "chat": _group(int(u["chat_id"])),
    }
    if kind in ("user_added", "bot_added"):
        message["new_chat_members"] = [who]
        if kind == "bot_added" and u.get("user"):
            message["from"] = user(u["user"], locale)
    else:
        message["left_chat_member"] = who
    return {"message": message}


_EVENTS: dict[str, Any] = {
    "message_created": _created,
    "message_callback": _callback,
    "bot_started": _started,
    "user_added": _members,
    "user_removed": _members,
    "bot_added": _members,
}
USED_TYPES = tuple(_EVENTS)


# --- out ------------------------------------------------------------------------------------
def keyboard(rows: list[list[Any]]) -> dict[str, Any] | None:
    """aiogram's ``inline_keyboard`` rows as MAX's attachment: a long row is cut to 7 (3 when
    it has a link), texts to 128 characters; more than 30 rows is a ValueError."""
    out: list[list[dict[str, Any]]] = []
    for row in rows:
        buttons = [b for b in map(_button, row) if b is not None]
        width = LINK_ROW_LIMIT if any(b["type"] == "link" for b in buttons) else ROW_LIMIT
        out.extend(buttons[i : i + width] for i in range(0, len(buttons), width))
    if not out:
        return None
    if len(out) > ROWS_LIMIT:
        raise ValueError(f"a MAX keyboard holds {ROWS_LIMIT} rows, not {len(out)}")
    return {"type": "inline_keyboard", "payload": {"buttons": out}}


def _button(b: Any) -> dict[str, Any] | None:
    text = str(b.text)[:BUTTON_TEXT_LIMIT]
    if getattr(b, "url", None):
        return {"type": "link", "text": text, "url": b.url}
    if getattr(b, "callback_data", None) is not None:
        return {"type": "callback", "text": text, "payload": b.callback_data}
    return None


def html(text: str) -> str:
    """Telegram's HTML as MAX's: tags MAX does not know are dropped, their text kept."""
    return TAG.sub(lambda m: m.group(0) if m.group(1).lower() in MAX_TAGS else "", text)


def max_target(internal: int) -> dict[str, int]:
    """Where a message to one of our chat ids goes in MAX: a person, or a group chat."""
    raw = to_max(internal)
    return {"user_id": raw} if raw > 0 else {"chat_id": raw}
