"""Validation of a national plan before anything is stored: every bad field is named at once, with
its path (`entries[0].laws[1].status`), the value found and the rule it broke."""

from __future__ import annotations

import unicodedata
from datetime import date

from crossborder.core.dates import utcnow
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.monitoring.law_models import Alignment, LawStatus
from crossborder.monitoring.laws_reference import instruments, instruments_for, settings
from crossborder.monitoring.laws_schemas import EntryIn, PlanIn
from crossborder.monitoring.plans import load_plans

STATUSES = ", ".join(s.value for s in LawStatus)
ALIGNMENTS = ", ".join(a.value for a in Alignment)


def year_range(today: date | None = None) -> tuple[int, int]:
    conf = settings()
    return conf.first_year, (today or utcnow().date()).year + conf.years_ahead


def _text(errors: list[FieldError], path: str, value: str | None, *, required: bool) -> None:
    text = (value or "").strip()
    if required and not text:
        errors.append(FieldError(path, "required, not blank", value))
    elif any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in text):
        errors.append(FieldError(path, "no control characters", value))


def _laws(errors: list[FieldError], path: str, entry: EntryIn, today: date) -> None:
    for j, law in enumerate(entry.laws):
        lp = f"{path}.laws[{j}]"
        _text(errors, f"{lp}.title", law.title, required=True)
        _text(errors, f"{lp}.citation", law.citation, required=False)
        if law.status not in LawStatus.__members__:
            errors.append(FieldError(f"{lp}.status", f"one of {STATUSES}", law.status))
            continue
        status = LawStatus(law.status)
        if status is LawStatus.enacted and law.enacted_on is None:
            errors.append(FieldError(f"{lp}.enacted_on", "required for an enacted law", None))
        if status is LawStatus.in_force and law.in_force_on is None:
            errors.append(FieldError(f"{lp}.in_force_on", "required for a law in force", None))
        if status is LawStatus.in_force and law.in_force_on is not None and law.in_force_on > today:
            errors.append(
                FieldError(f"{lp}.in_force_on", f"a law in force has a date not after today ({today})", law.in_force_on)
            )
        if status in (LawStatus.enacted, LawStatus.in_force) and law.enacted_on is not None and law.enacted_on > today:
            errors.append(FieldError(f"{lp}.enacted_on", f"not after today ({today})", law.enacted_on))
        if status in (LawStatus.none, LawStatus.drafting):
            for name in ("enacted_on", "in_force_on"):
                if getattr(law, name) is not None:
                    errors.append(
                        FieldError(f"{lp}.{name}", "only for an enacted law or a law in force", getattr(law, name))
                    )
        if law.url is not None and not (law.url.startswith("https://") and len(law.url) > len("https://")):
            errors.append(FieldError(f"{lp}.url", "an https:// address, or empty", law.url))


def _entry(errors: list[FieldError], path: str, entry: EntryIn, today: date) -> None:
    topics = load_plans().topics
    if entry.topic not in topics:
        errors.append(FieldError(f"{path}.topic", f"a Work Plan topic id ({', '.join(topics)})", entry.topic))
        return
    applicable = [i.id for i in instruments_for(entry.topic)]
    if entry.instrument is not None:
        if entry.instrument not in instruments():
            errors.append(
                FieldError(f"{path}.instrument", "a reference instrument id of instruments.yaml", entry.instrument)
            )
        elif entry.instrument not in applicable:
            rule = f"an instrument that applies to topic {entry.topic} ({', '.join(applicable) or 'none named'})"
            errors.append(FieldError(f"{path}.instrument", rule, entry.instrument))
    if entry.alignment not in Alignment.__members__:
        errors.append(FieldError(f"{path}.alignment", f"one of {ALIGNMENTS}", entry.alignment))
    elif entry.instrument is None and entry.alignment != Alignment.not_assessed:
        errors.append(
            FieldError(f"{path}.alignment", "name the instrument it is aligned with, or not_assessed", entry.alignment)
        )
    _text(errors, f"{path}.note", entry.note, required=False)
    _laws(errors, path, entry, today)
    for k, action in enumerate(entry.actions):
        _text(errors, f"{path}.actions[{k}].text", action.text, required=True)
        if action.target_date is None:
            errors.append(FieldError(f"{path}.actions[{k}].target_date", "required: a planned action has a date", None))


def check_plan(body: PlanIn, member_states: list[str], today: date | None = None) -> None:
    """Raise ValidationFailed naming every bad field of `body`; return quietly when it is sound."""
    today = today or utcnow().date()
    errors: list[FieldError] = []
    if body.country not in member_states:
        errors.append(FieldError("country", f"a member state ({', '.join(member_states)})", body.country))
    first, last = year_range(today)
    if not first <= body.year <= last:
        errors.append(FieldError("year", f"from {first} to {last} (the current year + {last - today.year})", body.year))
    _text(errors, "note", body.note, required=False)
    if not body.entries:
        errors.append(FieldError("entries", "at least one topic entry", 0))
    seen: dict[str, int] = {}
    for i, entry in enumerate(body.entries):
        if entry.topic in seen:
            errors.append(
                FieldError(f"entries[{i}].topic", f"once per plan (also entries[{seen[entry.topic]}])", entry.topic)
            )
            continue
        seen[entry.topic] = i
        _entry(errors, f"entries[{i}]", entry, today)
    if errors:
        raise ValidationFailed(f"the national plan has {len(errors)} error(s); nothing was stored", errors=errors)
