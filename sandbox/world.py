"""What the emulator's parts share without importing each other: the errors a face answers
with, a chat of the simulated world, injected faults, and the ``World`` protocol through
which the control API (sandbox/control.py) drives the emulator (sandbox/emulator.py)."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

TELEGRAM = "telegram"
MAX = "max"
MESSENGERS = (TELEGRAM, MAX)


class BadRequest(Exception):
    """A request a face refuses: ``code`` is the HTTP status, ``description`` the wording;
    ``error_code`` is MAX's string key (``{"code": ..., "message": ...}``) when it differs
    from the default the MAX face derives from the status."""

    def __init__(self, description: str, code: int = 400, error_code: str | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.code = code
        self.error_code = error_code


class RetryAfter(Exception):
    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


@dataclass
class Faults:
    error_rate: float = 0.0  # share of bot requests answered with 500
    timeout_rate: float = 0.0  # share that hang for ``timeout_seconds`` first
    timeout_seconds: float = 2.0
    redirect_rate: float = 0.0  # share answered with a redirect to themselves (a loop)
    rng: random.Random = field(default_factory=lambda: random.Random(1))


@dataclass
class Chat:
    """A chat of the world. A private chat's id is its person's id on both faces of the
    control API (the MAX face shows the dialog under a chat id of its own)."""

    id: int
    type: str  # private | group
    title: str | None = None
    members: set[int] = field(default_factory=set)
    bot_admin: bool = True  # only an admin bot gets chat_member updates
    messenger: str = TELEGRAM

    def as_api(self, users: dict[int, dict[str, Any]]) -> dict[str, Any]:
        if self.type == "private":
            u = users[self.id]
            return {
                "id": self.id,
                "type": "private",
                "first_name": u["first_name"],
                **({"username": u["username"]} if u.get("username") else {}),
            }
        return {"id": self.id, "type": self.type, "title": self.title}


class World(Protocol):
    """The emulator as the control API sees it."""

    users: dict[int, dict[str, Any]]
    chats: dict[int, Chat]
    messages: dict[int, list[dict[str, Any]]]
    blocked: set[int]
    press_updates: dict[str, int]
    callback_answers: dict[str, dict[str, Any]]
    files: dict[str, tuple[bytes, str, str]]
    stats: dict[str, int]
    errors: list[str]
    faults: Faults
    closing: bool
    version: int
    owner_link: str | None
    roles_source: Callable[[], Awaitable[dict[int, str]]] | None
    bot_user: dict[str, Any]
    webhook: dict[str, Any] | None

    def messenger_of(self, user_id: int) -> str: ...
    def add_user(
        self,
        first_name: str,
        language_code: str = ...,
        user_id: int | None = ...,
        username: str | None = ...,
        last_name: str | None = ...,
        messenger: str = ...,
    ) -> dict[str, Any]: ...
    async def add_group_announced(self, title: str, members: list[int], bot_admin: bool = ...) -> Chat: ...
    async def notify(self) -> None: ...
    async def wait_change(self, timeout: float) -> None: ...
    async def member_joins(self, chat_id: int, user_id: int) -> dict[str, int | None]: ...
    async def user_sends(
        self, user_id: int, text: str | None = ..., chat_id: int | None = ..., sticker: bool = ...
    ) -> dict[str, Any]: ...
    async def user_starts(self, user_id: int, payload: str) -> dict[str, Any]: ...
    async def member_leaves(self, chat_id: int, user_id: int) -> int: ...
    async def bot_removed(self, chat_id: int, by: int) -> int: ...
    async def user_presses(self, user_id: int, chat_id: int, message_id: int, data: str) -> str: ...
    async def set_blocked(self, user_id: int, blocked: bool) -> None: ...
    async def redeliver(self, update_id: int) -> None: ...
    def commands_for(self, user_id: int) -> list[dict[str, str]]: ...
    def set_limits(self, values: dict[str, Any]) -> dict[str, Any]: ...
    def public_info(self) -> dict[str, Any]: ...
