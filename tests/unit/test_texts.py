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
