"""Typed callback data. aiogram checks the 64-byte limit when packing; every value
here is a short code or an integer id, so the longest packs to about 25 bytes."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LangCb(CallbackData, prefix="lang"):
    code: str


class ConsentCb(CallbackData, prefix="cons"):
    answer: str  # adult | minor | no


class AgeCb(CallbackData, prefix="age"):
    age: int


class ChoiceCb(CallbackData, prefix="qc"):
    """A single choice in the questionnaire (kind, grade, experience, capacity, format)."""

    step: str
    value: str


class ToggleCb(CallbackData, prefix="qt"):
    """Multi-select: toggle one code; ``code`` "!" means "done"."""

    step: str
    code: str


class SummaryCb(CallbackData, prefix="qs"):
    action: str  # send | edit | back


class EditCb(CallbackData, prefix="qe"):
    step: str


class ProgCb(CallbackData, prefix="pg"):
    action: str  # card | invites | queue | list | stage | newcur
    pid: int


class DecideCb(CallbackData, prefix="dc"):
    action: str  # ok | okt | no | pc (parental consent) | tr (trained) | cf (consent form) | pn (contact)
    part: int


class ListCb(CallbackData, prefix="ls"):
    pid: int
    role: str  # "" | mentor | mentee
    status: str  # "" | pending | approved | rejected
    page: int


class NewProgCb(CallbackData, prefix="np"):
    field: str  # form | forms_done | group | tz | cadence
    value: str


class ProgSetCb(CallbackData, prefix="fs"):
    """A programme's sub-model (k "s") or direction (k "d") ``c`` on or off."""

    pid: int
    k: str
    c: str


class SupportCb(CallbackData, prefix="ns"):
    """A mentee's «нужна поддержка» flag: set (v 1) or cleared (v 0) by a curator."""

    part: int
    v: int


class CardCb(CallbackData, prefix="cd"):
    """A participant's card, opened from the participants list."""

    part: int


class BindCb(CallbackData, prefix="bd"):
    pid: int


class InviteCb(CallbackData, prefix="iv"):
    action: str  # revoke
    token: str


class ForgetCb(CallbackData, prefix="fg"):
    answer: str  # yes | no


class ProfileCb(CallbackData, prefix="pf"):
    part: int


class PairsCb(CallbackData, prefix="ps"):
    """A programme's pairs: menu | run | draft | publish | active | mode."""

    action: str
    pid: int


class PairCb(CallbackData, prefix="pr"):
    action: str  # card | rm | swap | end | reassign
    pair: int


class PickCb(CallbackData, prefix="pk"):
    """Pair this mentee with this mentor (``force`` confirms a broken rule)."""

    mentee: int
    mentor: int
    force: int


class MenteeCb(CallbackData, prefix="me"):
    """Show mentor options for an unpaired mentee."""

    mentee: int


class ProposalCb(CallbackData, prefix="pp"):
    pair: int
    answer: str  # y | n | skip (the decline reason)


class ChooseCb(CallbackData, prefix="ch"):
    """Mentee-choice mode: ask this mentor."""

    mentor: int


class MeetCb(CallbackData, prefix="mt"):
    """new (pair) | ok | other | move | cancel | ics | weekly (meeting)."""

    action: str
    id: int


class DayCb(CallbackData, prefix="dy"):
    day: str  # YYYYMMDD, local


class TimeCb(CallbackData, prefix="tm"):
    hhmm: str


class KindCb(CallbackData, prefix="kd"):
    kind: str


class FormatCb(CallbackData, prefix="fm"):
    online: int


class ReflectCb(CallbackData, prefix="rf"):
    """One answer of a check-in: field h (happened), u (usefulness), s (second rating),
    d / n (skip "what was done" / "what's next")."""

    m: int
    f: str
    v: str


class DigestCb(CallbackData, prefix="dg"):
    """A digest line's action: n (nudge) | c (card) | r (reassign) | e (end)."""

    a: str
    pair: int


