"""Rendering mentoring groups: the curator's group card, the proposals (the mentor's one for
the group, each member's own), without anyone's contact: a member learns who the mentor is
and that it is a group, never another member's name or data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiogram.types import InlineKeyboardMarkup

from bot.domain.pairs import Pair, PairStatus
from bot.i18n import Html, L10n, Translator
from bot.services.groups import GroupView
from handlers import pair_texts as texts
from handlers import render
from handlers.callbacks import GroupCb, GroupMineCb, PairCb, ProposalCb
from handlers.common import notify, strings_for
from handlers.kb import InlineKeyboardBuilder
from storage.unit import Unit


def card(t: L10n, v: GroupView, number: int | None = None) -> str:
    """The curator's card: the mentor, then each member with the reasons they fit."""
    lines = [
        t(
            "groups.card",
            n=number if number is not None else v.group.number,
            mentor=Html(texts.who(t, v.mentor)),
            count=len(v.pairs),
            status=Html(t(f"groups.status.{v.group.status.value}")),
        )
    ]
    for i, p in enumerate(v.pairs, start=1):
        score = f"{p.score:.1f}" if p.score is not None else "⚠️"
        lines.append(
            t(
                "groups.member_line",
                i=i,
                who=Html(texts.who(t, p.mentee)),
                status=Html(t(f"pair.status.{p.status.value}")),
                score=score,
                why=Html(texts.reasons_text(t, p.reasons)),
            )
        )
    return "\n".join(lines)


def card_keyboard(t: L10n, v: GroupView, others: Sequence[GroupView] = ()) -> InlineKeyboardMarkup:
    """Confirm a draft group; edit a member (the pair's card); move a working member."""
    kb = InlineKeyboardBuilder()
    if any(p.status is PairStatus.DRAFT for p in v.pairs):
        kb.button(text=t("groups.btn.confirm"), callback_data=GroupCb(a="ok", g=v.group.id))
    for i, p in enumerate(v.pairs[:20], start=1):
        kb.button(text=t("groups.btn.member", i=i), callback_data=PairCb(action="card", pair=p.id))
    if others and any(p.status is not PairStatus.DRAFT for p in v.pairs):
        kb.button(text=t("groups.btn.move"), callback_data=GroupCb(a="mv", g=v.group.id))
    kb.adjust(1, 5)
    return kb.as_markup()


def draft_groups(pairs: Sequence[Pair]) -> tuple[dict[int, list[Pair]], list[Pair]]:
    """A draft's pairs by group (in order of first appearance), and those in none."""
    by_group: dict[int, list[Pair]] = {}
    alone = []
    for p in pairs:
        if p.group_id is None:
            alone.append(p)
        else:
            by_group.setdefault(p.group_id, []).append(p)
    return by_group, alone


def member_intro(t: L10n, pair: Pair, size: int) -> str:
    """A member's proposal: the mentor and that it is a group of ``size``; no other member."""
    tags = ""
    if pair.mentor.profile is not None:
        group = render.tag_group(pair.mentor.role)
        tags = t("intro.tags_mentor", items=Html(render.labels(t, group, pair.mentor.profile.tags)))
    return t(
        "groups.intro_member",
        who=Html(texts.who(t, pair.mentor)),
        size=Html(t("groups.n_members", count=size)),
        tags=Html(tags),
        why=Html(texts.reasons_text(t, pair.reasons)),
    )


def mentor_intro(t: L10n, pairs: Sequence[Pair]) -> str:
    """The mentor's proposal: the members (a mentor sees whom they will support, as for a pair)."""
    members = "\n".join(
        f"{i}. {texts.who(t, p.mentee)} · {texts.reasons_text(t, p.reasons)}" for i, p in enumerate(pairs, 1)
    )
    return t("groups.intro_mentor", size=Html(t("groups.n_members", count=len(pairs))), members=Html(members))


async def propose(uow: Unit, now: datetime, i18n: Translator, v: GroupView) -> None:
    """The mentor gets one proposal for the group; each member their own, as for a pair."""
    waiting = [p for p in v.pairs if p.status is PairStatus.PROPOSED]
    if not waiting:
        return
    st = await strings_for(uow, i18n, v.mentor.user_id)
    if any(p.mentor_answer is None for p in waiting):
        kb = InlineKeyboardBuilder()
        kb.button(text=st("btn.accept"), callback_data=GroupMineCb(a="y", id=v.group.id))
        kb.button(text=st("btn.decline"), callback_data=GroupMineCb(a="n", id=v.group.id))
        ids = "-".join(str(p.id) for p in waiting)[:60]
        await notify(
            uow,
            now,
            v.mentor.user_id,
            mentor_intro(st, waiting),
            kb.as_markup(),
            key=f"gpropose:{v.group.id}:{ids}",
        )
    for pair in waiting:
        if pair.mentee_answer is not None:
            continue
        mt = await strings_for(uow, i18n, pair.mentee.user_id)
        kb = InlineKeyboardBuilder()
        kb.button(text=mt("btn.accept"), callback_data=ProposalCb(pair=pair.id, answer="y"))
        kb.button(text=mt("btn.decline"), callback_data=ProposalCb(pair=pair.id, answer="n"))
        await notify(
            uow,
            now,
            pair.mentee.user_id,
            member_intro(mt, pair, len(v.pairs)),
            kb.as_markup(),
            key=f"propose:{pair.id}:{pair.mentee.id}",
        )


def in_group_order(pairs: Sequence[Pair]) -> list[Pair]:
    """A draft's pairs with each group's members together (groups in order of appearance)."""
    by_group, alone = draft_groups(pairs)
    return [p for members in by_group.values() for p in members] + alone


def draft_blocks(t: L10n, pairs: Sequence[Pair], numbers: dict[int, int]) -> list[str]:
    """The draft of a group programme: each group as one card (the mentor, then the members
    numbered as the draft's «✏️ Пара n» buttons), pairs in no group after."""
    blocks = []
    n = 0
    by_group, alone = draft_groups(pairs)
    for gid, members in by_group.items():
        lines = [
            t(
                "groups.draft_card",
                n=numbers.get(gid, 0),
                mentor=Html(texts.who(t, members[0].mentor)),
                count=len(members),
            )
        ]
        for p in members:
            n += 1
            score = f"{p.score:.1f}" if p.score is not None else "⚠️"
            lines.append(
                t(
                    "groups.draft_member",
                    i=n,
                    mentee=p.mentee.name,
                    score=score,
                    why=Html(texts.reasons_text(t, p.reasons)),
                )
            )
        blocks.append("\n".join(lines))
    for p in alone:
        n += 1
        blocks.append(texts.pair_line(t, n, p))
    return blocks
