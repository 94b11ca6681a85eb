"""«вы» for adults, «ты» for pupils (issue 16 item 5): who reads which, the translator's
choice of ``x_vy``, every locale string rendered in both languages and both registers, and
Russian numbers, dates and plurals through Babel."""

from __future__ import annotations

import re
import string
from datetime import date, datetime
from typing import Any

import pytest

from bot.domain.catalog import Form, Role
from bot.domain.register import formal, formal_applicant, formal_reader
from bot.i18n import VY, Html, Translator, load_catalogs, plural_category

CATALOGS = load_catalogs()
TY = re.compile(
    r"(?<![а-яё])(ты|тебя|тебе|тобой|твой|твоя|твоё|твои|твоего|твоей|твоих|твоим|твоему|твою)(?![а-яё])",
    re.IGNORECASE,
)
# «ты» imperatives and forms that would slip past the pronouns
TY_VERBS = re.compile(
    r"(?<![а-яё])(напиши|выбери|нажми|отметь|открой|попроси|пришли|расскажи|ответь|оцени|сократи|"
    r"уложись|дождись|отмени|набери|добавь|запиши|обсуди|спроси|звони|передумаешь|хочешь|можешь|"
    r"нажимай|попробуй|проверь)(?![а-яё])",
    re.IGNORECASE,
)
# Sections only curators (adults) ever read: written with «вы» under ``x``, no ``_vy``.
CURATOR_ONLY = (
    "prog.",
    "curator.",
    "stage_about.",
    "pairs.",
    "report.",
    "consent_list.",
    "owner.",
    "queue.",
    "list.",
    "card.",
    "dec.",
    "filter.",
    "export.",
    "pupils.",
    "rank.confirm.",
    "survey.confirm.",
    "digest.fig.",
    "digest.risk.",
    "digest.schedule",
    "help.curator",
    "start.curator",
    "safety.urgent",
    "safety.list_",
    "voice.relayed",
    "voice.ask_answer",
    "voice.other_request",
)
# «ты» strings only minors read (asked after «мне меньше 18» or of pupils only).
PUPILS_ONLY = {"ask.grade.prompt", "consent.age", "consent.minor_note"} | {
    # questionnaire items asked only of pupils (bot/domain/surveys.py BANK: their roles and forms)
    f"monitor.item.{code}"
    for code in ("g_engagement", "g_olympiads", "g_clubs", "g_next_step", "pp_leader", "sp_beyond")
}
FLOATS = {"mean", "score", "avg", "entry", "final"}


def _sample(name: str) -> Any:
    if name == "count":
        return 3
    if name in FLOATS:
        return 7.25
    return Html("Пример") if name in {"body", "who", "card", "tags", "why"} else f"‹{name}›"


def _fields(value: object) -> set[str]:
    texts = value.values() if isinstance(value, dict) else [value]
    return {f for t in texts for _, f, _, _ in string.Formatter().parse(str(t)) if f}


def _text(value: object) -> str:
    return " ".join(value.values()) if isinstance(value, dict) else str(value)


# --- who reads which --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "age", "role", "expected"),
    [
        ("teacher", None, Role.MENTOR, True),
        ("student", None, Role.MENTOR, True),  # a university student is an adult
        ("parent", None, Role.MENTOR, True),
        ("employer", None, Role.MENTOR, True),
        ("alumnus", 19, Role.MENTOR, True),
        ("yteacher", None, Role.MENTEE, True),
        ("pupil", None, Role.MENTOR, False),  # a pupil mentor
        ("pupil", 17, Role.MENTEE, False),
        ("pupil", 18, Role.MENTEE, False),  # a pupil is a pupil at 18 too
        ("college", None, Role.MENTEE, False),  # «обучающиеся» of a college are teens
        ("student", 17, Role.MENTOR, False),  # anyone under 18
        (None, None, Role.MENTOR, True),
        (None, None, Role.MENTEE, False),
    ],
)
def test_who_reads_vy(kind: str | None, age: int | None, role: Role, expected: bool) -> None:
    assert formal(kind, age, role) is expected


def test_before_the_kind_is_known_the_invite_and_the_programme_decide() -> None:
    pupils_and_teachers = [Form.PUPIL_PUPIL, Form.TEACHER_TEACHER]
    assert formal_applicant(Role.MENTEE, pupils_and_teachers, None, None) is False  # a pupil's link
    assert formal_applicant(Role.MENTEE, [Form.TEACHER_TEACHER], None, None) is True  # young teachers
    assert formal_applicant(Role.MENTOR, pupils_and_teachers, None, None) is True  # a teacher's link
    assert formal_applicant(Role.MENTOR, ["pp"], None, None) is False  # only pupils mentor here
    assert formal_applicant(Role.MENTOR, pupils_and_teachers, None, 15) is False  # a minor says so
    assert formal_applicant(Role.MENTOR, pupils_and_teachers, "pupil", None) is False  # the kind decides
    assert formal_applicant(Role.MENTEE, pupils_and_teachers, "yteacher", None) is True


