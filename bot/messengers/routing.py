"""One aiogram session for both messengers: each call goes to the messenger of the chat it
is for (read off the id, ``bot.domain.identity``), so a Telegram mentor's action can reach
a MAX mentee and the outbox sends to anyone. The request middlewares (commit before send,
retries, answered queries, "not modified") sit on this session and serve both."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import AnswerCallbackQuery, DeleteMyCommands, SetMyCommands, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.domain.identity import Messenger, messenger_of
from bot.messengers.max_convert import CALLBACK_PREFIX


def messenger_for(method: Any, default: Messenger) -> Messenger:
    if isinstance(method, AnswerCallbackQuery):
        maxed = method.callback_query_id.startswith(CALLBACK_PREFIX)
        return Messenger.MAX if maxed else Messenger.TELEGRAM
    if isinstance(method, SetMyCommands | DeleteMyCommands):
        scoped = getattr(method.scope, "chat_id", None) if method.scope is not None else None
        return messenger_of(int(scoped)) if isinstance(scoped, int) else default
    chat = getattr(method, "chat_id", None)
    if isinstance(chat, int):
        return messenger_of(chat)
    return default


class RoutingSession(BaseSession):
    def __init__(self, telegram: BaseSession | None, max_session: BaseSession | None) -> None:
        api = telegram.api if telegram is not None else PRODUCTION
        super().__init__(api=api if isinstance(api, TelegramAPIServer) else PRODUCTION)
        self.sessions = {Messenger.TELEGRAM: telegram, Messenger.MAX: max_session}
        self.default = Messenger.TELEGRAM if telegram is not None else Messenger.MAX

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        target = messenger_for(method, self.default)
        session = self.sessions[target]
        if session is None:  # a person of a messenger this installation no longer serves
            raise TelegramForbiddenError(method, f"Forbidden: {target} is not configured here")
        also = self.sessions[Messenger.MAX]
        if target is Messenger.TELEGRAM and also is not None and _menu_for_all(method):
            await also.make_request(bot, method, timeout)  # MAX has one menu: the default one
        return await session.make_request(bot, method, timeout)

    async def stream_content(self, url: str, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        telegram = self.sessions[Messenger.TELEGRAM]
        assert telegram is not None
        async for chunk in telegram.stream_content(url, *args, **kwargs):
            yield chunk

    async def close(self) -> None:
        for session in self.sessions.values():
            if session is not None:
                await session.close()


def _menu_for_all(method: Any) -> bool:
    return isinstance(method, SetMyCommands) and method.scope is None and not method.language_code
