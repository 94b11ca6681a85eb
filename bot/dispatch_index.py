"""An index from what an update asks for to the routers that could answer it.

aiogram offers an update to every router in turn, and each router checks each of its
handlers' filters until one matches: a button press of the questionnaire walks through
some twenty routers and a hundred filters first. Most handlers are bound by something the
update shows at once — a button's CallbackData prefix, a command, the conversation state —
so the dispatcher below asks only the routers with a handler that could match, in the same
order. A handler whose filters say nothing of these (a magic filter, a custom one) keeps its
router a candidate for everything: skipping is only ever done when no handler can match,
so what answers an update is exactly what aiogram would have chosen."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.bases import REJECTED, UNHANDLED
from aiogram.dispatcher.event.handler import FilterObject, HandlerObject
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message, TelegramObject

INDEXED = ("message", "callback_query")
SEPARATOR = ":"
MEMO_LIMIT = 4096
LONGEST_KEY = 64  # no button prefix or command of ours is longer; a longer one matches none
ANY: frozenset[Any] = frozenset({"*"})


@dataclass(frozen=True)
class Needs:
    """What one handler needs of an update; None means "says nothing of it"."""

    keys: frozenset[str | None] | None  # button prefixes, or command names (lower case)
    states: frozenset[str | None] | None


def _original(flt: FilterObject) -> Any:
    return getattr(flt.callback, "__wrapped__", flt.callback)


def _states(value: Any) -> frozenset[str | None] | None:
    if isinstance(value, State):
        return None if value.state == "*" else frozenset({value.state})
    if isinstance(value, StateFilter):
        found: set[str | None] = set()
        for s in value.states:
            if isinstance(s, State) and s.state != "*":
                found.add(s.state)
            elif s is None or (isinstance(s, str) and s != "*"):
                found.add(s)
            else:
                return None  # a group of states or "*": anything may match
        return frozenset(found)
    return None


def _keys(value: Any) -> frozenset[str | None] | None:
    if isinstance(value, CallbackQueryFilter):
        data = value.callback_data
        if data.__separator__ != SEPARATOR:
            return None
        return frozenset({data.__prefix__})
    if isinstance(value, Command):
        names = set()
        for c in value.commands:
            if not isinstance(c, str) or value.prefix != "/":
                return None
            names.add(c.lower())
        return frozenset(names)
    return None


def _narrow(a: frozenset[Any] | None, b: frozenset[Any] | None) -> frozenset[Any] | None:
    if a is None:
        return b
    return a if b is None else a & b


def needs(handler: HandlerObject) -> Needs:
    keys: frozenset[str | None] | None = None
    states: frozenset[str | None] | None = None
    for flt in handler.filters or ():
        value = _original(flt)
        keys = _narrow(keys, _keys(value))
        states = _narrow(states, _states(value))
    return Needs(keys, states)


def update_key(event: TelegramObject) -> str | None:
    """The button prefix of a press, the command of a message (lower case), else None."""
    key = _key(event)
    return key[: LONGEST_KEY + 1] if key is not None else None


def _key(event: TelegramObject) -> str | None:
    if isinstance(event, CallbackQuery):
        return event.data.split(SEPARATOR, 1)[0] if event.data else None
    if isinstance(event, Message):
        text = event.text or event.caption
        if not text or not text.startswith("/"):
            return None
        return text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else None
    return None


def may_answer(observer: TelegramEventObserver, key: str | None, state: str | None) -> bool:
    for handler in observer.handlers:
        n = needs(handler)
        if (n.keys is None or key in n.keys) and (n.states is None or state in n.states):
            return True
    return False


class IndexedDispatcher(Dispatcher):
    """A Dispatcher that offers a message or a button press only to the routers that could
    answer it (see the module's doc). Other updates go through every router as before."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._memo: dict[tuple[str, str | None, str | None], tuple[Router, ...]] = {}
        self._routers_seen = 0

    def candidates(self, update_type: str, key: str | None, state: str | None) -> tuple[Router, ...]:
        if self._routers_seen != len(self.sub_routers) or len(self._memo) > MEMO_LIMIT:
            self._memo.clear()
            self._routers_seen = len(self.sub_routers)
        memo_key = (update_type, key, state)
        found = self._memo.get(memo_key)
        if found is None:
            found = tuple(_matching(self.sub_routers, update_type, key, state))
            self._memo[memo_key] = found
        return found

    async def _propagate_event(
        self,
        observer: TelegramEventObserver | None,
        update_type: str,
        event: TelegramObject,
        **kwargs: Any,
    ) -> Any:
        if update_type not in INDEXED:
            return await super()._propagate_event(observer, update_type, event, **kwargs)
        response = UNHANDLED
        if observer:
            result, data = await observer.check_root_filters(event, **kwargs)
            if not result:
                return UNHANDLED
            kwargs.update(data)
            response = await observer.trigger(event, **kwargs)
            if response is REJECTED:  # pragma: no cover - as in aiogram
                return UNHANDLED
            if response is not UNHANDLED:
                return response
        key = update_key(event)
        for router in self.candidates(update_type, key, kwargs.get("raw_state")):
            response = await router.propagate_event(update_type=update_type, event=event, **kwargs)
            if response is not UNHANDLED:
                break
        return response


def _matching(
    routers: Iterable[Router], update_type: str, key: str | None, state: str | None
) -> list[Router]:
    out = []
    for router in routers:
        observer = router.observers.get(update_type)
        if router.sub_routers or observer is None or may_answer(observer, key, state):
            out.append(router)
    return out
