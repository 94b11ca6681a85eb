"""Scheduler jobs: plain async functions with explicit arguments and an injectable clock,
so tests call them directly instead of waiting for time to pass. They decide what is due
and put messages into the outbox under keys that make each message happen once."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.clock import Clock
from bot.domain import meetings as rules
from bot.domain.pairs import PairStatus
from bot.i18n import Html, L10n, Translator
from bot.services import digest as digests
from bot.services import pairs, surveys
from handlers import digest as digest_views
from handlers import meeting_texts as mt
from handlers.callbacks import ProposalCb, SurveyCb
from handlers.common import notify
from storage.db import Database
from storage.repo import Repo


async def proposals_tick(db: Database, i18n: Translator, clock: Clock) -> pairs.Due:
    """One reminder at half-time to whoever has not answered; expire what is overdue."""
    now = clock.now()
    async with db.unit() as repo:
        due = await pairs.proposals_due(repo, now)
        for pair in due.remind:
            for side in (pair.mentor, pair.mentee):
                if pair.answer_of(side.role) is not None:
                    continue
                owner = await repo.get_user(side.user_id)
                t = i18n.get(owner.locale if owner else None)
                kb = InlineKeyboardBuilder()
                kb.button(text=t("btn.accept"), callback_data=ProposalCb(pair=pair.id, answer="y"))
                kb.button(text=t("btn.decline"), callback_data=ProposalCb(pair=pair.id, answer="n"))
                await notify(
                    repo,
                    now,
                    side.user_id,
                    t("proposal.reminder", other=pair.other(side.role).name),
                    kb.as_markup(),
                    key=f"propremind:{pair.id}:{side.id}",
                )
        for pair in due.expired:
            for side in (pair.mentor, pair.mentee):
                owner = await repo.get_user(side.user_id)
                text = i18n.get(owner.locale if owner else None)("proposal.expired")
                await notify(repo, now, side.user_id, text, key=f"propexpired:{pair.id}:{side.id}")
            programme = await repo.get_programme(pair.programme_id)
            if programme is not None:
                for curator in await repo.curators_of(programme.organisation_id):
                    ct = i18n.get(curator.locale)
                    text = ct(
                        "curator.pair_expired",
                        mentee=pair.mentee.name,
                        mentor=pair.mentor.name,
                        programme=programme.title,
                    )
                    await notify(repo, now, curator.id, text, key=f"propexpired:{pair.id}:c{curator.id}")
    return due


async def meetings_tick(db: Database, i18n: Translator, clock: Clock) -> dict[str, int]:
    """Reminders before meetings, check-ins after them, one reminder of an unanswered
    check-in, and nudges for pairs that have gone quiet (not during breaks)."""
    now = clock.now()
    counts = {"reminders": 0, "checkins": 0, "reflection_reminders": 0, "nudges": 0, "waiting": 0}
    async with db.unit() as repo:
        horizon = max(rules.DEFAULT_REMINDERS)
        for m in await repo.meetings.confirmed_between(now, now + horizon + timedelta(minutes=1)):
            pair = await repo.get_pair(m.pair_id)
            programme = await repo.get_programme(pair.programme_id) if pair else None
            if pair is None or programme is None or pair.status is not PairStatus.ACTIVE:
                continue
            due = rules.reminders_due(m, now)
            for offset in due:
                hours = int(offset.total_seconds() // 3600)
                # several due at once (after downtime or a late confirmation): only the nearest goes,
                # saying the real time left; the others are recorded so they never go later
                nearest = offset == min(due)
                left = max(1, round((m.starts_at - now).total_seconds() / 3600))
                for side in (pair.mentor, pair.mentee):
                    t = await _t(repo, i18n, side.user_id)
                    text = t(
                        "meet.reminder",
                        when=mt.when(t, m, programme.timezone),
                        kind=Html(t(f"meet.kind.{m.kind.value}")),
                        other=pair.other(side.role).name,
                        left=Html(t("meet.in_hours", count=left)),
                    )
                    key = f"meet:{m.id}:{m.starts_at:%Y%m%d%H%M}:{hours}h:{side.id}"
                    status = "pending" if nearest else "dropped"
                    if (
                        await repo.outbox.enqueue(
                            key, side.user_id, text, None, now, expires_at=m.starts_at, status=status
                        )
                        and nearest
                    ):
                        counts["reminders"] += 1
        for m in await repo.meetings.confirmed_between(
            now - timedelta(days=7), now - rules.CHECKIN_AFTER + timedelta(seconds=1)
        ):
            if not rules.checkin_due(m, now):
                continue
            pair = await repo.get_pair(m.pair_id)
            programme = await repo.get_programme(pair.programme_id) if pair else None
            if pair is None or programme is None:
                continue
            for side in (pair.mentor, pair.mentee):
                if await repo.meetings.ask(m.id, side.id, side.role.value, now):
                    t = await _t(repo, i18n, side.user_id)
                    text = t(
                        "reflect.ask.happened",
                        when=mt.when(t, m, programme.timezone),
                        kind=Html(t(f"meet.kind.{m.kind.value}")),
                        other=pair.other(side.role).name,
                    )
                    await notify(
                        repo,
                        now,
                        side.user_id,
                        text,
                        mt.happened_keyboard(t, m.id),
                        key=f"checkin:{m.id}:{side.id}",
                    )
                    counts["checkins"] += 1
        for r in await repo.meetings.unanswered(now - rules.REFLECTION_REMINDER):
            await repo.meetings.answer(r.id, reminded=True)
            if now - r.asked_at >= rules.REFLECTION_MISSING:
                continue  # counts as missing; no late reminder
            participant = await repo.get_participant(r.participant_id)
            if participant is None:
                continue
            t = await _t(repo, i18n, participant.user_id)
            await notify(
                repo,
                now,
                participant.user_id,
                t("reflect.reminder"),
                mt.happened_keyboard(t, r.meeting_id) if r.happened is None else None,
                key=f"checkin-remind:{r.id}",
            )
            counts["reflection_reminders"] += 1
        for m in await repo.meetings.proposed_before(now - timedelta(hours=24)):
            if m.starts_at <= now:
                continue
            pair = await repo.get_pair(m.pair_id)
            if pair is None:
                continue
            other = pair.mentee if pair.mentor.user_id == m.proposed_by else pair.mentor
            t = await _t(repo, i18n, other.user_id)
            if await notify(
                repo,
                now,
                other.user_id,
                t("meet.waiting", other=pair.other(other.role).name),
                mt.confirm_keyboard(t, m.id),
                key=f"meetwait:{m.id}",
            ):
                counts["waiting"] += 1
        for pair_id in await repo.meetings.active_pair_ids():
            counts["nudges"] += await _nudge(repo, i18n, pair_id, now)
    return counts


async def _nudge(repo: Repo, i18n: Translator, pair_id: int, now: datetime) -> int:
    pair = await repo.get_pair(pair_id)
    programme = await repo.get_programme(pair.programme_id) if pair else None
    if pair is None or programme is None:
        return 0
    last = max(
        filter(None, [await repo.meetings.last_activity(pair.id), await repo.meetings.pair_started(pair.id)]),
        default=None,
    )
    if last is None or last > now:  # a meeting is planned
        return 0
    today = rules.to_local(now, programme.timezone).date()
    if rules.in_break(today, await repo.meetings.breaks(programme.id)):
        return 0
    bucket = rules.nudge_bucket(last, now, programme.nudge_days)
    if bucket is None:
        return 0
    sent = 0
    for side in (pair.mentor, pair.mentee):
        t = await _t(repo, i18n, side.user_id)
        if await notify(
            repo,
            now,
            side.user_id,
            t("meet.nudge", other=pair.other(side.role).name, days=(now - last).days),
            key=f"nudge:{pair.id}:{bucket}:{side.id}",
        ):
            sent += 1
    return sent


async def _t(repo: Repo, i18n: Translator, user_id: int) -> L10n:
    owner = await repo.get_user(user_id)
    return i18n.get(owner.locale if owner else None)


async def digest_tick(db: Database, i18n: Translator, clock: Clock) -> int:
    """Each programme's weekly digest into its curators' group, once a week at the set
    weekday and hour (the organisation's local time), in the installation's language."""
    now = clock.now()
    sent = 0
    async with db.unit() as repo:
        for programme, key in await digests.due(repo, now):
            if programme.curator_chat_id is None:
                continue
            digest = await digests.build(repo, programme, now)
            parts = await digest_views.full(i18n.get(i18n.default), digest)
            await digest_views.enqueue(repo, now, programme.curator_chat_id, key, parts)
            sent += 1
    return sent


async def surveys_tick(db: Database, i18n: Translator, clock: Clock) -> int:
    """One reminder to whoever has not finished a questionnaire two days after it came."""
    now = clock.now()
    async with db.unit() as repo:
        due = await surveys.to_remind(repo, now)
        for asked in due:
            owner = await repo.get_user(asked.user_id)
            t = i18n.get(owner.locale if owner else None)
            kb = InlineKeyboardBuilder()
            kb.button(text=t("survey.btn.continue"), callback_data=SurveyCb(r=asked.response_id, i=0, v="go"))
            await notify(
                repo,
                now,
                asked.user_id,
                t("survey.reminder", kind=Html(t(f"survey.kind.{asked.kind}"))),
                kb.as_markup(),
                key=f"surveyremind:{asked.response_id}",
            )
    return len(due)
