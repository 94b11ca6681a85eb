"""Self-service of a participant (issue 16): asking for another mentor, leaving the
programme, writing to the curator. Plain rules over the domain's dataclasses."""

from __future__ import annotations

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
