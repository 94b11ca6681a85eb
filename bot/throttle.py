"""The per-person throttle as the first outer middleware: an update from someone over the
limit is dropped before the isolation lock, the database session and every handler, so a
spammer costs the others almost nothing. The first dropped update of a burst gets one
friendly «слишком часто» (a button press gets it as its toast); the rest get nothing."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, TelegramObject, Update
from aiogram.types import User as TgUser

from bot.domain.throttle import Throttle, Verdict
from bot.i18n import Translator
from bot.settings import Settings

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class PersonThrottle(BaseMiddleware):
    def __init__(
        self, settings: Settings, i18n: Translator, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.window = Throttle(settings.throttle_updates, settings.throttle_window_s)
        self.i18n = i18n
        self.now = now
        self.dropped = 0

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg: TgUser | None = data.get("event_from_user")
        if tg is None or tg.is_bot:
            return await handler(event, data)
        verdict = self.window.hit(tg.id, self.now())
        if verdict is Verdict.ALLOW:
            return await handler(event, data)
        self.dropped += 1
        if verdict is Verdict.WARN and isinstance(event, Update):
            await self._warn(data["bot"], event, tg, data.get("event_chat"))
        return None

    async def _warn(self, bot: Bot, update: Update, tg: TgUser, chat: Chat | None) -> None:
        """Said in the person's language as Telegram gives it: no database read for a spammer."""
        t = self.i18n.get(self.i18n.pick(tg.language_code))
        try:
            if update.callback_query is not None:
                await bot.answer_callback_query(update.callback_query.id, t("throttle.private"))
            elif chat is not None and chat.type == "private":
                await bot.send_message(chat.id, t("throttle.private"))
            elif chat is not None and update.message is not None:
                await bot.send_message(chat.id, t("throttle.group", name=tg.full_name))
        except TelegramAPIError as err:  # the word is a courtesy; never fail on it
            log.info("throttle notice to %s not sent: %s", tg.id, err)
