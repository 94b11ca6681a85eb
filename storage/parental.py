"""A minor's parental consent as paper: when the form was handed out, the parent's contact
and when the signed form came back (the consents table)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.consent import Parental
from storage.tables import ConsentRow, ParticipantRow


class ParentalRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, participant_id: int) -> Parental:
        row = (
            await self.session.execute(
                select(ParticipantRow.consent_asked_at, ParticipantRow.parent_contact).where(
                    ParticipantRow.id == participant_id
                )
            )
        ).first()
        received = await self.session.scalar(
            select(func.max(ConsentRow.given_at)).where(
                ConsentRow.participant_id == participant_id,
                ConsentRow.on_behalf == "parent",
                ConsentRow.withdrawn_at.is_(None),
            )
        )
        if row is None:
            return Parental(None, received, None)
        return Parental(row[0], received, row[1])

    async def mark_asked(self, participant_id: int, now: datetime) -> None:
        await self.session.execute(
            update(ParticipantRow).where(ParticipantRow.id == participant_id).values(consent_asked_at=now)
        )

    async def set_contact(self, participant_id: int, contact: str | None) -> None:
        await self.session.execute(
            update(ParticipantRow).where(ParticipantRow.id == participant_id).values(parent_contact=contact)
        )
