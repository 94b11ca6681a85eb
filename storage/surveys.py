"""Questionnaires: the items of a programme, launched surveys and the answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.surveys import DEFAULT_PULSE_DAYS, Item, ItemKind, Response, moments_of
from storage.tables import ParticipantRow, ProgrammeRow, SurveyItemRow, SurveyResponseRow, SurveyRow


@dataclass(frozen=True)
class Survey:
    id: int
    programme_id: int
    kind: str
    launched_at: datetime
    point: int | None = None  # an automatic pulse: the programme's day


@dataclass(frozen=True)
class Asked:
    """An open response with whom it belongs to (for reminders)."""

    response_id: int
    survey_id: int
    user_id: int
    kind: str
    programme_id: int


def _item(row: SurveyItemRow, locale: str | None) -> Item:
    text = row.text_en if locale == "en" and row.text_en else row.text_ru
    return Item(
        row.id, row.role, ItemKind(row.kind), text, row.code, row.active, moments_of(row.moments), row.form
    )


def _survey(r: SurveyRow) -> Survey:
    return Survey(r.id, r.programme_id, r.kind, r.launched_at, r.point)


def _response(row: SurveyResponseRow) -> Response:
    return Response(
        row.id,
        row.participant_id,
        row.role,
        row.form,
        tuple(row.items),
        dict(row.answers or {}),
        row.completed_at is not None,
    )


class SurveysRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def items(self, programme_id: int, locale: str | None = None) -> list[Item]:
        rows = await self.session.scalars(
            select(SurveyItemRow)
            .where(SurveyItemRow.programme_id == programme_id)
            .order_by(SurveyItemRow.role, SurveyItemRow.position, SurveyItemRow.id)
        )
        return [_item(r, locale) for r in rows]

    async def item(self, item_id: int, locale: str | None = None) -> tuple[int, Item] | None:
        row = await self.session.get(SurveyItemRow, item_id)
        return (row.programme_id, _item(row, locale)) if row else None

    async def add_item(
        self,
        programme_id: int,
        role: str,
        kind: str,
        text_ru: str,
        text_en: str,
        code: str | None = None,
        moments: str | None = None,
        form: str | None = None,
    ) -> int:
        position = await self.session.scalar(
            select(func.coalesce(func.max(SurveyItemRow.position), 0)).where(
                SurveyItemRow.programme_id == programme_id, SurveyItemRow.role == role
            )
        )
        row = SurveyItemRow(
            programme_id=programme_id,
            role=role,
            position=int(position or 0) + 1,
            kind=kind,
            code=code,
            text_ru=text_ru[:300],
            text_en=text_en[:300],
            active=True,
            moments=moments,
            form=form,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def set_item_active(self, item_id: int, active: bool) -> None:
        await self.session.execute(
            update(SurveyItemRow).where(SurveyItemRow.id == item_id).values(active=active)
        )

    async def set_item_moments(self, item_id: int, moments: str | None) -> None:
        await self.session.execute(
            update(SurveyItemRow).where(SurveyItemRow.id == item_id).values(moments=moments)
        )

    async def set_item_text(self, item_id: int, locale: str | None, text: str) -> None:
        column = "text_en" if locale == "en" else "text_ru"
        await self.session.execute(
            update(SurveyItemRow).where(SurveyItemRow.id == item_id).values({column: text[:300]})
        )

    async def create(
        self, programme_id: int, kind: str, by: int, now: datetime, point: int | None = None
    ) -> Survey:
        row = SurveyRow(programme_id=programme_id, kind=kind, launched_by=by, launched_at=now, point=point)
        self.session.add(row)
        await self.session.flush()
        return _survey(row)

    async def surveys(self, programme_id: int) -> list[Survey]:
        rows = await self.session.scalars(
            select(SurveyRow).where(SurveyRow.programme_id == programme_id).order_by(SurveyRow.id)
        )
        return [_survey(r) for r in rows]

    async def pulse_programmes(self) -> list[tuple[int, date, str, tuple[int, ...]]]:
        """Running programmes (not completing, not archived) with their pulse days."""
        rows = await self.session.execute(
            select(ProgrammeRow.id, ProgrammeRow.start_date, ProgrammeRow.timezone, ProgrammeRow.pulse_days)
            .where(ProgrammeRow.archived.is_(False), ProgrammeRow.closing_at.is_(None))
            .order_by(ProgrammeRow.id)
        )
        return [
            (pid, start, tz, tuple(days) if days is not None else DEFAULT_PULSE_DAYS)
            for pid, start, tz, days in rows.all()
        ]

    async def pulse_days(self, programme_id: int) -> tuple[int, ...]:
        days = await self.session.scalar(
            select(ProgrammeRow.pulse_days).where(ProgrammeRow.id == programme_id)
        )
        return tuple(days) if days is not None else DEFAULT_PULSE_DAYS

    async def set_pulse_days(self, programme_id: int, days: tuple[int, ...]) -> None:
        await self.session.execute(
            update(ProgrammeRow).where(ProgrammeRow.id == programme_id).values(pulse_days=list(days))
        )

    async def get(self, survey_id: int) -> Survey | None:
        r = await self.session.get(SurveyRow, survey_id)
        return _survey(r) if r else None

    async def add_response(
        self,
        survey_id: int,
        participant_id: int,
        role: str,
        form: str | None,
        items: list[int],
        now: datetime,
    ) -> int:
        row = SurveyResponseRow(
            survey_id=survey_id,
            participant_id=participant_id,
            role=role,
            form=form,
            items=items,
            answers={},
            asked_at=now,
            reminded=False,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def response(self, response_id: int) -> tuple[Response, int] | None:
        """The response and its owner's Telegram id."""
        row = await self.session.execute(
            select(SurveyResponseRow, ParticipantRow.user_id)
            .join(ParticipantRow, ParticipantRow.id == SurveyResponseRow.participant_id)
            .where(SurveyResponseRow.id == response_id)
        )
        found = row.first()
        if found is None:
            return None
        return _response(found[0]), int(found[1])

    async def save_answers(
        self, response_id: int, answers: dict[str, int | str | None], completed_at: datetime | None
    ) -> None:
        await self.session.execute(
            update(SurveyResponseRow)
            .where(SurveyResponseRow.id == response_id)
            .values(answers=answers, completed_at=completed_at)
        )

    async def responses(self, survey_id: int) -> list[Response]:
        rows = await self.session.scalars(
            select(SurveyResponseRow)
            .where(SurveyResponseRow.survey_id == survey_id)
            .order_by(SurveyResponseRow.id)
        )
        return [_response(r) for r in rows]

    async def to_remind(self, asked_before: datetime) -> list[Asked]:
        rows = await self.session.execute(
            select(
                SurveyResponseRow.id,
                SurveyRow.id,
                ParticipantRow.user_id,
                SurveyRow.kind,
                SurveyRow.programme_id,
            )
            .join(SurveyRow, SurveyRow.id == SurveyResponseRow.survey_id)
            .join(ParticipantRow, ParticipantRow.id == SurveyResponseRow.participant_id)
            .where(
                SurveyResponseRow.completed_at.is_(None),
                SurveyResponseRow.reminded.is_(False),
                SurveyResponseRow.asked_at <= asked_before,
            )
        )
        return [Asked(a, b, int(c), d, e) for a, b, c, d, e in rows.all()]

    async def mark_reminded(self, response_ids: list[int]) -> None:
        if response_ids:
            await self.session.execute(
                update(SurveyResponseRow).where(SurveyResponseRow.id.in_(response_ids)).values(reminded=True)
            )
