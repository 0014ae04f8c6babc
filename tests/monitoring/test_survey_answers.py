"""Answering: every rule rejects the whole response naming code, value and rule; links are single
use, expire, and the stored response holds no personal data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from crossborder.core.audit.models import AuditEntry
from crossborder.core.audit.service import verify_chain
from crossborder.core.dates import utcnow
from crossborder.core.errors import NotFound, ValidationFailed
from crossborder.monitoring.survey_answers import check, submit
from crossborder.monitoring.survey_links import LinkClosed, open_link
from crossborder.monitoring.survey_models import SurveyAnswer, SurveyLink, SurveyResponse
from crossborder.monitoring.survey_questionnaires import questionnaire
from tests.monitoring.survey_helpers import member_with_link, valid_answers

FORM = questionnaire(2026)


def _rejected(answers: dict[str, Any]) -> list[tuple[str, str, Any]]:
    with pytest.raises(ValidationFailed) as caught:
        check(FORM, answers)
    return [(e.path, e.rule, e.value) for e in caught.value.errors]


@pytest.mark.parametrize(
    ("code", "value", "rule"),
    [
        ("B3_ESIG_EQUIV", 6, "from 1 to 5"),
        ("B3_ESIG_EQUIV", "3.5", "from 1 to 5"),
        ("B3_ESIG_EQUIV", True, "from 1 to 5"),
        ("A2_PAPERLESS_USE", "maybe", "one of yes, no"),
        ("A2_PAPERLESS_OBSTACLE", "weather", "must be one of"),
        ("A2_PAPERLESS_DOCUMENTS", ["invoice_x"], "list of options"),
        ("A2_PAPERLESS_DOCUMENTS", ["other", "other"], "at most once"),
        ("A2_PAPERLESS_SHIPMENTS", -1, "from 0 to 1000000"),
        ("A2_PAPERLESS_SHIPMENTS", 1000001, "from 0 to 1000000"),
        ("B7_COMPETITION_COMMENT", "x" * 2001, "at most 2000"),
        ("B4_EPAY_SAFE", None, "required"),
        ("B4_EPAY_SAFE", "", "required"),
    ],
)
def test_each_rule_names_code_value_and_rule(code: str, value: Any, rule: str) -> None:
    errors = _rejected(valid_answers(**{code: value}))
    assert len(errors) == 1
    path, got_rule, got_value = errors[0]
    assert path == f"answers.{code}" and rule in got_rule and got_value == value


def test_unknown_code_is_rejected() -> None:
    assert _rejected({**valid_answers(), "Z9_NOPE": 1}) == [
        ("answers.Z9_NOPE", "unknown question code in the 2026 questionnaire", 1)
    ]


def test_optional_questions_may_be_left_out() -> None:
    answers = valid_answers(A2_PAPERLESS_SHIPMENTS="", A2_PAPERLESS_DOCUMENTS=[], B7_COMPETITION_COMMENT=None)
    assert {a.code for a in check(FORM, answers)}.isdisjoint({"A2_PAPERLESS_SHIPMENTS", "B7_COMPETITION_COMMENT"})


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_likert_accepts_exactly_one_to_five(n: int) -> None:
    answers = valid_answers(B1_ETRANS_EQUIV=n)
    if 1 <= n <= 5:
        assert any(a.code == "B1_ETRANS_EQUIV" and a.value == n for a in check(FORM, answers))
    else:
        assert _rejected(answers)[0][0] == "answers.B1_ETRANS_EQUIV"


@given(st.integers(min_value=-(10**12), max_value=10**12), st.booleans())
def test_integer_accepts_exactly_its_range(n: int, as_text: bool) -> None:
    answers = valid_answers(A2_PAPERLESS_SHIPMENTS=str(n) if as_text else n)
    if 0 <= n <= 1_000_000:
        assert any(a.code == "A2_PAPERLESS_SHIPMENTS" and a.value == n for a in check(FORM, answers))
    else:
        assert _rejected(answers)[0][0] == "answers.A2_PAPERLESS_SHIPMENTS"


def _count(db: Session, model: Any) -> int:
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_a_bad_response_stores_nothing_and_leaves_the_link_open(db: Session) -> None:
    _pid, token = member_with_link(db)
    with pytest.raises(ValidationFailed):
        submit(db, token, valid_answers(B3_ESIG_EQUIV=9))
    db.rollback()
    assert _count(db, SurveyResponse) == 0 and _count(db, SurveyAnswer) == 0
    assert open_link(db, token).state == "open"


def test_link_is_single_use_and_resubmitting_returns_the_first(db: Session) -> None:
    pid, token = member_with_link(db, country="VN", segment="micro")
    first, created = submit(db, token, valid_answers())
    db.commit()
    assert created and first.panel_id == pid and first.country == "VN" and first.segment == "micro"
    again, created_again = submit(db, token, valid_answers(B3_ESIG_EQUIV=1))
    db.commit()
    assert not created_again and again.id == first.id
    assert _count(db, SurveyResponse) == 1
    assert open_link(db, token).state == "used"
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "monitoring.survey.response.submit")).all()
    assert [(e.actor, e.country) for e in entries] == [("survey-link", "VN")]
    assert verify_chain(db).ok


def test_expired_link_takes_no_answers(db: Session) -> None:
    _pid, token = member_with_link(db, now=utcnow() - timedelta(days=400))
    assert open_link(db, token).state == "expired"
    with pytest.raises(LinkClosed):
        submit(db, token, valid_answers())


def test_unknown_token_is_not_found(db: Session) -> None:
    with pytest.raises(NotFound):
        submit(db, "no-such-token", valid_answers())


def test_only_a_digest_of_the_token_and_no_personal_data_is_stored(db: Session) -> None:
    _pid, token = member_with_link(db)
    submit(db, token, valid_answers())
    db.commit()
    link = db.scalars(select(SurveyLink)).one()
    assert token not in (link.token_sha256,) and len(link.token_sha256) == 64
    columns = {c.key for c in inspect(SurveyResponse).columns}
    assert columns == {"id", "link_id", "year", "questionnaire_version", "panel_id", "country", "segment", "demo",
                       "submitted_at"}  # fmt: skip


@settings(max_examples=5, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.sampled_from(["B3_ESIG_EQUIV", "B4_EPAY_SAFE"]))
def test_form_strings_are_read_like_numbers(code: str) -> None:
    assert any(a.code == code and a.value == 4 for a in check(FORM, valid_answers(**{code: "4"})))
