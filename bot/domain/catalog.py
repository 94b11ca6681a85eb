"""Vocabularies of the target model, as data.

Every code here is a stable identifier stored in the database and in callback data
(so it is short ASCII); its label lives in ``locales/`` under ``<group>.<code>``.
Items the target model marks "(verify)" are kept as data here, not spread in code.
"""

from __future__ import annotations

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
MENTEE_KINDS_WITH_EXPERIENCE = frozenset({MenteeKind.YOUNG_TEACHER})

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
