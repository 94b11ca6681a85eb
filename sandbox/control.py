"""The emulator's control API: tests and the web chat act as people through it. It is
messenger-neutral: the same calls drive a Telegram person or a MAX person, and it knows the
emulator only through the ``World`` protocol (sandbox/world.py)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from aiohttp import web

from sandbox.world import MESSENGERS, TELEGRAM, BadRequest, World

STATIC = Path(__file__).parent / "static"


def add_control_routes(app: web.Application, emu: World) -> None:
    async def body(request: web.Request) -> dict[str, Any]:
        if request.can_read_body:
            data = await request.json()
            if not isinstance(data, dict):
                raise web.HTTPBadRequest(text="a JSON object is expected")
            return data
        return {}

    def ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    async def create_user(request: web.Request) -> web.Response:
        data = await body(request)
        messenger = str(data.get("messenger") or TELEGRAM)
        if messenger not in MESSENGERS:
            raise web.HTTPBadRequest(text=f"messenger is one of {MESSENGERS}")
        user = emu.add_user(
            str(data.get("first_name") or "Гость")[:64],
            str(data.get("language_code") or "ru"),
            data.get("id"),
            data.get("username"),
            data.get("last_name"),
            messenger,
        )
        await emu.notify()
        return ok({**user, "messenger": messenger})

    async def create_group(request: web.Request) -> web.Response:
        data = await body(request)
        members = [int(m) for m in data.get("members", [])]
        if any(m not in emu.users for m in members):
            raise web.HTTPNotFound(text="no such user")
        if data.get("messenger") and members and emu.messenger_of(members[0]) != data["messenger"]:
            raise web.HTTPBadRequest(text="the members are not in that messenger")
        try:
            chat = await emu.add_group_announced(
                str(data.get("title") or "Кураторы"), members, bool(data.get("bot_admin", True))
            )
        except BadRequest as exc:
            raise web.HTTPBadRequest(text=exc.description) from None
        return ok(
            {"id": chat.id, "title": chat.title, "members": sorted(chat.members), "messenger": chat.messenger}
        )

    async def join(request: web.Request) -> web.Response:
        data = await body(request)
        chat_id, uid = int(data["chat_id"]), int(data["user_id"])
        if uid not in emu.users or chat_id not in emu.chats:
            raise web.HTTPNotFound(text="no such user or chat")
        try:
            return ok(await emu.member_joins(chat_id, uid))
        except BadRequest as exc:
            raise web.HTTPBadRequest(text=exc.description) from None

    async def leave(request: web.Request) -> web.Response:
        """The person leaves the group, or (``bot: true``) removes the bot from it."""
        data = await body(request)
        chat_id, uid = int(data["chat_id"]), int(data["user_id"])
        chat = emu.chats.get(chat_id)
        if uid not in emu.users or chat is None or chat.type == "private":
            raise web.HTTPNotFound(text="no such user or group")
        if data.get("bot"):
            return ok({"update_id": await emu.bot_removed(chat_id, uid)})
        return ok({"update_id": await emu.member_leaves(chat_id, uid)})

    async def send(request: web.Request) -> web.Response:
        data = await body(request)
        uid = int(data["user_id"])
        if uid not in emu.users:
            raise web.HTTPNotFound(text="no such user")
        chat_id = int(data.get("chat_id") or uid)
        if chat_id not in emu.chats:
            raise web.HTTPNotFound(text="no such chat")
        record = await emu.user_sends(uid, data.get("text"), chat_id, sticker=bool(data.get("sticker")))
        return ok({"message_id": record["message_id"], "update_id": record["update_id"]})

    async def start(request: web.Request) -> web.Response:
        data = await body(request)
        try:
            return ok(await emu.user_starts(int(data["user_id"]), str(data.get("payload") or "")))
        except BadRequest as exc:
            raise web.HTTPNotFound(text=exc.description) from None

    async def press(request: web.Request) -> web.Response:
        data = await body(request)
        try:
            cb_id = await emu.user_presses(
                int(data["user_id"]),
                int(data.get("chat_id") or data["user_id"]),
                int(data["message_id"]),
                str(data["data"]),
            )
        except BadRequest as exc:
            raise web.HTTPNotFound(text=exc.description) from None
        return ok({"callback_query_id": cb_id, "update_id": emu.press_updates[cb_id]})

    async def redeliver(request: web.Request) -> web.Response:
        data = await body(request)
        try:
            await emu.redeliver(int(data["update_id"]))
        except BadRequest as exc:
            raise web.HTTPNotFound(text=exc.description) from None
        return ok(True)

    async def callback_answer(request: web.Request) -> web.Response:
        cb_id = request.match_info["id"]
        deadline = time.monotonic() + float(request.query.get("wait", "0"))
        while cb_id not in emu.callback_answers and not emu.closing and time.monotonic() < deadline:
            await emu.wait_change(deadline - time.monotonic())
        return ok(emu.callback_answers.get(cb_id))

    async def messages(request: web.Request) -> web.Response:
        chat_id = int(request.query["chat_id"])
        after = int(request.query.get("after", "0"))
        since = float(request.query.get("changed_since", "0"))
        deadline = time.monotonic() + float(request.query.get("wait", "0"))

        def pick() -> list[dict[str, Any]]:
            return [
                _public(m)
                for m in emu.messages.get(chat_id, [])
                if m["message_id"] > after or (since and m.get("edit_date", 0) >= since)
            ]

        found = pick()
        while not found and not emu.closing and time.monotonic() < deadline:
            await emu.wait_change(deadline - time.monotonic())
            found = pick()
        return ok(found)

    async def poll(request: web.Request) -> web.Response:
        """Long poll for the web chat: returns when anything changed after ``since``."""
        since = int(request.query.get("since", "0"))
        deadline = time.monotonic() + min(float(request.query.get("wait", "25")), 25)
        while emu.version == since and not emu.closing and time.monotonic() < deadline:
            await emu.wait_change(deadline - time.monotonic())
        return ok({"version": emu.version})

    async def block(request: web.Request) -> web.Response:
        data = await body(request)
        await emu.set_blocked(int(data["user_id"]), bool(data.get("blocked", True)))
        return ok(sorted(emu.blocked))

    async def limits(request: web.Request) -> web.Response:
        return ok(emu.set_limits(await body(request)))

    async def faults(request: web.Request) -> web.Response:
        data = await body(request)
        for key in ("error_rate", "timeout_rate", "timeout_seconds", "redirect_rate"):
            if key in data:
                setattr(emu.faults, key, float(data[key]))
        return ok({"error_rate": emu.faults.error_rate, "timeout_rate": emu.faults.timeout_rate})

    async def commands(request: web.Request) -> web.Response:
        return ok(emu.commands_for(int(request.query["user_id"])))

    async def state(request: web.Request) -> web.Response:
        roles: dict[int, str] = {}
        if emu.roles_source is not None:
            try:
                roles = await emu.roles_source()
            except Exception:  # the sidebar goes without roles rather than without people
                roles = {}
        return ok(
            {
                **emu.public_info(),
                "blocked": sorted(emu.blocked),
                "webhook": emu.webhook["url"] if emu.webhook else None,
                "owner_link": emu.owner_link,
                "roles": {str(uid): label for uid, label in roles.items()},
            }
        )

    async def stats(request: web.Request) -> web.Response:
        return ok({**emu.stats, "errors": emu.errors[-20:]})

    async def file(request: web.Request) -> web.Response:
        entry = emu.files.get(request.match_info["file_id"])
        if entry is None:
            raise web.HTTPNotFound()
        data, name, mime = entry
        disposition = "inline" if mime.startswith("image/") else f'attachment; filename="{name}"'
        return web.Response(body=data, content_type=mime, headers={"Content-Disposition": disposition})

    async def index(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html")

    app.router.add_post("/control/users", create_user)
    app.router.add_post("/control/groups", create_group)
    app.router.add_post("/control/send", send)
    app.router.add_post("/control/start", start)
    app.router.add_post("/control/join", join)
    app.router.add_post("/control/leave", leave)
    app.router.add_post("/control/press", press)
    app.router.add_post("/control/redeliver", redeliver)
    app.router.add_get("/control/callback/{id}", callback_answer)
    app.router.add_get("/control/messages", messages)
    app.router.add_get("/control/poll", poll)
    app.router.add_post("/control/block", block)
    app.router.add_post("/control/limits", limits)
    app.router.add_post("/control/faults", faults)
    app.router.add_get("/control/commands", commands)
    app.router.add_get("/control/state", state)
    app.router.add_get("/control/stats", stats)
    app.router.add_get("/control/files/{file_id}", file)
    app.router.add_get("/", index)
    if STATIC.exists():
        app.router.add_static("/static/", STATIC)


def _public(record: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "message_id",
        "chat_id",
        "from_bot",
        "user_id",
        "text",
        "caption",
        "html",
        "reply_markup",
        "photo",
        "document",
        "date",
        "edit_date",
        "deleted",
        "sticker",
        "mid",
    )
    return {k: record[k] for k in keys if record.get(k) is not None}
