"""Editing a message to the content it already has is not an error. Telegram answers such
an edit (a double press, a choice made again) with 400 "message is not modified"; the
message already shows what the handler wanted, so the request counts as done."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    EditMessageCaption,
    EditMessageMedia,
    EditMessageReplyMarkup,
    EditMessageText,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)

EDITS = (EditMessageText, EditMessageReplyMarkup, EditMessageCaption, EditMessageMedia)
NOT_MODIFIED = "message is not modified"


class NotModifiedIsDone(BaseRequestMiddleware):
    """Every edit the bot makes, in handlers and elsewhere: "not modified" returns True
    (what Telegram returns for a successful edit of an inline message)."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        is_edit = isinstance(method, EDITS)
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if not is_edit or NOT_MODIFIED not in exc.message:
                raise
            log.debug("%s: already as asked", type(method).__name__)
            return True
