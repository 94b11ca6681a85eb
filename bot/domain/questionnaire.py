"""The registration questionnaire as rules: which steps a role and kind need, in what order,
and how each answer is checked. The draft is a plain dict so it survives in FSM storage
(a restart in the middle of a questionnaire resumes where the person was)."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Any

from bot.domain import catalog as c
from bot.domain.catalog import MeetFormat, MenteeKind, MentorKind, Role
from bot.domain.errors import InvalidInput
from bot.domain.models import Profile

NAME_MIN, NAME_MAX = 2, 64
MIN_AGE, MAX_MINOR_AGE = 10, 17


class Step(StrEnum):
    NAME = "name"
    KIND = "kind"
    GRADE = "grade"
    EXPERIENCE = "experience"
    PROFESSION = "profession"  # a parent's or employer's, as typed
    TAGS = "tags"
    INTERESTS = "interests"
    CAPACITY = "capacity"
    SLOTS = "slots"
    FORMAT = "format"


Draft = dict[str, Any]


def kinds_for(role: Role) -> tuple[str, ...]:
    return tuple(k.value for k in (MentorKind if role is Role.MENTOR else MenteeKind))


def tags_for(role: Role, kind: str | None = None) -> tuple[str, ...]:
    """A mentor's competencies (the full list), or the key requests a mentee of this kind is
    offered (a pupil is not asked about lesson planning, a teacher about olympiads)."""
    return c.COMPETENCIES if role is Role.MENTOR else c.requests_for(kind)


def needs_grade(role: Role, kind: str | None) -> bool:
    # pragma below: `is not` is equivalent while both roles' grade kinds are {pupil} (catalog)
    if role is Role.MENTOR:  # pragma: no mutate
        return kind in c.MENTOR_KINDS_WITH_GRADE
    return kind in c.MENTEE_KINDS_WITH_GRADE


def needs_experience(role: Role, kind: str | None) -> bool:
    if role is Role.MENTOR:
        return kind in c.MENTOR_KINDS_WITH_EXPERIENCE
    return kind in c.MENTEE_KINDS_WITH_EXPERIENCE


def needs_profession(role: Role, kind: str | None) -> bool:
    """A parent or an employer mentor says their profession (родитель–ученик is about getting
    to know a profession)."""
    return role is Role.MENTOR and kind in c.MENTOR_KINDS_WITH_PROFESSION


def steps_for(role: Role, kind: str | None) -> list[Step]:
    steps = [Step.NAME, Step.KIND]
    if needs_grade(role, kind):
        steps.append(Step.GRADE)
    if needs_experience(role, kind):
        steps.append(Step.EXPERIENCE)
    if needs_profession(role, kind):
        steps.append(Step.PROFESSION)
    steps += [Step.TAGS, Step.INTERESTS]
    if role is Role.MENTOR:
        steps.append(Step.CAPACITY)
    steps += [Step.SLOTS, Step.FORMAT]
    return steps


def next_step(role: Role, draft: Draft) -> Step | None:
    """The first step still unanswered, or None when the draft is complete."""
    for step in steps_for(role, draft.get(Step.KIND)):
        if draft.get(step) is None:
            return step
    return None


def clean_name(text: str | None) -> str:
    """A person's name as typed: trimmed, one space between words, letters required."""
    if not text:
        raise InvalidInput("ask.name.invalid", min=NAME_MIN, max=NAME_MAX)
    text = re.sub(r"\s+", " ", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()
    if not NAME_MIN <= len(text) <= NAME_MAX or not any(ch.isalpha() for ch in text):
        raise InvalidInput("ask.name.invalid", min=NAME_MIN, max=NAME_MAX)
    return text


def clean_profession(text: str | None) -> str:
    """A profession as typed, cleaned like a name (letters required, at most 64 characters)."""
    try:
        return clean_name(text)
    except InvalidInput:
        raise InvalidInput("ask.profession.invalid", min=NAME_MIN, max=c.PROFESSION_MAX) from None


def answer(role: Role, draft: Draft, step: Step, value: Any) -> Draft:
    """Record one answer (already parsed from a button or text) after checking it.

    Returns a new draft; changing the kind forgets the answers that depend on it.
    """
    new = dict(draft)
    if step is Step.NAME:
        new[step] = clean_name(value)
    elif step is Step.PROFESSION:
        new[step] = clean_profession(value)
    elif step is Step.KIND:
        if value not in kinds_for(role):
            raise InvalidInput("error.stale")
        if value != draft.get(Step.KIND):
            new.pop(Step.GRADE, None)
            new.pop(Step.EXPERIENCE, None)
            if not needs_profession(role, value):
                new.pop(Step.PROFESSION, None)
            offered = tags_for(role, value)
            kept = [x for x in new.get(Step.TAGS) or [] if x in offered]
            if kept:
                new[Step.TAGS] = kept
            else:
                new.pop(Step.TAGS, None)  # nothing left that this kind is offered: asked again
        new[step] = value
    elif step is Step.GRADE:
        _choice(int(value), c.GRADES)
        new[step] = int(value)
    elif step is Step.EXPERIENCE:
        _choice(int(value), c.EXPERIENCE_CHOICES)
        new[step] = int(value)
    elif step is Step.CAPACITY:
        _choice(int(value), c.CAPACITY_CHOICES)
        new[step] = int(value)
    elif step is Step.FORMAT:
        _choice(value, tuple(f.value for f in MeetFormat))
        new[step] = value
    elif step in (Step.TAGS, Step.INTERESTS, Step.SLOTS):
        allowed = {
            Step.TAGS: tags_for(role, draft.get(Step.KIND)),
            Step.INTERESTS: c.INTERESTS,
            Step.SLOTS: c.SLOTS,
        }
        chosen = [v for v in allowed[step] if v in set(value)]  # catalogue order, no dupes
        if len(chosen) != len(set(value)):
            raise InvalidInput("error.stale")
        if not chosen:
            raise InvalidInput(f"ask.{step.value}.empty")
        new[step] = chosen
    return new


def selection(role: Role, draft: Draft, step: Step) -> list[str]:
    """What a multi-select starts from: the saved answer, less codes no longer offered (a
    pupil who once chose «Планирование уроков» is not stuck with a button they cannot see)."""
    saved = draft.get(step)
    if not isinstance(saved, list):
        return []
    if step is Step.TAGS:
        offered = tags_for(role, draft.get(Step.KIND))
        return [x for x in saved if x in offered]
    return list(saved)


def toggle(selection: list[str], code: str, allowed: tuple[str, ...]) -> list[str]:
    """Multi-select: add or remove one code, keeping the catalogue's order."""
    if code not in allowed:
        raise InvalidInput("error.stale")
    chosen = set(selection) ^ {code}
    return [v for v in allowed if v in chosen]


def _choice(value: object, allowed: tuple[object, ...]) -> None:
    if value not in allowed:
        raise InvalidInput("error.stale")


def to_profile(role: Role, draft: Draft) -> Profile:
    if next_step(role, draft) is not None:
        raise InvalidInput("error.incomplete")
    kind = draft[Step.KIND]
    return Profile(
        role=role,
        kind=kind,
        grade=draft.get(Step.GRADE) if needs_grade(role, kind) else None,
        experience=draft.get(Step.EXPERIENCE) if needs_experience(role, kind) else None,
        tags=tuple(draft[Step.TAGS]),
        interests=tuple(draft[Step.INTERESTS]),
        capacity=int(draft.get(Step.CAPACITY) or 1),
        slots=tuple(draft[Step.SLOTS]),
        format=MeetFormat(draft[Step.FORMAT]),
        profession=draft.get(Step.PROFESSION) if needs_profession(role, kind) else None,
    )


def from_profile(name: str, profile: Profile) -> Draft:
    """A complete draft from a saved profile, for editing it."""
    draft: Draft = {
        Step.NAME: name,
        Step.KIND: profile.kind,
        Step.TAGS: list(profile.tags),
        Step.INTERESTS: list(profile.interests),
        Step.SLOTS: list(profile.slots),
        Step.FORMAT: profile.format.value,
    }
    if profile.grade is not None:
        draft[Step.GRADE] = profile.grade
    if profile.experience is not None:
        draft[Step.EXPERIENCE] = profile.experience
    if profile.role is Role.MENTOR:
        draft[Step.CAPACITY] = profile.capacity
    if profile.profession:
        draft[Step.PROFESSION] = profile.profession
    return draft


def check_minor_age(age: int) -> int:
    if not MIN_AGE <= age <= MAX_MINOR_AGE:
        raise InvalidInput("error.stale")
    return age
