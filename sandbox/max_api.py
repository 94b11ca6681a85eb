"""The MAX face's HTTP side: MAX's Bot API under ``/max`` (the bot's MAX_API_URL is
``http://<host>:<port>/max``), with the token in the ``Authorization`` header and errors
shaped ``{"code": "...", "message": "..."}``. See sandbox/README.md, "MAX face"."""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from sandbox.max_face import MaxFace, not_found
from sandbox.max_rules import SENDER_ACTIONS, check_keyboard, check_text, invalid, telegram_like
from sandbox.world import BadRequest, Chat, RetryAfter

Handler = Callable[[web.Request], Awaitable[Any]]
Route = Callable[[web.Request], Awaitable[web.StreamResponse]]
UPDATES_TIMEOUT_CAP = 90
WEBHOOK_SECRET = re.compile(r"[\w-]{5,256}", re.ASCII)  # SubscriptionRequestBody.secret
ADMIN_PERMISSIONS = ["read_all_messages", "add_remove_members", "pin_message", "write", "edit", "delete"]


def error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message}, status=status)


async def json_body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        data = await request.json()
    except ValueError:
        raise invalid("the request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise invalid("the request body must be a JSON object")
    return data


def int_param(query: Any, name: str) -> int:
    try:
        return int(query[name])
    except (KeyError, ValueError):
        raise invalid(f"{name}: an integer is required") from None


def add_max_routes(app: web.Application, face: MaxFace) -> None:
    api = MaxApi(face)
    routes: list[tuple[str, str, Handler, bool]] = [
        ("GET", "/me", api.me, False),
        ("PATCH", "/me", api.patch_me, True),
        ("GET", "/updates", api.updates, False),
        ("GET", "/subscriptions", api.subscriptions, False),
        ("POST", "/subscriptions", api.subscribe, False),
        ("DELETE", "/subscriptions", api.unsubscribe, False),
        ("POST", "/messages", api.send, True),
        ("PUT", "/messages", api.edit, True),
        ("DELETE", "/messages", api.delete, True),
        ("GET", "/messages/{mid}", api.get_message, True),
        ("POST", "/answers", api.answer, True),
        ("POST", "/uploads", api.upload_url, True),
        ("GET", "/chats/{chat_id}", api.chat, True),
        ("GET", "/chats/{chat_id}/members", api.members, True),
        ("GET", "/chats/{chat_id}/members/me", api.membership, True),
        ("POST", "/chats/{chat_id}/actions", api.action, True),
    ]
    for method, path, handler, faults in routes:
        app.router.add_route(method, "/max" + path, api.wrap(handler, faults))
    app.router.add_post("/max/upload/{upload_id}", api.upload)  # an upload URL carries no token
    app.router.add_route("*", "/max/{tail:.*}", api.unknown)


class MaxApi:
    def __init__(self, face: MaxFace) -> None:
        self.face = face
        self.world = face.world
        self.stats = face.world.stats

    def wrap(self, handler: Handler, faults: bool) -> Route:
        async def run(request: web.Request) -> web.StreamResponse:
            if request.headers.get("Authorization") != self.face.token:  # ?access_token= is not accepted
                self.stats["max_http_401"] += 1
                return error(401, "verify.token", "Invalid access_token")
            self.stats["max_requests"] += 1
            fault = await self._fault(request) if faults else None
            if fault is not None:
                return fault
            try:
                if self.world.limits.enabled and self.face.limits.request():
                    raise RetryAfter(1)
                return web.json_response(await handler(request))
            except BadRequest as exc:
                return self._refused(request, exc)
            except RetryAfter:
                self.stats["max_http_429"] += 1
                return error(429, "too.many.requests", "Too many requests")
            except NotAllowed as exc:
                return error(405, "method.not.allowed", str(exc))

        return run

    def _refused(self, request: web.Request, exc: BadRequest) -> web.Response:
        key = f"max_http_{exc.code}"
        self.stats[key] = self.stats.get(key, 0) + 1
        self.world.errors.append(f"MAX {request.method} {request.path}: {exc.description}")
        default = {403: "chat.denied", 404: "not.found"}.get(exc.code, "proto.payload")
        return error(exc.code, exc.error_code or default, exc.description)

    async def _fault(self, request: web.Request) -> web.Response | None:
        faults = self.world.faults
        if faults.rng.random() < faults.timeout_rate:
            await asyncio.sleep(faults.timeout_seconds)
        if faults.rng.random() < faults.redirect_rate:
            self.stats["http_3xx"] = self.stats.get("http_3xx", 0) + 1
            raise web.HTTPTemporaryRedirect(location=str(request.url))
        if faults.rng.random() < faults.error_rate:
            self.stats["max_http_5xx"] += 1
            return error(500, "internal.error", "Internal Server Error")
        return None

    async def unknown(self, request: web.Request) -> web.Response:
        return error(404, "not.found", f"Path {request.path} not found")

    # --- the bot -----------------------------------------------------------------------------
    async def me(self, request: web.Request) -> dict[str, Any]:
        return {**self.face.bot_api(), "description": None, "commands": self.face.commands or None}

    async def patch_me(self, request: web.Request) -> dict[str, Any]:
        body = await json_body(request)
        commands = body.get("commands")
        if commands is not None:
            self.face.commands = _checked_commands(commands)
            await self.world.notify()
        return await self.me(request)

    async def updates(self, request: web.Request) -> dict[str, Any]:
        """Long polling: updates from ``marker`` on (passing it commits those before). MAX
        serves webhook or long polling, never both: with a subscription, 405 NotAllowed."""
        if self.face.subscriptions:
            raise NotAllowed(
                "Long polling is not available while the bot has a webhook subscription; "
                "remove it first (DELETE /subscriptions?url=)"
            )
        q = request.query
        limit = min(max(int_param(q, "limit") if "limit" in q else 100, 1), 1000)
        timeout = min(max(int_param(q, "timeout") if "timeout" in q else 30, 0), UPDATES_TIMEOUT_CAP)
        marker = int_param(q, "marker") if q.get("marker") not in (None, "", "null") else None
        types = {t for value in q.getall("types", []) for t in value.split(",") if t}
        if marker is not None:
            self.face.updates = [u for u in self.face.updates if u["_n"] >= marker]

        def pick() -> list[dict[str, Any]]:
            return [u for u in self.face.updates if not types or u["update_type"] in types][:limit]

        deadline = time.monotonic() + timeout
        picked = pick()
        while not picked and not self.world.closing and time.monotonic() < deadline:
            await self.world.wait_change(deadline - time.monotonic())
            picked = pick()
        next_marker = picked[-1]["_n"] + 1 if picked else self.face.next_update
        return {"updates": [{k: v for k, v in u.items() if k != "_n"} for u in picked], "marker": next_marker}

    # --- webhook subscriptions -----------------------------------------------------------------
    async def subscriptions(self, request: web.Request) -> dict[str, Any]:
        return {"subscriptions": self.face.subscriptions_api()}

    async def subscribe(self, request: web.Request) -> dict[str, Any]:
        """SubscriptionRequestBody: ``url`` (http(s)://), ``secret`` (5-256 of A-Z a-z 0-9 _ -),
        ``update_types``, ``version``; the same URL again replaces its subscription."""
        body = await json_body(request)
        url = body.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise invalid("url: must start with http(s)://")
        secret = body.get("secret")
        if secret is not None and not (isinstance(secret, str) and WEBHOOK_SECRET.fullmatch(secret)):
            raise invalid("secret: 5-256 characters, only A-Z, a-z, 0-9, _ and -")
        types = body.get("update_types")
        listed = isinstance(types, list) and all(isinstance(t, str) and t for t in types)
        if types is not None and not listed:
            raise invalid("update_types: a list of update types is expected")
        version = body.get("version")
        await self.face.subscribe(url, secret, list(dict.fromkeys(types or [])), version)
        return {"success": True}

    async def unsubscribe(self, request: web.Request) -> dict[str, Any]:
        url = request.query.get("url") or ""
        if not url.strip():
            raise invalid("url: required")
        await self.face.unsubscribe(url)
        return {"success": True}

    # --- messages ------------------------------------------------------------------------------
    def _target(self, request: web.Request) -> Chat:
        q = request.query
        if "user_id" in q:
            chat = self.world.chats.get(int_param(q, "user_id"))
            if chat is None or chat.type != "private" or chat.messenger != "max":
                raise not_found(f"user {q['user_id']}")
            return chat
        if "chat_id" in q:
            return self.face.world_chat(int_param(q, "chat_id"))
        raise invalid("user_id or chat_id is required")

    def _check_can_send(self, chat: Chat) -> None:
        if chat.id in self.world.bot_left:
            raise BadRequest(f"Key: error.chat.bot.removed, args: [{chat.id},].", 403, "chat.denied")
        if chat.type == "private":
            dialog = self.face.dialogs[chat.id]
            if chat.id in self.world.blocked:
                raise BadRequest(f"Key: error.dialog.suspended, args: [{dialog},].", 403, "chat.denied")
            if chat.id not in self.world.started:
                raise BadRequest(f"Key: error.dialog.not.started, args: [{dialog},].", 403, "chat.denied")
        if self.world.limits.enabled and self.face.limits.send(chat.id):
            raise RetryAfter(1)

    def _attachments(self, request: web.Request, attachments: Any) -> dict[str, Any]:
        """The record's fields for a message's attachments (keyboard, file, image)."""
        if not isinstance(attachments, list):
            raise invalid("attachments: a list is expected")
        fields: dict[str, Any] = {
            "max_attachments": [],
            "reply_markup": None,
            "document": None,
            "photo": None,
        }
        for item in attachments:
            kind = item.get("type") if isinstance(item, dict) else None
            if kind == "inline_keyboard":
                rows = check_keyboard(item.get("payload"))
                fields["max_attachments"].append({"type": "inline_keyboard", "payload": {"buttons": rows}})
                fields["reply_markup"] = telegram_like(rows)
            elif kind in ("file", "image"):
                self._attach_file(request, str(kind), item.get("payload"), fields)
            else:
                raise invalid(f"attachment type {kind!r} is not supported by the sandbox")
        return fields

    def _attach_file(self, request: web.Request, kind: str, payload: Any, fields: dict[str, Any]) -> None:
        payload = payload if isinstance(payload, dict) else {}
        token = payload.get("token")
        if token is None and kind == "image" and isinstance(payload.get("photos"), dict):
            token = next((p.get("token") for p in payload["photos"].values() if isinstance(p, dict)), None)
        file_id = self.face.tokens.get(str(token))
        if file_id is None:
            raise invalid(f"{kind}: unknown attachment token {token!r}")
        data, name, mime = self.world.files[file_id]
        url = f"{request.url.origin()}/control/files/{file_id}"
        meta = {"file_id": file_id, "file_unique_id": file_id, "file_size": len(data)}
        if kind == "file":
            fields["document"] = {**meta, "file_name": name, "mime_type": mime}
            rendered = {
                "type": "file",
                "payload": {"url": url, "token": token},
                "filename": name,
                "size": len(data),
            }
        else:
            fields["photo"] = [{**meta, "width": 800, "height": 600}]
            photo_id = int(file_id.removeprefix("file"))
            rendered = {"type": "image", "payload": {"photo_id": photo_id, "url": url, "token": token}}
        fields["max_attachments"].append(rendered)

    def _compose(self, request: web.Request, body: dict[str, Any]) -> dict[str, Any]:
        fields = self._attachments(request, body.get("attachments") or [])
        plain, safe, markup = check_text(
            body.get("text"), body.get("format"), bool(fields["max_attachments"])
        )
        return {**fields, "text": plain or None, "html": safe, "max_markup": markup or None}

    async def send(self, request: web.Request) -> dict[str, Any]:
        chat = self._target(request)
        fields = self._compose(request, await json_body(request))
        self._check_can_send(chat)
        record = self.world.record_message(chat.id, {"from_bot": True, **fields})
        record["mid"] = self.face.mid(record)
        self.stats["max_sent"] += 1
        await self.world.notify()
        return {"message": self.face.message_api(record)}

    def _own(self, request: web.Request) -> dict[str, Any]:
        mid = request.query.get("message_id") or request.match_info.get("mid") or ""
        record = self.face.find(mid)
        if not record["from_bot"]:
            raise BadRequest("You can edit only your own messages", 403, "access.denied")
        return record

    def _apply_edit(self, request: web.Request, record: dict[str, Any], body: dict[str, Any]) -> None:
        """MAX's edit: attachments ``null`` keep the current ones, ``[]`` removes them; text
        ``null`` keeps the text with its formatting (markup)."""
        if body.get("attachments") is not None:
            record.update(self._attachments(request, body["attachments"]))
        has_attachments = bool(record.get("max_attachments"))
        if body.get("text") is not None:
            plain, safe, markup = check_text(body["text"], body.get("format"), has_attachments)
            record.update(text=plain or None, html=safe, max_markup=markup or None)
        elif not record.get("text") and not has_attachments:
            raise invalid("text: message must have text or attachments")
        record["edit_date"] = int(time.time())

    async def edit(self, request: web.Request) -> dict[str, Any]:
        record = self._own(request)
        self._apply_edit(request, record, await json_body(request))
        await self.world.notify()
        return {"success": True}

    async def delete(self, request: web.Request) -> dict[str, Any]:
        record = self.face.find(request.query.get("message_id") or "")
        record["deleted"] = True
        await self.world.notify()
        return {"success": True}

    async def get_message(self, request: web.Request) -> dict[str, Any]:
        return self.face.message_api(self.face.find(request.match_info["mid"]))

    async def answer(self, request: web.Request) -> dict[str, Any]:
        callback_id = request.query.get("callback_id") or ""
        where = self.face.callbacks.get(callback_id)
        if where is None:
            raise not_found(f"callback {callback_id!r}")
        body = await json_body(request)
        notification, message = body.get("notification"), body.get("message")
        if notification is None and message is None:
            raise invalid("answer: notification or message is required")
        if message is not None:
            record = self.world.find_message(*where)
            if record is None:
                raise not_found("the callback's message")
            self._apply_edit(request, record, message if isinstance(message, dict) else {})
        self.world.callback_answers[callback_id] = {
            "text": notification,
            "show_alert": False,
            "notification": notification,
            "message": message,
        }
        await self.world.notify()
        return {"success": True}

    # --- uploads -------------------------------------------------------------------------------
    async def upload_url(self, request: web.Request) -> dict[str, Any]:
        kind = request.query.get("type", "")
        if kind not in ("image", "video", "audio", "file"):
            raise invalid("type: one of image, video, audio, file")
        upload_id = f"{self.face._next('next_upload')}-{secrets.token_urlsafe(12)}"
        self.face.uploads[upload_id] = kind
        return {"url": f"{request.url.origin()}/max/upload/{upload_id}"}

    async def upload(self, request: web.Request) -> web.Response:
        """The multipart POST of a file (field ``data``) to an upload URL."""
        kind = self.face.uploads.pop(request.match_info["upload_id"], None)
        if kind is None:
            return error(404, "not.found", "Upload URL not found or already used")
        form = await request.post()
        part = form.get("data")
        if not isinstance(part, web.FileField):
            return error(400, "proto.payload", "a multipart field `data` with the file is required")
        data = part.file.read()
        if not data:
            return error(400, "proto.payload", "the file is empty")
        file_id = self.world.store_file(data, part.filename or kind, part.content_type)
        token = secrets.token_urlsafe(24)
        self.face.tokens[token] = file_id
        await self.world.notify()
        if kind == "image":  # PhotoTokens
            return web.json_response({"photos": {file_id.removeprefix("file"): {"token": token}}})
        return web.json_response({"token": token})

    # --- chats ---------------------------------------------------------------------------------
    def _chat(self, request: web.Request) -> Chat:
        return self.face.world_chat(int_param(request.match_info, "chat_id"))

    async def chat(self, request: web.Request) -> dict[str, Any]:
        chat = self._chat(request)
        common = {
            "chat_id": self.face.face_chat_id(chat),
            "icon": None,
            "is_public": False,
            "description": None,
        }
        common["last_event_time"] = int(time.time() * 1000)
        if chat.type == "private":
            status = "suspended" if chat.id in self.world.blocked else "active"
            user = self.face.user_api(chat.id)
            dialog = {"type": "dialog", "status": status, "title": None, "participants_count": 2}
            return {**common, **dialog, "dialog_with_user": user}
        return {
            **common,
            "type": "chat",
            "status": "active",
            "title": chat.title,
            "participants_count": len(chat.members) + 1,
            "messages_count": len(self.world.messages.get(chat.id, [])),
        }

    def _member(self, user: dict[str, Any], admin: bool) -> dict[str, Any]:
        now = int(time.time() * 1000)
        return {
            **user,
            "last_access_time": now,
            "is_owner": False,
            "is_admin": admin,
            "join_time": now,
            "permissions": ADMIN_PERMISSIONS if admin else None,
            "alias": None,
        }

    async def members(self, request: web.Request) -> dict[str, Any]:
        chat = self._chat(request)
        people = sorted(chat.members) if chat.type != "private" else [chat.id]
        wanted = {int(u) for v in request.query.getall("user_ids", []) for u in v.split(",") if u.strip()}
        found = [self._member(self.face.user_api(u), False) for u in people if not wanted or u in wanted]
        if not wanted:
            found.insert(0, self._member(self.face.bot_api(), chat.bot_admin and chat.type != "private"))
        return {"members": found, "marker": None}

    async def membership(self, request: web.Request) -> dict[str, Any]:
        chat = self._chat(request)
        return self._member(self.face.bot_api(), chat.bot_admin and chat.type != "private")

    async def action(self, request: web.Request) -> dict[str, Any]:
        self._chat(request)
        if (await json_body(request)).get("action") not in SENDER_ACTIONS:
            raise invalid(f"action: one of {sorted(SENDER_ACTIONS)}")
        return {"success": True}


class NotAllowed(Exception):
    """405: the method is not allowed now (MAX's ``NotAllowed`` response)."""


def _checked_commands(commands: Any) -> list[dict[str, str]]:
    if not isinstance(commands, list) or len(commands) > 32:
        raise invalid("commands: a list of at most 32 commands")
    checked = []
    for c in commands:
        name = c.get("name") if isinstance(c, dict) else None
        if not isinstance(name, str) or not 1 <= len(name) <= 64:
            raise invalid("commands.name: size must be between 1 and 64")
        description = c.get("description")
        if description is not None and not (isinstance(description, str) and 1 <= len(description) <= 128):
            raise invalid("commands.description: size must be between 1 and 128")
        checked.append({"name": name, **({"description": description} if description else {})})
    return checked
