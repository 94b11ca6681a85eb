"""Text for people: profiles, programmes and participants rendered from locale strings."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain import catalog as c
from bot.domain import questionnaire as q
from bot.domain.catalog import Role
from bot.domain.consent import ConsentStatus, Parental
from bot.domain.models import Participant, Programme, ProgrammeCounts
from bot.i18n import Html, L10n, escape


def labels(t: L10n, group: str, codes: Iterable[str]) -> str:
    return ", ".join(t(f"{group}.{code}") for code in codes) or "—"


def tag_group(role: Role) -> str:
    return "comp" if role is Role.MENTOR else "req"


def kind_group(role: Role) -> str:
    return "mkind" if role is Role.MENTOR else "ekind"


def field_label(t: L10n, role: Role, step: q.Step) -> str:
    specific = f"field.{step.value}_{role.value}"
    return t(specific) if t.has(specific) else t(f"field.{step.value}")


def slots_text(t: L10n, slots: Iterable[str]) -> str:
    by_day: dict[str, list[str]] = {}
    for slot in slots:
        day, part = slot.split("_")
        by_day.setdefault(day, []).append(t(f"part.{part}"))
    return "; ".join(f"{t(f'day.{d}')} {', '.join(parts)}" for d, parts in by_day.items()) or "—"


def value_text(t: L10n, role: Role, step: q.Step, value: object) -> str:
    """One answer as safe HTML."""
    if step is q.Step.NAME:
        return escape(value)
    if step is q.Step.KIND:
        return t(f"{kind_group(role)}.{value}")
    if step is q.Step.TAGS:
        return labels(t, tag_group(role), value)  # type: ignore[arg-type]
    if step is q.Step.INTERESTS:
        return labels(t, "int", value)  # type: ignore[arg-type]
    if step is q.Step.SLOTS:
        return slots_text(t, value)  # type: ignore[arg-type]
    if step is q.Step.FORMAT:
        return t(f"format.{value}")
    if step is q.Step.EXPERIENCE:
        return t("years", count=int(str(value)))
    return escape(value)


def draft_lines(t: L10n, role: Role, draft: q.Draft) -> list[str]:
    """One line per answered question, in the questionnaire's order."""
    lines = []
    for step in q.steps_for(role, draft.get(q.Step.KIND)):
        value = draft.get(step)
        if value is not None:
            shown = Html(value_text(t, role, step, value))
            lines.append(t("summary.line", field=Html(field_label(t, role, step)), value=shown))
    return lines


def participant_card(
    t: L10n, p: Participant, programme: Programme, parental: Parental | None = None, *, curator: bool = False
) -> str:
    """A participant's card; ``curator``: as a curator sees it (with «нужна поддержка»);
    ``parental`` (a minor's consent on paper) only for curators."""
    lines = [
        t(
            "card.head",
            name=p.name,
            role=Html(t(f"role.{p.role.value}")),
            status=Html(t(f"status.{p.status.value}")),
            programme=programme.title,
        )
    ]
    if p.profile is not None:
        lines += draft_lines(t, p.role, q.from_profile(p.name, p.profile))[1:]
    if p.age is not None:
        lines.append(t("card.age", age=p.age))
    if p.awaits_parental_consent:
        lines.append(t("card.awaits_consent"))
    if parental is not None and p.is_minor:
        lines += parental_lines(t, parental)
    if p.role is Role.MENTOR and (p.status is c.Status.APPROVED or p.trained):  # trained: from the base
        lines.append(t("card.trained" if p.trained else "card.not_trained"))
    if p.paused_until is not None:
        lines.append(t("card.paused", date=t.date(p.paused_until)))
    if curator and p.needs_support:  # never in the participant's own view
        lines.append(t("forms.card_support"))
    return "\n".join(lines)


def parental_lines(t: L10n, parental: Parental) -> list[str]:
    status = parental.status
    when = parental.received_at if status is ConsentStatus.RECEIVED else parental.asked_at
    lines = [t(f"consent_doc.status_{status.value}", date=t.date(when) if when else "")]
    if parental.contact:
        lines.append(t("consent_doc.contact", contact=parental.contact))
    return lines


def participant_line(t: L10n, n: int, p: Participant) -> str:
    flags = " 🧒" if p.awaits_parental_consent else ""
    flags += " 🫶" if p.needs_support else ""
    return t(
        "list.line",
        n=n,
        name=p.name,
        role=Html(t(f"role.{p.role.value}")),
        status=Html(t(f"status.{p.status.value}")),
        flags=Html(flags),
    )


def programme_card(t: L10n, p: Programme, counts: ProgrammeCounts) -> str:
    note = t("prog.archived_note") + "\n" if p.archived else ""
    return (
        note
        + t(
            "prog.card",
            title=p.title,
            stage=p.stage,
            stage_name=Html(t(f"stage.{p.stage}")),
            about=Html(t(f"stage_about.{p.stage}")),
            forms=Html(labels(t, "form", (f.value for f in p.forms))),
            fmt=Html(t("prog.group" if p.group_format else "prog.one_to_one")),
            start=t.date(p.start),
            end=t.date(p.end),
            tz=t.tz(p.timezone),
            cadence=Html(t(f"cadence.{p.cadence.value}")),
            mentors=Html(t("n.mentors", count=counts.mentors)),
            mentees=Html(t("n.mentees", count=counts.mentees)),
            pending=counts.pending,
            waiting=counts.awaiting_consent,
            chat=Html(t("prog.chat_bound" if p.curator_chat_id else "prog.chat_unbound")),
        )
        + details_lines(t, p)
    )


def details_lines(t: L10n, p: Programme) -> str:
    """The programme's sub-models (when picked) and directions, under its card."""
    out = ""
    if p.submodels:
        subs = ", ".join(t(f"forms.sub.{code}") for code in p.submodels)
        out += "\n" + t("forms.card_sub", items=Html(escape(subs)))
    dirs = ", ".join(t(f"forms.dir.{d}") for d in p.directions) or t("forms.dir_none")
    return out + "\n" + t("forms.card_dir", items=Html(escape(dirs)))
