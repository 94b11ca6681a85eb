"""Whom the bot addresses with «вы» and whom with «ты» (docs/architecture.md, "Register").

Pupils — school pupils and college students («обучающиеся» of the target model, teens) —
and anyone under 18 read «ты»; adults — curators, teachers, young teachers, university
students, parents, employers, alumni — read «вы». A string written for adults lives under
the sibling key ``x_vy`` (bot/i18n.py picks it); these rules only say which reader is which.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.domain.catalog import Form, MenteeKind, MentorKind, Role
from bot.domain.models import ADULT_AGE

# Kinds of people who are pupils: a school pupil (mentor or mentee) and a college student.
PUPIL_KINDS = frozenset({MentorKind.PUPIL.value, MenteeKind.COLLEGE.value, MenteeKind.PUPIL.value})

# Forms whose mentees are adults (a young teacher) and forms whose mentors are pupils.
ADULT_MENTEE_FORMS = frozenset({Form.TEACHER_TEACHER})
PUPIL_MENTOR_FORMS = frozenset({Form.PUPIL_PUPIL})


def formal(kind: str | None, age: int | None, role: Role | None = None) -> bool:
    """«вы» for a participant of this kind and age; ``role`` decides while the kind is unknown
    (a mentor is most often an adult, a mentee a pupil)."""
    if age is not None and age < ADULT_AGE:
        return False
    if kind is not None:
        return kind not in PUPIL_KINDS
    return role is not Role.MENTEE


def formal_applicant(role: Role, forms: Iterable[Form | str], kind: str | None, age: int | None) -> bool:
    """A person registering by an invite, before and after they say who they are.

    Before the kind is known the invite and the programme decide, as a school would: a
    mentee's link goes to pupils (ты) unless every form of the programme has adult mentees
    (учитель — учитель: young teachers, вы); a mentor's link goes to adults (вы) unless every
    form has pupil mentors (ученик — ученик: ты). A minor's age, once given, means ты."""
    if kind is not None or (age is not None and age < ADULT_AGE):
        return formal(kind, age, role)
    kinds = {Form(f) for f in forms}
    if role is Role.MENTEE:
        return bool(kinds) and kinds <= ADULT_MENTEE_FORMS
    return not (kinds and kinds <= PUPIL_MENTOR_FORMS)


def formal_reader(curator: bool, participations: Sequence[tuple[Role, str | None, int | None]]) -> bool:
    """A person the bot writes to: a curator reads «вы»; a participant reads «ты» if any of
    their participations is a pupil's, unless they have since come back as an adult alumnus
    (a graduate: last year's pupil participation is the past); someone the bot knows nothing
    about reads «вы» (the polite default of Russian for a stranger)."""
    if curator:
        return True
    if any(
        kind == MentorKind.ALUMNUS.value and formal(kind, age, role) for role, kind, age in participations
    ):
        return True
    return all(formal(kind, age, role) for role, kind, age in participations)


def formal_invitee(
    role: Role, forms: Iterable[Form | str], kind: str | None, age: int | None, alumnus: bool
) -> bool:
    """A person invited from the school's base or a copied programme's cohort, before they
    answer: what the school knows of them decides, not the participations they once had. An
    alumnus asked to mentor has left school: «вы» unless known to be a minor; otherwise the
    record's kind and age (a pupil mentor, a pupil mentee: «ты»; a teacher: «вы»), and
    without a kind the programme, as for its invite link (``formal_applicant``)."""
    if alumnus and (age is None or age >= ADULT_AGE):
        return True
    return formal_applicant(role, forms, kind, age)
