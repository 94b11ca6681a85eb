"""Parental consent for a minor as a paper document (152-ФЗ, target model): the curator
hands the parent a form, records how to reach the parent, and confirms the signed form
came back. The rules of the contact and of the status a curator reads on the card."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.errors import InvalidInput

CONTACT_MAX = 128


class ConsentStatus(StrEnum):
    MISSING = "missing"  # nothing done yet
    ASKED = "asked"  # the form was handed out (downloaded by a curator)
    RECEIVED = "received"  # the curator confirmed the signed form came back


@dataclass(frozen=True)
class Parental:
    """What the school knows of a minor's parental consent (curators only)."""

    asked_at: datetime | None
    received_at: datetime | None
    contact: str | None

    @property
    def status(self) -> ConsentStatus:
        if self.received_at is not None:
            return ConsentStatus.RECEIVED
        if self.asked_at is not None:
            return ConsentStatus.ASKED
        return ConsentStatus.MISSING


def clean_contact(typed: str | None) -> str:
    """A parent's contact as typed (a phone, an e-mail, a name): control and invisible
    characters dropped, spaces collapsed, at most CONTACT_MAX characters."""
    text = "".join(ch for ch in (typed or "") if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    text = " ".join(text.split())
    if not text:
        raise InvalidInput("consent_doc.err_contact_empty")
    if len(text) > CONTACT_MAX:
        raise InvalidInput("consent_doc.err_contact_long", limit=CONTACT_MAX, length=len(text))
    return text
