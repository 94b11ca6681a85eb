"""Monitoring per form (issue 16 item 3): the catalog's item sets per moment and form, the
growth of each participant from entry to the end, and the days of the interim pulse."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import surveys as s
from bot.domain.errors import InvalidInput

K = s.ItemKind
E, M, F = s.SurveyKind.ENTRY, s.SurveyKind.INTERIM, s.SurveyKind.FINAL


def codes(moment: s.SurveyKind, role: str, form: str | None) -> list[str]:
    return [
        b.code
        for b in s.BANK
        if role in b.roles and moment in b.moments and (b.forms is None or form in b.forms)
    ]


def test_entry_asks_expectations_and_starting_points_never_the_past_tense_items() -> None:
    entry = codes(E, "mentee", "pp")
    assert entry[:4] == ["met_before", "expect", "expect_role", "confidence"]
    for past in ("effect", "liked", "satisfied", "expect_met", "valuable", "personal", "continue"):
        assert past not in entry
    assert {"g_engagement", "g_olympiads", "g_clubs"} <= set(entry)
    final = codes(F, "mentee", "pp")
    assert {"effect", "liked", "continue", "become_mentor", "expect_met"} <= set(final)
    assert not {"met_before", "expect", "confidence"} & set(final)
    interim = codes(M, "mentee", "pp")
    assert "satisfied" in interim and "effect" not in interim and "g_olympiads" not in interim
    assert set(entry) != set(interim) != set(final)


def test_each_form_and_role_has_its_own_items() -> None:
    pp, tt = set(codes(F, "mentee", "pp")), set(codes(F, "mentee", "tt"))
    assert "become_mentor" in pp and "become_mentor" not in tt
    assert {"tt_future", "g_open_lessons", "g_contests"} <= tt and not {"g_olympiads", "g_clubs"} & tt
    assert "engagement" in codes(M, "mentor", "pp") and "engagement" not in codes(M, "mentee", "pp")
    assert "g_interns" in codes(E, "mentor", "ep") and "g_interns" not in codes(E, "mentor", "pp")
    # the growth indicators are the same items at entry and at the end, for every form and role
    for form in ("pp", "tt", "sp", "ep"):
        for role in ("mentor", "mentee"):
            at_entry = {c for c in codes(E, role, form) if c in s.GROWTH_CODES}
            assert at_entry and at_entry == {c for c in codes(F, role, form) if c in s.GROWTH_CODES}


def test_moments_are_stored_and_read_back() -> None:
    assert s.moments_text(frozenset({F, E})) == "entry,final"
    assert s.moments_text(s.ALL_MOMENTS) is None
    assert s.moments_of("entry,final") == frozenset({E, F})
    assert s.moments_of(None) == s.ALL_MOMENTS
    item = s.Item(1, "mentee", K.SCALE, "x", moments=frozenset({M}), form="pp")
    assert s.asks(item, M, "pp") and not s.asks(item, M, "tt") and not s.asks(item, E, "pp")
    assert s.asks(s.Item(2, "mentee", K.OPEN, "mine"), E, None)  # the curator's own: everywhere
    assert not s.asks(s.Item(3, "mentee", K.OPEN, "off", active=False), E, None)


def test_form_before_a_pair_comes_from_the_programme_or_the_kind() -> None:
    assert s.form_for("mentee", "pupil", "tt", ("pp", "tt")) == "tt"  # the pair's form wins
    assert s.form_for("mentor", "teacher", None, ("tt",)) == "tt"
    assert s.form_for("mentee", "yteacher", None, ("pp", "tt")) == "tt"
    assert s.form_for("mentor", "pupil", None, ("pp", "tt")) == "pp"
    assert s.form_for("mentor", "teacher", None, ("pp", "tp")) == "tp"
    assert s.form_for("mentor", "employer", None, ("pp", "tt")) is None


def test_count_answers() -> None:
    assert s.parse(K.COUNT, "0") == 0 and s.parse(K.COUNT, " 10 ") == 10
    for bad in ("11", "-1", "", "два"):
        with pytest.raises(InvalidInput) as err:
            s.parse(K.COUNT, bad)
        assert err.value.key == "monitor.err_count"


ITEMS = [
    s.Item(1, "mentee", K.SCALE, "Интерес (вход)", "g_engagement", form="pp"),
    s.Item(2, "mentee", K.COUNT, "Олимпиады", "g_olympiads", form="pp"),
    s.Item(3, "mentee", K.YESNO, "Знаешь, куда?", "g_next_step", form="sp"),
    s.Item(4, "mentee", K.SCALE, "Интерес", "g_engagement", form="sp"),
    s.Item(5, "mentee", K.OPEN, "Ожидания", "expect"),
    s.Item(6, "mentor", K.SCALE, "Своё", None),
    s.Item(7, "mentee", K.COUNT, "Открытые уроки", "g_open_lessons", form="tt"),
]


def r(rid: int, pid: int, role: str, form: str | None, answers: dict[str, int | str | None]) -> s.Response:
    return s.Response(rid, pid, role, form, tuple(int(k) for k in answers), answers, True)


def test_growth_per_participant_and_form_by_hand() -> None:
    entry = [
        r(1, 10, "mentee", "pp", {"1": 4, "2": 0, "5": "хочу"}),
        r(2, 11, "mentee", None, {"1": 6, "2": 1}),  # entered before a pair: matched by code
        r(3, 12, "mentee", "sp", {"4": 5, "3": "n"}),
        r(4, 13, "mentee", "sp", {"4": 7, "3": "n"}),
        r(5, 20, "mentor", "pp", {"6": 5}),
        r(6, 14, "mentee", "pp", {"1": 9}),  # never answered the final: left out
        r(7, 15, "mentee", "tt", {"7": 1}),
    ]
    final = [
        r(11, 10, "mentee", "pp", {"1": 7, "2": 3}),
        r(12, 11, "mentee", "pp", {"1": 8, "2": 1}),
        r(13, 12, "mentee", "sp", {"4": 8, "3": "y"}),
        r(14, 13, "mentee", "sp", {"4": 7, "3": "n"}),
        r(15, 20, "mentor", "pp", {"6": 9}),
        r(16, 16, "mentee", "pp", {"1": 10}),  # no entry answers: left out
        r(17, 15, "mentee", "tt", {"7": 4}),
    ]
    got = {(g.form, g.role, g.key): g for g in s.growth(ITEMS, entry, final)}
    assert set(got) == {
        ("pp", "mentee", "g_engagement"),
        ("pp", "mentee", "g_olympiads"),
        ("pp", "mentor", "#6"),
        ("sp", "mentee", "g_engagement"),
        ("sp", "mentee", "g_next_step"),
        ("tt", "mentee", "g_open_lessons"),
    }
    eng = got[("pp", "mentee", "g_engagement")]
    assert (eng.n, eng.entry, eng.exit, eng.delta) == (2, 5.0, 7.5, 2.5)
    oly = got[("pp", "mentee", "g_olympiads")]
    assert (oly.n, oly.entry, oly.exit) == (2, 0.5, 2.0) and oly.kind is K.COUNT
    yes = got[("sp", "mentee", "g_next_step")]
    assert (yes.entry, yes.exit, yes.delta) == (0.0, 0.5, 0.5)  # the share answering «yes»
    assert got[("sp", "mentee", "g_engagement")].delta == 1.5
    assert got[("pp", "mentor", "#6")].delta == 4.0
    assert got[("tt", "mentee", "g_open_lessons")].delta == 3.0
    # ordered by form, role, then the catalog's order
    keys = [(g.form, g.role, g.key) for g in s.growth(ITEMS, entry, final)]
    assert keys.index(("pp", "mentee", "g_engagement")) < keys.index(("pp", "mentee", "g_olympiads"))
    assert keys[0][0] == "pp" and keys[-1][0] == "tt"
    assert s.growth(ITEMS, entry, []) == [] and s.growth(ITEMS, [], final) == []


def test_pulse_days_due_once_and_never_far_too_late() -> None:
    start = date(2026, 9, 1)
    days = (30, 60)
    assert s.pulse_due(start, date(2026, 9, 30), days, set()) is None  # day 29
    assert s.pulse_due(start, date(2026, 10, 1), days, set()) == 30
    assert s.pulse_due(start, date(2026, 10, 1), days, {30}) is None
    assert s.pulse_due(start, date(2026, 10, 8), days, set()) == 30  # a week late: still
    assert s.pulse_due(start, date(2026, 10, 9), days, set()) is None  # later: skipped
    assert s.pulse_due(start, date(2026, 10, 31), days, {30}) == 60
    assert s.pulse_due(start, date(2026, 10, 31), days, set()) == 60  # only the latest day
    assert s.pulse_due(start, date(2027, 1, 1), (), set()) is None


def test_pulse_days_typed() -> None:
    assert s.parse_pulse_days("30 60") == (30, 60)
    assert s.parse_pulse_days(" 90, 30 ,30") == (30, 90)
    assert s.parse_pulse_days("0") == ()
    for bad in (None, "", "тридцать", "30 -5", "400", "1 2 3 4 5 6 7", "30.5", "9999"):
        with pytest.raises(InvalidInput) as err:
            s.parse_pulse_days(bad)
        assert err.value.key == "monitor.err_pulse_days"


def test_satisfaction_is_each_respondents_core_mean_then_the_share_at_seven() -> None:
    items = [
        s.Item(1, "mentee", K.SCALE, "Польза", "effect"),
        s.Item(2, "mentee", K.SCALE, "Комфорт", "comfort"),
        s.Item(3, "mentee", K.SCALE, "Интерес", "g_engagement"),  # growth: not satisfaction
        s.Item(4, "mentor", K.SCALE, "Своё", None),  # the curator's own: not the core
        s.Item(5, "mentor", K.SCALE, "Довольны", "satisfied"),
        s.Item(6, "mentee", K.YESNO, "Понравилось", "liked"),
    ]
    responses = [
        r(1, 1, "mentee", "pp", {"1": 9, "2": 6, "3": 1, "6": "y"}),  # 7.5: satisfied
        r(2, 2, "mentee", "pp", {"1": 6, "2": 7}),  # 6.5: not
        r(3, 3, "mentee", "tt", {"3": 10}),  # no core answer: not counted
        r(4, 4, "mentor", "pp", {"4": 1, "5": 7}),  # 7: satisfied (at the threshold)
        r(5, 5, "mentee", "pp", {}),
    ]
    got = s.satisfaction(items, responses)
    assert set(got) == {"mentee", "mentor"}
    assert (got["mentee"].n, got["mentee"].mean, got["mentee"].share) == (2, 7.0, 0.5)
    assert (got["mentor"].n, got["mentor"].mean, got["mentor"].share) == (1, 7.0, 1.0)
    assert s.satisfaction(items, []) == {}
    assert "effect" in s.CORE_SCALES and "g_engagement" not in s.CORE_SCALES
    assert "confidence" not in s.CORE_SCALES  # an entry item
    assert "tt_events" not in s.CORE_SCALES  # a form's own item: not the common core
