"""The survey API through the app: panel (one and CSV, all or nothing), links with Idempotency-Key,
the public response endpoint, results scoped by member state, CSV downloads."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.roles import REGIONAL, Role
from crossborder.core.dates import utcnow
from crossborder.monitoring.survey_models import SurveyPanelMember, SurveyResponse
from tests import factories as f
from tests.monitoring.survey_helpers import member_with_link, valid_answers

HTML = {"accept": "text/html"}


def _auth(key: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **extra}


def _secretariat(db: Session) -> str:
    return f.caller(db, Role.secretariat, REGIONAL)[1]


def test_csv_import_is_all_or_nothing_naming_row_field_value(client: TestClient, db: Session) -> None:
    key = _secretariat(db)
    bad = "panel_id,country,segment,sector\nP-0001,MY,small,retail\nP-0002,XX,huge,\n"
    r = client.post("/api/v1/monitoring/survey/panel/import", content=bad, headers=_auth(key))
    assert r.status_code == 422
    errors = {(e["path"], e["value"]) for e in r.json()["errors"]}
    assert ("row 3.country", "XX") in errors and ("row 3.segment", "huge") in errors
    assert db.scalar(select(func.count()).select_from(SurveyPanelMember)) == 0
    good = "panel_id,country,segment,sector\nP-0001,MY,small,retail\n,VN,micro,\n"
    r = client.post("/api/v1/monitoring/survey/panel/import", content=good, headers=_auth(key))
    assert r.status_code == 201 and r.json()["imported"] == 2


def test_panel_add_with_idempotency_key_creates_once(client: TestClient, db: Session) -> None:
    key = _secretariat(db)
    body = {"country": "TH", "segment": "medium"}
    first = client.post("/api/v1/monitoring/survey/panel", json=body, headers=_auth(key, **{"Idempotency-Key": "a1"}))
    again = client.post("/api/v1/monitoring/survey/panel", json=body, headers=_auth(key, **{"Idempotency-Key": "a1"}))
    assert first.status_code == 201 and again.json() == first.json()
    assert db.scalar(select(func.count()).select_from(SurveyPanelMember)) == 1
    official = f.caller(db, Role.focal_point, "TH")[1]
    assert client.post("/api/v1/monitoring/survey/panel", json=body, headers=_auth(official)).status_code == 403


def _issue(client: TestClient, key: str, **headers: str) -> Any:
    return client.post("/api/v1/monitoring/survey/links", json={"year": 2026}, headers=_auth(key, **headers))


def test_links_answer_once_out_of_range_is_422(client: TestClient, db: Session) -> None:
    key = _secretariat(db)
    client.post("/api/v1/monitoring/survey/panel", json={"country": "MY", "segment": "small"}, headers=_auth(key))
    issued = _issue(client, key, **{"Idempotency-Key": "links-1"})
    assert issued.status_code == 201 and issued.json()["issued"] == 1
    token = issued.json()["links"][0]["token"]
    replay = _issue(client, key, **{"Idempotency-Key": "links-1"})
    assert replay.json()["issued"] == 1 and "token" not in replay.json()["links"][0]
    bad = client.post("/api/v1/monitoring/survey/responses",
                      json={"token": token, "answers": valid_answers(B3_ESIG_EQUIV=7)})  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"path": "answers.B3_ESIG_EQUIV", "rule": "must be a whole number from 1 to 5",
                                     "value": 7}]  # fmt: skip
    ok = client.post("/api/v1/monitoring/survey/responses", json={"token": token, "answers": valid_answers()})
    assert ok.status_code == 201 and ok.json()["created"] is True
    again = client.post("/api/v1/monitoring/survey/responses", json={"token": token, "answers": valid_answers()})
    assert again.status_code == 200 and again.json()["created"] is False
    assert db.scalar(select(func.count()).select_from(SurveyResponse)) == 1
    assert client.post("/api/v1/monitoring/survey/responses",
                       json={"token": "nope", "answers": {}}).status_code == 404  # fmt: skip


def test_results_are_scoped_and_csv_downloads(client: TestClient, db: Session) -> None:
    key = _secretariat(db)
    r = client.get("/api/v1/monitoring/survey/results?year=2026", headers=_auth(key))
    assert r.status_code == 200 and r.json()["compared_with"] == 2025 and r.json()["min_cell_n"] == 5
    official = f.caller(db, Role.focal_point, "VN")[1]
    other_state = client.get("/api/v1/monitoring/survey/results?year=2026&country=MY", headers=_auth(official))
    assert other_state.status_code == 404
    assert client.get("/api/v1/monitoring/survey/results?year=2026", headers=_auth(official)).json()["country"] == "VN"
    assert client.get("/api/v1/monitoring/survey/responses.csv?year=2026", headers=_auth(official)).status_code == 403
    out = client.get("/api/v1/monitoring/survey/results.csv?year=2026", headers=_auth(key))
    assert out.status_code == 200 and out.text.startswith("year,code,type,measure")
    assert client.get("/api/v1/monitoring/survey/results?year=2030", headers=_auth(key)).status_code == 404


def test_expired_link_answers_410_and_its_page_says_so(client: TestClient, db: Session) -> None:
    _pid, token = member_with_link(db, now=utcnow() - timedelta(days=400))
    r = client.post("/api/v1/monitoring/survey/responses", json={"token": token, "answers": valid_answers()})
    assert r.status_code == 410 and "expired" in r.json()["detail"]
    page = client.get(f"/survey/answer?token={token}")
    assert page.status_code == 410 and 'id="closed-expired"' in page.text
    assert client.get("/survey/answer?token=not-a-token").status_code == 404
    assert client.get("/survey/answer").status_code == 404


def test_the_link_token_never_reaches_the_access_log(client: TestClient, db: Session) -> None:
    """The access log records each request's path: the token must travel elsewhere (query, form body)."""
    _pid, token = member_with_link(db)
    paths: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            paths.append(str(getattr(record, "path", "")))

    logger, handler = logging.getLogger("crossborder.http"), Keep()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        page = client.get(f"/survey/answer?token={token}", headers=HTML)
        assert page.status_code == 200 and f'name="token" value="{token}"' in page.text
        assert str(page.url).endswith("/survey/answer")  # out of the address bar, history and Referer
        back = client.get("/survey/answer", headers=HTML)  # as after a language switch, which keeps the path only
        assert back.status_code == 200 and 'id="survey-form"' in back.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf is not None
        sent = client.post("/survey/answer", data={"csrf_token": csrf.group(1), "token": token, **valid_answers()},
                           headers=HTML)  # fmt: skip
        assert sent.status_code == 201 and 'id="thanks"' in sent.text
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert len(paths) == 4 and not any(token in p for p in paths)  # link, redirect, reload, answer
    assert db.scalar(select(func.count()).select_from(SurveyResponse)) == 1
