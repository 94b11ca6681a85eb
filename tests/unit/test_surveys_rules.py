"""The model's questionnaires pinned: each answer's check and key, and the results a curator
reads computed by hand (means weighted by answers, yes/no counts, grouped open answers, SWOT)."""

from __future__ import annotations

import pytest

from bot.domain import surveys as s
from bot.domain.errors import InvalidInput

K = s.ItemKind


def refused(key: str, kind: s.ItemKind, raw: str | None, skip: bool = False) -> InvalidInput:
    with pytest.raises(InvalidInput) as err:
        s.parse(kind, raw, skip=skip)
    assert err.value.key == key
    return err.value


def test_parse_boundaries_and_keys() -> None:
    assert s.parse(K.SCALE, " 1 ") == 1 and s.parse(K.SCALE, "10") == 10
    for bad in ("0", "11", "-1", "7.5", "", None):
        refused("survey.err_scale", K.SCALE, bad)
    assert s.parse(K.YESNO, " n ") == "n"
    for bad in ("yes", "", "Y"):
        refused("survey.err_yesno", K.YESNO, bad)
    refused("survey.err_required", K.SCALE, "5", skip=True)
    refused("survey.err_required", K.YESNO, "y", skip=True)
    assert s.parse(K.OPEN, "текст", skip=True) is None
    refused("survey.err_open_empty", K.OPEN, "   ")
    refused("survey.err_open_empty", K.OPEN, None)
    assert s.parse(K.OPEN, "я" * 1000) == "я" * 1000
    err = refused("survey.err_open_long", K.OPEN, "я" * 1001)
    assert err.params == {"limit": 1000, "length": 1001}


def test_the_bank_and_constants() -> None:
    assert (s.OPEN_MAX, s.REMIND_AFTER_HOURS, s.STRONG, s.WEAK) == (1000, 48, 8.0, 6.0)
    assert [b.code for b in s.BANK][:3] == ["met_before", "expect", "expect_role"]
    kinds = {b.code: (b.kind, b.roles) for b in s.BANK}
    assert kinds["comfort"] == (K.SCALE, frozenset({"mentee"}))
    assert kinds["engagement"] == (K.SCALE, frozenset({"mentor"}))
    assert kinds["liked"] == (K.YESNO, frozenset({"mentor", "mentee"}))
    assert kinds["become_mentor"] == (K.YESNO, frozenset({"mentee"}))
    assert [b.code for b in s.BANK if b.kind is K.OPEN] == [
        "expect",
        "expect_role",
        "valuable",
        "missing",
        "change",
    ]
    assert len({b.code for b in s.BANK}) == len(s.BANK) == 44


def test_next_item_in_order() -> None:
    r = s.Response(1, 1, "mentee", "pp", (5, 3, 9), {"5": 7}, False)
    assert s.next_item(r) == 3
    assert (
        s.next_item(s.Response(1, 1, "mentee", "pp", (5,), {"5": None}, True)) is None
    )  # a skip is an answer


ITEMS = [
    s.Item(1, "mentee", K.SCALE, "Польза", "effect"),
    s.Item(2, "mentee", K.YESNO, "Продолжить?", "continue"),
    s.Item(3, "mentee", K.OPEN, "Чего не хватило?", "missing"),
    s.Item(4, "mentee", K.SCALE, "План", "planned"),
    s.Item(5, "mentee", K.OPEN, "Что ценно?", "valuable"),
    s.Item(6, "mentee", K.OPEN, "Что изменить?", "change"),
]


def resp(
    rid: int, answers: dict[str, int | str | None], form: str | None = "pp", role: str = "mentee"
) -> s.Response:
    return s.Response(rid, rid, role, form, (1, 2, 3, 4, 5, 6, 99), answers, True)


def test_results_figures_by_hand() -> None:
    groups = s.results(
        ITEMS,
        [
            resp(1, {"1": 9, "2": "y", "3": " время ", "4": 3, "5": "Всё"}),
            resp(2, {"1": 6, "2": "y", "3": "Время", "4": 5}),
            resp(3, {"1": 6, "2": "n", "3": "игры", "4": None, "5": "  "}),
            resp(4, {"1": 9, "3": "ВРЕМЯ"}, form=None),
            resp(5, {"1": 2}, role="mentor"),
        ],
    )
    assert [(g.form, g.role, g.responses) for g in groups] == [
        ("-", "mentee", 1),
        ("pp", "mentee", 3),
        ("pp", "mentor", 1),
    ]
    pp = {r.item.id: r for r in groups[1].items}
    assert [r.item.id for r in groups[1].items] == [1, 2, 3, 4, 5, 6]  # the unknown item 99 is left out
    assert (pp[1].n, pp[1].mean, pp[1].distribution) == (3, 7.0, {6: 2, 9: 1})
    assert (pp[2].n, pp[2].yes, pp[2].no) == (3, 2, 1)
    assert (pp[3].n, pp[3].texts) == (3, ["время (×2)", "игры"])  # the first spelling is shown
    assert (pp[4].n, pp[4].mean, pp[4].distribution) == (2, 4.0, {3: 1, 5: 1})
    assert (pp[5].n, pp[5].texts) == (1, ["Всё"])
    assert (pp[6].n, pp[6].texts, pp[6].mean) == (0, [], None)
    assert groups[2].items[0].mean == 2.0


