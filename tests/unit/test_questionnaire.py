from __future__ import annotations

import pytest

from bot.domain import questionnaire as q
from bot.domain.catalog import Role
from bot.domain.errors import InvalidInput


def complete_mentee() -> q.Draft:
    draft: q.Draft = {}
    for step, value in [
        (q.Step.NAME, "  Алиса   Смирнова "),
        (q.Step.KIND, "pupil"),
        (q.Step.GRADE, "7"),
        (q.Step.TAGS, ["olympiad"]),
        (q.Step.INTERESTS, ["chess"]),
        (q.Step.SLOTS, ["tue_pm"]),
        (q.Step.FORMAT, "online"),
    ]:
        draft = q.answer(Role.MENTEE, draft, step, value)
    return draft


def test_steps_depend_on_role_and_kind() -> None:
    assert q.steps_for(Role.MENTEE, "pupil") == [
        q.Step.NAME,
        q.Step.KIND,
        q.Step.GRADE,
        q.Step.TAGS,
        q.Step.INTERESTS,
        q.Step.SLOTS,
        q.Step.FORMAT,
    ]
    assert q.Step.EXPERIENCE in q.steps_for(Role.MENTEE, "yteacher")
    assert q.Step.GRADE not in q.steps_for(Role.MENTEE, "yteacher")
    assert q.Step.CAPACITY in q.steps_for(Role.MENTOR, "teacher")
    assert q.Step.CAPACITY not in q.steps_for(Role.MENTEE, "pupil")
    assert q.Step.GRADE not in q.steps_for(Role.MENTOR, "student")


def test_a_complete_draft_becomes_a_profile() -> None:
    draft = complete_mentee()
    assert q.next_step(Role.MENTEE, draft) is None
    profile = q.to_profile(Role.MENTEE, draft)
    assert draft[q.Step.NAME] == "Алиса Смирнова"
    assert profile.grade == 7 and profile.tags == ("olympiad",) and profile.capacity == 1
    assert q.from_profile("Алиса Смирнова", profile) == draft


def test_changing_the_kind_forgets_the_answers_that_depend_on_it() -> None:
    draft = q.answer(Role.MENTEE, complete_mentee(), q.Step.KIND, "yteacher")
    assert q.Step.GRADE not in draft
    assert q.next_step(Role.MENTEE, draft) is q.Step.EXPERIENCE
    with pytest.raises(InvalidInput):
        q.to_profile(Role.MENTEE, draft)


@pytest.mark.parametrize("text", [None, "", " ", "x", "x" * 65, "😀😀😀", "12345", "\u200b\u200b"])
def test_bad_names_are_refused_with_the_limits(text: str | None) -> None:
    with pytest.raises(InvalidInput) as err:
        q.clean_name(text)
    assert err.value.key == "ask.name.invalid" and err.value.params == {"min": 2, "max": 64}


def test_names_keep_html_like_text_verbatim_for_escaping_later() -> None:
    assert q.clean_name("<b>Ева</b>\n\tИванова") == "<b>Ева</b> Иванова"


@pytest.mark.parametrize(
    ("step", "value"),
    [
        (q.Step.KIND, "astronaut"),
        (q.Step.GRADE, "12"),
        (q.Step.FORMAT, "teleport"),
        (q.Step.TAGS, ["olympiad", "nonsense"]),
        (q.Step.SLOTS, ["xyz_am"]),
    ],
)
def test_forged_choices_are_refused(step: q.Step, value: object) -> None:
    with pytest.raises(InvalidInput):
        q.answer(Role.MENTEE, {}, step, value)


def test_multi_select_needs_one_and_keeps_catalogue_order() -> None:
    with pytest.raises(InvalidInput) as err:
        q.answer(Role.MENTEE, {}, q.Step.INTERESTS, [])
    assert err.value.key == "ask.interests.empty"
    sel = q.toggle([], "chess", ("sport", "chess", "music"))
    sel = q.toggle(sel, "sport", ("sport", "chess", "music"))
    assert sel == ["sport", "chess"]
    assert q.toggle(sel, "sport", ("sport", "chess", "music")) == ["chess"]


def test_mentor_competencies_are_exact_tags_not_substrings() -> None:
    draft = q.answer(Role.MENTOR, {}, q.Step.TAGS, ["ai"])
    assert draft[q.Step.TAGS] == ["ai"]
    with pytest.raises(InvalidInput):
        q.answer(Role.MENTEE, {}, q.Step.TAGS, ["english"])  # a subject is not a mentee request
