"""Locales: every key in every language, right Russian plurals, escaping; message splitting;
callback data sizes."""

from __future__ import annotations

import re
import string

import pytest
from aiogram.filters.callback_data import CallbackData

from bot.domain import catalog as c
from bot.i18n import Html, Translator, load_catalogs, plural_category
from bot.textutil import split_blocks
from handlers import callbacks


def test_every_key_exists_in_every_language_with_the_same_placeholders() -> None:
    catalogs = load_catalogs()
    assert set(catalogs) == {"ru", "en"}
    assert set(catalogs["ru"]) == set(catalogs["en"])

    def fields(value: object) -> set[str]:
        texts = value.values() if isinstance(value, dict) else [value]
        return {f for t in texts for _, f, _, _ in string.Formatter().parse(str(t)) if f}

    for key in catalogs["ru"]:
        assert fields(catalogs["ru"][key]) == fields(catalogs["en"][key]), key


def test_every_catalogue_code_has_a_label() -> None:
    t = Translator().get("ru")
    for code in c.REQUESTS:
        assert t.has(f"req.{code}")
    for code in c.COMPETENCIES:
        assert t.has(f"comp.{code}")
    for code in c.INTERESTS:
        assert t.has(f"int.{code}")
    for form in c.Form:
        assert t.has(f"form.{form.value}")
    for tz in c.TIMEZONES:
        assert t.has(f"tz.{tz}")
    for stage in c.STAGES:
        assert t.has(f"stage.{stage}")


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1 наставник"),
        (2, "2 наставника"),
        (5, "5 наставников"),
        (11, "11 наставников"),
        (21, "21 наставник"),
        (22, "22 наставника"),
        (112, "112 наставников"),
        (0, "0 наставников"),
    ],
)
def test_russian_plurals(n: int, text: str) -> None:
    assert Translator().get("ru")("n.mentors", count=n) == text


def test_plural_categories() -> None:
    assert [plural_category("ru", n) for n in (1, 3, 5, 14, 101)] == ["one", "few", "many", "many", "one"]
    assert [plural_category("en", n) for n in (1, 2, 0)] == ["one", "other", "other"]
    assert Translator().get("en")("years", count=1) == "1 year"


def test_parameters_are_escaped_unless_marked_safe() -> None:
    t = Translator().get("ru")
    assert (
        t("curator.already", org="<b>Школа & Co</b>")
        == "Вы уже куратор организации «&lt;b&gt;Школа &amp; Co&lt;/b&gt;»."
    )
    assert "<b>x</b>" in t("summary.head", body=Html("<b>x</b>"))


def test_unknown_language_falls_back_to_russian() -> None:
    assert Translator().get("de").locale == "ru"
    assert Translator().pick(None, "en-GB") == "en"


def test_split_keeps_every_block_and_respects_the_limit() -> None:
    blocks = [f"{i}. " + "имя " * 30 for i in range(300)]
    parts = split_blocks(blocks)
    assert all(len(p) <= 4000 for p in parts) and len(parts) > 1
    assert "\n".join(parts) == "\n".join(blocks)
    huge = split_blocks(["x" * 9000])
    assert [len(p) for p in huge] == [4000, 4000, 1000]


def test_callback_data_stays_within_64_bytes_with_large_ids() -> None:
    big = 2**53
    samples: list[CallbackData] = [
        callbacks.ListCb(pid=big, role="mentee", status="approved", page=big),
        callbacks.DecideCb(action="okt", part=big),
        callbacks.ProgCb(action="invites", pid=big),
        callbacks.ToggleCb(step="interests", code="programming"),
        callbacks.ChoiceCb(step="experience", value="20"),
        callbacks.NewProgCb(field="cadence", value="biweekly"),
    ]
    for cb in samples:
        assert len(cb.pack().encode()) <= 64, cb
    assert all(re.fullmatch(r"[a-z_]+", code) for code in c.SLOTS + c.COMPETENCIES + c.INTERESTS)


def test_a_long_digest_lists_the_most_urgent_with_buttons_and_counts_the_rest() -> None:
    from datetime import date, datetime, timedelta

    from bot.domain import digest as d
    from bot.domain.catalog import Cadence, Form
    from bot.domain.models import OrganisationId, Programme, ProgrammeId
    from bot.services.digest import Digest
    from handlers.digest import LISTED, render

    now = datetime(2026, 10, 5, 6, 0)
    start = datetime(2026, 9, 7)
    snap = d.Snapshot(start=date(2026, 9, 1), cadence="weekly", pupils_total=500)
    for i in range(45):
        snap.people.append(
            d.SnapPerson(1000 + i, "mentor", "<b>Наставник</b> " + "я" * 120, start, "teacher")
        )
        snap.people.append(d.SnapPerson(2000 + i, "mentee", f"Ученик {i} 🙂", start, "pupil"))
        snap.pairs.append(d.SnapPair(i + 1, 1000 + i, 2000 + i, "active", "pp", start, start))
    programme = Programme(
        ProgrammeId(1), OrganisationId(1), "Программа", (Form.PUPIL_PUPIL,), False, date(2026, 9, 1),
        date(2027, 5, 31), "Europe/Moscow", Cadence.WEEKLY, 8,
    )  # fmt: skip
    week = d.figures(snap, now - timedelta(days=7), now)
    digest = Digest(programme, d.attention(snap, now), week, week, d.weeks(snap, now), now)
    t = Translator().get("ru")
    parts = render(t, digest)
    listed = [p for p in parts if p.markup is not None]
    assert sum(len(p.markup.inline_keyboard) for p in listed if p.markup) == LISTED
    assert all(len(p.text) <= 4096 for p in parts)
    buttons = [b for p in listed if p.markup for row in p.markup.inline_keyboard for b in row]
    assert all(b.callback_data and len(b.callback_data.encode()) <= 64 for b in buttons)
    assert "ещё 15 пар" in parts[-2].text
    assert "&lt;b&gt;Наставник&lt;/b&gt;" in parts[0].text  # names escaped for HTML
    assert "Охват обучающихся: 9%" in parts[-1].text  # 45 of 500


def test_a_programme_with_no_activity_gets_a_short_digest() -> None:
    from datetime import date, datetime, timedelta

    from bot.domain import digest as d
    from bot.domain.catalog import Cadence, Form
    from bot.domain.models import OrganisationId, Programme, ProgrammeId
    from bot.services.digest import Digest
    from handlers.digest import render

    now = datetime(2026, 10, 5, 6, 0)
    snap = d.Snapshot(start=date(2026, 9, 1), cadence="weekly")
    programme = Programme(
        ProgrammeId(1), OrganisationId(1), "Тихая <программа>", (Form.PUPIL_PUPIL,), False, date(2026, 9, 1),
        date(2027, 5, 31), "Europe/Moscow", Cadence.WEEKLY, 8, stage=3,
    )  # fmt: skip
    week = d.figures(snap, now - timedelta(days=7), now)
    (only,) = render(Translator().get("ru"), Digest(programme, [], week, week, d.weeks(snap, now), now))
    assert "Тихая &lt;программа&gt;" in only.text and "тихо" in only.text and "база наставников" in only.text
    assert only.markup is None and len(only.text) < 600
