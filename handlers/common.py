"""Helpers every router uses: sending, answering a rule's "no", the command menus."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    CallbackQuery,
    InlineKeyboardMarkup,
)

from bot.domain.errors import DomainError, InvalidInput
from bot.i18n import L10n, Translator
from bot.textutil import split_blocks

log = logging.getLogger(__name__)

BASE_COMMANDS = ("start", "help", "language", "cancel")
MEMBER_COMMANDS = (*BASE_COMMANDS, "profile", "forget_me")
CURATOR_COMMANDS = ("programmes", "new_programme", "add_curator", *MEMBER_COMMANDS)


def error_text(t: L10n, error: DomainError) -> str:
    params = error.params if isinstance(error, InvalidInput) else {}
    return t(error.key, **params)


async def refuse(cb: CallbackQuery, t: L10n, error: DomainError | str) -> None:
    """Answer a button press that a rule refused; nothing changes."""
    text = t(error) if isinstance(error, str) else error_text(t, error)
    await cb.answer(text[:200], show_alert=True)


async def send_long(
    bot: Bot, chat_id: int, blocks: Sequence[str], markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send blocks as few messages as fit Telegram's 4096-character limit; the keyboard
    goes with the last one."""
    parts = split_blocks(blocks)
    for i, part in enumerate(parts):
        await bot.send_message(chat_id, part, reply_markup=markup if i == len(parts) - 1 else None)


async def notify(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> bool:
    """A message the bot starts itself; a person who blocked the bot does not stop the flow."""
    try:
        await bot.send_message(chat_id, text, reply_markup=markup)
    except TelegramForbiddenError:
        log.info("chat %s blocked the bot", chat_id)
        return False
    except TelegramAPIError as exc:
        log.warning("could not notify %s: %s", chat_id, exc)
        return False
    return True


def commands(t: L10n, names: Sequence[str]) -> list[BotCommand]:
    return [BotCommand(command=name, description=t(f"cmd.{name}")) for name in names]


async def set_default_commands(bot: Bot, i18n: Translator) -> None:
    for lang in i18n.languages:
        await bot.set_my_commands(
            commands(i18n.get(lang), BASE_COMMANDS),
            scope=BotCommandScopeDefault(),
            language_code=lang,
        )
    await bot.set_my_commands(commands(i18n.get(i18n.default), BASE_COMMANDS))


async def set_user_commands(bot: Bot, t: L10n, user_id: int, curator: bool, member: bool) -> None:
    names = CURATOR_COMMANDS if curator else MEMBER_COMMANDS if member else BASE_COMMANDS
    try:
        await bot.set_my_commands(commands(t, names), scope=BotCommandScopeChat(chat_id=user_id))
    except TelegramAPIError as exc:
        log.warning("could not set commands for %s: %s", user_id, exc)


async def tell_curators(bot: Bot, curators: Sequence[tuple[int, L10n]], key: str, **params: object) -> None:
    """Each curator of the organisation, privately, in their own language."""
    for chat_id, t in curators:
        await notify(bot, chat_id, t(key, **params))
