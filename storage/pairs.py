"""Pairs (a mentor and a mentee in a programme) from draft through proposal to the end,
and the exclusions that keep two people from being matched again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.catalog import Form, Role
from bot.domain.matching import Reasons
from bot.domain.models import Participant
from bot.domain.pairs import Pair, PairStatus
from storage.participants import ParticipantsRepo
from storage.tables import ExclusionRow, PairRow, ParticipantRow


class Side(NamedTuple):
    participant_id: int
    user_id: int
    name: str
    role: Role


class PairSides(NamedTuple):
    """Just enough of a pair to address its two sides (bulk reads for the scheduler)."""

    pair_id: int
    programme_id: int
    status: str
    mentor: Side
    mentee: Side
    group_id: int | None = None  # a member's pair in a mentoring group

    def other(self, side: Side) -> Side:
        return self.mentee if side.role is Role.MENTOR else self.mentor


class PairsRepo:
    """Pairs and proposals. Reads a pair with its two participants through ``participants``."""

    def __init__(self, session: AsyncSession, participants: ParticipantsRepo) -> None:
        self.session = session
        self.participants = participants

    async def create(
        self,
        programme_id: int,
        mentor_id: int,
        mentee_id: int,
        status: PairStatus,
        score: float | None,
        form: Form | None,
        reasons: Reasons | None,
        manual: bool,
        now: datetime,
    ) -> int:
        row = PairRow(
            programme_id=programme_id,
            mentor_id=mentor_id,
            mentee_id=mentee_id,
            status=status.value,
            score=score,
            form=form.value if form else None,
            reasons=_reasons_json(reasons),
            manual=manual,
            created_at=now,
            reminded=False,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def update(self, pair_id: int, **values: Any) -> None:
        if "status" in values and isinstance(values["status"], PairStatus):
            values["status"] = values["status"].value
        await self.session.execute(update(PairRow).where(PairRow.id == pair_id).values(**values))

    async def delete(self, pair_id: int) -> None:
        row = await self.session.get(PairRow, pair_id)
        if row is not None:
            await self.session.delete(row)
            await self.session.flush()

    async def delete_drafts(self, programme_id: int) -> None:
        for row in await self.session.scalars(
            select(PairRow).where(
                PairRow.programme_id == programme_id, PairRow.status == PairStatus.DRAFT.value
            )
        ):
            await self.session.delete(row)
        await self.session.flush()

    async def get(self, pair_id: int) -> Pair | None:
        row = await self.session.get(PairRow, pair_id)
        if row is None:
            return None
        mentor = await self.participants.get(row.mentor_id)
        mentee = await self.participants.get(row.mentee_id)
        if mentor is None or mentee is None:
            return None
        return _pair(row, mentor, mentee)

    async def in_programme(self, programme_id: int, statuses: tuple[PairStatus, ...]) -> list[Pair]:
        rows = list(
            await self.session.scalars(
                select(PairRow)
                .where(PairRow.programme_id == programme_id, PairRow.status.in_([s.value for s in statuses]))
                .order_by(PairRow.id)
            )
        )
        people: dict[int, Participant] = {p.id: p for p in await self.participants.members(programme_id)}
        out = []
        for row in rows:
            mentor = people.get(row.mentor_id) or await self.participants.get(row.mentor_id)
            mentee = people.get(row.mentee_id) or await self.participants.get(row.mentee_id)
            if mentor is not None and mentee is not None:
                out.append(_pair(row, mentor, mentee))
        return out

    async def of_group(self, group_id: int, statuses: tuple[PairStatus, ...] | None = None) -> list[Pair]:
        """A mentoring group's members, as their pairs (oldest first)."""
        query = select(PairRow.id).where(PairRow.group_id == group_id).order_by(PairRow.id)
        if statuses is not None:
            query = query.where(PairRow.status.in_([s.value for s in statuses]))
        out = []
        for pid in list(await self.session.scalars(query)):
            pair = await self.get(pid)
            if pair is not None:
                out.append(pair)
        return out

    async def open_proposals(self) -> list[Pair]:
        """Every proposal still waiting for an answer, across programmes (for the scheduler)."""
        ids = list(
            await self.session.scalars(
                select(PairRow.id).where(PairRow.status == PairStatus.PROPOSED.value).order_by(PairRow.id)
            )
        )
        out = []
        for pid in ids:
            pair = await self.get(pid)
            if pair is not None:
                out.append(pair)
        return out

    async def sides(self, pair_ids: Sequence[int]) -> dict[int, PairSides]:
        mentor, mentee = aliased(ParticipantRow), aliased(ParticipantRow)
        out: dict[int, PairSides] = {}
        ids = list(dict.fromkeys(pair_ids))
        for i in range(0, len(ids), 500):
            rows = await self.session.execute(
                select(
                    PairRow.id, PairRow.programme_id, PairRow.status,
                    mentor.id, mentor.user_id, mentor.name, mentee.id, mentee.user_id, mentee.name,
                    PairRow.group_id,
                )
                .join(mentor, mentor.id == PairRow.mentor_id)
                .join(mentee, mentee.id == PairRow.mentee_id)
                .where(PairRow.id.in_(ids[i : i + 500]))
            )  # fmt: skip
            for pid, prog, status, m_id, m_user, m_name, e_id, e_user, e_name, group in rows.all():
                out[pid] = PairSides(
                    pid,
                    prog,
                    status,
                    Side(m_id, m_user, m_name, Role.MENTOR),
                    Side(e_id, e_user, e_name, Role.MENTEE),
                    group,
                )
        return out

    async def active_ids(self) -> list[int]:
        return list(
            await self.session.scalars(
                select(PairRow.id).where(PairRow.status == PairStatus.ACTIVE.value).order_by(PairRow.id)
            )
        )

    async def started(self, pair_id: int) -> datetime | None:
        return await self.session.scalar(select(PairRow.started_at).where(PairRow.id == pair_id))

    async def exclusions(self, programme_id: int) -> set[tuple[int, int]]:
        rows = await self.session.execute(
            select(ExclusionRow.mentor_id, ExclusionRow.mentee_id).where(
                ExclusionRow.programme_id == programme_id
            )
        )
        return {(a, b) for a, b in rows.all()}

    async def add_exclusion(
        self, programme_id: int, mentor_id: int, mentee_id: int, reason: str, now: datetime
    ) -> None:
        exists = await self.session.scalar(
            select(ExclusionRow.id).where(
                ExclusionRow.mentor_id == mentor_id, ExclusionRow.mentee_id == mentee_id
            )
        )
        if exists is None:
            self.session.add(
                ExclusionRow(
                    programme_id=programme_id,
                    mentor_id=mentor_id,
                    mentee_id=mentee_id,
                    reason=reason,
                    created_at=now,
                )
            )
            await self.session.flush()


