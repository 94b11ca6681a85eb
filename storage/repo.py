"""Flat names of the old all-in-one repository, kept only for ``sandbox/demo.py`` (owned by
another branch while this one reshaped storage/): delete this module, and let
``Database.unit()`` yield a plain ``Unit``, once the demo says ``uow.people.touch`` and so on.
Everything else reaches the repositories per aggregate through ``storage.unit.Unit``."""

from __future__ import annotations

from typing import Any

from bot.domain.models import Organisation, Participant, Programme, User
from storage.unit import Unit


class Repo(Unit):
    async def touch_user(self, *args: Any, **kwargs: Any) -> User:
        return await self.people.touch(*args, **kwargs)

    async def add_consent(self, *args: Any, **kwargs: Any) -> None:
        await self.people.add_consent(*args, **kwargs)

    async def create_organisation(self, *args: Any, **kwargs: Any) -> Organisation:
        return await self.organisations.create(*args, **kwargs)

    async def add_curator(self, *args: Any, **kwargs: Any) -> bool:
        return await self.organisations.add_curator(*args, **kwargs)

    async def create_programme(self, *args: Any, **kwargs: Any) -> Programme:
        return await self.programmes.create(*args, **kwargs)

    async def update_programme(self, *args: Any, **kwargs: Any) -> None:
        await self.programmes.update(*args, **kwargs)

    async def create_participant(self, *args: Any, **kwargs: Any) -> Participant:
        return await self.participants.create(*args, **kwargs)

    async def decide(self, *args: Any, **kwargs: Any) -> None:
        await self.participants.decide(*args, **kwargs)

    async def confirm_parental_consent(self, *args: Any, **kwargs: Any) -> None:
        await self.participants.confirm_parental_consent(*args, **kwargs)

    async def create_pair(self, *args: Any, **kwargs: Any) -> int:
        return await self.pairs.create(*args, **kwargs)

    async def update_pair(self, *args: Any, **kwargs: Any) -> None:
        await self.pairs.update(*args, **kwargs)
