"""A callback query is answered once: Telegram refuses a second answer ("query is too old
or query ID is invalid"). The bot's session remembers which queries it has answered, so a
rule's refusal that comes after the handler already answered goes as a message instead."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.methods.base import TelegramType


class AnsweredQueries(BaseRequestMiddleware):
    def __init__(self, keep: int = 10_000) -> None:
        self.keep = keep
        self._ids: OrderedDict[str, None] = OrderedDict()

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        if isinstance(method, AnswerCallbackQuery):  # tried once is answered: never again
            self._ids[method.callback_query_id] = None
            while len(self._ids) > self.keep:
                self._ids.popitem(last=False)
        return await make_request(bot, method)

    def answered(self, query_id: str) -> bool:
        return query_id in self._ids


def was_answered(bot: Bot | None, query_id: str) -> bool:
    if bot is None:
        return False
    return any(isinstance(m, AnsweredQueries) and m.answered(query_id) for m in bot.session.middleware)
