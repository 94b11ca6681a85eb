"""aiogram routers. Order matters: commands first (they work inside any dialogue),
then dialogues, then the fallback that answers whatever is left."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    basics,
    completion,
    curator,
    digest,
    export,
    group,
    join,
    meetings,
    pairs,
    plans,
    programmes,
    proposals,
    questionnaire,
    surveys,
)


def get_routers() -> list[Router]:
    return [
        basics.commands_router(),
        join.router(),
        basics.router(),
        curator.router(),
        pairs.router(),
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
        questionnaire.router(),
        basics.fallback_router(),
    ]
