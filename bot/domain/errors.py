"""Domain exceptions: a rule said no. Handlers turn each into a friendly message."""

from __future__ import annotations


class DomainError(Exception):
    """Base class; ``key`` names the locale string that explains it to a person."""

    key = "error.generic"


class NotAllowed(DomainError):
    key = "error.not_allowed"


class NotFound(DomainError):
    key = "error.stale"


class AlreadyDecided(DomainError):
    key = "error.already_decided"


class InvalidInput(DomainError):
    """A person's answer did not fit; ``key`` says how to answer instead."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class Archived(DomainError):
    """The programme is completed and archived: it can be read, not changed."""

    key = "error.archived"