def test_a_curator_and_a_stranger_read_vy_a_pupil_anywhere_reads_ty() -> None:
    assert formal_reader(True, [(Role.MENTEE, "pupil", 14)]) is True
    assert formal_reader(False, []) is True
    assert formal_reader(False, [(Role.MENTOR, "teacher", None)]) is True
    assert formal_reader(False, [(Role.MENTOR, "teacher", None), (Role.MENTEE, "college", 16)]) is False


# --- the translator's choice ------------------------------------------------------------


def test_the_translator_says_vy_to_adults_and_ty_to_pupils() -> None:
    i18n = Translator()
    assert i18n.get("ru", formal=True)("ask.name.prompt").startswith("Как вас зовут?")
    assert i18n.get("ru", formal=False)("ask.name.prompt").startswith("Как тебя зовут?")
    assert i18n.get("ru").reader(False)("ask.name.prompt").startswith("Как тебя зовут?")
    # a string without a «вы» variant reads the same for both
    assert i18n.get("ru", True)("meet.online") == i18n.get("ru", False)("meet.online") == "онлайн"
    # an English reader never gets a Russian variant
    assert i18n.get("en", True)("ask.name.prompt") == i18n.get("en", False)("ask.name.prompt")
    assert "name" in i18n.get("en", True)("ask.name.prompt")


def test_vy_keys_exist_for_every_ty_string_an_adult_can_read() -> None:
    ru = CATALOGS["ru"]
    missing = [
        key
        for key, value in ru.items()
        if not key.endswith(VY)
        and key not in PUPILS_ONLY
        and (TY.search(_text(value)) or TY_VERBS.search(_text(value)))
        and key + VY not in ru
    ]
    assert missing == []
    assert {k for k in CATALOGS["en"] if k.endswith(VY)} <= set(ru)


def test_vy_strings_and_curator_strings_never_say_ty() -> None:
    for key, value in CATALOGS["ru"].items():
        if key.endswith(VY) or key.startswith(CURATOR_ONLY):
            assert not TY.search(_text(value)), key
            assert not TY_VERBS.search(_text(value)), key
        if key.startswith(CURATOR_ONLY):
            assert key + VY not in CATALOGS["ru"], f"{key}: curators read «вы» under x"


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("vy", [False, True])
def test_every_string_renders_in_both_languages_and_registers(lang: str, vy: bool) -> None:
    t = Translator().get(lang, formal=vy)
    for key, value in CATALOGS[lang].items():
        if key.endswith(VY):
            continue
        params = {f: _sample(f) for f in _fields(value) | _fields(CATALOGS[lang].get(key + VY, ""))}
        counts = (1, 3, 5) if isinstance(value, dict) else (3,)
        for n in counts:
            text = t(key, **{**params, "count": n} if "count" in params else params)
            assert text != key and not re.fullmatch(r"[a-z_]+(\.[a-z_0-9]+)+", text), key
            assert "{" not in text and "}" not in text, (key, text)
            assert "None" not in text, key
            if lang == "ru":
                assert not re.search(r"(?<![\d.])7\.2", text), (key, text)  # not a date's «27.07.2006»
                if FLOATS & set(params):
                    assert "7,2" in text, (key, text)
            assert "Europe/" not in text and "Asia/" not in text, key


# --- Babel: plurals, numbers, dates -----------------------------------------------------


def test_plurals_come_from_cldr() -> None:
    assert [plural_category("ru", n) for n in (0, 1, 2, 5, 11, 21, 22, 25, 111, 1001)] == [
        "many", "one", "few", "many", "many", "one", "few", "many", "many", "one",
    ]  # fmt: skip
    assert Translator().get("ru")("n.days", count=22) == "22 дня"


def test_numbers_and_dates_as_russians_write_them() -> None:
    ru, en = Translator().get("ru"), Translator().get("en")
    assert ru.number(7.2) == "7,2" and en.number(7.2) == "7.2"
    assert ru.number(-0.5, signed=True) == "−0,5" and ru.number(0.5, signed=True) == "+0,5"
    assert ru("digest.fig.useful", mean=7.2, d="", good="80%", count=5).startswith(
        "⭐ Польза встреч: 7,2 из 10"
    )
    assert ru.when(datetime(2026, 12, 7, 18, 0)) == "пн, 7 декабря, 18:00"
    assert en.when(datetime(2026, 12, 7, 18, 0)) == "Mon, 7 December, 18:00"
    assert ru.date(date(2026, 9, 1)) == "1 сентября 2026"
    assert ru.short_day(date(2026, 12, 7)) == "пн, 7 дек."
    assert ru.tz("Europe/Moscow") == "Москва" and ru.tz("Asia/Yekaterinburg") == "Екатеринбург"
    assert ru.tz("Europe/Berlin").startswith("UTC+")  # never an IANA name in a message


