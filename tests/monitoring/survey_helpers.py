"""Builders for the survey tests: principals, panel members with links, valid answer sets."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import REGIONAL, Role
from crossborder.core.dates import utcnow
from crossborder.monitoring import survey_links, survey_panel
from crossborder.monitoring.survey_answers import check, store_answers
from crossborder.monitoring.survey_models import SurveyResponse
from crossborder.monitoring.survey_panel import MemberIn
from crossborder.monitoring.survey_questionnaires import questionnaire

_serial = itertools.count(1)
SECRETARIAT = Principal(actor="test:secretariat", organisation_id=None, country=REGIONAL,
                        roles=frozenset({Role.secretariat}))  # fmt: skip


def official(country: str) -> Principal:
    roles = frozenset({Role.focal_point})
    return Principal(actor=f"test:{country}", organisation_id=None, country=country, roles=roles)


def valid_answers(year: int = 2026, **overrides: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for q in questionnaire(year).questions:
        out[q.code] = {"likert_5": 3, "yes_no": "yes", "integer": 10, "text": "fine"}.get(q.type)
        if q.type == "single_choice":
            out[q.code] = q.option_codes[0]
        if q.type == "multiple_choice":
            out[q.code] = [q.option_codes[0]]
    out.update(overrides)
    return out


def member_with_link(db: Session, year: int = 2026, country: str = "MY", segment: str = "small",
                     now: datetime | None = None) -> tuple[str, str]:  # fmt: skip
    """A new panel member and its link token for `year` (links are issued for every member without one)."""
    m = survey_panel.add(db, SECRETARIAT, MemberIn(country=country, segment=segment))
    issued = survey_links.issue(db, SECRETARIAT, year, now)
    db.commit()
    return m.panel_id, next(i.token for i in issued if i.panel_id == m.panel_id)


def direct_response(db: Session, year: int, country: str, segment: str, answers: dict[str, Any]) -> None:
    """A response stored without a link (results tests need many quickly)."""
    form = questionnaire(year)
    r = SurveyResponse(
        link_id=None, year=year, questionnaire_version=form.version, panel_id=f"T-{next(_serial)}",
        country=country, segment=segment, demo=False, submitted_at=utcnow(),
    )  # fmt: skip
    db.add(r)
    db.flush()
    store_answers(db, r, check(form, answers))