class DigestSetCb(CallbackData, prefix="ds"):
    """The weekly digest's moment: weekday 0–6 (Monday first) and hour, local time."""

    pid: int
    d: int
    h: int


class SurveyCb(CallbackData, prefix="sv"):
    """One answer: response, item, value (1–10 | y | n | - skip | go start)."""

    r: int
    i: int
    v: str


class SurveyAdminCb(CallbackData, prefix="sa"):
    """launch (k: entry|interim|final) | results | items | add (k: role) | edit (k: role) |
    kind (k: "role-kind") for a new question (":" is the packing separator)."""

    a: str
    pid: int
    k: str = ""


class SurveyItemCb(CallbackData, prefix="si"):
    item: int


class CloseCb(CallbackData, prefix="cl"):
    """Completion: ask | go (stage 7 starts) | archive."""

    a: str
    pid: int


class OutcomeCb(CallbackData, prefix="oc"):
    pair: int
    o: str  # reached | partly | not


class ExportCb(CallbackData, prefix="ex"):
    pid: int
    f: str  # xlsx | csv


class PlanCb(CallbackData, prefix="pl"):
    """A pair's plan: v (view, pair) | g (goal, pair) | a (add an item, pair) | t (toggle, item)."""

    a: str
    id: int


class RankCb(CallbackData, prefix="rk"):
    """«Быстрые встречи»: candidate ``c`` next in the order of preference ``p``; 0 done, -1 reset."""

    p: int
    c: int


class ContactCb(CallbackData, prefix="ct"):
    """Show my Telegram to my pair (1) or keep it to the curator (0)."""

    v: int


class OwnerTzCb(CallbackData, prefix="ow"):
    """The owner link's dialogue: the school's timezone, an index into catalog.TIMEZONES."""

    i: int


class SafetyCb(CallbackData, prefix="sf"):
    """«Сообщить куратору»: go (id: pair, 0 from /help) | k (kind k chosen, id: pair) |
    send (without text, id: pair, k: kind) | ok (a curator's «Решено», id: report)."""

    a: str
    id: int
    k: str = ""


class VoiceCb(CallbackData, prefix="vc"):
    """A participant's self-service: other (pair) | why (pair, k: reason) | leave | bye |
    stay (participant) | write (participant) | ans (a curator answers a participant)."""

    a: str
    id: int
    k: str = ""


class BaseCb(CallbackData, prefix="bs"):
    """The school's mentor base: ls (list) | comp (competence choice) | inv (invite mentor
    ``m``) | all (invite everyone shown) | xl (XLSX). ``p``: the programme invited to (0:
    the whole base); k kind, t trained, c competence, f activity, g page: the filter."""

    a: str
    p: int = 0
    k: str = ""
    t: str = ""
    c: str = ""
    f: str = ""
    g: int = 0
    m: int = 0


class BaseAnswerCb(CallbackData, prefix="ba"):
    """An invited person's answer: y («Участвовать») | n («Не сейчас»), invitation ``i``."""

    a: str
    i: int


class CopyCb(CallbackData, prefix="cp"):
    """Copying programme ``pid``: c 1 (invite its cohort) or 0 (settings only)."""

    pid: int
    c: int


class SurveyMomentCb(CallbackData, prefix="sm"):
    """When the curator's own question is asked: m = all | entry | pulse | final."""

    item: int
    m: str


class GroupCb(CallbackData, prefix="gr"):
    """A curator's mentoring group: card | ok (confirm the draft group) | mv (pick a member to move)."""

    a: str
    g: int


class GroupMoveCb(CallbackData, prefix="gm"):
    """The curator moves this member's pair (``pair``) into group ``to``; ``to`` 0: choose."""

    pair: int
    to: int


class GroupMineCb(CallbackData, prefix="gy"):
    """A group's participant: y | n (the mentor answers the group) | meet (the mentor
    schedules a group meeting) | gx (the mentor cancels group meeting ``id``) | leave (a
    member leaves: ``id`` is their pair)."""

    a: str
    id: int
