"""People: users (a person as Telegram knows them) and the consents they gave. Returns
domain objects; never commits (the unit of work owns the transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Integer, String, column, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import register
from bot.domain.catalog import Role, Status
from bot.domain.models import User, UserId
from storage.erasure import ErasureRepo
from storage.tables import (
    ConsentRow,
    CuratorRow,
    MenteeProfileRow,
    MentorProfileRow,
    ParticipantRow,
    ProgrammeRow,
    UserRow,
)

# A text statement: it runs for every update (see storage/bookkeeping.py SEEN).
PERSON = text(
    "SELECT u.id, u.name, u.username, u.locale, u.forgotten, u.unreachable, u.share_contact,"
    " c.organisation_id FROM users u LEFT OUTER JOIN curators c ON c.user_id = u.id WHERE u.id = :id"
).columns(
    column("id", BigInteger),
    column("name", String),
    column("username", String),
    column("locale", String),
    column("forgotten", Boolean),
    column("unreachable", Boolean),
    column("share_contact", Boolean),
    column("organisation_id", Integer),
)


REGISTER = text(
    "SELECT p.role, p.age, m.kind, e.kind FROM participants p"
    " LEFT OUTER JOIN mentor_profiles m ON m.participant_id = p.id"
    " LEFT OUTER JOIN mentee_profiles e ON e.participant_id = p.id"
    " WHERE p.user_id = :id AND p.status != :left"
)


def _user(row: UserRow) -> User:
    return User(
        UserId(row.id), row.name, row.username, row.locale, row.forgotten, row.unreachable, row.share_contact
    )


class PeopleRepo:
    """Users, their locale and reachability, and their consents."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        row = await self.session.get(UserRow, user_id)
        return _user(row) if row else None

    async def get_with_curatorships(self, user_id: int) -> tuple[User | None, frozenset[int]]:
        """The person and the organisations they curate, in one statement (asked for every
        update, so most people — who curate nothing — cost no second query)."""
        rows = (await self.session.execute(PERSON, {"id": user_id})).all()
        if not rows:
            return None, frozenset()
        r = rows[0]
        user = User(UserId(r[0]), r[1], r[2], r[3], bool(r[4]), bool(r[5]), bool(r[6]))
        return user, frozenset(int(row[7]) for row in rows if row[7] is not None)

    async def touch(self, user_id: int, name: str, username: str | None, now: datetime) -> User:
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

    async def formal_one(self, user_id: int, curator: bool) -> bool:
        """``formal`` for the person behind an update, who is known to curate or not: no
        query for a curator, else one prepared statement (this runs for every update)."""
        if curator:
            return True
        rows = (await self.session.execute(REGISTER, {"id": user_id, "left": Status.LEFT.value})).all()
        seen = [(Role(role), mentor_kind or mentee_kind, age) for role, age, mentor_kind, mentee_kind in rows]
        return register.formal_reader(False, seen)

    async def formal(self, user_ids: Sequence[int]) -> dict[int, bool]:
        """Whom to address with «вы» (True) and whom with «ты» (bot/domain/register.py), by
        whether they curate and by their participations' kinds and ages; two queries a
        500 people."""
        out: dict[int, bool] = {}
        ids = list(dict.fromkeys(user_ids))
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            curators = set(
                await self.session.scalars(select(CuratorRow.user_id).where(CuratorRow.user_id.in_(chunk)))
            )
            rows = await self.session.execute(
                select(
                    ParticipantRow.user_id,
                    ParticipantRow.role,
                    ParticipantRow.age,
                    MentorProfileRow.kind,
                    MenteeProfileRow.kind,
                )
                .outerjoin(MentorProfileRow, MentorProfileRow.participant_id == ParticipantRow.id)
                .outerjoin(MenteeProfileRow, MenteeProfileRow.participant_id == ParticipantRow.id)
                .where(ParticipantRow.user_id.in_(chunk), ParticipantRow.status != Status.LEFT.value)
            )
            seen: dict[int, list[tuple[Role, str | None, int | None]]] = {}
            for uid, role, age, mentor_kind, mentee_kind in rows.all():
                seen.setdefault(int(uid), []).append((Role(role), mentor_kind or mentee_kind, age))
            out.update({u: register.formal_reader(u in curators, seen.get(u, [])) for u in chunk})
        return out

    async def set_share_contact(self, user_id: int, value: bool) -> None:
        await self.session.execute(update(UserRow).where(UserRow.id == user_id).values(share_contact=value))

    async def set_locale(self, user_id: int, locale: str) -> None:
        await self.session.execute(update(UserRow).where(UserRow.id == user_id).values(locale=locale))

    async def forget(self, user_id: int, placeholder: str, now: datetime) -> list[int]:
        """Erase the person (see storage/erasure.py). Returns the organisations told."""
        return (await ErasureRepo(self.session).erase_person(user_id, placeholder, now)).organisations

    async def organisations(self, user_id: int) -> list[int]:
        """Organisations whose programmes this person takes part in."""
        rows = await self.session.scalars(
            select(ProgrammeRow.organisation_id)
            .join(ParticipantRow, ParticipantRow.programme_id == ProgrammeRow.id)
            .where(ParticipantRow.user_id == user_id)
            .distinct()
        )
        return sorted(set(rows))

    async def mark_unreachable(self, user_id: int) -> bool:
        """A person blocked the bot. True the first time, so curators are told once."""
        row = await self.session.get(UserRow, user_id)
        if row is None:
            return False
        first = not row.unreachable_told
        row.unreachable, row.unreachable_told = True, True
        await self.session.flush()
        return first

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
