"""Start links («открой бота по ссылке»): one per messenger this installation serves."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StartLinks:
    telegram: str | None = None  # the bot's username in each messenger
    max: str | None = None

    def urls(self, token: str) -> list[tuple[str, str]]:
        found = []
        if self.telegram:
            found.append(("Telegram", f"https://t.me/{self.telegram}?start={token}"))
        if self.max:
            found.append(("MAX", f"https://max.ru/{self.max}?start={token}"))
        return found

    def first(self, token: str) -> str:
        return self.urls(token)[0][1]

    def text(self, token: str) -> str:
        """The link alone, or one line per messenger («MAX: …») when there are two."""
        urls = self.urls(token)
        if len(urls) == 1:
            return urls[0][1]
        return "".join(f"\n{name}: {url}" for name, url in urls)
