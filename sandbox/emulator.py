"""A local Telegram Bot API server for one bot, with simulated people and groups.

The bot talks to ``/bot<token>/<method>`` exactly as to api.telegram.org; tests and the
web chat drive the people through ``/control/...`` (see sandbox/README.md)."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

from sandbox.control import add_control_routes
from sandbox.max_api import add_max_routes
from sandbox.max_face import MaxFace
from sandbox.telegram_rules import CAPTION_LIMIT, Limits, check_markup, check_text
from sandbox.world import MAX, TELEGRAM, BadRequest, Chat, Faults, RetryAfter

__all__ = ["SANDBOX_USERNAME", "BadRequest", "Chat", "Emulator", "Faults", "RetryAfter"]

log = logging.getLogger(__name__)

SEND_METHODS = {"sendMessage", "sendPhoto", "sendDocument"}
JSON_FIELDS = {
    "reply_markup",
    "commands",
    "scope",
    "allowed_updates",
    "entities",
    "link_preview_options",
    "menu_button",
    "reply_parameters",
}


SANDBOX_USERNAME = "nastavnik_sandbox_bot"
MAX_SANDBOX_TOKEN = "max-sandbox-token"  # noqa: S105 - the sandbox's fixed fake token


class Emulator:
    """With ``state_file`` the people, groups, chats and every id counter are kept in that
    file (written atomically a moment after each change, and on shutdown) and loaded at
    start, so a restarted sandbox goes on where it stopped: Telegram never numbers updates
    from 1 again either."""

    def __init__(
        self,
        token: str,
        bot_username: str = SANDBOX_USERNAME,
        state_file: Path | None = None,
        max_token: str | None = MAX_SANDBOX_TOKEN,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Наставник",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, Chat] = {}
        self.blocked: set[int] = set()
        self.allowed_updates: set[str] = set()  # as the bot last asked (chat_member only if listed)
        self.started: set[int] = set()  # users who opened the bot (a bot can't write first)
        self.bot_left: set[int] = set()  # groups the bot was removed from
        self.messages: dict[int, list[dict[str, Any]]] = {}
        self._msg_ids: dict[int, itertools.count[int]] = {}
        self.updates: list[dict[str, Any]] = []
        self.history: dict[int, dict[str, Any]] = {}  # every update ever queued, by id
        self.press_updates: dict[str, int] = {}  # callback query id -> its update id
        self._update_ids = itertools.count(1)
        self._user_ids = itertools.count(100001)
        self._group_ids = itertools.count(1)
        self._cb_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self.files: dict[str, tuple[bytes, str, str]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.limits = Limits()
        self.faults = Faults()
        self.stats: dict[str, int] = {
            "requests": 0,
            "sent": 0,
            "http_429": 0,
            "http_403": 0,
            "http_400": 0,
            "http_5xx": 0,
        }
        self.errors: list[str] = []
        self._changed = asyncio.Condition()
        self._webhook_task: asyncio.Task[None] | None = None
        self.closing = False
        self.version = 0  # grows on every change; the web chat waits on it
        self.owner_link: str | None = None  # the one-time «стать куратором» link, shown on the page
        self.roles_source: Callable[[], Awaitable[dict[int, str]]] | None = None  # sidebar's roles
        self.state_file = state_file
        self._dirty = False
        self._saver: asyncio.Task[None] | None = None
        self.max = MaxFace(self, max_token)  # the MAX face: its ids, updates and rules
        if state_file is not None and state_file.exists():
            self.load(state_file)
        elif state_file is not None:  # a new sandbox next to a database that may remember updates
            self._update_ids = itertools.count(int(time.time()))

    # --- the web application -----------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self.handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self.handle_file)
        add_control_routes(app, self)
        if self.max.token is not None:
            add_max_routes(app, self.max)
        app.on_shutdown.append(self._shutdown)
        app.on_cleanup.append(self._cleanup)
        return app

    async def _shutdown(self, _app: web.Application) -> None:
        """Wake every long poll so the server stops at once."""
        self.closing = True
        await self.notify()

    async def _cleanup(self, _app: web.Application) -> None:
        if self._webhook_task is not None:
            self._webhook_task.cancel()
        await self.max.close()
        if self._saver is not None:
            self._saver.cancel()
            with suppress(asyncio.CancelledError):
                await self._saver
        if self.state_file is not None:
            self.save(self.state_file, clean=True)

    async def notify(self) -> None:
        self.version += 1
        if self.state_file is not None:
            self._dirty = True
            if self._saver is None or self._saver.done():
                self._saver = asyncio.create_task(self._save_soon())
        async with self._changed:
            self._changed.notify_all()

    async def wait_change(self, timeout: float) -> None:
        async with self._changed:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)

    # --- the state file ---------------------------------------------------------------------
    STATE_VERSION = 1
    CRASH_GAP = 1000  # ids skipped after a stop without a final save (kill -9)

    async def _save_soon(self) -> None:
        """Coalesces a burst of changes into one write a fraction of a second later."""
        while self._dirty and self.state_file is not None:
            await asyncio.sleep(0.2)
            self._dirty = False
            self.save(self.state_file, clean=False)

    @staticmethod
    def _peek(counter: itertools.count[int]) -> tuple[int, itertools.count[int]]:
        n = next(counter)
        return n, itertools.count(n)

    def snapshot(self, clean: bool) -> dict[str, Any]:
        counters: dict[str, int] = {}
        for name in ("_update_ids", "_user_ids", "_group_ids", "_cb_ids", "_file_ids"):
            counters[name], fresh = self._peek(getattr(self, name))
            setattr(self, name, fresh)
        return {
            "version": self.STATE_VERSION,
            "clean": clean,
            "bot_id": self.bot_id,
            "counters": counters,
            "users": list(self.users.values()),
            "chats": [
                {
                    "id": c.id,
                    "type": c.type,
                    "title": c.title,
                    "members": sorted(c.members),
                    "messenger": c.messenger,
                }
                for c in self.chats.values()
            ],
            "blocked": sorted(self.blocked),
            "started": sorted(self.started),
            "bot_left": sorted(self.bot_left),
            "messages": [m for chat in self.messages.values() for m in chat],
            "updates": self.updates,
            "files": {fid: [name, mime] for fid, (_data, name, mime) in self.files.items()},
            "commands": [[scope, lang, cmds] for (scope, lang), cmds in self.commands.items()],
            "max": self.max.snapshot(),
        }

    def save(self, path: Path, clean: bool = False) -> None:
        """Write the state atomically: a temporary file in the same folder, then a rename."""
        path.parent.mkdir(parents=True, exist_ok=True)
        files_dir = self._files_dir(path)
        for fid, (data, _name, _mime) in self.files.items():
            target = files_dir / fid
            if not target.exists():
                files_dir.mkdir(exist_ok=True)
                _write_atomic(target, data)
        body = json.dumps(self.snapshot(clean), ensure_ascii=False, separators=(",", ":"))
        _write_atomic(path, body.encode())

    @staticmethod
    def _files_dir(path: Path) -> Path:
        return path.with_name(path.name + ".files")

    def load(self, path: Path) -> None:
        state = json.loads(path.read_text(encoding="utf-8"))
        if state.get("version") != self.STATE_VERSION or state.get("bot_id") != self.bot_id:
            log.warning("%s is from another sandbox; starting empty", path)
            return
        self.users = {int(u["id"]): u for u in state["users"]}
        self.chats = {
            int(c["id"]): Chat(
                int(c["id"]),
                c["type"],
                c.get("title"),
                set(c["members"]),
                messenger=c.get("messenger", TELEGRAM),
            )
            for c in state["chats"]
        }
        self.max.load(state.get("max") or {}, 0 if state.get("clean") else self.CRASH_GAP)
        self.blocked = set(state["blocked"])
        self.started = set(state["started"])
        self.bot_left = set(state.get("bot_left", []))
        self.messages = {}
        for m in state["messages"]:
            self.messages.setdefault(int(m["chat_id"]), []).append(m)
        self._msg_ids = {
            chat_id: itertools.count(max(m["message_id"] for m in msgs) + 1)
            for chat_id, msgs in self.messages.items()
        }
        self.updates = list(state["updates"])
        self.history = {int(u["update_id"]): u for u in self.updates}
        files_dir = self._files_dir(path)
        for fid, (name, mime) in state["files"].items():
            with suppress(OSError):
                self.files[fid] = ((files_dir / fid).read_bytes(), name, mime)
        self.commands = {(scope, lang): cmds for scope, lang, cmds in state["commands"]}
        counters = state["counters"]
        gap = 0 if state.get("clean") else self.CRASH_GAP
        self._update_ids = itertools.count(int(counters["_update_ids"]) + gap)
        for name in ("_user_ids", "_group_ids", "_cb_ids", "_file_ids"):
            setattr(self, name, itertools.count(int(counters[name])))

    # --- people ------------------------------------------------------------------------------
    def add_user(
        self,
        first_name: str,
        language_code: str = "ru",
        user_id: int | None = None,
        username: str | None = None,
        last_name: str | None = None,
        messenger: str = TELEGRAM,
    ) -> dict[str, Any]:
        if messenger not in (TELEGRAM, MAX):
            raise BadRequest(f"unknown messenger {messenger!r}")
        uid = user_id or self.max.new_user_id() if messenger == MAX else user_id or next(self._user_ids)
        user = {
            "id": uid,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        if username:
            user["username"] = username
        if last_name:
            user["last_name"] = last_name
        self.users[uid] = user
        self.chats.setdefault(uid, Chat(uid, "private", messenger=messenger))
        if messenger == MAX:
            self.max.open_dialog(uid)
        return user

    def messenger_of(self, user_id: int) -> str:
        """The messenger a person (their private chat) or a group lives in."""
        chat = self.chats.get(user_id)
        return chat.messenger if chat is not None else TELEGRAM

    def add_group(
        self, title: str, members: list[int], bot_admin: bool = True, messenger: str | None = None
    ) -> Chat:
        """A group of one messenger: its members must all be people of that messenger."""
        messenger = messenger or (self.messenger_of(members[0]) if members else TELEGRAM)
        if any(self.messenger_of(m) != messenger for m in members):
            raise BadRequest("a group's members must all be in the group's messenger")
        gid = self.max.new_group_id() if messenger == MAX else -1000000000000 - next(self._group_ids)
        chat = Chat(gid, "group", title, set(members), bot_admin, messenger)
        self.chats[gid] = chat
        return chat

    async def add_group_announced(self, title: str, members: list[int], bot_admin: bool = True) -> Chat:
        """A group made from the control API: MAX tells the bot it was added (``bot_added``)."""
        chat = self.add_group(title, members, bot_admin)
        if chat.messenger == MAX:
            await self.max.bot_added(chat, members[0] if members else None)
        await self.notify()
        return chat

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._msg_ids.setdefault(chat_id, itertools.count(1)))

    def _record(self, chat_id: int, record: dict[str, Any]) -> dict[str, Any]:
        record.setdefault("message_id", self._next_message_id(chat_id))
        record.setdefault("date", int(time.time()))
        record["chat_id"] = chat_id
        self.messages.setdefault(chat_id, []).append(record)
        return record

    def record_message(self, chat_id: int, record: dict[str, Any]) -> dict[str, Any]:
        """A new message of a chat, numbered in the chat (both faces)."""
        return self._record(chat_id, record)

    def store_file(self, data: bytes, name: str, mime: str | None) -> str:
        """A file the bot sent or uploaded; ``/control/files/{id}`` serves it."""
        file_id = f"file{next(self._file_ids)}"
        self.files[file_id] = (data, name, mime or "application/octet-stream")
        return file_id

    def message_api(self, record: dict[str, Any]) -> dict[str, Any]:
        chat = self.chats[record["chat_id"]]
        msg: dict[str, Any] = {
            "message_id": record["message_id"],
            "date": record["date"],
            "chat": chat.as_api(self.users),
            "from": self.bot_user if record["from_bot"] else self.users[record["user_id"]],
        }
        for key in (
            "text",
            "caption",
            "reply_markup",
            "entities",
            "photo",
            "document",
            "sticker",
            "new_chat_members",
            "left_chat_member",
        ):
            if record.get(key) is not None:
                msg[key] = record[key]
        if record.get("edit_date"):
            msg["edit_date"] = record["edit_date"]
        return msg

    async def user_sends(
        self,
        user_id: int,
        text: str | None = None,
        chat_id: int | None = None,
        sticker: bool = False,
    ) -> dict[str, Any]:
        chat_id = chat_id or user_id
        record: dict[str, Any] = {"from_bot": False, "user_id": user_id}
        if sticker:
            record["sticker"] = {
                "file_id": "sticker1",
                "file_unique_id": "s1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "👍",
            }
        else:
            record["text"] = text or ""
            if record["text"].startswith("/"):
                command = record["text"].split()[0]
                record["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if chat_id == user_id:
            self.started.add(user_id)
        self._record(chat_id, record)
        if chat_id in self.bot_left:  # the bot is no longer in that group: it hears nothing
            record["update_id"] = None
        elif self.messenger_of(chat_id) == MAX:
            record["update_id"] = await self.max.user_message(record)
        else:
            record["update_id"] = await self.push_update({"message": self.message_api(record)})
        return record

    async def user_starts(self, user_id: int, payload: str) -> dict[str, Any]:
        """The person opens the bot's link (``t.me/<bot>?start=X``, ``max.ru/<bot>?start=X``
        or ``max.ru/<bot>/start/X``; a bare payload works too): Telegram gets ``/start X``,
        MAX a ``bot_started`` with the payload."""
        if user_id not in self.users:
            raise BadRequest("no such user", 404)
        payload = _start_payload(payload)
        if self.messenger_of(user_id) == MAX:
            result = {"message_id": None, "update_id": await self.max.user_starts(user_id, payload)}
        else:
            record = await self.user_sends(user_id, f"/start {payload}".strip())
            result = {"message_id": record["message_id"], "update_id": record["update_id"]}
        if payload and self.owner_link and _start_payload(self.owner_link) == payload:
            self.owner_link = None  # one use: the page stops offering it
            await self.notify()
        return result

    async def set_blocked(self, user_id: int, blocked: bool) -> None:
        """The person blocks (unblocks) the bot; MAX tells the bot (``bot_stopped``)."""
        was = user_id in self.blocked
        if blocked:
            self.blocked.add(user_id)
        else:
            self.blocked.discard(user_id)
        if blocked and not was and self.messenger_of(user_id) == MAX:
            await self.max.user_blocked(user_id)
        await self.notify()

    async def user_presses(self, user_id: int, chat_id: int, message_id: int, data: str) -> str:
        record = self.find_message(chat_id, message_id)
        if record is None:
            raise BadRequest("Bad Request: message not found")
        if self.messenger_of(chat_id) == MAX:
            return await self.max.user_presses(user_id, record, data)
        cb_id = str(next(self._cb_ids))
        self.press_updates[cb_id] = await self.push_update(
            {
                "callback_query": {
                    "id": cb_id,
                    "from": self.users[user_id],
                    "message": self.message_api(record),
                    "chat_instance": str(chat_id),
                    "data": data,
                }
            }
        )
        return cb_id

    def find_message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        for record in self.messages.get(chat_id, []):
            if record["message_id"] == message_id and not record.get("deleted"):
                return record
        return None

    async def push_update(self, body: dict[str, Any]) -> int:
        update = {"update_id": next(self._update_ids), **body}
        self.updates.append(update)
        self.history[update["update_id"]] = update
        await self.notify()
        return int(update["update_id"])

    async def redeliver(self, update_id: int) -> None:
        """Telegram sends an update again when the bot stopped before confirming it (the
        next getUpdates without an offset, or a webhook retry): queue it once more."""
        if update_id not in self.history:
            raise BadRequest("Bad Request: unknown update")
        self.updates.insert(0, self.history[update_id])
        await self.notify()

    # --- the Bot API -------------------------------------------------------------------------
    async def handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        self.stats["requests"] += 1
        if method not in ("getUpdates", "getMe") and self.faults.rng.random() < self.faults.timeout_rate:
            await asyncio.sleep(self.faults.timeout_seconds)
        if method not in ("getUpdates", "getMe") and self.faults.rng.random() < self.faults.redirect_rate:
            self.stats["http_3xx"] = self.stats.get("http_3xx", 0) + 1
            raise web.HTTPTemporaryRedirect(location=str(request.url))
        if method not in ("getUpdates", "getMe") and self.faults.rng.random() < self.faults.error_rate:
            self.stats["http_5xx"] += 1
            return self._error(500, "Internal Server Error")
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return self._error(404, "Not Found")
        try:
            result = await handler(params)
        except BadRequest as exc:
            key = f"http_{exc.code}" if exc.code in (400, 403) else "http_400"
            self.stats[key] = self.stats.get(key, 0) + 1
            self.errors.append(f"{method}: {exc.description}")
            return self._error(exc.code, exc.description)
        except RetryAfter as exc:
            self.stats["http_429"] += 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {exc.seconds}",
                    "parameters": {"retry_after": exc.seconds},
                },
                status=429,
            )
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(code: int, description: str) -> web.Response:
        return web.json_response({"ok": False, "error_code": code, "description": description}, status=code)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.method == "POST" and request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    params[key] = (value.file.read(), value.filename, value.content_type)
                else:
                    params[key] = value
        for key in JSON_FIELDS & params.keys():
            if isinstance(params[key], str):
                try:
                    params[key] = json.loads(params[key])
                except ValueError:
                    raise BadRequest(f"Bad Request: can't parse {key} JSON object") from None
        return params

    def _chat(self, params: dict[str, Any]) -> Chat:
        try:
            chat_id = int(params.get("chat_id", ""))
        except ValueError:
            raise BadRequest("Bad Request: chat not found") from None
        chat = self.chats.get(chat_id)
        if chat is None or chat.messenger != TELEGRAM:  # a MAX chat is not on this face
            raise BadRequest("Bad Request: chat not found")
        return chat

    def _check_can_send(self, chat: Chat) -> None:
        if chat.id in self.bot_left:
            raise BadRequest("Forbidden: bot was kicked from the group chat", 403)
        if chat.type == "private":
            if chat.id in self.blocked:
                raise BadRequest("Forbidden: bot was blocked by the user", 403)
            if chat.id not in self.started:
                raise BadRequest("Forbidden: bot can't initiate conversation with a user", 403)
        wait = self.limits.check(chat.id, chat.type != "private")
        if wait:
            raise RetryAfter(wait)

    def _remember_allowed(self, params: dict[str, Any]) -> None:
        allowed = params.get("allowed_updates")
        if isinstance(allowed, str) and allowed:
            allowed = json.loads(allowed)
        if isinstance(allowed, list):
            self.allowed_updates = {str(a) for a in allowed}

    async def member_joins(self, chat_id: int, user_id: int) -> dict[str, int | None]:
        """Someone joins a group. Telegram posts a service message there (every bot in the
        group gets it) and sends a chat_member update only to a bot that is an admin and
        asked for them in allowed_updates; returns both update ids (None: not sent)."""
        chat = self.chats[chat_id]
        if chat.messenger != self.messenger_of(user_id):
            raise BadRequest("the person and the group are in different messengers")
        chat.members.add(user_id)
        if chat.messenger == MAX:
            return {"service_update_id": None, "update_id": await self.max.user_joined(chat, user_id)}
        user = self.users[user_id]
        record = self._record(chat_id, {"from_bot": False, "user_id": user_id, "new_chat_members": [user]})
        service = await self.push_update({"message": self.message_api(record)})
        if "chat_member" not in self.allowed_updates or not chat.bot_admin:
            return {"service_update_id": service, "update_id": None}
        update = await self.push_update(
            {
                "chat_member": {
                    "chat": chat.as_api(self.users),
                    "from": user,
                    "date": int(time.time()),
                    "old_chat_member": {"status": "left", "user": user},
                    "new_chat_member": {"status": "member", "user": user},
                }
            }
        )
        return {"service_update_id": service, "update_id": update}

    async def member_leaves(self, chat_id: int, user_id: int) -> int:
        """Someone leaves a group: Telegram posts ``left_chat_member``, MAX ``user_removed``."""
        chat = self.chats[chat_id]
        chat.members.discard(user_id)
        if chat.messenger == MAX:
            return await self.max.user_left(chat, user_id)
        record = self._record(
            chat_id, {"from_bot": False, "user_id": user_id, "left_chat_member": self.users[user_id]}
        )
        return await self.push_update({"message": self.message_api(record)})

    async def bot_removed(self, chat_id: int, by: int) -> int:
        """A member removes the bot from a group (``my_chat_member`` / ``bot_removed``); the
        bot can't write there any more."""
        chat = self.chats[chat_id]
        self.bot_left.add(chat_id)
        if chat.messenger == MAX:
            return await self.max.bot_removed(chat, by)
        change = {
            "chat": chat.as_api(self.users),
            "from": self.users[by],
            "date": int(time.time()),
            "old_chat_member": {
                "status": "administrator" if chat.bot_admin else "member",
                "user": self.bot_user,
            },
            "new_chat_member": {"status": "left", "user": self.bot_user},
        }
        return await self.push_update({"my_chat_member": change})

    async def api_getChatMemberCount(self, params: dict[str, Any]) -> int:
        chat = self._chat(params)
        return len(chat.members) + 1 if chat.type != "private" else 2  # the bot is a member too

    async def api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    async def api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise BadRequest(
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
                "to delete the webhook first",
                409,
            )
        self._remember_allowed(params)
        offset = int(params.get("offset") or 0)
        limit = min(int(params.get("limit") or 100), 100)
        timeout = min(float(params.get("timeout") or 0), 50)
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self.updates and not self.closing and time.monotonic() < deadline:
            await self.wait_change(deadline - time.monotonic())
        return self.updates[:limit]

    async def api_setWebhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self.api_deleteWebhook(params)
        self._remember_allowed(params)
        self.webhook = {"url": url, "secret_token": params.get("secret_token")}
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver_webhook())
        await self.notify()
        return True

    async def api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self.updates.clear()
        await self.notify()
        return True

    async def api_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }

    async def _deliver_webhook(self) -> None:
        async with ClientSession(timeout=ClientTimeout(total=30)) as http:
            while self.webhook is not None:
                if not self.updates:
                    await self.wait_change(1.0)
                    continue
                update = self.updates[0]
                headers = {}
                if self.webhook.get("secret_token"):
                    headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
                try:
                    async with http.post(self.webhook["url"], json=update, headers=headers) as resp:
                        ok = resp.status == 200
                except Exception:
                    ok = False
                if ok:
                    self.updates.pop(0)
                else:
                    await asyncio.sleep(0.5)

    async def api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        plain, safe = check_text(params.get("text"), params.get("parse_mode"))
        markup = check_markup(params.get("reply_markup"))
        self._check_can_send(chat)
        record = self._record(
            chat.id, {"from_bot": True, "text": plain, "html": safe, "reply_markup": markup}
        )
        return await self._sent(record)

    async def _sent(self, record: dict[str, Any]) -> dict[str, Any]:
        self.stats["sent"] += 1
        await self.notify()
        return self.message_api(record)

    async def _send_file(self, params: dict[str, Any], kind: str) -> dict[str, Any]:
        chat = self._chat(params)
        plain, safe = check_text(params.get("caption"), params.get("parse_mode"), CAPTION_LIMIT, caption=True)
        markup = check_markup(params.get("reply_markup"))
        payload = params.get(kind)
        if isinstance(payload, str) and payload.startswith("attach://"):  # multipart upload by reference
            payload = params.get(payload.removeprefix("attach://"))
        if isinstance(payload, tuple):
            data, filename, mime = payload
        elif isinstance(payload, str) and payload in self.files:
            data, filename, mime = self.files[payload]
        else:
            raise BadRequest("Bad Request: wrong file identifier/HTTP URL specified")
        if not data:
            raise BadRequest("Bad Request: file must be non-empty")
        self._check_can_send(chat)
        file_id = f"file{next(self._file_ids)}"
        self.files[file_id] = (data, filename or kind, mime or "application/octet-stream")
        meta = {"file_id": file_id, "file_unique_id": file_id, "file_size": len(data)}
        record: dict[str, Any] = {
            "from_bot": True,
            "caption": plain or None,
            "html": safe,
            "reply_markup": markup,
        }
        if kind == "photo":
            record["photo"] = [{**meta, "width": 800, "height": 600}]
        else:
            record["document"] = {**meta, "file_name": filename or "file", "mime_type": mime}
        return await self._sent(self._record(chat.id, record))

    async def api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_file(params, "photo")

    async def api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_file(params, "document")

    def _own_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        record = self.find_message(chat.id, int(params.get("message_id") or 0))
        if record is None:
            raise BadRequest("Bad Request: message to edit not found")
        if not record["from_bot"]:
            raise BadRequest("Bad Request: message can't be edited")
        return record

    async def api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        record = self._own_message(params)
        plain, safe = check_text(params.get("text"), params.get("parse_mode"))
        markup = check_markup(params.get("reply_markup"))
        if record.get("html") == safe and record.get("reply_markup") == markup:
            raise BadRequest(
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message"
            )
        record.update(text=plain, html=safe, reply_markup=markup, edit_date=int(time.time()))
        await self.notify()
        return self.message_api(record)

    async def api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        record = self._own_message(params)
        markup = check_markup(params.get("reply_markup"))
        if record.get("reply_markup") == markup:
            raise BadRequest(
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message"
            )
        record.update(reply_markup=markup)  # Telegram marks only text edits as "edited"
        await self.notify()
        return self.message_api(record)

    async def api_deleteMessage(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params)
        record = self.find_message(chat.id, int(params.get("message_id") or 0))
        if record is None:
            raise BadRequest("Bad Request: message to delete not found")
        record["deleted"] = True
        await self.notify()
        return True

    async def api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        cb_id = str(params.get("callback_query_id"))
        if cb_id in self.callback_answers:
            raise BadRequest(
                "Bad Request: query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise BadRequest("Bad Request: MESSAGE_TOO_LONG")
        self.callback_answers[cb_id] = {
            "text": text,
            "show_alert": str(params.get("show_alert")).lower() == "true",
        }
        await self.notify()
        return True

    async def api_sendChatAction(self, params: dict[str, Any]) -> bool:
        self._chat(params)
        return True

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if not scope:
            return "default"
        if scope.get("type") == "chat":
            return f"chat:{scope.get('chat_id')}"
        return str(scope.get("type"))

    async def api_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        for c in commands:
            name = str(c.get("command", ""))
            if not (1 <= len(name) <= 32 and name.replace("_", "").isalnum() and name.islower()):
                raise BadRequest("Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", ""))) <= 256:
                raise BadRequest("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[(self._scope_key(params.get("scope")), str(params.get("language_code") or ""))] = (
            commands
        )
        await self.notify()
        return True

    async def api_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return self.commands.get(
            (self._scope_key(params.get("scope")), str(params.get("language_code") or "")), []
        )

    async def api_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(
            (self._scope_key(params.get("scope")), str(params.get("language_code") or "")), None
        )
        return True

    async def api_setChatMenuButton(self, params: dict[str, Any]) -> bool:
        return True

    async def api_close(self, params: dict[str, Any]) -> bool:
        return True

    def commands_for(self, user_id: int) -> list[dict[str, str]]:
        """What the "/" menu shows this person, by Telegram's scope order (on MAX: the
        commands the bot set with ``PATCH /me``)."""
        if self.messenger_of(user_id) == MAX:
            return self.max.menu()
        lang = self.users.get(user_id, {}).get("language_code", "")
        for scope in (f"chat:{user_id}", "all_private_chats", "default"):
            for language in (lang, ""):
                found = self.commands.get((scope, language))
                if found:
                    return found
        return []

    LIMIT_KEYS = ("enabled", "global_rate", "global_burst", "chat_rate", "chat_burst", "group_per_minute")
    MAX_LIMIT_KEYS = ("max_global_rate", "max_chat_rate")

    def set_limits(self, values: dict[str, Any]) -> dict[str, Any]:
        """Flood limits of both faces (``enabled`` switches both); returns the settings."""
        for key in self.LIMIT_KEYS:
            if key in values:
                setattr(self.limits, key, type(getattr(self.limits, key))(values[key]))
        for key in self.MAX_LIMIT_KEYS:
            if key in values:
                setattr(self.max.limits, key.removeprefix("max_"), float(values[key]))
        self.limits.buckets.clear()
        self.max.limits.buckets.clear()
        shown = ("enabled", "global_rate", "chat_rate", "chat_burst", "group_per_minute")
        return {
            **{k: getattr(self.limits, k) for k in shown},
            "max_global_rate": self.max.limits.global_rate,
            "max_chat_rate": self.max.limits.chat_rate,
        }

    def public_info(self) -> dict[str, Any]:
        """The bot on each face, and the people and groups with their messenger."""
        return {
            "bot": self.bot_user,
            "max_bot": self.max.bot_api() if self.max.token is not None else None,
            "max_webhook": next(iter(self.max.subscriptions), None),
            "users": [{**u, "messenger": self.messenger_of(uid)} for uid, u in self.users.items()],
            "groups": [
                {"id": c.id, "title": c.title, "members": sorted(c.members), "messenger": c.messenger}
                for c in self.chats.values()
                if c.type != "private"
            ],
        }

    async def handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        entry = self.files.get(request.match_info["path"])
        if entry is None:
            return self._error(404, "Not Found")
        data, name, mime = entry
        return web.Response(
            body=data,
            content_type=mime,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


def _start_payload(link: str) -> str:
    """The start payload of a pasted link, or the text itself when it is no link."""
    if "start=" in link:
        return link.split("start=", 1)[1].split("&", 1)[0]
    if "max.ru/" in link and "/start/" in link:
        return link.split("/start/", 1)[1].split("?", 1)[0]
    return link


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
