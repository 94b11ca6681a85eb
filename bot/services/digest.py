"""The weekly digest of a programme: who needs a human, the week's figures against the
week before, and the weekly series for the chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import digest as rules
from bot.domain.errors import NotFound
from bot.domain.models import Programme
from bot.services.curation import require_programme
from storage.unit import Unit


@dataclass
class Digest:
    programme: Programme
    attention: list[rules.Attention]
    this_week: rules.Figures
    last_week: rules.Figures
    weeks: list[rules.Week]
    now: datetime
    support: list[rules.SnapPerson] = field(default_factory=list)  # «нужна поддержка», no pair


async def build(uow: Unit, programme: Programme, now: datetime) -> Digest:
    snap = await uow.reports.snapshot(programme.id)
    if snap is None:
        raise NotFound()
    week_ago, two_weeks_ago = now - timedelta(days=7), now - timedelta(days=14)
    return Digest(
        programme=programme,
        attention=rules.attention(snap, now),
        this_week=rules.figures(snap, week_ago, now),
        last_week=rules.figures(snap, two_weeks_ago, week_ago),
        weeks=rules.weeks(snap, now),
        now=now,
        support=rules.support_waiting(snap),
    )


async def for_curator(uow: Unit, curator_id: int, programme_id: int, now: datetime) -> Digest:
    programme = await require_programme(uow, curator_id, programme_id)
    return await build(uow, programme, now)


async def note_chat_members(uow: Unit, programme: Programme, members: int | None) -> int:
    """Remember how many people the curators' chat has (the bot aside); returns how many
    curators the organisation has, to compare."""
    if members is not None:
        await uow.programmes.update(programme.id, chat_members=members)
    return len(await uow.organisations.curators(programme.organisation_id))


async def programme_of_chat(uow: Unit, chat_id: int) -> Programme | None:
    pid = await uow.reports.programme_of_chat(chat_id)
    return await uow.programmes.get(pid) if pid is not None else None


async def due(uow: Unit, now: datetime) -> list[tuple[Programme, str]]:
    """Programmes whose weekly digest moment has come and has not been sent this week,
    with the key that makes it go once."""
    out: list[tuple[Programme, str]] = []
    for pid, _, tz, weekday, hour in await uow.reports.digest_programmes():
        local = now.replace(tzinfo=UTC).astimezone(ZoneInfo(tz))
        if not rules.due(local, weekday, hour):
            continue
        key = f"digest:{pid}:{rules.week_key(local)}"
        if await uow.outbox.exists(key + ":0"):
            continue
        programme = await uow.programmes.get(pid)
        if programme is not None:
            out.append((programme, key))
    return out


def _local(programme: Programme, now: datetime) -> datetime:
    return now.replace(tzinfo=UTC).astimezone(ZoneInfo(programme.timezone))


async def _fill_slots(uow: Unit, programme: Programme, weeks: list[str], now: datetime) -> None:
    """Mark these weeks' scheduled digests as taken (the scheduler skips them)."""
    for week in weeks:
        chat = programme.curator_chat_id or 0
        await uow.outbox.enqueue(f"digest:{programme.id}:{week}:0", chat, "", None, now, status="dropped")


async def bound(uow: Unit, programme: Programme, now: datetime) -> datetime:
    """A curators' group was bound now: this week's digest is not sent at once if its
    moment has passed. Returns the first scheduled digest's moment (local time)."""
    first, skip = rules.first_scheduled(
        _local(programme, now), programme.digest_weekday, programme.digest_hour
    )
    await _fill_slots(uow, programme, skip, now)
    return first


async def asked_in_group(uow: Unit, programme: Programme, now: datetime) -> None:
    """An on-demand digest in the curators' group stands for a scheduled one near it."""
    local = _local(programme, now)
    weeks = rules.weeks_covered(local, programme.digest_weekday, programme.digest_hour)
    await _fill_slots(uow, programme, weeks, now)


async def set_schedule(
    uow: Unit, curator_id: int, programme_id: int, weekday: int, hour: int, now: datetime
) -> Programme:
    programme = await require_programme(uow, curator_id, programme_id, write=True)
    weekday, hour = max(0, min(6, weekday)), max(0, min(23, hour))
    await uow.programmes.update(programme.id, digest_weekday=weekday, digest_hour=hour)
    await uow.audit.record(
        programme.organisation_id,
        curator_id,
        "digest_schedule",
        now,
        f"programme:{programme.id}",
        weekday=weekday,
        hour=hour,
    )
    updated = await uow.programmes.get(programme.id)
    assert updated is not None
    return updated
