"""An inline keyboard builder with the part of aiogram's ``InlineKeyboardBuilder`` API the
bot uses (``button``, ``row``, ``adjust``, ``as_markup``), without its cost: aiogram's
builder deep-copies its whole markup (pydantic models) on every ``button`` call, which
makes a keyboard quadratic and was a visible share of each update's time."""

from __future__ import annotations

from itertools import chain, cycle, repeat
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

MAX_WIDTH = 8  # Telegram's widest row, as aiogram's builder keeps it


class InlineKeyboardBuilder:
    def __init__(self) -> None:
        self._rows: list[list[InlineKeyboardButton]] = []

    @property
    def buttons(self) -> list[InlineKeyboardButton]:
        return list(chain.from_iterable(self._rows))

    def button(
        self, *, text: str, callback_data: CallbackData | str | None = None, **kwargs: Any
    ) -> InlineKeyboardBuilder:
        """Add a button to the last row while it has room, else start a row."""
        if isinstance(callback_data, CallbackData):
            callback_data = callback_data.pack()
        if callback_data is not None:
            kwargs["callback_data"] = callback_data
        button = InlineKeyboardButton(text=text, **kwargs)
        if self._rows and len(self._rows[-1]) < MAX_WIDTH:
            self._rows[-1].append(button)
        else:
            self._rows.append([button])
        return self

    def row(self, *buttons: InlineKeyboardButton, width: int = MAX_WIDTH) -> InlineKeyboardBuilder:
        """Add these buttons as new rows of at most ``width``."""
        self._rows.extend(list(buttons[i : i + width]) for i in range(0, len(buttons), width))
        return self

    def adjust(self, *sizes: int, repeat_sizes: bool = False) -> InlineKeyboardBuilder:
        """Lay all buttons out again in rows of these sizes (the last size repeats)."""
        sizes = sizes or (MAX_WIDTH,)
        widths = cycle(sizes) if repeat_sizes else chain(sizes, repeat(sizes[-1]))
        rows: list[list[InlineKeyboardButton]] = []
        row: list[InlineKeyboardButton] = []
        size = next(widths)
        for button in self.buttons:
            if len(row) >= size:
                rows.append(row)
                size, row = next(widths), []
            row.append(button)
        if row:
            rows.append(row)
        self._rows = rows
        return self

    def as_markup(self) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(inline_keyboard=[list(r) for r in self._rows])
