"""The per-person throttle as the first outer middleware: an update from someone over the
limit is dropped before the isolation lock, the database session and every handler, so a
spammer costs the others almost nothing. The first dropped update of a burst gets one
friendly «слишком часто» (a button press gets it as its toast); the rest get nothing."""

from __future__ import annotations

import json
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


VERDICTS_KEPT = 10_000  # verdicts of screened updates not yet handled (a crash may leave some)


class PersonThrottle(BaseMiddleware):
    """The throttle as an outer middleware; ``screen`` applies it earlier still, to the
    updates of a long poll as Telegram's JSON, before aiogram builds an object of each."""

    def __init__(
        self, settings: Settings, i18n: Translator, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.window = Throttle(settings.throttle_updates, settings.throttle_window_s)
        self.i18n = i18n
        self.now = now
        self.dropped = 0
        self.screened = 0  # dropped as JSON, never parsed
        self._verdicts: dict[tuple[int, int], Verdict] = {}

    def screen(self, updates: list[Any]) -> list[Any]:
        """A spammer's updates dropped from a getUpdates result before parsing. The last
        update of a batch is kept whatever its verdict (aiogram takes the next offset from
        it) and its verdict remembered, so it is counted once and dropped by ``__call__``."""
        kept: list[Any] = []
        last = len(updates) - 1
        now = self.now()
        for i, update in enumerate(updates):
            who = sender(update)
            if who is None:
                kept.append(update)
                continue
            verdict = self.window.hit(who, now)
            if verdict is Verdict.DROP and i < last:
                self.dropped += 1
                self.screened += 1
                continue
            if len(self._verdicts) >= VERDICTS_KEPT:
                self._verdicts.clear()
            self._verdicts[(int(update["update_id"]), who)] = verdict
            kept.append(update)
        return kept

    def loads(self, content: str) -> Any:
        """A JSON loader for the Telegram session: getUpdates' result goes through ``screen``."""
        data = json.loads(content)
        if isinstance(data, dict) and data.get("ok") and _is_updates(data.get("result")):
            data["result"] = self.screen(data["result"])
        return data

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        tg: TgUser | None = data.get("event_from_user")
        if tg is None or tg.is_bot:
            return await handler(event, data)
        verdict = None
        if isinstance(event, Update):
            verdict = self._verdicts.pop((event.update_id, tg.id), None)
        if verdict is None:  # not screened: a webhook, MAX, a test feeding updates
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


def _is_updates(result: Any) -> bool:
    return (
        isinstance(result, list) and bool(result) and isinstance(result[0], dict) and "update_id" in result[0]
    )


def sender(update: dict[str, Any]) -> int | None:
    """Who sent a raw update (a person, not a bot), as the throttle counts them."""
    for key, value in update.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        person = value.get("from") or value.get("user")
        if isinstance(person, dict) and not person.get("is_bot") and isinstance(person.get("id"), int):
            return int(person["id"])
        return None
    return None
