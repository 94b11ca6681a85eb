"""aiogram routers. Order matters: commands first (they work inside any dialogue),
then dialogues, then the fallback that answers whatever is left."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import CallableObject

from handlers import (
    base,
    basics,
    completion,
    consent,
    curator,
    digest,
    export,
    forms,
    group,
    join,
    meetings,
    mentoring_groups,
    moves,
    owner,
    pairs,
    plans,
    programmes,
    proposals,
    questionnaire,
    safety,
    surveys,
    voice,
)


def _inline(obj: CallableObject) -> None:
    """aiogram runs a plain (non-async) filter in a worker thread: a state or an F-filter
    then costs a thread hop per check, dozens per update. These checks are trivial, so run
    them in the loop instead (their parameters were read from the original at creation)."""
    if obj.awaitable:
        return
    sync: Callable[..., Any] = obj.callback

    async def call(*args: Any, **kwargs: Any) -> Any:
        return sync(*args, **kwargs)

    call.__wrapped__ = sync  # type: ignore[attr-defined]  # what the filter is (bot/dispatch_index.py)
    obj.callback, obj.awaitable = call, True


def inline_sync_filters(routers: Iterable[Router]) -> None:
    for router in routers:
        for observer in router.observers.values():
            for handler in [observer._handler, *observer.handlers]:
                for flt in handler.filters or ():
                    _inline(flt)
        inline_sync_filters(router.sub_routers)


def get_routers() -> list[Router]:
    routers = [
        basics.commands_router(),
        owner.router(),
        moves.router(),
        join.router(),
        basics.router(),
        safety.router(),
        voice.router(),
        consent.router(),  # before curator's: its DecideCb actions "cf" and "pn"
        curator.router(),
        forms.router(),
        base.router(),
        pairs.router(),
        mentoring_groups.router(),
        pairs.ranking_router(),
        digest.router(),
        surveys.router(),
        surveys.curator_router(),
        completion.router(),
        export.router(),
        proposals.router(),
        meetings.router(),
        plans.router(),
        programmes.router(),
        group.router(),
        curator.refusals_router(),
        forms.refusals_router(),
        questionnaire.router(),
        basics.fallback_router(),
    ]
    inline_sync_filters(routers)
    return routers
