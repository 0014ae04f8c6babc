"""Checking and storing one anonymous response. Every answer is checked against its question
(likert 1..5, option in the list, integer in range, required answered, no unknown code); any error
rejects the whole response and nothing is stored. A link answers once: submitting again returns
the first response. The response keeps the panel id, member state and segment, and nothing else
about who answered."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.monitoring.survey_links import LinkClosed, open_link
from crossborder.monitoring.survey_models import SurveyAnswer, SurveyResponse
from crossborder.monitoring.survey_questionnaires import LIKERT, YES_NO, Question, Questionnaire, questionnaire

INTEGER = re.compile(r"^[+-]?[0-9]{1,12}$")
MAX_TEXT = 2000
RESPONDENT = Principal(actor="survey-link", organisation_id=None, country=None)  # no account: the link is the key


@dataclass(frozen=True)
class Answer:
    """A checked answer as stored: for multiple choice, a marker row then one row per option."""

    code: str
    option: str | None = None
    value: int | None = None
    text: str | None = None


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list) and not raw)


def _int(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and INTEGER.match(raw.strip()):
        return int(raw.strip())
    return None


def _one(q: Question, raw: Any) -> tuple[list[Answer], FieldError | None]:
    path = f"answers.{q.code}"
    if q.type in ("likert_5", "integer"):
        lo, hi = (LIKERT[0], LIKERT[-1]) if q.type == "likert_5" else (q.min, q.max)
        number = _int(raw)
        if number is None or lo is None or hi is None or not lo <= number <= hi:
            return [], FieldError(path, f"must be a whole number from {lo} to {hi}", raw)
        # a likert point is also its option, so counts per point come from the same GROUP BY
        return [Answer(q.code, option=str(number) if q.type == "likert_5" else None, value=number)], None
    if q.type in ("yes_no", "single_choice"):
        allowed = YES_NO if q.type == "yes_no" else q.option_codes
        if not isinstance(raw, str) or raw.strip() not in allowed:
            return [], FieldError(path, f"must be one of {', '.join(allowed)}", raw)
        return [Answer(q.code, option=raw.strip())], None
    if q.type == "multiple_choice":
        chosen = [raw] if isinstance(raw, str) else raw
        if not isinstance(chosen, list) or not all(isinstance(c, str) and c in q.option_codes for c in chosen):
            return [], FieldError(path, f"must be a list of options from {', '.join(q.option_codes)}", raw)
        if len(set(chosen)) != len(chosen):
            return [], FieldError(path, "each option at most once", raw)
        # a marker row (no option) counts the respondent, so n needs no COUNT(DISTINCT)
        return [Answer(q.code), *(Answer(q.code, option=c) for c in chosen)], None
    if not isinstance(raw, str) or len(raw.strip()) > MAX_TEXT:
        return [], FieldError(path, f"must be text of at most {MAX_TEXT} characters", raw)
    return [Answer(q.code, text=raw.strip())], None


def check(form: Questionnaire, answers: Mapping[str, Any]) -> list[Answer]:
    """The answers as stored, or ValidationFailed naming every bad one (code, value, rule)."""
    errors: list[FieldError] = []
    for code, raw in answers.items():
        if form.question(code) is None:
            errors.append(FieldError(f"answers.{code}", f"unknown question code in the {form.year} questionnaire", raw))
    checked: list[Answer] = []
    for q in form.questions:
        raw = answers.get(q.code)
        if _blank(raw):
            if q.required:
                errors.append(FieldError(f"answers.{q.code}", "required: answer this question", raw))
            continue
        rows, error = _one(q, raw)
        checked += rows
        if error is not None:
            errors.append(error)
    if errors:
        raise ValidationFailed(f"the response has {len(errors)} error(s); nothing was stored", errors=errors)
    return checked


def submit(
    session: Session, token: str, answers: Mapping[str, Any], now: datetime | None = None
) -> tuple[SurveyResponse, bool]:
    """Store the response of the link's panel member, once. Returns (response, created); a link already
    used returns its response (created False) whatever is sent. The caller commits, under write_lock."""
    now = now or utcnow()
    opened = open_link(session, token, now, lock=True)
    if opened.state == "used":
        first = session.scalars(select(SurveyResponse).where(SurveyResponse.link_id == opened.link.id)).one()
        return first, False
    if opened.state == "expired":
        raise LinkClosed("this survey link has expired: ask the secretariat for a new one")
    form = questionnaire(opened.link.year)
    rows = check(form, answers)
    m = opened.member
    response = SurveyResponse(link_id=opened.link.id, year=form.year, questionnaire_version=form.version,
                              panel_id=m.panel_id, country=m.country, segment=m.segment, demo=m.demo,
                              submitted_at=now)  # fmt: skip
    session.add(response)
    opened.link.used_at = now
    session.flush()
    store_answers(session, response, rows)
    # the entry proves a response arrived, not what it said nor who sent it
    audit.record(session, RESPONDENT, "monitoring.survey.response.submit", "survey_response", response.id,
                 country=m.country, after={"year": form.year, "version": form.version})  # fmt: skip
    return response, True


def store_answers(session: Session, response: SurveyResponse, rows: list[Answer]) -> None:
    if rows:
        session.execute(insert(SurveyAnswer), [
            {"response_id": response.id, "year": response.year, "code": a.code, "country": response.country,
             "segment": response.segment, "option": a.option, "value": a.value, "text": a.text}
            for a in rows
        ])  # fmt: skip
