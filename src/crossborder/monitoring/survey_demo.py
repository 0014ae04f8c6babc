"""Demo data for the Annual Business Survey: a small synthetic panel answering 2025 and 2026,
generated with a fixed seed and flagged `demo` (pages show "Demo data"). Not survey findings."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import SYSTEM
from crossborder.core.dates import utcnow
from crossborder.monitoring.survey_answers import check, store_answers
from crossborder.monitoring.survey_models import SEGMENTS, SurveyPanelMember, SurveyResponse
from crossborder.monitoring.survey_panel import MemberIn, _store
from crossborder.monitoring.survey_questionnaires import Question, load_questionnaires
from crossborder.reference.service import member_states

SEED = 20260101
PANEL_SIZE = 80


def _answer(q: Question, rng: random.Random, lift: int) -> Any:
    if q.type == "likert_5":
        return min(5, max(1, round(rng.gauss(3 + lift * 0.3, 1))))
    if q.type == "yes_no":
        return "yes" if rng.random() < 0.45 + lift * 0.1 else "no"
    if q.type == "single_choice":
        return rng.choice(q.option_codes)
    if q.type == "multiple_choice":
        return rng.sample(q.option_codes, rng.randint(0, 2))
    if q.type == "integer":
        return rng.randint(q.min or 0, min(q.max or 0, 500))
    return "" if rng.random() < 0.8 else "Demo data: synthetic comment."


def seed(session: Session) -> None:
    """Idempotent: does nothing when the demo panel exists."""
    if session.scalar(select(SurveyPanelMember.id).where(SurveyPanelMember.demo).limit(1)) is not None:
        return
    rng = random.Random(SEED)
    states = member_states()
    members = [
        MemberIn(country=rng.choice(states), segment=rng.choice(SEGMENTS), sector=None, panel_id=f"DEMO-{i:04d}")
        for i in range(1, PANEL_SIZE + 1)
    ]
    rows = _store(session, SYSTEM, members, demo=True)
    now = utcnow()
    for lift, (year, form) in enumerate(load_questionnaires().items()):
        for m in rows:
            if rng.random() < 0.15:  # some of the panel skip a year
                continue
            answers = {q.code: _answer(q, rng, lift) for q in form.questions}
            response = SurveyResponse(link_id=None, year=year, questionnaire_version=form.version,
                                      panel_id=m.panel_id, country=m.country, segment=m.segment, demo=True,
                                      submitted_at=now)  # fmt: skip
            session.add(response)
            session.flush()
            store_answers(session, response, check(form, answers))
    session.commit()
