"""The synthetic people benchmarks and demos use: the same seed gives the same people, and
the mix and the ranges are the ones the benchmarks' figures were measured on."""

from __future__ import annotations

from collections import Counter

from bot.domain import catalog as c
from bot.domain.catalog import MeetFormat
from bot.domain.matching import Person
from bot.domain.synthetic import MENTEE_MIX, MENTOR_MIX, people


def row(p: Person) -> tuple[object, ...]:
    return (
        p.id,
        p.user_id,
        p.kind,
        p.grade,
        p.experience,
        sorted(p.tags),
        sorted(p.interests),
        sorted(p.slots),
        p.format.value,
        p.capacity,
        p.priority,
    )


def test_a_seed_gives_the_same_people() -> None:
    mentors, mentees = people(3, 3, seed=7)
    assert [row(p) for p in mentors + mentees] == [
        (
            1,
            1,
            "teacher",
            None,
            4,
            ["art", "biology", "english", "results", "selfreg"],
            ["theatre"],
            ["fri_ev", "mon_ev", "mon_pm", "sat_pm", "tue_pm"],
            "online",
            1,
            False,
        ),
        (
            2,
            2,
            "alumnus",
            None,
            None,
            ["english", "music"],
            ["robotics", "volunteering"],
            ["fri_pm", "mon_ev"],
            "any",
            1,
            False,
        ),
        (
            3,
            3,
            "pupil",
            11,
            None,
            ["english", "history", "russian"],
            ["chess", "nature", "travel", "volunteering"],
            ["fri_ev", "fri_pm", "tue_ev", "tue_pm", "wed_pm"],
            "any",
            4,
            False,
        ),
        (
            10000000,
            10000000,
            "pupil",
            7,
            None,
            ["talents"],
            ["business", "cinema", "music", "travel"],
            ["fri_ev", "fri_pm", "sat_ev", "sat_pm", "thu_ev", "thu_pm", "wed_ev"],
            "online",
            1,
            False,
        ),
        (
            10000001,
            10000001,
            "college",
            None,
            None,
            ["motivation", "talents"],
            ["music", "programming", "volunteering"],
            ["mon_ev", "tue_ev", "tue_pm", "wed_ev"],
            "online",
            1,
            False,
        ),
        (
            10000002,
            10000002,
            "pupil",
            6,
            None,
            ["career", "leadership"],
            ["reading", "robotics", "theatre", "travel"],
            ["mon_pm", "tue_ev", "tue_pm"],
            "offline",
            1,
            False,
        ),
    ]
    assert people(3, 3, seed=7) == (mentors, mentees)
    assert people(3, 3) == people(3, 3, seed=42) != (mentors, mentees)


def test_the_mix_and_the_ranges() -> None:
    mentors, mentees = people(1500, 1500, seed=1)
    kinds = Counter(p.kind for p in mentors)
    for kind, share in MENTOR_MIX:
        assert abs(kinds[kind] / 1500 - share) < 0.04, kind
    kinds = Counter(p.kind for p in mentees)
    for kind, share in MENTEE_MIX:
        assert abs(kinds[kind] / 1500 - share) < 0.04, kind
    formats = Counter(p.format for p in mentors + mentees)
    assert abs(formats[MeetFormat.ANY] / 3000 - 0.5) < 0.04
    assert abs(formats[MeetFormat.ONLINE] / 3000 - 0.25) < 0.04
    assert [p.id for p in mentors] == list(range(1, 1501))
    assert [p.id for p in mentees] == list(range(10_000_000, 10_001_500))
    assert all(p.user_id == p.id for p in mentors + mentees)
    for p in mentors:
        assert (p.grade in (9, 10, 11)) if p.kind == "pupil" else p.grade is None
        expected = p.kind in ("teacher", "employer", "parent")
        assert (p.experience in (2, 4, 6, 10, 15, 25)) if expected else p.experience is None
        assert 2 <= len(p.tags) <= 6 and set(p.tags) <= set(c.COMPETENCIES)
        assert 1 <= p.capacity <= 4
    assert {len(p.tags) for p in mentors} == {2, 3, 4, 5, 6}
    assert {p.capacity for p in mentors} == {1, 2, 3, 4}
    assert {p.grade for p in mentors if p.kind == "pupil"} == {9, 10, 11}
    for p in mentees:
        assert (5 <= p.grade <= 10) if p.kind == "pupil" else p.grade is None  # type: ignore[operator]
        assert (0 <= p.experience <= 3) if p.kind == "yteacher" else p.experience is None  # type: ignore[operator]
        requests = c.REQUESTS[10:] if p.kind == "yteacher" else c.REQUESTS[:10]
        assert 1 <= len(p.tags) <= 3 and set(p.tags) <= set(requests)
        assert p.capacity == 1 and not p.priority
    assert {p.grade for p in mentees if p.kind == "pupil"} == set(range(5, 11))
    assert {p.experience for p in mentees if p.kind == "yteacher"} == {0, 1, 2, 3}
    assert {len(p.tags) for p in mentees} == {1, 2, 3}
    for p in mentors + mentees:
        assert 1 <= len(p.interests) <= 4 and set(p.interests) <= set(c.INTERESTS)
        days = {s.split("_")[0] for s in p.slots}
        parts = {s.split("_")[1] for s in p.slots}
        assert 2 <= len(days) <= 4 and days <= set(c.DAYS[:6])
        assert len(p.slots) >= len(days)  # one or two parts of each chosen day
        assert parts <= {"pm", "ev"} or parts <= {"am", "pm"}
    assert {len(p.interests) for p in mentors} == {1, 2, 3, 4}
    assert {len(p.interests) for p in mentees} == {1, 2, 3, 4}
    evening = sum("ev" in {s.split("_")[1] for s in p.slots} for p in mentors + mentees)
    morning = sum("am" in {s.split("_")[1] for s in p.slots} for p in mentors + mentees)
    assert evening > 2 * morning  # 70 % of people are free afternoons and evenings, 30 % mornings
    assert {len({s.split("_")[0] for s in p.slots}) for p in mentees} == {2, 3, 4}
