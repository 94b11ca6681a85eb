"""Telegram's size rules as plain functions."""

from __future__ import annotations

from collections.abc import Iterable

TEXT_LIMIT = 4096
SAFE_LIMIT = 4000  # room for a header line


def split_blocks(blocks: Iterable[str], limit: int = SAFE_LIMIT, sep: str = "\n") -> list[str]:
    """Join blocks into messages no longer than ``limit``; a block is never cut unless
    it alone is longer than the limit (then it is cut at line breaks or hard)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _cut(block, limit):
            candidate = f"{current}{sep}{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _cut(block: str, limit: int) -> list[str]:
    if len(block) <= limit:
        return [block]
    pieces, rest = [], block
    while len(rest) > limit:
        at = rest.rfind("\n", 0, limit)
        at = at if at > 0 else limit
        pieces.append(rest[:at])
        rest = rest[at:].lstrip("\n")
    return [*pieces, rest] if rest else pieces
