"""A demo school for `make demo`: a curator, 8 mentors and 20 mentees of different
forms with realistic names and profiles, and an active programme. People are created
in the emulator (so they appear in the web chat) and in the bot's database."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.app import App
from bot.domain import catalog as c
from bot.domain.catalog import Cadence, Form, MeetFormat, Role, Status
from bot.domain.identity import from_max
from bot.domain.meetings import Kind, MeetingStatus
from bot.domain.models import OrganisationId, Profile, Programme, ProgrammeId
from bot.domain.pairs import PairStatus
from sandbox.emulator import Emulator
from storage.unit import Unit

FORM_OF = {  # mentor kind -> the form with a pupil
    c.MentorKind.TEACHER: Form.TEACHER_PUPIL,
    c.MentorKind.STUDENT: Form.STUDENT_PUPIL,
    c.MentorKind.EMPLOYER: Form.EMPLOYER_PUPIL,
    c.MentorKind.PARENT: Form.PARENT_PUPIL,
    c.MentorKind.PUPIL: Form.PUPIL_PUPIL,
}

MENTORS = [
    ("Анна", "Соколова", c.MentorKind.TEACHER),
    ("Игорь", "Петров", c.MentorKind.TEACHER),
    ("Мария", "Кузнецова", c.MentorKind.STUDENT),
    ("Дмитрий", "Волков", c.MentorKind.EMPLOYER),
    ("Елена", "Морозова", c.MentorKind.PARENT),
    ("Артём", "Лебедев", c.MentorKind.PUPIL),
    ("Софья", "Новикова", c.MentorKind.PUPIL),
    ("Павел", "Фёдоров", c.MentorKind.ALUMNUS),
]
MENTEES = [
    "Алиса Смирнова",
    "Максим Попов",
    "Ева Васильева",
    "Иван Зайцев",
    "Полина Павлова",
    "Кирилл Семёнов",
    "Варвара Голубева",
    "Егор Виноградов",
    "Дарья Богданова",
    "Тимофей Воробьёв",
    "Ксения Фролова",
    "Матвей Алексеев",
    "Вероника Яковлева",
    "Лев Степанов",
    "Милана Николаева",
    "Глеб Орлов",
    "Ольга Андреева (мол. педагог)",
    "Сергей Макаров (мол. педагог)",
    "Арина Никитина",
    "Роман Захаров",
]


def _person(emulator: Emulator, first: str, last: str, in_max: bool) -> tuple[dict[str, Any], int]:
    """A demo person in Telegram or in MAX (a mixed school) and the id the bot knows them by."""
    person = emulator.add_user(first, "ru", last_name=last, messenger="max" if in_max else "telegram")
    emulator.started.add(person["id"])
    return person, from_max(person["id"]) if in_max else person["id"]


async def fill_demo(app: App, emulator: Emulator) -> None:
    assert app.db is not None and app.clock is not None
    rng = random.Random(7)
    now = app.clock.now()
    curator = emulator.add_user("Татьяна", "ru", username="curator_tatiana", last_name="Ивановна")
    emulator.started.add(curator["id"])
    mentors: list[tuple[int, c.MentorKind]] = []
    ready: list[int] = []  # mentees who may be paired (adults, or a parent's consent received)
    async with app.db.unit() as uow:
        org = await uow.organisations.create("Школа №10 (демо)", "Europe/Moscow", now)
        await uow.people.touch(curator["id"], "Татьяна Ивановна", "curator_tatiana", now)
        await uow.organisations.add_curator(org.id, curator["id"], None, now)
        programme = await uow.programmes.create(
            Programme(
                ProgrammeId(0),
                OrganisationId(org.id),
                "Наставничество 2026/27",
                tuple(Form),
                False,
                date(2026, 9, 1),
                date(2027, 5, 31),
                "Europe/Moscow",
                Cadence.WEEKLY,
                30,
                stage=4,
            ),
            now,
        )
        for j, (first, last, kind) in enumerate(MENTORS):
            _, uid = _person(emulator, first, last, in_max=j % 3 == 2)
            await uow.people.touch(uid, f"{first} {last}", None, now)
            grade = 11 if kind is c.MentorKind.PUPIL else None
            profile = Profile(
                Role.MENTOR,
                kind.value,
                grade=grade,
                experience=None if grade else rng.choice([2, 5, 10, 20]),
                tags=tuple(rng.sample(c.COMPETENCIES, 4)),
                interests=tuple(rng.sample(c.INTERESTS, 3)),
                capacity=rng.randint(1, 4),
                slots=tuple(rng.sample(c.SLOTS, 6)),
                format=rng.choice(list(MeetFormat)),
            )
            p = await uow.participants.create(programme.id, uid, f"{first} {last}", None, profile, now)
            await uow.people.add_consent(uid, p.id, c.CONSENT_VERSION, "self", now)
            await uow.participants.decide(p.id, Status.APPROVED, True, curator["id"], now)
            await uow.base.remember(programme.organisation_id, uid, p.name, None, profile, True, now)
            mentors.append((p.id, kind))
        for i, name in enumerate(MENTEES):
            first, last = name.split(" ", 1)
            _, uid = _person(emulator, first, last, in_max=i % 2 == 1)
            await uow.people.touch(uid, name, None, now)
            teacher = "педагог" in name
            ekind = c.MenteeKind.YOUNG_TEACHER if teacher else c.MenteeKind.PUPIL
            requests = c.REQUESTS[10:] if teacher else c.REQUESTS[:10]
            profile = Profile(
                Role.MENTEE,
                ekind.value,
                grade=None if teacher else rng.randint(5, 10),
                experience=rng.choice([0, 1, 2, 3]) if teacher else None,
                tags=tuple(rng.sample(requests, 2)),
                interests=tuple(rng.sample(c.INTERESTS, 3)),
                slots=tuple(rng.sample(c.SLOTS, 6)),
                format=rng.choice(list(MeetFormat)),
            )
            assert profile.grade is not None or teacher
            age = None if teacher else (profile.grade or 0) + 7  # a 7th-former is 14: ages fit the class
            p = await uow.participants.create(programme.id, uid, name, age, profile, now)
            await uow.people.add_consent(uid, p.id, c.CONSENT_VERSION, "self", now)
            if i < 16:
                await uow.participants.decide(p.id, Status.APPROVED, False, curator["id"], now)
                if age is not None and i % 4:
                    await uow.participants.confirm_parental_consent(p.id, curator["id"], now)
                if not teacher and (age is None or i % 4):
                    ready.append(p.id)
        group = emulator.add_group("Кураторы школы №10", [curator["id"]])
        await uow.programmes.update(programme.id, stage=6, curator_chat_id=group.id)
        await uow.reports.set_pupils_total(org.id, 600)
        await _history(uow, rng, programme.id, mentors, ready[:6], now)
    await emulator.notify()


async def _history(
    uow: Unit, rng: random.Random, programme_id: int, mentors: list[tuple[int, c.MentorKind]],
    mentees: list[int], now: datetime,
) -> None:  # fmt: skip
    """Six pairs with five weeks of meetings and check-ins, so the digest (/digest in the
    curators' group) has something to say: most pairs are fine, one went quiet, one is unhappy.
    The other mentees wait for the curator to run the matching."""
    started = now - timedelta(weeks=5, days=1)
    first_day = started.date() + timedelta(days=(1 - started.weekday()) % 7)  # the next Tuesday
    for n, ((mentor_id, kind), mentee_id) in enumerate(zip(mentors, mentees, strict=False)):
        pair_id = await uow.pairs.create(
            programme_id, mentor_id, mentee_id, PairStatus.ACTIVE, 7.5, FORM_OF.get(kind, Form.TEACHER_PUPIL),
            None, True, started,
        )  # fmt: skip
        await uow.pairs.update(pair_id, started_at=started)
        weeks = 2 if n == 4 else 5  # the fifth pair has gone quiet
        for w in range(weeks):
            # after lessons: Tuesdays 15:30 Moscow (12:30 UTC), a week apart
            when = datetime.combine(first_day + timedelta(weeks=w), time(12, 30))
            kind_m = (Kind.INTRO, Kind.TRIAL, Kind.PLANNING)[w] if w < 3 else Kind.REGULAR
            m = await uow.meetings.create(
                pair_id, kind_m, when, w % 2 == 1, None, MeetingStatus.CONFIRMED, 0, when
            )
            for pid, role in ((mentor_id, "mentor"), (mentee_id, "mentee")):
                asked = when + timedelta(hours=1)
                await uow.meetings.ask(m.id, pid, role, asked)
                if n == 5 and w >= 3 and role == "mentee":
                    continue  # the unhappy pair's mentee stopped answering
                r = await uow.meetings.reflection(m.id, pid)
                if r is not None:
                    useful = max(1, 8 - 2 * w) if n == 5 else rng.randint(7, 10)
                    await uow.meetings.answer(
                        r.id, happened="yes", usefulness=useful, second=rng.randint(6, 10),
                        answered_at=asked + timedelta(hours=2),
                    )  # fmt: skip
