"""Rendering pairs: explanations in the reader's language, intros without contacts,
contacts only once both accepted."""

from __future__ import annotations

from bot.domain.catalog import MentorKind, Role
from bot.domain.identity import Messenger, messenger_of
from bot.domain.matching import Reasons
from bot.domain.models import Participant
from bot.domain.pairs import Pair
from bot.i18n import Html, L10n, escape
from handlers import render


def reasons_text(t: L10n, reasons: Reasons | None) -> str:
    if reasons is None:
        return t("reasons.none")
    parts = []
    if reasons.interests:
        parts.append(t("reasons.interests", items=Html(render.labels(t, "int", reasons.interests))))
    for code in reasons.requests:
        parts.append(
            t(
                "reasons.request",
                req=Html(t(f"req.{code}") if t.has(f"req.{code}") else t(f"comp.{code}")),
                comp=Html(t(f"comp.{code}")),
            )
        )
    if reasons.hours:
        parts.append(t("reasons.hours", count=reasons.hours))
    if reasons.same_format:
        parts.append(t("reasons.format"))
    if reasons.profession:
        parts.append(t("forms.reason_profession"))
    return "; ".join(parts) if parts else t("reasons.none")


def curator_reasons(t: L10n, pair: Pair) -> str:
    """The reasons as a curator reads them: the form and sub-model the pair was formed under
    and the «нужна поддержка» rule too (never shown to the pair)."""
    parts = [reasons_text(t, pair.reasons)]
    if pair.form is not None:
        parts.append(t("forms.reason_form", form=t(f"form.{pair.form.value}")))
    if pair.reasons is not None and pair.reasons.submodel and t.has(f"forms.sub.{pair.reasons.submodel}"):
        parts.append(t("forms.reason_sub", sub=t(f"forms.sub.{pair.reasons.submodel}")))
    if pair.mentee.needs_support:
        m = pair.mentor
        adult = m.profile is not None and m.profile.kind != MentorKind.PUPIL and not m.is_minor
        parts.append(t("forms.reason_support" if adult and m.trained else "forms.reason_support_broken"))
    return "; ".join(parts)


def who(t: L10n, p: Participant) -> str:
    """Name, role and class or experience — never a username or phone."""
    details = [t(f"role.{p.role.value}")]
    if p.profile is not None:
        details.append(t(f"{render.kind_group(p.role)}.{p.profile.kind}"))
        if p.profile.grade is not None:
            details.append(t("who.grade", grade=p.profile.grade))
        if p.profile.experience is not None:
            details.append(t("who.experience", years=Html(t("years", count=p.profile.experience))))
        if p.profile.profession:
            details.append(t("forms.who_profession", profession=p.profile.profession))
    return f"<b>{escape(p.name)}</b> — {', '.join(details)}"


def pair_line(t: L10n, n: int, pair: Pair) -> str:
    score = t.number(pair.score) if pair.score is not None else "⚠️"
    status = Html(t(f"pair.status.{pair.status.value}"))
    return t(
        "pairs.line",
        n=n,
        mentee=pair.mentee.name,
        mentor=pair.mentor.name,
        score=score,
        status=status,
        why=Html(curator_reasons(t, pair)),
    )


def intro(t: L10n, pair: Pair, side: Role) -> str:
    other = pair.other(side)
    tags = ""
    if other.profile is not None:
        group = render.tag_group(other.role)
        tags = t(f"intro.tags_{other.role.value}", items=Html(render.labels(t, group, other.profile.tags)))
    return t(
        "intro.text",
        head=Html(t(f"intro.found_{other.role.value}")),  # «Мы нашли тебе наставника!»
        who=Html(who(t, other)),
        tags=Html(tags),
        why=Html(reasons_text(t, pair.reasons)),
    )


def contact(
    t: L10n, other: Participant, shares: bool = True, curators: str = "", viewer: int | None = None
) -> str:
    """What a side learns once both accepted: the other's account in their messenger, unless
    they chose to be reached through the curator (set in /profile). When the two use
    different messengers (a teacher in Telegram, a pupil in MAX), a link of one would not
    open in the other: the name and messenger are given, and the bot's meetings suggested."""
    if not shares:
        return t("pair.contact_hidden", who=Html(who(t, other)), curators=curators or "—")
    theirs = messenger_of(other.user_id)
    if viewer is not None and messenger_of(viewer) is not theirs:
        handle = f"@{escape(other.username)}" if other.username else escape(other.name)
        return t(
            "pair.contact_elsewhere", who=Html(who(t, other)), link=Html(handle), messenger=MESSENGERS[theirs]
        )
    if other.username:
        link = f"@{escape(other.username)}"
    elif theirs is Messenger.MAX:
        link = escape(other.name)
    else:
        link = f'<a href="tg://user?id={other.user_id}">{escape(other.name)}</a>'
    return t("pair.contact", who=Html(who(t, other)), link=Html(link))


MESSENGERS = {Messenger.TELEGRAM: "Telegram", Messenger.MAX: "MAX"}
