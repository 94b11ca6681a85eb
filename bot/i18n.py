"""Every user-facing string comes from locales/<lang>.toml.

Parameters are HTML-escaped unless wrapped in ``Html`` (already safe markup), so user
text can never break Telegram's HTML parsing. Plural entries are tables with CLDR
categories: ru uses one/few/many, en one/other.
"""

from __future__ import annotations

import html
import tomllib
from pathlib import Path
from typing import Any

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
PLURAL_KEYS = frozenset({"one", "few", "many", "other"})


class Html(str):
    """A string that is already safe HTML."""


def escape(text: object) -> Html:
    return Html(html.escape(str(text), quote=False))


def plural_category(locale: str, n: int) -> str:
    n = abs(n)
    if locale == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
        return "many"
    return "one" if n == 1 else "other"


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

    def __init__(self, locale: str, strings: dict[str, Any], fallback: dict[str, Any]) -> None:
        self.locale = locale
        self._strings = strings
        self._fallback = fallback

    def has(self, key: str) -> bool:
        return key in self._strings or key in self._fallback

    def __call__(self, key: str, /, **params: Any) -> str:
        value = self._strings.get(key, self._fallback.get(key))
        if value is None:
            return key
        if isinstance(value, dict):
            count = int(params.get("count", 0))
            value = value.get(plural_category(self.locale, count), value.get("other", key))
        safe = {k: v if isinstance(v, Html | int | float) else escape(v) for k, v in params.items()}
        return str(value).format(**safe) if safe else str(value)


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

    def get(self, locale: str | None) -> L10n:
        lang = self.pick(locale)
        return L10n(lang, self.catalogs[lang], self.catalogs[self.default])
