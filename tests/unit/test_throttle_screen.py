"""The throttle applied to a long poll's JSON: a spammer's updates dropped before parsing,
the batch's last update kept (the next offset comes from it) and counted once."""

from __future__ import annotations

import json
from typing import Any

from aiogram.types import Update

from bot.domain.throttle import Verdict
from bot.i18n import Translator
from bot.settings import Settings
from bot.throttle import PersonThrottle, sender


def raw(update_id: int, who: int, *, kind: str = "message", is_bot: bool = False) -> dict[str, Any]:
    person = {"id": who, "is_bot": is_bot, "first_name": "Аня"}
    if kind == "callback_query":
        return {"update_id": update_id, kind: {"id": str(update_id), "from": person, "chat_instance": "1"}}
    return {
        "update_id": update_id,
        kind: {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": who, "type": "private"},
            "from": person,
            "text": "/help",
        },
    }


def throttle(limit: int = 3) -> PersonThrottle:
    settings = Settings(_env_file=None, throttle_updates=limit, throttle_window_s=10.0)  # type: ignore[call-arg]
    return PersonThrottle(settings, Translator(), now=lambda: 100.0)


def test_the_spammers_updates_are_dropped_as_json_and_the_last_is_kept() -> None:
    t = throttle()
    batch = [raw(i, 7) for i in range(1, 9)] + [raw(9, 8)]
    kept = t.screen(batch)
    # 3 allowed, the 4th warned (kept: it gets the «слишком часто»), 5..8 dropped; the other person kept
    assert [u["update_id"] for u in kept] == [1, 2, 3, 4, 9]
    assert t.screened == 4 and t.dropped == 4
    only_spam = t.screen([raw(10, 7), raw(11, 7)])
    assert [u["update_id"] for u in only_spam] == [11]  # the last one stays for the offset
    assert t._verdicts[(11, 7)] is Verdict.DROP


def test_loads_screens_only_get_updates_results() -> None:
    t = throttle(limit=1)
    polled = json.dumps({"ok": True, "result": [raw(1, 7), raw(2, 7), raw(3, 7), raw(4, 5)]})
    assert [u["update_id"] for u in t.loads(polled)["result"]] == [1, 2, 4]
    sent = json.dumps(
        {"ok": True, "result": {"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"}}}
    )
    assert t.loads(sent) == json.loads(sent)
    assert t.loads(json.dumps({"ok": True, "result": []}))["result"] == []


async def test_a_screened_update_is_counted_once_by_the_middleware() -> None:
    t = throttle(limit=2)
    kept = t.screen([raw(1, 7), raw(2, 7)])
    handled: list[int] = []

    async def handler(event: Any, data: dict[str, Any]) -> None:
        handled.append(event.update_id)

    for u in kept:
        update = Update.model_validate(u)
        await t(handler, update, {"event_from_user": update.message.from_user})  # type: ignore[union-attr]
    assert handled == [1, 2]  # both allowed: the middleware did not count them a second time
    assert t._verdicts == {}


def test_sender() -> None:
    assert sender(raw(1, 7)) == 7
    assert sender(raw(1, 7, kind="callback_query")) == 7
    assert sender(raw(1, 7, is_bot=True)) is None
    assert sender({"update_id": 1, "channel_post": {"chat": {"id": -1}}}) is None
    assert sender({"update_id": 1, "message_reaction": {"user": {"id": 3}}}) == 3
