"""Helpers every router uses: sending, answering a rule's "no", the command menus."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    CallbackQuery,
    InlineKeyboardMarkup,
)

from bot.answered import was_answered
from bot.domain.errors import DomainError, InvalidInput
from bot.i18n import L10n, Translator
from bot.services import register
from bot.textutil import split_blocks
from storage.unit import Unit

log = logging.getLogger(__name__)

BASE_COMMANDS = ("start", "help", "language", "cancel")
MEMBER_COMMANDS = (*BASE_COMMANDS, "profile", "meetings", "forget_me")
CURATOR_COMMANDS = (
    "programmes",
    "new_programme",
    "digest",
    "export",
    "pupils",
    "add_curator",
    "alerts",
    "base",
    *MEMBER_COMMANDS,
)


def error_text(t: L10n, error: DomainError) -> str:
    params = error.params if isinstance(error, InvalidInput) else {}
    return t(error.key, **params)


async def refuse(cb: CallbackQuery, t: L10n, error: DomainError | str) -> None:
    """Answer a button press that a rule refused; nothing changes. A press the handler
    already answered is told by a message: a query is answered once."""
    text = t(error) if isinstance(error, str) else error_text(t, error)
    if was_answered(cb.bot, cb.id):
        if cb.bot is not None:
            await cb.bot.send_message(cb.from_user.id, text)
        return
    await cb.answer(text[:200], show_alert=True)


async def send_long(
    bot: Bot, chat_id: int, blocks: Sequence[str], markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send blocks as few messages as fit Telegram's 4096-character limit; the keyboard
    goes with the last one."""
    parts = split_blocks(blocks)
    for i, part in enumerate(parts):
        await bot.send_message(chat_id, part, reply_markup=markup if i == len(parts) - 1 else None)


async def notify(
    uow: Unit,
    now: datetime,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    key: str | None = None,
    not_before: datetime | None = None,
    expires_at: datetime | None = None,
    photo: bytes | None = None,
) -> bool:
    """A message the bot starts itself goes through the outbox: recorded in this update's
    transaction (so a refused action sends nothing), paced and retried by the sender."""
    payload = markup.model_dump(mode="json", exclude_none=True) if markup is not None else None
    return await uow.outbox.enqueue(
        key or f"msg:{uuid.uuid4().hex}", chat_id, text, payload, now, not_before, expires_at, photo=photo
    )


async def strings_for(uow: Unit, i18n: Translator, user_id: int) -> L10n:
    """The strings of the person the bot is about to write to, in their language and
    register («вы» for an adult, «ты» for a pupil)."""
    owner = await uow.people.get(user_id)
    return await register.strings(uow, i18n, user_id, owner.locale if owner else None)


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


async def tell_curators(
    uow: Unit, now: datetime, curators: Sequence[tuple[int, L10n]], key: str, **params: object
) -> None:
    """Each curator of the organisation, privately, in their own language."""
    for chat_id, t in curators:
        await notify(uow, now, chat_id, t(key, **params))
