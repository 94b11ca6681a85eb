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


def pressed_label(cb: CallbackQuery) -> str | None:
    """The text of the button that was pressed, read off the message it was under."""
    if not isinstance(cb.message, Message) or cb.message.reply_markup is None:
        return None
    for row in cb.message.reply_markup.inline_keyboard:
        for button in row:
            if button.callback_data == cb.data:
                return button.text
    return None


async def collapse_pressed(bot: Bot, cb: CallbackQuery) -> None:
    """Collapse the prompt to its question and the button chosen (or just drop the buttons
    when the button can't be found)."""
    label = pressed_label(cb)
    if label is not None:
        await collapse(bot, cb, label)
    elif isinstance(cb.message, Message):
        with suppress(TelegramBadRequest):
            await bot.edit_message_reply_markup(chat_id=cb.message.chat.id, message_id=cb.message.message_id)
