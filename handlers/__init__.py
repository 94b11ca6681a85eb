"""aiogram routers. Order matters: commands first (they work inside any dialogue),
then dialogues, then the fallback that answers whatever is left."""

from __future__ import annotations

from aiogram import Router

from handlers import basics, curator, group, join, meetings, pairs, programmes, proposals, questionnaire


def get_routers() -> list[Router]:
    return [
        join.router(),
        basics.router(),
        curator.router(),
        pairs.router(),
        proposals.router(),
        meetings.router(),
        programmes.router(),
        group.router(),
        curator.refusals_router(),
        questionnaire.router(),
        basics.fallback_router(),
    ]
