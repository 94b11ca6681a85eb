"""Repository: every query of the bot. Returns domain objects; never commits
(the per-update middleware owns the transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.catalog import Cadence, Form, MeetFormat, Role, Status
from bot.domain.matching import Reasons
from bot.domain.meetings import Kind, Meeting, MeetingStatus
from bot.domain.models import (
    Invite,
    Organisation,
    OrganisationId,
    Page,
    Participant,
    ParticipantId,
    Profile,
    Programme,
    ProgrammeCounts,
    ProgrammeId,
    User,
    UserId,
)
from bot.domain.pairs import Pair, PairStatus
from storage.dialect import dialect_insert
from storage.plans import PlansRepo
from storage.preferences import PreferencesRepo
from storage.reports import ReportsRepo
from storage.surveys import SurveysRepo
from storage.tables import (
    AuditRow,
    BreakRow,
    ConsentRow,
    CuratorRow,
    ExclusionRow,
    InviteRow,
    KvRow,
    LeaseRow,
    MeetingRow,
    MenteeProfileRow,
    MentorProfileRow,
    OrganisationRow,
    OutboxRow,
    PairRow,
    ParticipantRow,
    ProgrammeRow,
    ReflectionRow,
    SeenUpdateRow,
    UserRow,
)


def _org(row: OrganisationRow) -> Organisation:
    return Organisation(OrganisationId(row.id), row.name, row.timezone, row.pupils_total)


def _user(row: UserRow) -> User:
    return User(
        UserId(row.id), row.name, row.username, row.locale, row.forgotten, row.unreachable, row.share_contact
    )


def _programme(row: ProgrammeRow) -> Programme:
    return Programme(
        id=ProgrammeId(row.id),
        organisation_id=OrganisationId(row.organisation_id),
        title=row.title,
        forms=tuple(Form(f) for f in row.forms),
        group_format=row.group_format,
        start=row.start_date,
        end=row.end_date,
        timezone=row.timezone,
        cadence=Cadence(row.cadence),
        min_meetings=row.min_meetings,
        stage=row.stage,
        curator_chat_id=row.curator_chat_id,
        archived=row.archived,
        proposal_ttl_hours=row.proposal_ttl_hours,
        mentee_choice=row.mentee_choice,
        weights=dict(row.weights or {}),
        digest_weekday=row.digest_weekday,
        digest_hour=row.digest_hour,
        closing_at=row.closing_at,
        archived_at=row.archived_at,
    )


def _participant(
    row: ParticipantRow, profile: Profile | None = None, username: str | None = None
) -> Participant:
    return Participant(
        id=ParticipantId(row.id),
        programme_id=ProgrammeId(row.programme_id),
        user_id=UserId(row.user_id),
        role=Role(row.role),
        status=Status(row.status),
        name=row.name,
        age=row.age,
        parental_consent=row.parental_consent,
        trained=row.trained,
        joined_at=row.joined_at,
        profile=profile,
        username=username,
        priority=row.priority,
    )


def _mentor_profile(row: MentorProfileRow) -> Profile:
    return Profile(
        role=Role.MENTOR,
        kind=row.kind,
        grade=row.grade,
        experience=row.experience,
        tags=tuple(row.competencies),
        interests=tuple(row.interests),
        capacity=row.capacity,
        slots=tuple(row.slots),
        format=MeetFormat(row.format),
    )


def _mentee_profile(row: MenteeProfileRow) -> Profile:
    return Profile(
        role=Role.MENTEE,
        kind=row.kind,
        grade=row.grade,
        experience=row.experience,
        tags=tuple(row.requests),
        interests=tuple(row.interests),
        slots=tuple(row.slots),
        format=MeetFormat(row.format),
    )


class Repo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.outbox = OutboxRepo(session)
        self.leases = LeasesRepo(session)
        self.meetings = MeetingsRepo(session)
        self.reports = ReportsRepo(session)
        self.surveys = SurveysRepo(session)
        self.plans = PlansRepo(session)
        self.preferences = PreferencesRepo(session)

    # --- users -----------------------------------------------------------------------------
    async def get_user(self, user_id: int) -> User | None:
        row = await self.session.get(UserRow, user_id)
        return _user(row) if row else None

    async def touch_user(self, user_id: int, name: str, username: str | None, now: datetime) -> User:
        """Create the user on first contact; keep Telegram's name and username fresh."""
        row = await self.session.get(UserRow, user_id)
        if row is None:
            row = UserRow(id=user_id, name=name, username=username, created_at=now)
            self.session.add(row)
        elif not row.forgotten:
            row.name, row.username = name, username
        row.unreachable, row.unreachable_told = False, False  # they talk to us again
        await self.session.flush()
        return _user(row)

    async def locales(self, user_ids: Sequence[int]) -> dict[int, str | None]:
        out: dict[int, str | None] = {}
        ids = list(dict.fromkeys(user_ids))
        for i in range(0, len(ids), 500):
            rows = await self.session.execute(
                select(UserRow.id, UserRow.locale).where(UserRow.id.in_(ids[i : i + 500]))
            )
            out.update({int(uid): loc for uid, loc in rows.all()})
        return out

    async def set_share_contact(self, user_id: int, value: bool) -> None:
        await self.session.execute(update(UserRow).where(UserRow.id == user_id).values(share_contact=value))

    async def set_locale(self, user_id: int, locale: str) -> None:
        await self.session.execute(update(UserRow).where(UserRow.id == user_id).values(locale=locale))

    async def forget_user(self, user_id: int, placeholder: str, now: datetime) -> list[int]:
        """Erase personal data, keep anonymous aggregates. Returns the organisations told."""
        await self.session.execute(
            update(UserRow)
            .where(UserRow.id == user_id)
            .values(name=placeholder, username=None, forgotten=True)
        )
        parts = (
            await self.session.scalars(select(ParticipantRow).where(ParticipantRow.user_id == user_id))
        ).all()
        orgs: set[int] = set()
        for p in parts:
            p.name, p.age, p.status = placeholder, None, Status.LEFT.value
            for table in (MentorProfileRow, MenteeProfileRow):
                prof = await self.session.get(table, p.id)
                if prof is not None:
                    await self.session.delete(prof)
            prog = await self.session.get(ProgrammeRow, p.programme_id)
            if prog is not None:
                orgs.add(prog.organisation_id)
        await self.session.execute(
            update(ConsentRow)
            .where(ConsentRow.user_id == user_id, ConsentRow.withdrawn_at.is_(None))
            .values(withdrawn_at=now)
        )
        await self.session.flush()
        return sorted(orgs)

    async def user_organisations(self, user_id: int) -> list[int]:
        """Organisations whose programmes this person takes part in."""
        rows = await self.session.scalars(
            select(ProgrammeRow.organisation_id)
            .join(ParticipantRow, ParticipantRow.programme_id == ProgrammeRow.id)
            .where(ParticipantRow.user_id == user_id)
            .distinct()
        )
        return sorted(set(rows))

    # --- organisations and curators ------------------------------------------------------------
    async def create_organisation(self, name: str, timezone: str, now: datetime) -> Organisation:
        row = OrganisationRow(name=name, timezone=timezone, created_at=now)
        self.session.add(row)
        await self.session.flush()
        return _org(row)

    async def find_organisation(self, name: str) -> Organisation | None:
        row = await self.session.scalar(select(OrganisationRow).where(OrganisationRow.name == name))
        return _org(row) if row else None

    async def get_organisation(self, org_id: int) -> Organisation | None:
        row = await self.session.get(OrganisationRow, org_id)
        return _org(row) if row else None

    async def add_curator(self, org_id: int, user_id: int, added_by: int | None, now: datetime) -> bool:
        exists = await self.session.scalar(
            select(CuratorRow.id).where(CuratorRow.organisation_id == org_id, CuratorRow.user_id == user_id)
        )
        if exists:
            return False
        self.session.add(
            CuratorRow(organisation_id=org_id, user_id=user_id, added_by=added_by, created_at=now)
        )
        await self.session.flush()
        return True

    async def curator_organisations(self, user_id: int) -> list[Organisation]:
        rows = await self.session.scalars(
            select(OrganisationRow)
            .join(CuratorRow, CuratorRow.organisation_id == OrganisationRow.id)
            .where(CuratorRow.user_id == user_id)
            .order_by(OrganisationRow.id)
        )
        return [_org(r) for r in rows]

    async def is_curator(self, user_id: int, org_id: int | None = None) -> bool:
        query = select(CuratorRow.id).where(CuratorRow.user_id == user_id)
        if org_id is not None:
            query = query.where(CuratorRow.organisation_id == org_id)
        return (await self.session.scalar(query.limit(1))) is not None

    async def curators_of(self, org_id: int) -> list[User]:
        rows = await self.session.scalars(
            select(UserRow)
            .join(CuratorRow, CuratorRow.user_id == UserRow.id)
            .where(CuratorRow.organisation_id == org_id)
            .order_by(CuratorRow.id)
        )
        return [_user(r) for r in rows]

    async def has_curators(self) -> bool:
        return (await self.session.scalar(select(CuratorRow.id).limit(1))) is not None

    # --- programmes ------------------------------------------------------------------------------
    async def create_programme(self, programme: Programme, now: datetime) -> Programme:
        row = ProgrammeRow(
            organisation_id=programme.organisation_id,
            title=programme.title,
            forms=[f.value for f in programme.forms],
            group_format=programme.group_format,
            start_date=programme.start,
            end_date=programme.end,
            timezone=programme.timezone,
            cadence=programme.cadence.value,
            min_meetings=programme.min_meetings,
            stage=programme.stage,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return _programme(row)

    async def get_programme(self, programme_id: int) -> Programme | None:
        row = await self.session.get(ProgrammeRow, programme_id)
        return _programme(row) if row else None

    async def curator_programmes(self, user_id: int, *, archived: bool = False) -> list[Programme]:
        """The programmes this person curates; archived (completed) ones only when asked."""
        query = (
            select(ProgrammeRow)
            .join(CuratorRow, CuratorRow.organisation_id == ProgrammeRow.organisation_id)
            .where(CuratorRow.user_id == user_id)
            .order_by(ProgrammeRow.archived, ProgrammeRow.id)
        )
        if not archived:
            query = query.where(ProgrammeRow.archived.is_(False))
        rows = await self.session.scalars(query)
        return [_programme(r) for r in rows]

    async def update_programme(self, programme_id: int, **values: Any) -> None:
        await self.session.execute(
            update(ProgrammeRow).where(ProgrammeRow.id == programme_id).values(**values)
        )

    # --- invites ---------------------------------------------------------------------------------
    async def find_invite(self, org_id: int, programme_id: int | None, role: Role) -> Invite | None:
        row = await self.session.scalar(
            select(InviteRow).where(
                InviteRow.organisation_id == org_id,
                InviteRow.programme_id.is_(None)
                if programme_id is None
                else InviteRow.programme_id == programme_id,
                InviteRow.role == role.value,
                InviteRow.revoked.is_(False),
            )
        )
        return self._invite(row) if row else None

    async def create_invite(self, invite: Invite, created_by: int, now: datetime) -> Invite:
        self.session.add(
            InviteRow(
                token=invite.token,
                organisation_id=invite.organisation_id,
                programme_id=invite.programme_id,
                role=invite.role.value,
                created_by=created_by,
                created_at=now,
            )
        )
        await self.session.flush()
        return invite

    async def get_invite(self, token: str) -> Invite | None:
        row = await self.session.get(InviteRow, token)
        return self._invite(row) if row and not row.revoked else None

    @staticmethod
    def _invite(row: InviteRow) -> Invite:
        return Invite(
            row.token,
            OrganisationId(row.organisation_id),
            ProgrammeId(row.programme_id) if row.programme_id is not None else None,
            Role(row.role),
        )

    # --- participants ------------------------------------------------------------------------
    async def get_participant(self, participant_id: int) -> Participant | None:
        row = await self.session.get(ParticipantRow, participant_id)
        if row is None:
            return None
        user = await self.session.get(UserRow, row.user_id)
        return _participant(row, await self._profile(row), user.username if user else None)

    async def find_participant(self, programme_id: int, user_id: int) -> Participant | None:
        row = await self.session.scalar(
            select(ParticipantRow).where(
                ParticipantRow.programme_id == programme_id, ParticipantRow.user_id == user_id
            )
        )
        return _participant(row, await self._profile(row)) if row else None

    async def participations(self, user_id: int) -> list[Participant]:
        rows = (
            await self.session.scalars(
                select(ParticipantRow)
                .where(ParticipantRow.user_id == user_id, ParticipantRow.status != Status.LEFT.value)
                .order_by(ParticipantRow.id)
            )
        ).all()
        return [_participant(r, await self._profile(r)) for r in rows]

    async def _profile(self, row: ParticipantRow) -> Profile | None:
        if row.role == Role.MENTOR.value:
            mentor = await self.session.get(MentorProfileRow, row.id)
            return _mentor_profile(mentor) if mentor else None
        if row.role == Role.MENTEE.value:
            mentee = await self.session.get(MenteeProfileRow, row.id)
            return _mentee_profile(mentee) if mentee else None
        return None

    async def create_participant(
        self,
        programme_id: int,
        user_id: int,
        name: str,
        age: int | None,
        profile: Profile,
        now: datetime,
    ) -> Participant:
        row = ParticipantRow(
            programme_id=programme_id,
            user_id=user_id,
            role=profile.role.value,
            status=Status.PENDING.value,
            name=name,
            age=age,
            joined_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        await self.save_profile(ParticipantId(row.id), profile)
        return _participant(row, profile)

    async def save_profile(self, participant_id: ParticipantId, profile: Profile) -> None:
        if profile.role is Role.MENTOR:
            await self.session.merge(
                MentorProfileRow(
                    participant_id=participant_id,
                    kind=profile.kind,
                    grade=profile.grade,
                    experience=profile.experience,
                    competencies=list(profile.tags),
                    interests=list(profile.interests),
                    capacity=profile.capacity,
                    slots=list(profile.slots),
                    format=profile.format.value,
                )
            )
        else:
            await self.session.merge(
                MenteeProfileRow(
                    participant_id=participant_id,
                    kind=profile.kind,
                    grade=profile.grade,
                    experience=profile.experience,
                    requests=list(profile.tags),
                    interests=list(profile.interests),
                    slots=list(profile.slots),
                    format=profile.format.value,
                )
            )
        await self.session.flush()

    async def rename_participant(self, participant_id: int, name: str) -> None:
        await self.session.execute(
            update(ParticipantRow).where(ParticipantRow.id == participant_id).values(name=name)
        )

    async def decide(
        self, participant_id: int, status: Status, trained: bool, by: int, now: datetime
    ) -> None:
        await self.session.execute(
            update(ParticipantRow)
            .where(ParticipantRow.id == participant_id)
            .values(status=status.value, trained=trained, decided_by=by, decided_at=now)
        )

    async def confirm_parental_consent(self, participant_id: int, by: int, now: datetime) -> None:
        row = await self.session.get(ParticipantRow, participant_id)
        if row is None:
            return
        row.parental_consent = True
        self.session.add(
            ConsentRow(
                user_id=row.user_id,
                participant_id=row.id,
                text_version="parental-paper",
                on_behalf="parent",
                given_at=now,
                confirmed_by=by,
            )
        )
        await self.session.flush()

    async def list_participants(
        self,
        programme_id: int,
        role: Role | None = None,
        status: Status | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> Page:
        where = [ParticipantRow.programme_id == programme_id]
        if role is not None:
            where.append(ParticipantRow.role == role.value)
        if status is not None:
            where.append(ParticipantRow.status == status.value)
        total = await self.session.scalar(select(func.count()).where(*where)) or 0
        rows = await self.session.scalars(
            select(ParticipantRow).where(*where).order_by(ParticipantRow.id).offset(offset).limit(limit)
        )
        return Page([_participant(r) for r in rows], total)

    async def counts(self, programme_id: int) -> ProgrammeCounts:
        rows: Sequence[Any] = (
            await self.session.execute(
                select(
                    ParticipantRow.role,
                    ParticipantRow.status,
                    ParticipantRow.age,
                    ParticipantRow.parental_consent,
                ).where(ParticipantRow.programme_id == programme_id)
            )
        ).all()
        mentors = sum(1 for r in rows if r[0] == "mentor" and r[1] == "approved")
        mentees = sum(1 for r in rows if r[0] == "mentee" and r[1] == "approved")
        pending = sum(1 for r in rows if r[1] == "pending")
        waiting = sum(1 for r in rows if r[1] != "left" and r[2] is not None and r[2] < 18 and not r[3])
        return ProgrammeCounts(mentors, mentees, pending, waiting)

    # --- consents and audit -----------------------------------------------------------------
    async def add_consent(
        self, user_id: int, participant_id: int | None, version: str, on_behalf: str, now: datetime
    ) -> None:
        self.session.add(
            ConsentRow(
                user_id=user_id,
                participant_id=participant_id,
                text_version=version,
                on_behalf=on_behalf,
                given_at=now,
            )
        )
        await self.session.flush()

    async def consents(self, user_id: int) -> list[tuple[str, str, datetime | None]]:
        rows = await self.session.scalars(
            select(ConsentRow).where(ConsentRow.user_id == user_id).order_by(ConsentRow.id)
        )
        return [(r.text_version, r.on_behalf, r.withdrawn_at) for r in rows]

    async def audit(
        self,
        org_id: int | None,
        actor: int | None,
        action: str,
        now: datetime,
        target: str | None = None,
        **details: Any,
    ) -> None:
        self.session.add(
            AuditRow(
                organisation_id=org_id,
                actor_id=actor,
                action=action,
                target=target,
                details=details or None,
                at=now,
            )
        )

    async def audit_actions(self, org_id: int) -> list[str]:
        rows = await self.session.scalars(
            select(AuditRow.action).where(AuditRow.organisation_id == org_id).order_by(AuditRow.id)
        )
        return list(rows)

    # --- key/value ----------------------------------------------------------------------------
    async def first_time(self, source: str, update_id: int, now: datetime) -> bool:
        """Record that an update is being handled; False if it was handled before (it is
        recorded in the same transaction as the handler's first effects). One statement,
        a write first: two workers given the same update cannot both go on."""
        table = SeenUpdateRow.__table__
        insert = dialect_insert(self.session, table)
        result = await self.session.execute(
            insert.values(source=source, update_id=update_id, at=now).on_conflict_do_nothing()
        )
        return bool(getattr(result, "rowcount", 0))

    async def forget_seen_updates(self, before: datetime) -> int:
        result = await self.session.execute(delete(SeenUpdateRow).where(SeenUpdateRow.at < before))
        return int(getattr(result, "rowcount", 0) or 0)

    async def get_kv(self, key: str) -> str | None:
        row = await self.session.get(KvRow, key)
        return row.value if row else None

    async def set_kv(self, key: str, value: str | None) -> None:
        row = await self.session.get(KvRow, key)
        if value is None:
            if row is not None:
                await self.session.delete(row)
        elif row is None:
            self.session.add(KvRow(key=key, value=value))
        else:
            row.value = value
        await self.session.flush()

    # --- pairs -------------------------------------------------------------------------------
    async def programme_members(
        self, programme_id: int, status: Status = Status.APPROVED
    ) -> list[Participant]:
        """Participants with their profiles and usernames, in three queries."""
        rows = list(
            await self.session.scalars(
                select(ParticipantRow)
                .where(ParticipantRow.programme_id == programme_id, ParticipantRow.status == status.value)
                .order_by(ParticipantRow.id)
            )
        )
        ids = [r.id for r in rows]
        mentors = {
            r.participant_id: r
            for r in await self.session.scalars(
                select(MentorProfileRow).where(MentorProfileRow.participant_id.in_(ids))
            )
        }
        mentees = {
            r.participant_id: r
            for r in await self.session.scalars(
                select(MenteeProfileRow).where(MenteeProfileRow.participant_id.in_(ids))
            )
        }
        names = dict(
            (
                await self.session.execute(
                    select(UserRow.id, UserRow.username).where(UserRow.id.in_({r.user_id for r in rows}))
                )
            ).all()
        )
        out = []
        for r in rows:
            profile = (
                _mentor_profile(mentors[r.id])
                if r.id in mentors
                else _mentee_profile(mentees[r.id])
                if r.id in mentees
                else None
            )
            out.append(_participant(r, profile, names.get(r.user_id)))
        return out

    async def create_pair(
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

    async def update_pair(self, pair_id: int, **values: Any) -> None:
        if "status" in values and isinstance(values["status"], PairStatus):
            values["status"] = values["status"].value
        await self.session.execute(update(PairRow).where(PairRow.id == pair_id).values(**values))

    async def delete_pair(self, pair_id: int) -> None:
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

    async def get_pair(self, pair_id: int) -> Pair | None:
        row = await self.session.get(PairRow, pair_id)
        if row is None:
            return None
        mentor = await self.get_participant(row.mentor_id)
        mentee = await self.get_participant(row.mentee_id)
        if mentor is None or mentee is None:
            return None
        return _pair(row, mentor, mentee)

    async def pairs(self, programme_id: int, statuses: tuple[PairStatus, ...]) -> list[Pair]:
        rows = list(
            await self.session.scalars(
                select(PairRow)
                .where(PairRow.programme_id == programme_id, PairRow.status.in_([s.value for s in statuses]))
                .order_by(PairRow.id)
            )
        )
        people: dict[int, Participant] = {p.id: p for p in await self.programme_members(programme_id)}
        out = []
        for row in rows:
            mentor = people.get(row.mentor_id) or await self.get_participant(row.mentor_id)
            mentee = people.get(row.mentee_id) or await self.get_participant(row.mentee_id)
            if mentor is not None and mentee is not None:
                out.append(_pair(row, mentor, mentee))
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
            pair = await self.get_pair(pid)
            if pair is not None:
                out.append(pair)
        return out

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

    async def set_priority(self, participant_ids: list[int], value: bool) -> None:
        if participant_ids:
            await self.session.execute(
                update(ParticipantRow).where(ParticipantRow.id.in_(participant_ids)).values(priority=value)
            )


def _reasons_json(reasons: Reasons | None) -> dict[str, Any] | None:
    if reasons is None:
        return None
    return {
        "interests": list(reasons.interests),
        "requests": list(reasons.requests),
        "hours": reasons.hours,
        "same_format": reasons.same_format,
    }


def _pair(row: PairRow, mentor: Participant, mentee: Participant) -> Pair:
    r = row.reasons
    reasons = (
        Reasons(tuple(r["interests"]), tuple(r["requests"]), int(r["hours"]), bool(r["same_format"]))
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
    )


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

    def other(self, side: Side) -> Side:
        return self.mentee if side.role is Role.MENTOR else self.mentor


class OutboxItem(NamedTuple):
    id: int
    chat_id: int
    user_id: int | None
    text: str
    markup: dict[str, Any] | None
    attempts: int  # including the attempt this claim is for
    expires_at: datetime | None
    photo: bytes | None = None
    deadline: datetime | None = None


class OutboxRepo:
    """The durable queue of messages the bot starts itself."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(
        self,
        key: str,
        chat_id: int,
        text: str,
        markup: dict[str, Any] | None,
        now: datetime,
        not_before: datetime | None = None,
        expires_at: datetime | None = None,
        status: str = "pending",
        photo: bytes | None = None,
        checked: bool = False,
        deadline: datetime | None = None,
    ) -> bool:
        """Record a message once: the same key never makes a second message. ``status``
        "dropped" records a message that must never go (a superseded reminder). ``checked``:
        the caller has just asked ``existing`` about this key (a bulk path skips the lookup)."""
        values = dict(
            dedupe_key=key,
            chat_id=chat_id,
            user_id=chat_id if chat_id > 0 else None,
            text=text,
            markup=markup,
            status=status,
            not_before=not_before or now,
            expires_at=expires_at,
            attempts=0,
            created_at=now,
            photo=photo,
            deadline=deadline,
        )
        if checked:  # a bulk path: the caller asked ``existing`` a moment ago
            self.session.add(OutboxRow(**values))
            return True
        result = await self.session.execute(
            dialect_insert(self.session, OutboxRow.__table__).values(**values).on_conflict_do_nothing()
        )
        return bool(getattr(result, "rowcount", 0))

    async def exists(self, key: str) -> bool:
        return await self.session.scalar(select(OutboxRow.id).where(OutboxRow.dedupe_key == key)) is not None

    async def existing(self, keys: Sequence[str]) -> set[str]:
        """Which of these keys are already recorded (one query per 500 keys)."""
        found: set[str] = set()
        for i in range(0, len(keys), 500):
            chunk = list(keys[i : i + 500])
            found.update(
                await self.session.scalars(
                    select(OutboxRow.dedupe_key).where(OutboxRow.dedupe_key.in_(chunk))
                )
            )
        return found

    async def claim(self, now: datetime, limit: int, worker: str, lease: timedelta) -> list[OutboxItem]:
        """Take up to ``limit`` messages that are due, earliest deadline first, for this
        worker until ``now + lease``: pending ones, and ones whose sender's lease ran out
        (it died mid-send). Atomic across processes: PostgreSQL skips rows another worker
        has locked; SQLite's BEGIN IMMEDIATE lets one writer at a time in. Rows another
        live worker is sending are never taken."""
        due = or_(
            and_(OutboxRow.status == "pending", OutboxRow.not_before <= now),
            and_(OutboxRow.status == "sending", OutboxRow.lease_until < now),
        )
        ids = list(
            await self.session.scalars(
                select(OutboxRow.id)
                .where(due)
                .order_by(func.coalesce(OutboxRow.deadline, OutboxRow.not_before), OutboxRow.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return []
        rows = await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), due)
            .values(
                status="sending",
                claimed_by=worker,
                lease_until=now + lease,
                attempts=OutboxRow.attempts + 1,
            )
            .returning(
                OutboxRow.id,
                OutboxRow.chat_id,
                OutboxRow.user_id,
                OutboxRow.text,
                OutboxRow.markup,
                OutboxRow.attempts,
                OutboxRow.expires_at,
                OutboxRow.photo,
                OutboxRow.deadline,
            )
        )
        items = [OutboxItem(*r) for r in rows.all()]
        items.sort(key=lambda i: (i.deadline or now, i.id))
        return items

    async def settle(self, item_id: int, worker: str, **values: Any) -> bool:
        """Record what became of a message this worker claimed (sent, failed, again later),
        only while the claim is still this worker's; the claim is released."""
        result = await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == item_id, OutboxRow.claimed_by == worker, OutboxRow.status == "sending")
            .values(claimed_by=None, lease_until=None, **values)
        )
        return bool(getattr(result, "rowcount", 0))

    async def waiting_deadlines(self) -> list[datetime]:
        """Deadlines of messages queued and not yet sent (a reminder wave's planning counts them)."""
        rows = await self.session.scalars(
            select(OutboxRow.deadline).where(
                OutboxRow.status.in_(("pending", "sending")), OutboxRow.deadline.is_not(None)
            )
        )
        return [d for d in rows if d is not None]

    async def renew(self, ids: list[int], worker: str, until: datetime) -> None:
        """Keep this worker's claims (rows waiting for a busy chat) from running out."""
        await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), OutboxRow.claimed_by == worker, OutboxRow.status == "sending")
            .values(lease_until=until)
        )

    async def mark(self, ids: list[int], **values: Any) -> None:
        if ids:
            await self.session.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(**values))

    async def drop_pending(self, key_prefix: str) -> None:
        await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.status == "pending", OutboxRow.dedupe_key.startswith(key_prefix))
            .values(status="dropped", error="superseded")
        )

    async def counts(self) -> dict[str, int]:
        rows = await self.session.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
        return {status: int(n) for status, n in rows.all()}

    async def mark_unreachable(self, user_id: int) -> bool:
        """A person blocked the bot. True the first time, so curators are told once."""
        row = await self.session.get(UserRow, user_id)
        if row is None:
            return False
        first = not row.unreachable_told
        row.unreachable, row.unreachable_told = True, True
        await self.session.flush()
        return first


