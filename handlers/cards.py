"""Number buttons under the participants list: each opens that participant's card (with the
curator's buttons: trained, a parent's consent, «нужна поддержка»)."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.models import Participant
from handlers.callbacks import CardCb

ROW = 7  # MAX holds 7 a row (Telegram 8): the same layout in both


def with_cards(
    markup: InlineKeyboardMarkup, items: Sequence[Participant], first: int
) -> InlineKeyboardMarkup:
    """``markup`` with a row of numbered card buttons (``first`` is the first line's number)."""
    buttons = [
        InlineKeyboardButton(text=str(first + i), callback_data=CardCb(part=p.id).pack())
        for i, p in enumerate(items)
    ]
    rows = [buttons[i : i + ROW] for i in range(0, len(buttons), ROW)]
    return InlineKeyboardMarkup(inline_keyboard=[*rows, *markup.inline_keyboard])
