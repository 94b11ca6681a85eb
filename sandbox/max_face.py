"""The MAX face of the emulator's one world: MAX's ids, its update queue, and the shapes
MAX's Bot API shows (User, Message, updates), following the official OpenAPI schema and
real samples. The HTTP side is in sandbox/max_api.py.

The world keeps people, chats and messages once for both faces: a MAX person's private
chat is stored (and addressed by the control API) under the person's id, while the MAX
face shows it as a dialog with a chat id of its own; message ids are ints in the world
and ``mid.<chat:016x><n:016x>`` strings here."""

from __future__ import annotations

import asyncio
import secrets
import time
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from aiohttp import ClientSession, ClientTimeout

from sandbox.max_rules import START_PAYLOAD_LIMIT, MaxLimits
from sandbox.world import BadRequest, Chat

if TYPE_CHECKING:
    from sandbox.emulator import Emulator

FIRST_USER_ID = 7_000_000_001
FIRST_DIALOG_ID = 9_000_000_001
GROUP_BASE = -70_000_000_000_000  # groups: -70_000_000_000_001 and down
BOT_USER_ID = 7_000_000_000
MASK = 0xFFFF_FFFF_FFFF_FFFF
COUNTERS = ("next_user", "next_dialog", "next_group", "next_update", "next_callback", "next_upload")
SECRET_HEADER = "X-Max-Bot-Api-Secret"  # noqa: S105 - a header name, not a secret
API_VERSION = "0.0.30"


def _ms() -> int:
    return int(time.time() * 1000)


def not_found(what: str) -> BadRequest:
    return BadRequest(f"{what} not found", 404, "not.found")


