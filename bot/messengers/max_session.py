"""The bot's outgoing calls to a MAX person or group, as MAX calls: an aiogram session, so
handlers, the outbox and the scheduler call ``bot.send_message`` and friends the same way
for both messengers. The methods the bot uses are translated; any other is refused."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import datetime
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteMyCommands,
    EditMessageReplyMarkup,
    EditMessageText,
    GetChatMemberCount,
    GetMe,
    SendChatAction,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import BotCommandScopeDefault, InlineKeyboardMarkup, InputFile, Message, User

from bot.domain.identity import from_max, is_group
from bot.messengers import max_convert as conv
from bot.messengers.max_api import MaxApi, MaxError, MaxNetworkError
from storage.message_refs import MessageRefs

log = logging.getLogger(__name__)

NOT_READY = "attachment.not.ready"


class MaxSession(BaseSession):
    def __init__(self, api: MaxApi, refs: MessageRefs, now: Callable[[], datetime]) -> None:
        super().__init__()
        self.max = api
        self.refs = refs
        self.now = now
        self.me: dict[str, Any] | None = None  # MAX's /me, read at start
        self._calls: dict[type[Any], Callable[[Bot, Any], Awaitable[Any]]] = {
            SendMessage: self._send_message,
            EditMessageText: self._edit_text,
            EditMessageReplyMarkup: self._edit_markup,
            DeleteMessage: self._delete,
            AnswerCallbackQuery: self._answer,
            SendPhoto: self._send_photo,
            SendDocument: self._send_document,
            SendChatAction: self._nothing,
            DeleteMyCommands: self._nothing,
            GetChatMemberCount: self._member_count,
            SetMyCommands: self._commands,
            GetMe: self._get_me,
        }

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        call = self._calls.get(type(method))
        if call is None:
            raise TelegramBadRequest(method, f"Bad Request: {type(method).__name__} is not used with MAX")
        try:
            return await call(bot, method)  # type: ignore[no-any-return]
        except MaxError as exc:
            raise _as_telegram(method, exc) from exc
        except MaxNetworkError as exc:
            raise TelegramNetworkError(method, str(exc)) from exc

    async def close(self) -> None:
        await self.max.close()

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        """A file's bytes by its URL (aiogram's download path), without the bot's token."""
        async for chunk in self.max.stream(url, headers, timeout, chunk_size):
            yield chunk

    # --- messages --------------------------------------------------------------------------
    def _body(self, bot: Bot, method: Any, text: str | None, markup: Any) -> dict[str, Any]:
        mode = method.parse_mode if hasattr(method, "parse_mode") else None
        if isinstance(mode, Default):
            mode = bot.default[mode.name]
        body: dict[str, Any] = {}
        if text is not None:
            html = str(getattr(mode, "value", mode) or "").upper() == "HTML"  # ParseMode.HTML or "HTML"
            body["text"] = conv.html(text) if html else text
            body["format"] = "html" if html else None
        attachments = []
        if isinstance(markup, InlineKeyboardMarkup):
            kb = conv.keyboard([list(row) for row in markup.inline_keyboard])
            if kb is not None:
                attachments.append(kb)
        body["attachments"] = attachments
        if getattr(method, "disable_notification", None):
            body["notify"] = False
        return body

    async def _sent(self, bot: Bot, chat_id: int, answer: dict[str, Any], text: str | None) -> Message:
        msg = answer.get("message") or {}
        body = msg.get("body") or {}
        ref = await self.refs.ref(str(body.get("mid")), self.now())
        chat: dict[str, Any] = {"id": chat_id, "type": "group" if is_group(chat_id) else "private"}
        if chat["type"] == "private":
            chat["first_name"] = "—"
        data = {
            "message_id": ref,
            "date": int(msg.get("timestamp", 0)) // 1000,
            "chat": chat,
            "from": self._bot_user(),
            "text": text,
        }
        return Message.model_validate(data, context={"bot": bot})

    async def _send_message(self, bot: Bot, m: SendMessage) -> Message:
        body = self._body(bot, m, m.text, m.reply_markup)
        answer = await self.max.call("POST", "/messages", conv.max_target(int(m.chat_id)), body)
        return await self._sent(bot, int(m.chat_id), answer, m.text)

    async def _mid(self, method: Any, ref: int | None) -> str:
        mid = await self.refs.mid(int(ref or 0))
        if mid is None:
            raise TelegramBadRequest(method, "Bad Request: message to edit not found")
        return mid

    async def _edit_text(self, bot: Bot, m: EditMessageText) -> Any:
        mid = await self._mid(m, m.message_id)
        await self.max.call(
            "PUT", "/messages", {"message_id": mid}, self._body(bot, m, m.text, m.reply_markup)
        )
        return True

    async def _edit_markup(self, bot: Bot, m: EditMessageReplyMarkup) -> Any:
        mid = await self._mid(m, m.message_id)
        body = self._body(bot, m, None, m.reply_markup)
        await self.max.call("PUT", "/messages", {"message_id": mid}, body)
        return True

    async def _delete(self, bot: Bot, m: DeleteMessage) -> bool:
        mid = await self._mid(m, m.message_id)
        await self.max.call("DELETE", "/messages", {"message_id": mid})
        return True

    async def _answer(self, bot: Bot, m: AnswerCallbackQuery) -> bool:
        """The press is acknowledged; an empty answer is a courtesy MAX may refuse (400),
        and a refused courtesy is no error."""
        callback = m.callback_query_id.removeprefix(conv.CALLBACK_PREFIX)
        try:
            await self.max.call("POST", "/answers", {"callback_id": callback}, {"notification": m.text or ""})
        except MaxError as exc:
            if m.text or exc.status != 400:
                raise
        return True

    # --- files -----------------------------------------------------------------------------
    async def _send_file(self, bot: Bot, m: Any, kind: str, file: Any) -> Message:
        if not isinstance(file, InputFile):
            raise TelegramBadRequest(m, "Bad Request: MAX takes uploaded files only")
        data = b"".join([chunk async for chunk in file.read(bot)])
        payload = await self.max.upload(kind, file.filename or "file", data)
        body = self._body(bot, m, m.caption or "", m.reply_markup)
        body["attachments"].insert(0, {"type": kind, "payload": payload})
        target = conv.max_target(int(m.chat_id))
        for attempt in range(6):  # MAX processes an upload for a moment before it can be sent
            try:
                answer = await self.max.call("POST", "/messages", target, body)
                break
            except MaxError as exc:
                if exc.code != NOT_READY or attempt == 5:
                    raise
                await asyncio.sleep(0.2 * 2**attempt)
        return await self._sent(bot, int(m.chat_id), answer, m.caption)

    async def _send_photo(self, bot: Bot, m: SendPhoto) -> Message:
        return await self._send_file(bot, m, "image", m.photo)

    async def _send_document(self, bot: Bot, m: SendDocument) -> Message:
        return await self._send_file(bot, m, "file", m.document)

    # --- the rest --------------------------------------------------------------------------
    async def _nothing(self, bot: Bot, m: Any) -> bool:
        return True

    async def _member_count(self, bot: Bot, m: GetChatMemberCount) -> int:
        chat = conv.max_target(int(m.chat_id)).get("chat_id")
        if chat is None:
            return 2
        info = await self.max.call("GET", f"/chats/{chat}")
        return int(info.get("participants_count") or 0)

    async def _commands(self, bot: Bot, m: SetMyCommands) -> bool:
        """MAX has one menu for everyone: the default scope in the default language."""
        if m.language_code or not (m.scope is None or isinstance(m.scope, BotCommandScopeDefault)):
            return True
        listed = [{"name": c.command, "description": c.description} for c in m.commands]
        await self.max.call("PATCH", "/me", body={"commands": listed})
        return True

    async def load_me(self) -> dict[str, Any]:
        self.me = await self.max.call("GET", "/me")
        return self.me

    def _bot_user(self) -> dict[str, Any]:
        me = self.me or {"user_id": 1, "first_name": "bot"}
        return {
            "id": from_max(int(me["user_id"])),
            "is_bot": True,
            "first_name": me.get("first_name") or me.get("name") or "bot",
            "username": me.get("username"),
        }

    async def _get_me(self, bot: Bot, m: GetMe) -> User:
        if self.me is None:
            await self.load_me()
        return User.model_validate(self._bot_user())


def _as_telegram(method: Any, exc: MaxError) -> Exception:
    text = f"{exc.code}: {exc.message}".strip()
    if exc.status == 429:
        return TelegramRetryAfter(method, f"Too Many Requests: {text}", retry_after=1)
    if exc.status == 403:
        return TelegramForbiddenError(method, f"Forbidden: {text}")
    if exc.status == 401:
        return TelegramUnauthorizedError(method, f"Unauthorized: {text}")
    if exc.status >= 500:
        return TelegramServerError(method, f"Server error: {text}")
    return TelegramBadRequest(method, f"Bad Request: {text}")
