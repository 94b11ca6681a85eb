"""«Сообщить куратору»: the kinds a button may carry, the note's limits, closing once, and
who is addressed with «ты»."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.domain.errors import AlreadyDecided, InvalidInput
from bot.domain.safety import (
    NOTE_MAX,
    Concern,
    SafetyReport,
    check_can_resolve,
    clean_note,
    concern,
)

NOW = datetime(2026, 10, 1, 9, 0)


def test_every_kind_from_a_button_and_a_forged_one_refused() -> None:
    assert [concern(c.value) for c in Concern] == list(Concern)
    with pytest.raises(InvalidInput) as err:
        concern("zzz")
    assert err.value.key == "safety.bad_kind"


@pytest.mark.parametrize("text", [None, "", "   \n  "])
def test_an_empty_note_is_refused(text: str | None) -> None:
    with pytest.raises(InvalidInput) as err:
        clean_note(text)
    assert err.value.key == "safety.note_empty"


def test_a_long_note_is_refused_not_cut_and_says_how_long() -> None:
    assert clean_note("я" * NOTE_MAX) == "я" * NOTE_MAX
    with pytest.raises(InvalidInput) as err:
        clean_note("я" * 5000)
    assert err.value.key == "safety.note_too_long" and err.value.params == {"max": NOTE_MAX, "length": 5000}


def test_a_note_keeps_its_lines_and_html_like_text_as_typed() -> None:
    assert clean_note("  <b>он</b>   кричит \n\n  и  толкается ") == "<b>он</b> кричит\n\nи толкается"


def test_a_report_is_closed_once() -> None:
    report = SafetyReport(1, 1, 2, 3, 4, Concern.ABSENT, None, NOW)
    check_can_resolve(report)
    with pytest.raises(AlreadyDecided):
        check_can_resolve(SafetyReport(1, 1, 2, 3, 4, Concern.ABSENT, None, NOW, NOW, 7))
