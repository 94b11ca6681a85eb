"""Every user-facing string comes from locales/<lang>.toml.

Parameters are HTML-escaped unless wrapped in ``Html`` (already safe markup), so user
text can never break Telegram's HTML parsing. Plural entries are tables with CLDR
categories: ru uses one/few/many, en one/other; the category comes from Babel's CLDR rules.

The register: a string that addresses the reader is written for pupils with «ты» under
``x`` and for adults with «вы» under ``x_vy``; an ``L10n`` made for an adult reader
(``formal=True``) says ``x_vy`` where it exists, else ``x`` (bot/domain/register.py says who
is who). Numbers, dates and times go through Babel, as Russians write them: «7,2»,
«пн, 7 декабря, 18:00».
"""

from __future__ import annotations

import datetime as dt
import html
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime, get_timezone
from babel.numbers import format_decimal, format_percent

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
PLURAL_KEYS = frozenset({"one", "few", "many", "other"})


class Html(str):
    """A string that is already safe HTML."""


def escape(text: object) -> Html:
    return Html(html.escape(str(text), quote=False))


VY = "_vy"  # the suffix of a string's «вы» variant, for adult readers


@cache
def _babel(locale: str) -> Locale:
    return Locale.parse(locale)


def plural_category(locale: str, n: int) -> str:
    """The CLDR plural category of ``n`` (ru: one/few/many, en: one/other), by Babel."""
    return str(_babel(locale).plural_form(abs(n)))


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, Any]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and not set(value) <= PLURAL_KEYS:
            _flatten(full, value, out)
        else:
            out[full] = value


def load_catalogs(directory: Path = LOCALES_DIR) -> dict[str, dict[str, Any]]:
    catalogs: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.toml")):
        flat: dict[str, Any] = {}
        _flatten("", tomllib.loads(path.read_text("utf-8")), flat)
        catalogs[path.stem] = flat
    return catalogs


class L10n:
    """Strings of one language."""

    def __init__(
        self, locale: str, strings: dict[str, Any], fallback: dict[str, Any], formal: bool = True
    ) -> None:
        self.locale = locale
        self.formal = formal  # the reader is an adult: «вы» (``x_vy``) where the string has it
        self._strings = strings
        self._fallback = fallback

    def reader(self, formal: bool) -> L10n:
        """The same language for a reader addressed with «вы» (True) or «ты» (False)."""
        return self if formal == self.formal else L10n(self.locale, self._strings, self._fallback, formal)

    def has(self, key: str) -> bool:
        return key in self._strings or key in self._fallback

    def _key(self, key: str) -> str:
        if self.formal:
            vy = key + VY
            if vy in self._strings or (key not in self._strings and vy in self._fallback):
                return vy
        return key

    def __call__(self, key: str, /, **params: Any) -> str:
        key = self._key(key)
        value = self._strings.get(key, self._fallback.get(key))
        if value is None:
            return key
        if isinstance(value, dict):
            count = int(params.get("count", 0))
            value = value.get(plural_category(self.locale, count), value.get("other", key))
        safe = {
            k: v if isinstance(v, Html | int) else self.number(v) if isinstance(v, float) else escape(v)
            for k, v in params.items()
        }
        return str(value).format(**safe) if safe else str(value)

    # Numbers, dates and times, as the reader's language writes them (Babel, CLDR data).

    def number(self, value: float, digits: int = 1, signed: bool = False) -> Html:
        """«7,2» in Russian, "7.2" in English; ``signed`` puts «+» before a positive value."""
        text = format_decimal(abs(value), format="0." + "0" * digits if digits else "0", locale=self.locale)
        sign = "−" if value < 0 and text.strip("0,.") else "+" if signed and value > 0 else ""
        return Html(sign + text)

    def percent(self, share: float) -> Html:
        """A share 0..1 as a whole percent: «70 %» in Russian, "70%" in English."""
        return Html(format_percent(share, locale=self.locale))

    def date(self, day: dt.date) -> Html:
        """«7 декабря 2026» / "7 December 2026"."""
        return Html(format_date(day, "d MMMM y", locale=self.locale))

    def day(self, day: dt.date) -> Html:
        """A day in the coming weeks, with its weekday: «пн, 7 декабря» / "Mon, 7 December"."""
        return Html(format_date(day, "EEE, d MMMM", locale=self.locale))

    def short_day(self, day: dt.date) -> Html:
        """A day on a button: «пн, 7 дек.» / "Mon, 7 Dec"."""
        return Html(format_date(day, "EEE, d MMM", locale=self.locale))

    def when(self, moment: dt.datetime, tz: dt.tzinfo | str | None = None) -> Html:
        """A moment with its weekday, in a timezone: «пн, 7 декабря, 18:00»."""
        zone = get_timezone(tz) if isinstance(tz, str) else tz
        if zone is not None and moment.tzinfo is not None:
            moment = moment.astimezone(zone)
        return Html(format_datetime(moment, "EEE, d MMMM, HH:mm", locale=self.locale))

    def tz(self, name: str) -> str:
        """A timezone by its label («Москва»), never its IANA name; an unlisted one by its
        offset from UTC («UTC+3»)."""
        key = f"tz.{name}"
        if key in self._strings or key in self._fallback:
            return self(key)
        try:
            offset = dt.datetime.now(get_timezone(name)).utcoffset()
        except LookupError:
            return "UTC"
        hours = int(offset.total_seconds() // 3600) if offset else 0
        return f"UTC{hours:+d}" if hours else "UTC"


class Translator:
    def __init__(self, default: str = "ru", directory: Path = LOCALES_DIR) -> None:
        self.catalogs = load_catalogs(directory)
        self.default = default

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.catalogs)

    def pick(self, *candidates: str | None) -> str:
        for c in candidates:
            if c and c[:2] in self.catalogs:
                return c[:2]
        return self.default

    def get(self, locale: str | None, formal: bool = True) -> L10n:
        """Strings in a language for a reader: ``formal`` (the default, as for a stranger
        or a curator) says «вы»; a pupil's strings are ``get(locale, formal=False)``."""
        lang = self.pick(locale)
        return L10n(lang, self.catalogs[lang], self.catalogs[self.default], formal)