def test_the_docx_summary_writes_figures_in_the_readers_language() -> None:
    from bot.domain.catalog import Cadence
    from bot.domain.models import OrganisationId, Programme, ProgrammeId
    from bot.services.reports import Sheet, document

    programme = Programme(
        ProgrammeId(1), OrganisationId(1), "П", (Form.PUPIL_PUPIL,), False, date(2026, 9, 1),
        date(2027, 5, 31), "Europe/Moscow", Cadence.WEEKLY, 8,
    )  # fmt: skip

    def tables(lang: str) -> list[list[list[str]]]:
        t = Translator().get(lang)
        kpi = Sheet("kpi", [], [[t("report.kpi.usefulness"), 7.25], [t("report.kpi.good_share"), 0.5]])
        growth = Sheet("monitor.growth", ["programme", "form", "role", "a", "b", "c", "d", "e"])
        growth.rows.append(["П", "pp", "mentee", "q", 3, 4.0, 3.5, -0.5])
        doc = document(t, "Школа", programme, datetime(2026, 10, 1), [kpi, growth], None)
        return [table.rows for table in doc.tables]

    ru, en = tables("ru"), tables("en")
    assert [row[1] for row in ru[0]] == ["7,2", "50\xa0%"]
    assert ru[1][0][4:] == ["4,0", "3,5", "−0,5"]
    assert [row[1] for row in en[0]] == ["7.2", "50%"]
    assert en[1][0][4:] == ["4.0", "3.5", "−0.5"]


def test_an_invitation_from_the_base_speaks_as_the_school_knows_the_person() -> None:
    from bot.domain.register import formal_invitee

    forms = [Form.PUPIL_PUPIL, Form.TEACHER_TEACHER]
    assert formal_invitee(Role.MENTOR, forms, None, None, alumnus=True) is True  # a graduate: вы
    assert formal_invitee(Role.MENTOR, ["pp"], None, None, alumnus=True) is True  # even where pupils mentor
    assert formal_invitee(Role.MENTOR, forms, None, 17, alumnus=True) is False  # a minor said so
    assert formal_invitee(Role.MENTOR, forms, "teacher", None, alumnus=False) is True
    assert formal_invitee(Role.MENTOR, forms, "pupil", None, alumnus=False) is False  # a pupil mentor
    assert formal_invitee(Role.MENTEE, forms, "pupil", 18, alumnus=False) is False  # a copied cohort's pupil
    assert formal_invitee(Role.MENTEE, forms, "yteacher", None, alumnus=False) is True
    assert formal_invitee(Role.MENTEE, [Form.TEACHER_TEACHER], None, None, alumnus=False) is True


def test_a_graduate_back_as_an_alumnus_reads_vy_though_once_a_pupil() -> None:
    was_pupil = (Role.MENTEE, "pupil", None)
    assert formal_reader(False, [was_pupil]) is False
    assert formal_reader(False, [was_pupil, (Role.MENTOR, "alumnus", None)]) is True
    assert formal_reader(False, [was_pupil, (Role.MENTOR, "alumnus", 17)]) is False  # a minor is «ты»
    assert formal_reader(False, [(Role.MENTOR, "pupil", None), (Role.MENTOR, "teacher", None)]) is False


def test_the_base_writes_a_mentors_satisfaction_in_the_readers_language() -> None:
    from bot.domain.base import BaseMentor, History
    from bot.domain.models import OrganisationId, UserId
    from handlers.base_texts import base_sheet, mentor_line

    when = datetime(2026, 9, 1)
    mentor = BaseMentor(
        1, OrganisationId(1), UserId(7), "Анна Соколова", None, False, None, True, when, when,
        history=(History(1, "Наставничество 2025/26", 2, 9, 4.25),),
    )  # fmt: skip
    ru, en = Translator().get("ru"), Translator().get("en")
    assert "польза по отзывам: 4,2 из 5" in mentor_line(ru, 1, mentor)
    assert "4.2" in mentor_line(en, 1, mentor)
    (row,) = base_sheet(ru, [mentor])
    assert row[-1] == "Наставничество 2025/26: наставляемых 2, встреч 9, польза 4,2"  # an XLSX text cell
    assert isinstance(row[-2], float)  # the number column stays a number


def test_questionnaire_items_a_pupil_reads_never_say_vy() -> None:
    vy = re.compile(r"(?<![а-яё])(вы|вас|вам|вами|ваш[а-яё]*|[а-яё]+(?:ите|йте))(?![а-яё])", re.IGNORECASE)
    items = [
        k for k in CATALOGS["ru"] if k.startswith(("survey.item.", "monitor.item.")) and not k.endswith(VY)
    ]
    assert len(items) > 40
    for key in items:
        assert not vy.search(CATALOGS["ru"][key]), key
        if TY.search(CATALOGS["ru"][key]):
            assert key + VY in CATALOGS["ru"], key
