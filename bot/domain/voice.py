"""Self-service of a participant (issue 16): asking for another mentor, leaving the
programme, writing to the curator. Plain rules over the domain's dataclasses."""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum

from bot.domain.catalog import Role, Status
from bot.domain.errors import AlreadyDecided, InvalidInput, NotAllowed
from bot.domain.models import Participant
from bot.domain.pairs import Pair, PairStatus

LEFT_PROGRAMME = "left programme"  # a pair's end reason when a side left by themselves
OPEN_PAIRS = (PairStatus.PROPOSED, PairStatus.ACTIVE)


class MentorReason(StrEnum):
    TIME = "time"  # не подходит время
    TALK = "talk"  # не сложилось общение
    GOALS = "goals"  # другие цели
    OTHER = "other"  # другое


def mentor_reason(code: str) -> MentorReason:
    try:
        return MentorReason(code)
    except ValueError:
        raise InvalidInput("voice.bad_button") from None


def check_can_ask_other_mentor(pair: Pair, user_id: int) -> None:
    """Only the mentee of a working pair asks for another mentor."""
    if pair.side_of(user_id) is not Role.MENTEE or pair.mentee.user_id != user_id:
        raise NotAllowed()
    if pair.status is not PairStatus.ACTIVE:
        raise AlreadyDecided()


def check_can_leave(p: Participant, user_id: int) -> None:
    """One's own participation, once."""
    if p.user_id != user_id:
        raise NotAllowed()
    if p.status is Status.LEFT:
        raise AlreadyDecided()


def pairs_to_end(pairs: list[Pair], participant_id: int) -> list[Pair]:
    """Leaving ends every open pair (a proposal or a working pair) the participant is in."""
    return [p for p in pairs if p.status in OPEN_PAIRS and participant_id in (p.mentor.id, p.mentee.id)]


PAUSE_DAYS = {"1w": 7, "2w": 14, "1m": 30}  # the buttons: a week, two weeks, a month
PAUSE_MAX = timedelta(days=92)  # a longer break is a conversation with the curator
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?\s*$")


def is_paused(until: date | None, today: date) -> bool:
    """On a pause until ``until`` (exclusive): that day everything goes on again."""
    return until is not None and today < until


def pause_until(choice: str, today: date) -> date:
    """The end of a pause chosen with a button; a forged choice is refused."""
    if choice not in PAUSE_DAYS:
        raise InvalidInput("voice.bad_button")
    return today + timedelta(days=PAUSE_DAYS[choice])


def parse_pause_date(text: str | None, today: date) -> date:
    """A date typed as 25.12 (or 25.12.2026): the next such day after today, at most about
    three months ahead."""
    match = _DAY_MONTH.match(text or "")
    if match is None:
        raise InvalidInput("voice.pause_bad_date")
    day, month, year = int(match[1]), int(match[2]), match[3]
    try:
        if year:
            found = date(int(year) if len(year) == 4 else 2000 + int(year), month, day)
        else:
            found = date(today.year, month, day)
            if found <= today:
                found = date(today.year + 1, month, day)
    except ValueError:
        raise InvalidInput("voice.pause_bad_date") from None
    if found <= today:
        raise InvalidInput("voice.pause_past")
    if found - today > PAUSE_MAX:
        raise InvalidInput("voice.pause_too_long", days=PAUSE_MAX.days)
    return found
