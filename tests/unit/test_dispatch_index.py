"""The routing index chooses exactly the handler aiogram would choose, and asks fewer routers."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.dispatch_index import IndexedDispatcher, needs, update_key
from handlers import get_routers, inline_sync_filters


class Ask(StatesGroup):
    name = State()
    age = State()


class Aa(CallbackData, prefix="aa"):
    v: int


class Bb(CallbackData, prefix="bb"):
    v: int


def routers(calls: list[str]) -> list[Router]:
    def record(name: str) -> Any:
        async def handler(event: Any) -> None:
            calls.append(name)

        return handler

    commands, dialogue, buttons, magic, fallback = (Router(name=n) for n in ("c", "d", "b", "m", "f"))
    commands.message.register(record("start"), CommandStart())
    commands.message.register(record("help"), Command("help"))
    dialogue.message.register(record("name"), Ask.name)
    dialogue.message.register(record("age"), StateFilter(Ask.age), F.text.isdigit())
    dialogue.message.register(record("cancel-in-dialogue"), Command("cancel"), StateFilter(Ask.name, Ask.age))
    buttons.callback_query.register(record("aa"), Aa.filter())
    buttons.callback_query.register(record("bb-asking-age"), Bb.filter(), Ask.age)
    magic.message.register(record("magic"), F.text == "привет")
    magic.callback_query.register(record("magic-button"), F.data == "bb:7")
    fallback.message.register(record("fallback"))
    fallback.callback_query.register(record("fallback-button"))
    all_ = [commands, dialogue, buttons, magic, fallback]
    inline_sync_filters(all_)
    return all_


USER = User(id=5, is_bot=False, first_name="Аня")
CHAT = Chat(id=5, type="private")


def message(text: str | None, n: int) -> Update:
    msg = Message(message_id=n, date=datetime(2026, 12, 3), chat=CHAT, from_user=USER, text=text)
    return Update(update_id=n, message=msg)


def press(data: str | None, n: int) -> Update:
    msg = Message(message_id=1, date=datetime(2026, 12, 3), chat=CHAT, from_user=USER, text="x")
    return Update(
        update_id=n,
        callback_query=CallbackQuery(id=str(n), from_user=USER, chat_instance="i", message=msg, data=data),
    )


TEXTS = ("/start", "/start abc", "/help", "/HELP", "/help@other_bot", "/help@nastavnik_bot",
         "/cancel", "/", "/ help", "привет", "42", "Аня", "", "/unknown", "текст /help", None)  # fmt: skip
DATA = ("aa:1", "aa:x", "bb:7", "bb:8", "zz:1", "aa", "", None)
STATES = (None, Ask.name, Ask.age)


async def choose(dp: Dispatcher, bot: Bot, calls: list[str], update: Update, state: State | None) -> str:
    await dp.fsm.get_context(bot, CHAT.id, USER.id).set_state(state)
    calls.clear()
    await dp.feed_update(bot, update)
    return calls[0] if calls else "-"


async def test_the_same_handler_answers_every_update() -> None:
    plain_calls: list[str] = []
    indexed_calls: list[str] = []
    plain, indexed = Dispatcher(), IndexedDispatcher()
    plain.include_routers(*routers(plain_calls))
    indexed.include_routers(*routers(indexed_calls))
    bot = Bot("42:TEST")
    bot._me = User(id=42, is_bot=True, first_name="Наставник", username="nastavnik_bot")  # no getMe
    n = itertools.count(1)
    chosen = []
    for state in STATES:
        updates = [message(t, next(n)) for t in TEXTS] + [press(d, next(n)) for d in DATA]
        for update in updates:
            a = await choose(plain, bot, plain_calls, update, state)
            b = await choose(indexed, bot, indexed_calls, update, state)
            assert a == b, (state, update.model_dump(exclude_none=True))
            chosen.append(a)
    await bot.session.close()
    # the cases mean something: every handler of the fixture answers some update
    assert set(chosen) == {
        "start", "help", "name", "age", "cancel-in-dialogue", "aa", "bb-asking-age",
        "magic", "magic-button", "fallback", "fallback-button",
    }  # fmt: skip


async def test_fewer_routers_are_asked() -> None:
    dp = IndexedDispatcher()
    dp.include_routers(*routers([]))
    names = [r.name for r in dp.candidates("callback_query", "aa", None)]
    assert names == ["b", "m", "f"]  # the magic filter keeps its router; the fallback stays last
    assert [r.name for r in dp.candidates("message", "help", None)] == ["c", "m", "f"]
    assert [r.name for r in dp.candidates("message", None, Ask.age.state)] == ["d", "m", "f"]
    assert [r.name for r in dp.candidates("message", "cancel", Ask.name.state)] == ["d", "m", "f"]


def test_what_a_handler_needs_is_read_from_its_filters() -> None:
    calls: list[str] = []
    dialogue = routers(calls)[1]
    cancel = dialogue.message.handlers[2]
    n = needs(cancel)
    assert n.keys == frozenset({"cancel"})
    assert n.states == frozenset({Ask.name.state, Ask.age.state})


def test_update_key() -> None:
    assert update_key(message("/Start@bot x", 1).message) == "start"  # type: ignore[arg-type]
    assert update_key(message("привет", 1).message) is None  # type: ignore[arg-type]
    assert update_key(press("pg:3:x", 1).callback_query) == "pg"  # type: ignore[arg-type]
    long = update_key(message("/" + "x" * 5000, 1).message)  # type: ignore[arg-type]
    assert long is not None and len(long) == 65


def test_the_bots_routers_are_indexed_by_their_buttons() -> None:
    dp = IndexedDispatcher()
    dp.include_routers(*get_routers())
    asked = [r.name for r in dp.candidates("callback_query", "qs", "Questionnaire:summary")]
    assert "questionnaire" in asked and asked[-1] == "fallback"
    assert len(asked) < len(dp.sub_routers) / 3
    assert "curator" not in [r.name for r in dp.candidates("callback_query", "mt", None)]
