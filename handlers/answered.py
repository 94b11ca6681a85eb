"""An answered prompt keeps its question and shows the answer chosen, without buttons
(as registration does), so an old prompt can't be pressed again by mistake."""

from __future__ import annotations

from contextlib import suppress

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message

from bot.i18n import escape


async def collapse(bot: Bot, cb: CallbackQuery, answer: str) -> None:
    """``answer`` is plain text (escaped here)."""
    if not isinstance(cb.message, Message):
        return
    with suppress(TelegramBadRequest):  # too old to edit, or already collapsed
        await bot.edit_message_text(
            f"{cb.message.html_text}\n→ <b>{escape(answer)}</b>",
            chat_id=cb.message.chat.id,
            message_id=cb.message.message_id,
        )