def _reasons_json(reasons: Reasons | None) -> dict[str, Any] | None:
    if reasons is None:
        return None
    return {
        "interests": list(reasons.interests),
        "requests": list(reasons.requests),
        "hours": reasons.hours,
        "same_format": reasons.same_format,
        "submodel": reasons.submodel,
        "support": reasons.support,
        "profession": reasons.profession,
    }


def _pair(row: PairRow, mentor: Participant, mentee: Participant) -> Pair:
    r = row.reasons
    reasons = (
        Reasons(
            tuple(r["interests"]),
            tuple(r["requests"]),
            int(r["hours"]),
            bool(r["same_format"]),
            r.get("submodel"),  # pairs formed before sub-models: none
            bool(r.get("support")),
            bool(r.get("profession")),
        )
        if r
        else None
    )
    return Pair(
        id=row.id,
        programme_id=row.programme_id,
        mentor=mentor,
        mentee=mentee,
        status=PairStatus(row.status),
        score=row.score,
        form=Form(row.form) if row.form else None,
        reasons=reasons,
        manual=row.manual,
        mentor_answer=row.mentor_answer,
        mentee_answer=row.mentee_answer,
        proposed_at=row.proposed_at,
        expires_at=row.expires_at,
        reminded=row.reminded,
        decline_reason=row.decline_reason,
        started_at=row.started_at,
        ended_at=row.ended_at,
        outcome=row.outcome,
        group_id=row.group_id,
    )
