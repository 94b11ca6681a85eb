"""Vocabularies of the target model, as data.

Every code here is a stable identifier stored in the database and in callback data
(so it is short ASCII); its label lives in ``locales/`` under ``<group>.<code>``.
Items the target model marks "(verify)" are kept as data here, not spread in code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CURATOR = "curator"
    MENTOR = "mentor"
    MENTEE = "mentee"


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    LEFT = "left"


class Form(StrEnum):
    """Forms of mentoring of the target model (распоряжение Р-145)."""

    PUPIL_PUPIL = "pp"  # ученик–ученик
    TEACHER_TEACHER = "tt"  # учитель–учитель (педагог–педагог)
    STUDENT_PUPIL = "sp"  # студент–ученик
    EMPLOYER_PUPIL = "ep"  # работодатель–ученик / студент
    PARENT_PUPIL = "rp"  # родитель–ученик
    TEACHER_PUPIL = "tp"  # педагог–учащийся
    REVERSE = "rev"  # реверсивное
    EMPLOYER_TEACHER = "etp"  # работодатель–педагог–учащийся: employer → teacher or pupil, 1:1 here


class MentorKind(StrEnum):
    PUPIL = "pupil"
    TEACHER = "teacher"
    STUDENT = "student"
    PARENT = "parent"
    EMPLOYER = "employer"
    ALUMNUS = "alumnus"


class MenteeKind(StrEnum):
    PUPIL = "pupil"
    COLLEGE = "college"
    YOUNG_TEACHER = "yteacher"
    EXPERIENCED_TEACHER = "eteacher"  # опытный педагог: the mentee of reverse mentoring


class MeetFormat(StrEnum):
    OFFLINE = "offline"
    ONLINE = "online"
    ANY = "any"


class Cadence(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


CADENCE_DAYS: dict[Cadence, int] = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14, Cadence.MONTHLY: 30}

# Key requests of mentees (ключевой запрос), from the model's list.
REQUESTS: tuple[str, ...] = (
    "motivation",
    "results",
    "selfreg",
    "adaptation",
    "career",
    "olympiad",
    "projects",
    "talents",
    "leadership",
    "communication",
    "lessons",
    "classroom",
    "parents",
    "documents",
    "digital",  # digital tools: what reverse mentoring teaches an experienced teacher
)

# Competencies a mentor offers: the same vocabulary as requests (so matching is exact),
# plus school subjects.
SUBJECTS: tuple[str, ...] = (
    "math",
    "russian",
    "literature",
    "english",
    "physics",
    "chemistry",
    "biology",
    "history",
    "social",
    "geography",
    "informatics",
    "ai",
    "art",
    "music",
    "sport",
)
COMPETENCIES: tuple[str, ...] = REQUESTS + SUBJECTS

INTERESTS: tuple[str, ...] = (
    "sport",
    "music",
    "art",
    "reading",
    "games",
    "programming",
    "robotics",
    "chess",
    "science",
    "volunteering",
    "travel",
    "theatre",
    "cinema",
    "languages",
    "nature",
    "business",
)

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS: tuple[str, ...] = ("am", "pm", "ev")  # morning, afternoon, evening
SLOTS: tuple[str, ...] = tuple(f"{d}_{p}" for d in DAYS for p in PARTS)

# A part of a day counts as this many hours of availability.
HOURS_PER_PART = 3

GRADES: tuple[int, ...] = tuple(range(1, 12))  # classes 1..11
EXPERIENCE_CHOICES: tuple[int, ...] = (0, 1, 2, 3, 5, 10, 20)
CAPACITY_CHOICES: tuple[int, ...] = (1, 2, 3, 4, 5)

# Kinds that speak of a class (grade) and kinds that speak of years of experience.
MENTOR_KINDS_WITH_GRADE = frozenset({MentorKind.PUPIL})
MENTOR_KINDS_WITH_EXPERIENCE = frozenset(
    {MentorKind.TEACHER, MentorKind.EMPLOYER, MentorKind.PARENT, MentorKind.ALUMNUS}
)
MENTEE_KINDS_WITH_GRADE = frozenset({MenteeKind.PUPIL})
MENTEE_KINDS_WITH_EXPERIENCE = frozenset({MenteeKind.YOUNG_TEACHER, MenteeKind.EXPERIENCED_TEACHER})
TEACHER_MENTEES = frozenset({MenteeKind.YOUNG_TEACHER, MenteeKind.EXPERIENCED_TEACHER})

# Timezones offered in the dialogue (Russia's zones, west to east).
TIMEZONES: tuple[str, ...] = (
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
)

# Personal-data consent text version; bump it whenever the text in locales changes.
CONSENT_VERSION = "2026-12-v3"  # v2: the account in either messenger; v3: «вы» for adults, no «пара» wording

STAGES: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)

LANGUAGES: tuple[str, ...] = ("ru", "en")

# --- forms in detail (issue 15) ---------------------------------------------------------------
# Key requests offered by the mentee's kind: a pupil is not asked about lesson planning, a
# teacher is not asked about olympiads. Mentors' competencies stay the full list.
PUPIL_REQUESTS: tuple[str, ...] = (
    "motivation",
    "results",
    "selfreg",
    "adaptation",
    "career",
    "olympiad",
    "projects",
    "talents",
    "leadership",
    "communication",
)
TEACHER_REQUESTS: tuple[str, ...] = (
    "motivation",
    "selfreg",
    "adaptation",
    "career",
    "projects",
    "leadership",
    "communication",
    "lessons",
    "classroom",
    "parents",
    "documents",
    "digital",
)
REQUESTS_BY_KIND: dict[str, tuple[str, ...]] = {
    MenteeKind.PUPIL: PUPIL_REQUESTS,
    MenteeKind.COLLEGE: PUPIL_REQUESTS,
    MenteeKind.YOUNG_TEACHER: TEACHER_REQUESTS,
    MenteeKind.EXPERIENCED_TEACHER: TEACHER_REQUESTS,
}


def requests_for(kind: str | None) -> tuple[str, ...]:
    """The key requests a mentee of this kind is offered (all of them for an unknown kind)."""
    return REQUESTS_BY_KIND.get(kind or "", REQUESTS)


@dataclass(frozen=True)
class SubModel:
    """A typical sub-model of a form (target model, "verify"): the hard rule it relaxes or
    tightens, and the key requests whose coverage weighs more in the score.

    ``equal_grade``: a pupil mentor may be in the mentee's own class (равный–равному);
    ``gap``: for teacher mentees, the years of experience the mentor needs beyond the
    mentee's (None: the form's own rule)."""

    code: str
    form: Form
    emphasis: tuple[str, ...] = ()
    equal_grade: bool = False
    gap: int | None = None


SUBMODELS: tuple[SubModel, ...] = (
    # ученик–ученик
    SubModel("pp_ach", Form.PUPIL_PUPIL, ("results", "olympiad")),  # успевающий–неуспевающий
    SubModel("pp_lead", Form.PUPIL_PUPIL, ("leadership", "communication")),  # лидер–пассивный
    SubModel("pp_peer", Form.PUPIL_PUPIL, ("communication", "selfreg"), equal_grade=True),  # равный–равному
    SubModel(
        "pp_adapt", Form.PUPIL_PUPIL, ("adaptation", "communication")
    ),  # адаптированный–неадаптированный
    # учитель–учитель
    SubModel("tt_young", Form.TEACHER_TEACHER, ("lessons", "classroom", "documents")),  # опытный–молодой
    SubModel("tt_class", Form.TEACHER_TEACHER, ("classroom", "parents")),  # классный руководитель–молодой
    SubModel("tt_comm", Form.TEACHER_TEACHER, ("motivation", "communication"), gap=1),  # лидер–с проблемами
    SubModel(
        "tt_innov", Form.TEACHER_TEACHER, ("digital", "projects", "lessons"), gap=0
    ),  # новатор–консерватор
    # студент–ученик
    SubModel("sp_ach", Form.STUDENT_PUPIL, ("results", "olympiad")),  # успевающий–неуспевающий
    SubModel("sp_lead", Form.STUDENT_PUPIL, ("motivation", "leadership")),  # лидер–равнодушный
    SubModel("sp_peer", Form.STUDENT_PUPIL, ("communication", "adaptation")),  # равный–другому
    SubModel("sp_proj", Form.STUDENT_PUPIL, ("projects",)),  # куратор–автор проекта
    # работодатель–ученик / студент
    SubModel("ep_act", Form.EMPLOYER_PUPIL, ("motivation", "career")),  # профессионал–равнодушный
    SubModel("ep_coll", Form.EMPLOYER_PUPIL, ("projects", "career")),  # коллега–молодой коллега
    SubModel("ep_future", Form.EMPLOYER_PUPIL, ("career",)),  # работодатель–будущий сотрудник
)
SUBMODEL_BY_CODE: dict[str, SubModel] = {s.code: s for s in SUBMODELS}


def submodels_of(form: Form) -> tuple[SubModel, ...]:
    return tuple(s for s in SUBMODELS if s.form is form)


# Directions of a programme (направления).
DIRECTIONS: tuple[str, ...] = ("study", "social", "prevent", "young")

PROFESSION_MAX = 64  # a parent's or employer's profession, as typed
MENTOR_KINDS_WITH_PROFESSION = frozenset({MentorKind.PARENT, MentorKind.EMPLOYER})
