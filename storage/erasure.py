"""The right to be forgotten, in SQL: a person's identity leaves every table.

What stays is anonymous (dates, statuses, scores, counts) or a minimal legal record (the
consent's version, when it was given and withdrawn, the audit trail) under a random
pseudonym that no Telegram id can equal. Each field is listed in docs/privacy.md.
Never commits: it runs inside the update's unit of work."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, String, cast, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.digest import LEFT_REASON
from storage.tables import (
    AuditRow,
    Base,
    BaseHistoryRow,
    BaseInviteRow,
    BaseMentorRow,
    ConsentRow,
    CuratorRow,
    FsmRow,
    MeetingRow,
    MenteeProfileRow,
    MentoringGroupRow,
    MentorProfileRow,
    OutboxRow,
    PairRow,
    ParticipantRow,
    PlanItemRow,
    PlanRow,
    ProgrammeRow,
    ReflectionRow,
    SafetyReportRow,
    SurveyResponseRow,
    UserRow,
)

# BigInteger columns that hold no person's id (the rest may hold a Telegram user id)
NOT_PERSON_IDS = {("outbox", "message_id"), ("seen_updates", "update_id"), ("programmes", "curator_chat_id")}
OPEN_PAIRS = ("proposed", "active")
OPEN_GROUPS = ("draft", "proposed", "active")
PAIR_KEYS = ("nudge", "propose", "propremind", "propexpired", "curnudge", "finalmeet", "contact")


def pseudonym() -> int:
    """Below -2**62: no Telegram chat id (at most 52 significant bits) is ever this, so
    nothing can be sent to it and it points at no one."""
    return -(2**62 + secrets.randbelow(2**61))


@dataclass(frozen=True)
class LeftPair:
    pair_id: int
    programme_id: int
    was_active: bool  # else a proposal, withdrawn
    other_user_id: int


@dataclass
class Erased:
    pseudonym: int
    organisations: list[int] = field(default_factory=list)
    programmes: list[int] = field(default_factory=list)
    pairs: list[LeftPair] = field(default_factory=list)


def _mentions(text: str, needles: Iterable[str], user_id: int) -> bool:
    low = text.casefold()
    if any(n.casefold() in low for n in needles):
        return True
    return re.search(rf"(?<!\d){user_id}(?!\d)", text) is not None


def _needles(user: UserRow | None, parts: Sequence[ParticipantRow], placeholder: str) -> set[str]:
    """What the person is called, to look for in queued texts: the names they gave, and
    their Telegram name when it is more than a bare first name (a lone «Анна» would wipe
    every other Анна's messages too)."""
    needles = {p.name for p in parts} | (
        {user.name} if user is not None and " " in user.name.strip() else set()
    )
    if user is not None and user.username:
        needles |= {user.username, "@" + user.username}
    return {n.strip() for n in needles if n and len(n.strip()) >= 3 and n != placeholder}


class ErasureRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def erase_person(self, user_id: int, placeholder: str, now: datetime) -> Erased:
        s = self.session
        user = await s.get(UserRow, user_id)
        parts = (await s.scalars(select(ParticipantRow).where(ParticipantRow.user_id == user_id))).all()
        needles = _needles(user, parts, placeholder)
        part_ids = [p.id for p in parts]
        pid = pseudonym()
        erased = Erased(pid)
        erased.programmes = sorted({p.programme_id for p in parts})
        if erased.programmes:
            orgs = await s.scalars(
                select(ProgrammeRow.organisation_id).where(ProgrammeRow.id.in_(erased.programmes))
            )
            erased.organisations = sorted(set(orgs))

        # the pseudonym's own row: nothing can reach it (unreachable, an impossible id)
        s.add(UserRow(id=pid, name=placeholder, forgotten=True, unreachable=True, created_at=now))
        await s.flush()
        for p in parts:
            p.user_id, p.name, p.age, p.status = pid, placeholder, None, "left"
            p.needs_support = False
            p.parent_contact = None  # a parent's phone or e-mail, typed by a curator
        await s.execute(delete(MentorProfileRow).where(MentorProfileRow.participant_id.in_(part_ids)))
        await s.execute(delete(MenteeProfileRow).where(MenteeProfileRow.participant_id.in_(part_ids)))
        await s.execute(
            update(ConsentRow)
            .where(ConsentRow.user_id == user_id, ConsentRow.withdrawn_at.is_(None))
            .values(withdrawn_at=now)
        )
        await s.execute(update(ConsentRow).where(ConsentRow.user_id == user_id).values(user_id=pid))
        await s.execute(delete(CuratorRow).where(CuratorRow.user_id == user_id))
        await self._mentor_base(user_id)

        await self._leave_pairs(part_ids, now, erased)
        await self._end_groups(part_ids)
        await self._free_texts(part_ids, now)
        await self._outbox(user_id, needles)
        await self._fsm(user_id, needles)
        await self._audit(user_id, pid)
        await self._person_ids(user_id, pid)
        await s.execute(delete(UserRow).where(UserRow.id == user_id))
        await s.flush()
        return erased

    async def _mentor_base(self, user_id: int) -> None:
        """The school's mentor base forgets them: profile, training, history, invitations."""
        s = self.session
        mine = select(BaseMentorRow.id).where(BaseMentorRow.user_id == user_id)
        await s.execute(delete(BaseHistoryRow).where(BaseHistoryRow.mentor_id.in_(mine)))
        await s.execute(delete(BaseMentorRow).where(BaseMentorRow.user_id == user_id))
        await s.execute(delete(BaseInviteRow).where(BaseInviteRow.user_id == user_id))

    async def anonymise_archived(self, before: datetime, placeholder: str, now: datetime) -> list[int]:
        """Programmes archived before ``before`` (the school's retention period) keep their
        aggregates for reports (pairs, meetings, scores, statuses, the profiles' categories)
        and lose every identity: names, ages, Telegram ids, free texts. A person no longer in
        any programme or organisation leaves the users table too. Returns the programmes."""
        s = self.session
        due = (
            await s.scalars(
                select(ProgrammeRow).where(
                    ProgrammeRow.archived.is_(True),
                    ProgrammeRow.archived_at < before,
                    ProgrammeRow.anonymised_at.is_(None),
                )
            )
        ).all()
        for programme in due:
            parts = (
                await s.scalars(select(ParticipantRow).where(ParticipantRow.programme_id == programme.id))
            ).all()
            ids = {p.user_id: pseudonym() for p in parts if p.user_id >= 0}
            for pid in ids.values():
                s.add(UserRow(id=pid, name=placeholder, forgotten=True, unreachable=True, created_at=now))
            await s.flush()
            for p in parts:
                await self._pseudonymise(programme.id, p, ids, placeholder)
            await self._free_texts([p.id for p in parts], now)
            await s.execute(  # a profession as typed is free text; the flag is the person's
                update(MentorProfileRow)
                .where(MentorProfileRow.participant_id.in_([p.id for p in parts]))
                .values(profession=None)
            )
            await s.execute(
                update(PairRow).where(PairRow.programme_id == programme.id).values(decline_reason=None)
            )
            await s.execute(
                update(PairRow)
                .where(PairRow.programme_id == programme.id, PairRow.end_reason != LEFT_REASON)
                .values(end_reason=None)
            )
            for uid, pid in ids.items():
                if not await self._still_known(uid):
                    await self._forget_user(uid, pid)
            programme.anonymised_at = now
        await s.flush()
        return [p.id for p in due]

    async def _pseudonymise(
        self, programme_id: int, p: ParticipantRow, ids: dict[int, int], placeholder: str
    ) -> None:
        """A participant of an archived programme loses name and age and takes their
        pseudonym (``ids``) on their consents and on what they did in this programme's pairs."""
        s = self.session
        pairs = select(PairRow.id).where(PairRow.programme_id == programme_id)
        pid = ids.get(p.user_id, p.user_id)
        consent = update(ConsentRow).where(ConsentRow.participant_id == p.id)
        await s.execute(consent.values(user_id=pid))
        if p.user_id in ids:  # who proposed, wrote, ticked in this programme's pairs
            for column in (MeetingRow.proposed_by, PlanItemRow.created_by, PlanItemRow.done_by):
                await s.execute(
                    update(column.class_)
                    .where(column.class_.pair_id.in_(pairs), column == p.user_id)
                    .values({column.key: pid})
                )
            await s.execute(
                update(PlanRow)
                .where(PlanRow.pair_id.in_(pairs), PlanRow.updated_by == p.user_id)
                .values(updated_by=pid)
            )
        p.user_id, p.name, p.age = pid, placeholder, None
        p.needs_support = False
        p.parent_contact = None

    async def _forget_user(self, uid: int, pid: int) -> None:
        """A person no longer in any programme or organisation leaves the users table."""
        await self._outbox(uid, set())
        await self._fsm(uid, set())
        await self._audit(uid, pid)
        await self._person_ids(uid, pid)
        await self.session.execute(delete(UserRow).where(UserRow.id == uid))

    async def _still_known(self, user_id: int) -> bool:
        """In another programme, a curator, in a school's mentor base, or with a consent
        outside the archived ones."""
        s = self.session
        for query in (
            select(ParticipantRow.id).where(ParticipantRow.user_id == user_id),
            select(CuratorRow.id).where(CuratorRow.user_id == user_id),
            select(BaseMentorRow.id).where(BaseMentorRow.user_id == user_id),  # the school's base
            select(ConsentRow.id).where(ConsentRow.user_id == user_id),
        ):
            if await s.scalar(query.limit(1)) is not None:
                return True
        return False

    async def _leave_pairs(self, part_ids: list[int], now: datetime, erased: Erased) -> None:
        """Open pairs end (a proposal is withdrawn); their future meetings are cancelled and
        unanswered check-ins dropped, so no reminder, check-in or nudge follows."""
        s = self.session
        pairs = (
            await s.scalars(
                select(PairRow).where(or_(PairRow.mentor_id.in_(part_ids), PairRow.mentee_id.in_(part_ids)))
            )
        ).all()
        for pair in pairs:
            pair.decline_reason = None
            if pair.status not in OPEN_PAIRS:
                pair.end_reason = None if pair.end_reason != LEFT_REASON else pair.end_reason
                continue
            other_part = pair.mentee_id if pair.mentor_id in part_ids else pair.mentor_id
            other = await s.get(ParticipantRow, other_part)
            if other is not None and other.id not in part_ids:
                erased.pairs.append(
                    LeftPair(pair.id, pair.programme_id, pair.status == "active", other.user_id)
                )
            pair.status, pair.ended_at, pair.end_reason = "ended", now, LEFT_REASON
            await s.execute(
                update(MeetingRow)
                .where(
                    MeetingRow.pair_id == pair.id,
                    MeetingRow.starts_at > now,
                    MeetingRow.status.in_(("proposed", "confirmed")),
                )
                .values(status="cancelled")
            )
        pair_ids = [p.id for p in pairs]
        if not pair_ids:
            return
        mids = (await s.scalars(select(MeetingRow.id).where(MeetingRow.pair_id.in_(pair_ids)))).all()
        unanswered = select(ReflectionRow.id).where(
            ReflectionRow.meeting_id.in_(mids), ReflectionRow.answered_at.is_(None)
        )
        rids = (await s.scalars(unanswered)).all()
        await s.execute(delete(ReflectionRow).where(ReflectionRow.id.in_(rids)))
        await self._drop_queued(pair_ids, mids, rids)

    async def _end_groups(self, part_ids: list[int]) -> None:
        """A forgotten mentor's group ends (its members' pairs ended with the mentor's)."""
        await self.session.execute(
            update(MentoringGroupRow)
            .where(MentoringGroupRow.mentor_id.in_(part_ids), MentoringGroupRow.status.in_(OPEN_GROUPS))
            .values(status="ended")
        )

    async def _drop_queued(self, pair_ids: list[int], mids: Sequence[int], rids: Sequence[int]) -> None:
        """Messages still queued about these pairs, their meetings and check-ins never go."""
        s = self.session
        prefixes = tuple(f"{k}:{p}:" for p in pair_ids for k in PAIR_KEYS) + tuple(
            f"{k}:{m}:" for m in mids for k in ("meet", "checkin")
        )
        exact = {f"{k}:{m}" for m in mids for k in ("meetprop", "meetwait")}
        exact |= {f"checkin-remind:{r}" for r in rids}
        queued = await s.execute(
            select(OutboxRow.id, OutboxRow.dedupe_key).where(OutboxRow.status.in_(("pending", "sending")))
        )
        drop = [i for i, key in queued.all() if key in exact or key.startswith(prefixes)]
        for i in range(0, len(drop), 500):
            await s.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(drop[i : i + 500]))
                .values(status="dropped", text="", markup=None, photo=None)
            )

    async def _free_texts(self, part_ids: list[int], now: datetime) -> None:
        """What the person (or their pair about them) typed: check-in answers, meeting places
        and reasons, the pair's plan, open questionnaire answers, notes of safety reports.
        Scores, dates and a report's kind stay."""
        s = self.session
        pair_ids = select(PairRow.id).where(
            or_(PairRow.mentor_id.in_(part_ids), PairRow.mentee_id.in_(part_ids))
        )
        meeting_ids = select(MeetingRow.id).where(MeetingRow.pair_id.in_(pair_ids))
        await s.execute(
            update(ReflectionRow)
            .where(ReflectionRow.meeting_id.in_(meeting_ids))
            .values(done_text=None, next_text=None)
        )
        await s.execute(
            update(MeetingRow).where(MeetingRow.pair_id.in_(pair_ids)).values(place=None, reason=None)
        )
        await s.execute(update(PlanRow).where(PlanRow.pair_id.in_(pair_ids)).values(goal=None))
        await s.execute(update(PlanItemRow).where(PlanItemRow.pair_id.in_(pair_ids)).values(text=""))
        await s.execute(  # what they reported, and what the other side reported about their pair
            update(SafetyReportRow)
            .where(or_(SafetyReportRow.participant_id.in_(part_ids), SafetyReportRow.pair_id.in_(pair_ids)))
            .values(note=None)
        )
        responses = (
            await s.scalars(select(SurveyResponseRow).where(SurveyResponseRow.participant_id.in_(part_ids)))
        ).all()
        for r in responses:  # numbers (scales, yes/no) stay for the results; words go
            r.answers = {k: (v if isinstance(v, int | float) else None) for k, v in (r.answers or {}).items()}

    async def _outbox(self, user_id: int, needles: set[str]) -> None:
        """Nothing more goes to the person; no stored message names them."""
        s = self.session
        await s.execute(
            delete(OutboxRow).where(or_(OutboxRow.chat_id == user_id, OutboxRow.user_id == user_id))
        )
        rows = (
            await s.execute(
                select(OutboxRow.id, OutboxRow.text, OutboxRow.markup).where(
                    or_(OutboxRow.text != "", OutboxRow.markup.is_not(None))
                )
            )
        ).all()
        hit = [
            row_id
            for row_id, text, markup in rows
            if _mentions(text or "", needles, user_id)
            or (markup is not None and _mentions(json.dumps(markup, ensure_ascii=False), needles, user_id))
        ]
        for i in range(0, len(hit), 500):
            chunk = hit[i : i + 500]
            await s.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(chunk), OutboxRow.status.in_(("pending", "sending")))
                .values(status="dropped")
            )
            await s.execute(
                update(OutboxRow).where(OutboxRow.id.in_(chunk)).values(text="", markup=None, photo=None)
            )

    async def _fsm(self, user_id: int, needles: set[str]) -> None:
        s = self.session
        s.info.pop("fsm_rows", None)  # the FSM storage's per-unit reads (storage/fsm.py)
        await s.execute(
            delete(FsmRow).where(or_(FsmRow.key.like(f"%:{user_id}:%"), FsmRow.key.like(f"%:{user_id}")))
        )
        rows = (await s.execute(select(FsmRow.key, FsmRow.data))).all()
        gone = [
            k
            for k, data in rows
            if data and _mentions(json.dumps(data, ensure_ascii=False), needles, user_id)
        ]
        if gone:
            await s.execute(delete(FsmRow).where(FsmRow.key.in_(gone)))

    async def _audit(self, user_id: int, pid: int) -> None:
        """The audit trail stays (who decided what, when), the person in it as the pseudonym."""
        s = self.session
        await s.execute(update(AuditRow).where(AuditRow.target == str(user_id)).values(target=str(pid)))
        mentioned = cast(AuditRow.details, String).contains(str(user_id))
        rows = (await s.scalars(select(AuditRow).where(AuditRow.details.is_not(None), mentioned))).all()
        for row in rows:
            details: dict[str, Any] = dict(row.details or {})
            if any(v == user_id or v == str(user_id) for v in details.values()):
                row.details = {k: (pid if v in (user_id, str(user_id)) else v) for k, v in details.items()}

    async def _person_ids(self, user_id: int, pid: int) -> None:
        """Every other column that holds a person's Telegram id (who proposed, decided,
        confirmed, created, launched, granted...) now holds the pseudonym."""
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, BigInteger) or column.primary_key:
                    continue
                if (table.name, column.name) in NOT_PERSON_IDS or table.name == "outbox":
                    continue
                await self.session.execute(update(table).where(column == user_id).values({column.name: pid}))
