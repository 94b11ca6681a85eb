"""Which register a person reads — «вы» or «ты» — for an update or a message the bot starts
itself (the rules: bot/domain/register.py; the strings: ``x`` and ``x_vy`` in locales/)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.domain import register
from bot.domain.catalog import Role
from bot.i18n import L10n, Translator
from storage.unit import Unit

# The dialogues of registration and of /profile: who the person is comes from the dialogue.
DIALOGUES = ("Join:", "Questionnaire:")


def from_dialogue(data: Mapping[str, Any]) -> bool | None:
    """The register of someone registering or editing their profile, from the dialogue's
    data (the invite's role, the programme's forms, the age and the kind given so far)."""
    if "role" not in data:
        return None
    try:
        role = Role(data["role"])
        draft = data.get("draft") or {}
        return register.formal_applicant(role, data.get("forms") or (), draft.get("kind"), data.get("age"))
    except ValueError:
        return None


async def formal(
    uow: Unit,
    user_id: int,
    raw_state: str | None = None,
    dialogue: Callable[[], Awaitable[dict[str, Any]]] | None = None,
    curator: bool = False,
) -> bool:
    """«вы» (True) or «ты» for the person behind an update (``curator``: known to curate)."""
    if raw_state and raw_state.startswith(DIALOGUES) and dialogue is not None:
        known = from_dialogue(await dialogue())
        if known is not None:
            return known
    return await uow.people.formal_one(user_id, curator)


async def strings(uow: Unit, i18n: Translator, user_id: int, locale: str | None) -> L10n:
    """The strings of a person the bot writes to outside an update."""
    return i18n.get(locale, (await uow.people.formal([user_id]))[user_id])
