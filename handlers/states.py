"""All dialogue states in one place."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class Join(StatesGroup):
    language = State()
    consent = State()
    age = State()


class Questionnaire(StatesGroup):
    step = State()  # data["step"] names the question being asked
    summary = State()


class NewProgramme(StatesGroup):
    title = State()
    forms = State()
    details = State()  # sub-models and directions (optional)
    group = State()
    start = State()
    end = State()
    timezone = State()
    cadence = State()


class Forget(StatesGroup):
    confirm = State()


class DeclineReason(StatesGroup):
    text = State()  # data["pair"]


class EndReason(StatesGroup):
    text = State()  # data["pair"], data["reassign"]


class MeetingForm(StatesGroup):
    day = State()
    time = State()
    kind = State()
    format = State()
    place = State()
    reason = State()  # reschedule or cancel: data["action"], data["meeting"]


class Reflect(StatesGroup):
    text = State()  # data["meeting"], data["field"]


class BreakForm(StatesGroup):
    period = State()  # data["pid"]


class SurveyForm(StatesGroup):
    open = State()  # a typed answer: data["r"] (response), data["i"] (item)
    new_item = State()  # the curator writes a question: data["pid"], data["role"], data["kind"]
    edit_item = State()  # "3 new wording": data["pid"], data["role"]
    pulse_days = State()  # "30 60": the days of the automatic interim questionnaire, data["pid"]


class PlanForm(StatesGroup):
    goal = State()  # data["pair"]
    item = State()  # data["pair"]


class OwnerSetup(StatesGroup):
    name = State()  # data["token"]: the one-time link being used
    timezone = State()


class SafetyForm(StatesGroup):
    note = State()  # the participant's own words: data["pair"], data["k"]


class VoiceForm(StatesGroup):
    write = State()  # a participant writes to the curators: data["part"]
    answer = State()  # a curator answers a participant: data["part"]
    pause = State()  # a participant types the pause's last day: data["part"]


class CopyForm(StatesGroup):
    title = State()  # the copy's title: data["pid"] (the programme copied)
    period = State()  # its dates: data["pid"], data["title"]
    cohort = State()  # settings only or with the cohort: data["pid"], data["title"], data["period"]


class ParentalForm(StatesGroup):
    contact = State()  # a curator types a minor's parent's contact: data["part"]


class GroupSize(StatesGroup):
    text = State()  # the curator types a programme's group size: data["pid"]