def _meeting(row: MeetingRow) -> Meeting:
    return Meeting(
        id=row.id,
        pair_id=row.pair_id,
        kind=Kind(row.kind),
        starts_at=row.starts_at,
        online=row.online,
        place=row.place,
        status=MeetingStatus(row.status),
        proposed_by=row.proposed_by,
        duration_min=row.duration_min,
        disagreement=row.disagreement,
    )


class Reflection(NamedTuple):
    id: int
    meeting_id: int
    participant_id: int
    role: str
    happened: str | None
    usefulness: int | None
    second: int | None
    done_text: str | None
    next_text: str | None
    asked_at: datetime
    answered_at: datetime | None
    reminded: bool


def _reflection(r: ReflectionRow) -> Reflection:
    return Reflection(
        r.id,
        r.meeting_id,
        r.participant_id,
        r.role,
        r.happened,
        r.usefulness,
        r.second,
        r.done_text,
        r.next_text,
        r.asked_at,
        r.answered_at,
        r.reminded,
    )


class MeetingsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self,
        pair_id: int,
        kind: Kind,
        starts_at: datetime,
        online: bool,
        place: str | None,
        status: MeetingStatus,
        proposed_by: int,
        now: datetime,
    ) -> Meeting:
        row = MeetingRow(
            pair_id=pair_id,
            kind=kind.value,
            starts_at=starts_at,
            online=online,
            place=place,
            status=status.value,
            proposed_by=proposed_by,
            created_at=now,
            duration_min=60,
        )
        self.session.add(row)
        await self.session.flush()
        return _meeting(row)

    async def get(self, meeting_id: int) -> Meeting | None:
        row = await self.session.get(MeetingRow, meeting_id)
        return _meeting(row) if row else None

    async def update(self, meeting_id: int, **values: Any) -> None:
        for key in ("status", "kind"):
            if key in values and hasattr(values[key], "value"):
                values[key] = values[key].value
        await self.session.execute(update(MeetingRow).where(MeetingRow.id == meeting_id).values(**values))

    async def of_pair(self, pair_id: int) -> list[Meeting]:
        rows = await self.session.scalars(
            select(MeetingRow).where(MeetingRow.pair_id == pair_id).order_by(MeetingRow.starts_at)
        )
        return [_meeting(r) for r in rows]

    async def confirmed_between(self, start: datetime, end: datetime) -> list[Meeting]:
        rows = await self.session.scalars(
            select(MeetingRow)
            .where(
                MeetingRow.status == MeetingStatus.CONFIRMED.value,
                MeetingRow.starts_at >= start,
                MeetingRow.starts_at < end,
            )
            .order_by(MeetingRow.starts_at)
        )
        return [_meeting(r) for r in rows]

    async def proposed_before(self, created_before: datetime) -> list[Meeting]:
        rows = await self.session.scalars(
            select(MeetingRow).where(
                MeetingRow.status == MeetingStatus.PROPOSED.value, MeetingRow.created_at <= created_before
            )
        )
        return [_meeting(r) for r in rows]

    async def without_checkins(self, start: datetime, end: datetime) -> list[Meeting]:
        """Confirmed meetings in [start, end) whose check-ins have not all been asked yet."""
        asked = (
            select(ReflectionRow.meeting_id, func.count().label("n"))
            .group_by(ReflectionRow.meeting_id)
            .subquery()
        )
        rows = await self.session.scalars(
            select(MeetingRow)
            .outerjoin(asked, asked.c.meeting_id == MeetingRow.id)
            .where(
                MeetingRow.status == MeetingStatus.CONFIRMED.value,
                MeetingRow.starts_at >= start,
                MeetingRow.starts_at < end,
                func.coalesce(asked.c.n, 0) < 2,
            )
            .order_by(MeetingRow.starts_at)
        )
        return [_meeting(r) for r in rows]

    async def sides(self, pair_ids: Sequence[int]) -> dict[int, PairSides]:
        mentor, mentee = aliased(ParticipantRow), aliased(ParticipantRow)
        out: dict[int, PairSides] = {}
        ids = list(dict.fromkeys(pair_ids))
        for i in range(0, len(ids), 500):
            rows = await self.session.execute(
                select(
                    PairRow.id, PairRow.programme_id, PairRow.status,
                    mentor.id, mentor.user_id, mentor.name, mentee.id, mentee.user_id, mentee.name,
                )
                .join(mentor, mentor.id == PairRow.mentor_id)
                .join(mentee, mentee.id == PairRow.mentee_id)
                .where(PairRow.id.in_(ids[i : i + 500]))
            )  # fmt: skip
            for pid, prog, status, m_id, m_user, m_name, e_id, e_user, e_name in rows.all():
                out[pid] = PairSides(
                    pid,
                    prog,
                    status,
                    Side(m_id, m_user, m_name, Role.MENTOR),
                    Side(e_id, e_user, e_name, Role.MENTEE),
                )
        return out

    async def silent_pairs(self, before: datetime) -> list[tuple[int, datetime]]:
        """Active pairs whose latest confirmed meeting (or start) is at or before ``before``,
        with that moment: one query for all pairs."""
        last = (
            select(MeetingRow.pair_id, func.max(MeetingRow.starts_at).label("last"))
            .where(MeetingRow.status == MeetingStatus.CONFIRMED.value)
            .group_by(MeetingRow.pair_id)
            .subquery()
        )
        rows = await self.session.execute(
            select(PairRow.id, PairRow.started_at, last.c.last)
            .outerjoin(last, last.c.pair_id == PairRow.id)
            .where(PairRow.status == PairStatus.ACTIVE.value)
        )
        out = []
        for pair_id, started, met in rows.all():
            moment = max((x for x in (started, met) if x is not None), default=None)
            if moment is not None and moment <= before:
                out.append((int(pair_id), moment))
        return out

    async def last_activity(self, pair_id: int) -> datetime | None:
        """The latest confirmed meeting's start, past or future."""
        return await self.session.scalar(
            select(func.max(MeetingRow.starts_at)).where(
                MeetingRow.pair_id == pair_id, MeetingRow.status == MeetingStatus.CONFIRMED.value
            )
        )

    async def ask(self, meeting_id: int, participant_id: int, role: str, now: datetime) -> bool:
        exists = await self.session.scalar(
            select(ReflectionRow.id).where(
                ReflectionRow.meeting_id == meeting_id, ReflectionRow.participant_id == participant_id
            )
        )
        if exists is not None:
            return False
        self.session.add(
            ReflectionRow(
                meeting_id=meeting_id, participant_id=participant_id, role=role, asked_at=now, reminded=False
            )
        )
        await self.session.flush()
        return True

    async def reflection(self, meeting_id: int, participant_id: int) -> Reflection | None:
        row = await self.session.scalar(
            select(ReflectionRow).where(
                ReflectionRow.meeting_id == meeting_id, ReflectionRow.participant_id == participant_id
            )
        )
        return _reflection(row) if row else None

    async def reflections(self, meeting_id: int) -> list[Reflection]:
        rows = await self.session.scalars(
            select(ReflectionRow).where(ReflectionRow.meeting_id == meeting_id).order_by(ReflectionRow.id)
        )
        return [_reflection(r) for r in rows]

    async def answer(self, reflection_id: int, **values: Any) -> None:
        await self.session.execute(
            update(ReflectionRow).where(ReflectionRow.id == reflection_id).values(**values)
        )

    async def unanswered(self, asked_before: datetime) -> list[Reflection]:
        rows = await self.session.scalars(
            select(ReflectionRow).where(
                ReflectionRow.answered_at.is_(None),
                ReflectionRow.reminded.is_(False),
                ReflectionRow.asked_at <= asked_before,
            )
        )
        return [_reflection(r) for r in rows]

    async def add_break(self, programme_id: int, start: date, end: date) -> None:
        self.session.add(BreakRow(programme_id=programme_id, start_date=start, end_date=end))
        await self.session.flush()

    async def breaks(self, programme_id: int) -> list[tuple[date, date]]:
        rows = await self.session.execute(
            select(BreakRow.start_date, BreakRow.end_date)
            .where(BreakRow.programme_id == programme_id)
            .order_by(BreakRow.start_date)
        )
        return [(a, b) for a, b in rows.all()]

    async def active_pair_ids(self) -> list[int]:
        return list(
            await self.session.scalars(
                select(PairRow.id).where(PairRow.status == PairStatus.ACTIVE.value).order_by(PairRow.id)
            )
        )

    async def pair_started(self, pair_id: int) -> datetime | None:
        return await self.session.scalar(select(PairRow.started_at).where(PairRow.id == pair_id))


class LeasesRepo:
    """Roles held by one process at a time, with a lease the holder renews."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def take(self, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Take or renew ``name`` for ``holder`` until ``now + ttl``; True if it is ours.
        One conditional statement: free, expired or already ours."""
        await self.session.execute(
            dialect_insert(self.session, LeaseRow.__table__)
            .values(name=name, holder=holder, until=now - timedelta(seconds=1))
            .on_conflict_do_nothing()
        )
        result = await self.session.execute(
            update(LeaseRow)
            .where(LeaseRow.name == name, or_(LeaseRow.holder == holder, LeaseRow.until < now))
            .values(holder=holder, until=now + ttl)
        )
        return bool(getattr(result, "rowcount", 0))

    async def release(self, name: str, holder: str) -> None:
        await self.session.execute(delete(LeaseRow).where(LeaseRow.name == name, LeaseRow.holder == holder))

    async def holder(self, name: str, now: datetime) -> str | None:
        row = await self.session.get(LeaseRow, name)
        return row.holder if row is not None and row.until >= now else None