class MaxFace:
    def __init__(self, world: Emulator, token: str | None) -> None:
        self.world = world
        self.token = token
        self.next_user, self.next_dialog, self.next_group = FIRST_USER_ID, FIRST_DIALOG_ID, 1
        self.next_update, self.next_callback, self.next_upload = 1, 1, 1
        self.dialogs: dict[int, int] = {}  # person -> their dialog's chat id
        self.updates: list[dict[str, Any]] = []  # pending, each with its number under "_n"
        self.commands: list[dict[str, str]] = []
        self.uploads: dict[str, str] = {}  # upload URL id -> type
        self.tokens: dict[str, str] = {}  # uploaded file token -> the world's file id
        self.callbacks: dict[str, tuple[int, int]] = {}  # callback id -> (chat, message id)
        self.limits = MaxLimits()
        # webhook subscriptions by URL (``secret`` kept here, never shown); while there is one,
        # updates are POSTed to it and GET /updates is refused
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.delivery_attempts = 5  # a failed delivery is tried this many times...
        self.delivery_pause = 0.5  # ...this many seconds apart, then given up (counted)
        self._delivery: asyncio.Task[None] | None = None
        for key in (
            "requests",
            "sent",
            "http_401",
            "http_400",
            "http_403",
            "http_404",
            "http_429",
            "http_5xx",
            "webhook_sent",
            "webhook_failed",
        ):
            world.stats[f"max_{key}"] = 0

    # --- ids ---------------------------------------------------------------------------------
    def _next(self, name: str) -> int:
        value: int = getattr(self, name)
        setattr(self, name, value + 1)
        return value

    def new_user_id(self) -> int:
        return self._next("next_user")

    def new_group_id(self) -> int:
        return GROUP_BASE - self._next("next_group")

    def open_dialog(self, user_id: int) -> None:
        if user_id not in self.dialogs:
            self.dialogs[user_id] = self._next("next_dialog")

    def face_chat_id(self, chat: Chat) -> int:
        """The chat id MAX shows: a dialog's own id, or the group's id."""
        return self.dialogs[chat.id] if chat.type == "private" else chat.id

    def world_chat(self, face_chat_id: int) -> Chat:
        """The world's chat behind a MAX chat id; 404 for an unknown or a Telegram chat."""
        for user_id, dialog in self.dialogs.items():
            if dialog == face_chat_id:
                return self.world.chats[user_id]
        chat = self.world.chats.get(face_chat_id)
        if chat is None or chat.type == "private" or chat.messenger != "max":
            raise not_found(f"chat {face_chat_id}")
        return chat

    def mid(self, record: dict[str, Any]) -> str:
        chat = self.world.chats[record["chat_id"]]
        return f"mid.{self.face_chat_id(chat) & MASK:016x}{record['message_id']:016x}"

    def find(self, mid: str) -> dict[str, Any]:
        """The world's record of a message by its ``mid`` (404 when unknown or deleted)."""
        digits = mid.removeprefix("mid.")
        try:
            if len(digits) != 32:
                raise ValueError(mid)
            chat_id, number = int(digits[:16], 16), int(digits[16:], 16)
        except ValueError:
            raise not_found(f"message {mid}") from None
        chat_id = chat_id - (1 << 64) if chat_id >= 1 << 63 else chat_id
        record = self.world.find_message(self.world_chat(chat_id).id, number)
        if record is None:
            raise not_found(f"message {mid}")
        return record

    # --- MAX's shapes --------------------------------------------------------------------------
    def user_api(self, user_id: int) -> dict[str, Any]:
        u = self.world.users[user_id]
        name = " ".join(p for p in (u["first_name"], u.get("last_name")) if p)
        user: dict[str, Any] = {"user_id": user_id, "first_name": u["first_name"]}
        if u.get("last_name"):
            user["last_name"] = u["last_name"]
        if u.get("username"):
            user["username"] = u["username"]
        return {**user, "is_bot": False, "last_activity_time": _ms(), "name": name}

    def bot_api(self) -> dict[str, Any]:
        bot = self.world.bot_user
        return {
            "user_id": BOT_USER_ID,
            "first_name": bot["first_name"],
            "username": bot["username"],
            "is_bot": True,
            "last_activity_time": _ms(),
            "name": bot["first_name"],
        }

    def recipient(self, chat: Chat, from_bot: bool) -> dict[str, Any]:
        if chat.type != "private":
            return {"chat_id": chat.id, "chat_type": "chat"}
        to = chat.id if from_bot else BOT_USER_ID  # who receives: the person, or the bot
        return {"chat_id": self.dialogs[chat.id], "chat_type": "dialog", "user_id": to}

    def message_api(self, record: dict[str, Any]) -> dict[str, Any]:
        chat = self.world.chats[record["chat_id"]]
        body: dict[str, Any] = {
            "mid": self.mid(record),
            "seq": record["message_id"],
            "text": record.get("text"),
        }
        attachments = record.get("max_attachments")
        if attachments:
            body["attachments"] = attachments
        if record.get("max_markup"):  # text sent as HTML: plain text plus its formatted ranges
            body["markup"] = record["max_markup"]
        sender = self.bot_api() if record["from_bot"] else self.user_api(record["user_id"])
        return {
            "sender": sender,
            "recipient": self.recipient(chat, record["from_bot"]),
            "timestamp": int(record["date"]) * 1000,
            "body": body,
        }

    def locale(self, user_id: int) -> str:
        return str(self.world.users[user_id].get("language_code") or "ru")

    # --- webhook subscriptions ----------------------------------------------------------------
    def subscriptions_api(self) -> list[dict[str, Any]]:
        """GetSubscriptionsResult.subscriptions: url, time, update_types, version."""
        return [{k: v for k, v in sub.items() if k != "secret"} for sub in self.subscriptions.values()]

    async def subscribe(self, url: str, secret: str | None, types: list[str], version: str | None) -> None:
        self.subscriptions[url] = {
            "url": url,
            "time": _ms(),
            "update_types": types or None,
            "version": version or API_VERSION,
            "secret": secret,
        }
        if self._delivery is None or self._delivery.done():
            self._delivery = asyncio.create_task(self._deliver())
        await self.world.notify()

    async def unsubscribe(self, url: str) -> bool:
        found = self.subscriptions.pop(url, None) is not None
        await self.world.notify()
        return found

    async def _deliver(self) -> None:
        """Updates POSTed in order to each subscription that takes their type, the secret in
        ``X-Max-Bot-Api-Secret``; anything but a 200 is a failed delivery, tried again a few
        times (MAX itself retries for hours), then given up and counted."""
        async with ClientSession(timeout=ClientTimeout(total=30)) as http:
            while self.subscriptions and not self.world.closing:
                if not self.updates:
                    await self.world.wait_change(1.0)
                    continue
                update = self.updates[0]
                shown = {k: v for k, v in update.items() if k != "_n"}
                for sub in list(self.subscriptions.values()):
                    types = sub.get("update_types")
                    if not types or update["update_type"] in types:
                        await self._post(http, sub, shown)
                if self.updates and self.updates[0] is update:
                    self.updates.pop(0)
                    await self.world.notify()

    async def _post(self, http: ClientSession, sub: dict[str, Any], update: dict[str, Any]) -> None:
        headers = {SECRET_HEADER: sub["secret"]} if sub.get("secret") else {}
        for attempt in range(self.delivery_attempts):
            if self.subscriptions.get(sub["url"]) is not sub:  # unsubscribed meanwhile
                return
            try:
                async with http.post(sub["url"], json=update, headers=headers) as resp:
                    if resp.status == 200:
                        self.world.stats["max_webhook_sent"] += 1
                        return
                    why = f"HTTP {resp.status}"
            except Exception as exc:  # the bot's server is down or unreachable
                why = type(exc).__name__
            if attempt + 1 < self.delivery_attempts:
                await asyncio.sleep(self.delivery_pause)
        self.world.stats["max_webhook_failed"] += 1
        self.world.errors.append(f"MAX webhook {sub['url']}: {update['update_type']} not delivered ({why})")

    async def close(self) -> None:
        if self._delivery is not None:
            self._delivery.cancel()
            with suppress(asyncio.CancelledError):
                await self._delivery

    # --- what people do (called by the world) ---------------------------------------------------
    async def push(self, update_type: str, body: dict[str, Any]) -> int:
        number = self._next("next_update")
        self.updates.append({"_n": number, "update_type": update_type, "timestamp": _ms(), **body})
        await self.world.notify()
        return number

    async def user_message(self, record: dict[str, Any]) -> int:
        record["mid"] = self.mid(record)
        if record.get("sticker"):
            sticker = {"url": "https://max.ru/sticker/1.webp", "code": record["sticker"]["emoji"]}
            record["max_attachments"] = [{"type": "sticker", "payload": sticker, "width": 512, "height": 512}]
        body: dict[str, Any] = {"message": self.message_api(record)}
        if self.world.chats[record["chat_id"]].type == "private":
            body["user_locale"] = self.locale(record["user_id"])
        return await self.push("message_created", body)

    async def user_starts(self, user_id: int, payload: str) -> int:
        self.world.started.add(user_id)
        self.world.blocked.discard(user_id)  # pressing Start again unblocks the bot
        body: dict[str, Any] = {"chat_id": self.dialogs[user_id], "user": self.user_api(user_id)}
        if payload and len(payload) <= START_PAYLOAD_LIMIT:  # a longer one is dropped, as MAX does
            body["payload"] = payload
        body["user_locale"] = self.locale(user_id)
        return await self.push("bot_started", body)

    async def user_presses(self, user_id: int, record: dict[str, Any], data: str) -> str:
        callback_id = f"cb{self._next('next_callback')}.{secrets.token_urlsafe(12)}"
        self.callbacks[callback_id] = (record["chat_id"], record["message_id"])
        callback = {
            "timestamp": _ms(),
            "callback_id": callback_id,
            "payload": data,
            "user": self.user_api(user_id),
        }
        body = {
            "callback": callback,
            "message": self.message_api(record),
            "user_locale": self.locale(user_id),
        }
        self.world.press_updates[callback_id] = await self.push("message_callback", body)
        return callback_id

    async def user_joined(self, chat: Chat, user_id: int) -> int:
        body = {"chat_id": chat.id, "user": self.user_api(user_id), "inviter_id": None, "is_channel": False}
        return await self.push("user_added", body)

    async def user_left(self, chat: Chat, user_id: int) -> int:
        body = {"chat_id": chat.id, "user": self.user_api(user_id), "admin_id": None, "is_channel": False}
        return await self.push("user_removed", body)

    async def bot_added(self, chat: Chat, by: int | None) -> int | None:
        if by is None:
            return None
        return await self.push(
            "bot_added", {"chat_id": chat.id, "user": self.user_api(by), "is_channel": False}
        )

    async def bot_removed(self, chat: Chat, by: int) -> int:
        return await self.push(
            "bot_removed", {"chat_id": chat.id, "user": self.user_api(by), "is_channel": False}
        )

    async def user_blocked(self, user_id: int) -> int:
        body = {
            "chat_id": self.dialogs[user_id],
            "user": self.user_api(user_id),
            "user_locale": self.locale(user_id),
        }
        return await self.push("bot_stopped", body)

    def menu(self) -> list[dict[str, str]]:
        """The bot's MAX commands as the control API shows a menu (Telegram's keys)."""
        return [{"command": c["name"], "description": c.get("description") or ""} for c in self.commands]

    # --- the state file -------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "counters": {name: getattr(self, name) for name in COUNTERS},
            "dialogs": [[user, dialog] for user, dialog in self.dialogs.items()],
            "updates": self.updates,
            "commands": self.commands,
            "tokens": self.tokens,
        }

    def load(self, state: dict[str, Any], gap: int = 0) -> None:
        """``gap``: update numbers skipped after a stop without the final write, so a bot's
        marker never points past updates it has not seen."""
        for name, value in (state.get("counters") or {}).items():
            if name in COUNTERS:
                setattr(self, name, int(value))
        self.next_update += gap
        self.dialogs = {int(user): int(dialog) for user, dialog in state.get("dialogs", [])}
        self.updates = list(state.get("updates", []))
        self.commands = list(state.get("commands", []))
        self.tokens = dict(state.get("tokens", {}))