def test_yes_no_counts_only_yes_and_no() -> None:
    [g] = s.results(
        ITEMS[1:2], [resp(1, {"2": "n"}), resp(2, {"2": "n"}), resp(3, {"2": "y"}), resp(4, {"2": None})]
    )
    assert (g.items[0].yes, g.items[0].no, g.items[0].n) == (1, 2, 3)


def test_compare_weights_means_by_answers() -> None:
    entry = s.results(ITEMS, [resp(1, {"1": 4}), resp(2, {"1": 6}), resp(3, {"1": 8}, form="tt")])
    final = s.results(ITEMS, [resp(1, {"1": 9, "4": 7}), resp(2, {"1": 7}, role="mentor")])
    [change] = s.compare(entry, final)  # item 4 and the mentors have no entry figure
    assert (change.item.id, change.role, change.entry, change.final, change.delta) == (
        1,
        "mentee",
        6.0,
        9.0,
        3.0,
    )


def test_swot_thresholds_and_limits() -> None:
    items = [s.Item(i, "mentee", K.SCALE, f"q{i}", None) for i in range(1, 9)]
    items += [s.Item(11, "mentee", K.OPEN, "-", "missing"), s.Item(12, "mentee", K.OPEN, "-", "valuable")]
    items += [s.Item(13, "mentee", K.OPEN, "-", "change")]
    values = {"1": 8, "2": 10, "3": 9, "4": 9, "5": 6, "6": 5, "7": 1, "8": 3}
    answers: dict[str, int | str | None] = dict(values)
    answers |= {"11": "мало встреч", "12": "ценное", "13": "чаще"}
    r = s.Response(1, 1, "mentee", "pp", (1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13), answers, True)
    groups = s.results(items, [r])
    sw = s.swot(groups, top=2)
    assert sw.strengths == [("q2", 10.0), ("q3", 9.0)]
    assert sw.weaknesses == [("q7", 1.0), ("q8", 3.0)]
    assert sw.wishes == ["мало встреч", "чаще"]  # what was missed or should change, not what was valued
    full = s.swot(groups)
    assert [t for t, _ in full.strengths] == ["q2", "q3", "q4"] and len(full.weaknesses) == 3
    edge = s.swot(s.results(items, [s.Response(1, 1, "mentee", "pp", (1, 5), {"1": 8, "5": 6}, True)]))
    assert edge.strengths == [("q1", 8.0)] and edge.weaknesses == []  # 8 is strong, 6 is not weak
    many = s.swot(s.results([ITEMS[2]], [resp(i, {"3": f"w{i}"}) for i in range(9)]), top=1)
    assert len(many.wishes) == 2


def test_open_answers_most_often_first_then_as_first_given() -> None:
    said = ["Яблоки", "арбуз", "яблоки", "вишня"]
    [g] = s.results(ITEMS[2:3], [resp(i, {"3": text}) for i, text in enumerate(said)])
    # by count, then in the order first given: not alphabetical (арбуз < вишня < яблоки)
    assert g.items[0].texts == ["Яблоки (×2)", "арбуз", "вишня"]
    [g] = s.results(ITEMS[2:3], [resp(1, {"3": "вишня"}), resp(2, {"3": "арбуз"})])
    assert g.items[0].texts == ["вишня", "арбуз"]


def test_swot_skips_a_scale_nobody_answered_yet() -> None:
    # a questionnaire in progress: item 4 asked, not answered, so it has no mean
    groups = s.results(ITEMS, [s.Response(1, 1, "mentee", "pp", (1, 4), {"1": 9}, False)])
    assert [(r.item.id, r.mean) for r in groups[0].items] == [(1, 9.0), (4, None)]
    assert s.swot(groups) == s.Swot([("Польза", 9.0)], [], [])
    assert [(c.item.id, c.entry, c.final) for c in s.compare(groups, groups)] == [(1, 9.0, 9.0)]


def test_a_catalog_item_is_worded_for_its_reader_a_curators_wording_as_written() -> None:
    catalog = {"Чего тебе не хватило?", "Чего вам не хватило?"}
    stored = s.Item(1, "mentee", K.OPEN, "Чего вам не хватило?", code="missing")
    assert s.worded(stored, catalog, "Чего тебе не хватило?") == "Чего тебе не хватило?"  # a pupil
    assert s.worded(stored, catalog, "Чего вам не хватило?") == "Чего вам не хватило?"  # an adult
    old = s.Item(2, "mentee", K.OPEN, "Чего тебе не хватило?", code="missing")  # stored in the other
    assert s.worded(old, catalog, "Чего вам не хватило?") == "Чего вам не хватило?"
    reworded = s.Item(3, "mentee", K.OPEN, "Чего не хватило на встречах?", code="missing")
    assert s.worded(reworded, catalog, "Чего тебе не хватило?") == "Чего не хватило на встречах?"
    own = s.Item(4, "mentee", K.YESNO, "Чего вам не хватило?", code=None)  # the curator's own question
    assert s.worded(own, catalog, "Чего тебе не хватило?") == "Чего вам не хватило?"
