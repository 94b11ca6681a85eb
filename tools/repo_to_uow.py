"""Rewrite code written against the old all-in-one ``Repo`` to the unit of work: a one-off
for branches that were in flight when storage/ became a repository per aggregate.

    python tools/repo_to_uow.py FILE...

In each file: ``repo.get_user(`` becomes ``uow.people.get(`` (and so on, the table below),
the few methods that moved between repositories follow (``repo.meetings.breaks(`` becomes
``uow.programmes.breaks(``), ``from storage.repo import ...`` names the new modules, and the
name ``repo`` becomes ``uow`` (``Repo`` becomes ``Unit``). Run ``make lint`` afterwards;
delete this file once no branch needs it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

FLAT = {  # the old Repo's method: where it lives now, under the Unit
    "get_user": "people.get",
    "touch_user": "people.touch",
    "locales": "people.locales",
    "set_share_contact": "people.set_share_contact",
    "set_locale": "people.set_locale",
    "forget_user": "people.forget",
    "user_organisations": "people.organisations",
    "add_consent": "people.add_consent",
    "consents": "people.consents",
    "create_organisation": "organisations.create",
    "find_organisation": "organisations.find",
    "get_organisation": "organisations.get",
    "add_curator": "organisations.add_curator",
    "curator_organisations": "organisations.of_curator",
    "is_curator": "organisations.is_curator",
    "curators_of": "organisations.curators",
    "has_curators": "organisations.has_curators",
    "find_invite": "invites.find",
    "create_invite": "invites.create",
    "get_invite": "invites.get",
    "use_invite": "invites.use",
    "revoke_invite": "invites.revoke",
    "create_programme": "programmes.create",
    "get_programme": "programmes.get",
    "curator_programmes": "programmes.of_curator",
    "update_programme": "programmes.update",
    "get_participant": "participants.get",
    "find_participant": "participants.find",
    "participations": "participants.participations",
    "create_participant": "participants.create",
    "save_profile": "participants.save_profile",
    "rename_participant": "participants.rename",
    "decide": "participants.decide",
    "confirm_parental_consent": "participants.confirm_parental_consent",
    "list_participants": "participants.page",
    "awaiting_parental_consent": "participants.awaiting_parental_consent",
    "counts": "participants.counts",
    "programme_members": "participants.members",
    "set_priority": "participants.set_priority",
    "create_pair": "pairs.create",
    "update_pair": "pairs.update",
    "delete_pair": "pairs.delete",
    "delete_drafts": "pairs.delete_drafts",
    "get_pair": "pairs.get",
    "pairs": "pairs.in_programme",
    "open_proposals": "pairs.open_proposals",
    "exclusions": "pairs.exclusions",
    "add_exclusion": "pairs.add_exclusion",
    "audit": "audit.record",
    "audit_actions": "audit.actions",
    "first_time": "updates.first_time",
    "forget_seen_updates": "updates.forget_before",
    "get_kv": "kv.get",
    "set_kv": "kv.set",
}
MOVED = {  # a sub-repository's method that moved to another repository
    ("meetings", "sides"): "pairs.sides",
    ("meetings", "active_pair_ids"): "pairs.active_ids",
    ("meetings", "pair_started"): "pairs.started",
    ("meetings", "add_break"): "programmes.add_break",
    ("meetings", "breaks"): "programmes.breaks",
    ("outbox", "mark_unreachable"): "people.mark_unreachable",
}
MODULE = {  # a name once imported from storage.repo: (its module now, its name now)
    "Repo": ("storage.unit", "Unit"),
    "Side": ("storage.pairs", "Side"),
    "PairSides": ("storage.pairs", "PairSides"),
    "Reflection": ("storage.meetings", "Reflection"),
    "OutboxItem": ("storage.outbox", "OutboxItem"),
    "OutboxRepo": ("storage.outbox", "OutboxRepo"),
    "MeetingsRepo": ("storage.meetings", "MeetingsRepo"),
    "LeasesRepo": ("storage.bookkeeping", "LeasesRepo"),
}


def _imports(match: re.Match[str]) -> str:
    by_module: dict[str, list[str]] = {}
    for name in (n.strip() for n in match.group(1).split(",")):
        module, new = MODULE[name]
        by_module.setdefault(module, []).append(new)
    return "\n".join(f"from {m} import {', '.join(sorted(ns))}" for m, ns in sorted(by_module.items()))


def rewrite(source: str) -> str:
    def moved(m: re.Match[str]) -> str:
        return f"repo.{MOVED[m.group(1), m.group(2)]}" if (m.group(1), m.group(2)) in MOVED else m.group(0)

    def flat(m: re.Match[str]) -> str:
        return f"repo.{FLAT[m.group(1)]}" if m.group(1) in FLAT else m.group(0)

    source = re.sub(r"\brepo\.(\w+)\.(\w+)(?=\()", moved, source)
    source = re.sub(r"\brepo\.(\w+)(?=\()", flat, source)
    source = re.sub(r"^from storage\.repo import ([\w, ]+)$", _imports, source, flags=re.M)
    source = re.sub(r"\brepo\b", "uow", source)
    return re.sub(r"\bRepo\b", "Unit", source)


def main(paths: list[str]) -> None:
    for path in map(Path, paths):
        old = path.read_text(encoding="utf-8")
        new = rewrite(old)
        if new != old:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
