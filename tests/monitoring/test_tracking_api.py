"""Tracking and plan versions through the real app: bearer API keys, Idempotency-Key, problems that
name field, value and rule, scope (a record out of scope answers 404), progress and the diff."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crossborder.core.access.roles import REGIONAL, Role
from crossborder.core.dates import today
from tests import factories as f

BASE = "/api/v1/monitoring"


def _keys(db: Session) -> dict[str, dict[str, str]]:
    return {
        "secretariat": f.bearer(f.caller(db, Role.secretariat, REGIONAL)[1]),
        "th": f.bearer(f.caller(db, Role.focal_point, "TH")[1]),
        "my": f.bearer(f.caller(db, Role.focal_point, "MY")[1]),
    }


def _status(**values: Any) -> dict[str, Any]:
    return {"activity_id": "A.1.1.1", "status": "in_progress", "as_of": "2024-06-30", "country": "TH"} | values


def test_report_read_and_scope(client: TestClient, db: Session) -> None:
    keys = _keys(db)
    headers = keys["th"] | {"Idempotency-Key": "th-1"}
    first = client.post(f"{BASE}/tracking/statuses", json=_status(), headers=headers)
    assert first.status_code == 201, first.text
    again = client.post(f"{BASE}/tracking/statuses", json=_status(), headers=headers)
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    other = client.post(f"{BASE}/tracking/statuses", json=_status(status="delayed"), headers=headers)
    assert other.status_code == 409
    refused = client.post(f"{BASE}/tracking/statuses", json=_status(country="MY"), headers=keys["th"])
    assert refused.status_code == 403
    mine = client.post(f"{BASE}/tracking/statuses", json=_status(country="MY", status="completed",
                       evidence="Act in force"), headers=keys["my"])  # fmt: skip
    assert mine.status_code == 201
    th_view = client.get(f"{BASE}/tracking/statuses", headers=keys["th"]).json()["statuses"]
    assert [(s["country"], s["status"]) for s in th_view] == [("TH", "in_progress")]
    assert client.get(f"{BASE}/tracking/statuses?country=MY", headers=keys["th"]).status_code == 404
    hist = client.get(f"{BASE}/tracking/activities/A.1.1.1/history?country=MY", headers=keys["th"])
    assert hist.status_code == 404
    everyone = client.get(f"{BASE}/tracking/statuses?status=completed", headers=keys["secretariat"]).json()
    assert [s["country"] for s in everyone["statuses"]] == ["MY"]
    assert client.get(f"{BASE}/tracking/statuses").status_code == 401


def test_validation_problem_names_field_value_and_rule(client: TestClient, db: Session) -> None:
    keys = _keys(db)
    bad = client.post(f"{BASE}/tracking/statuses", headers=keys["secretariat"],
                      json=_status(activity_id="A.9.9.9", status="done", as_of="2020-05-01", country="XX"))  # fmt: skip
    assert bad.status_code == 422
    errors = {e["path"]: e for e in bad.json()["errors"]}
    assert errors["activity_id"]["value"] == "A.9.9.9"
    assert errors["status"]["value"] == "done"
    assert errors["as_of"]["rule"] == "must be on or after 2021-01-01"
    assert errors["country"]["value"] == "XX"
    assert client.get(f"{BASE}/tracking/statuses", headers=keys["secretariat"]).json()["statuses"] == []


def test_progress_and_timeline(client: TestClient, db: Session) -> None:
    keys = _keys(db)
    for activity, status in (("A.1.1.1", "completed"), ("A.1.2.1", "dropped")):
        body = _status(activity_id=activity, status=status, country=None, evidence="Minutes")
        r = client.post(f"{BASE}/tracking/statuses", headers=keys["secretariat"], json=body)
        assert r.status_code == 201, r.text
    body = client.get(f"{BASE}/tracking/progress", headers=keys["th"]).json()
    a1 = next(t for t in body["topics"] if t["id"] == "A.1")
    assert (a1["percent"], a1["percent_display"], a1["counted"], a1["dropped"]) == ("25", "25.0 %", 4, 1)
    assert (body["overall"]["percent"], body["overall"]["percent_display"]) == ("1.25", "1.2 %")  # 1/80, half-even
    assert body["weighting"]["credits"]["dropped"] is None
    assert client.get(f"{BASE}/tracking/progress?country=MY", headers=keys["th"]).status_code == 404
    th = client.get(f"{BASE}/tracking/progress?country=TH", headers=keys["th"]).json()
    assert th["overall"]["percent"] == "0"
    timeline = client.get(f"{BASE}/tracking/timeline", headers=keys["th"]).json()
    row = next(a for t in timeline["topics"] for a in t["activities"] if a["id"] == "A.1.3.1")
    assert row["target"] == "2024-12-31" and row["late"] is (today() > date(2024, 12, 31))


def test_plan_amendment_through_the_api(client: TestClient, db: Session) -> None:
    keys = _keys(db)
    body = {"activity_id": "A.1.1.1", "set": {"due": 2026}, "effective_from": "2026-01-01", "reason": "Review"}
    assert client.post(f"{BASE}/plan/versions", json=body, headers=keys["th"]).status_code == 403
    bad = client.post(f"{BASE}/plan/versions", json=body | {"set": {"due": "soon"}}, headers=keys["secretariat"])
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"] == "topics[0].objectives[0].activities[0].due"
    assert client.get(f"{BASE}/plan/versions", headers=keys["secretariat"]).json()["versions"] == []
    headers = keys["secretariat"] | {"Idempotency-Key": "amend-1"}
    made = client.post(f"{BASE}/plan/versions", json=body, headers=headers)
    assert made.status_code == 201, made.text
    assert client.post(f"{BASE}/plan/versions", json=body, headers=headers).json() == made.json()
    listed = client.get(f"{BASE}/plan/versions?document=work_plan", headers=keys["th"]).json()["versions"]
    assert [v["version"] for v in listed] == [2, 1]
    diff = client.get(f"{BASE}/plan/versions/work_plan/diff?from=1&to=2", headers=keys["th"]).json()
    assert {"path": "topics[0].objectives[0].activities[0].due", "old": 2025, "new": 2026} in diff["changes"]
    v2 = client.get(f"{BASE}/plan/versions/work_plan/2", headers=keys["th"]).json()
    assert v2["changed"] == {"topics[0].objectives[0].activities[0].due": 2025}
    assert client.get(f"{BASE}/plan/versions/work_plan/7", headers=keys["th"]).status_code == 404


HUGE = "99999999999999999999"  # more than any INTEGER column holds (SQLite and PostgreSQL refuse the query)


def test_ids_and_numbers_beyond_an_integer_column_answer_as_absent(client: TestClient, db: Session) -> None:
    keys = _keys(db)
    version = client.get(f"{BASE}/plan/versions/work_plan/{HUGE}", headers=keys["secretariat"])
    assert version.status_code == 404
    diff = client.get(f"{BASE}/plan/versions/work_plan/diff?from=1&to={HUGE}", headers=keys["secretariat"])
    assert diff.status_code == 404
    measurement = client.get(f"{BASE}/kpi-measurements/{HUGE}", headers=keys["secretariat"])
    assert measurement.status_code == 404
    plans = client.get(f"{BASE}/laws/plans?year={HUGE}", headers=keys["secretariat"])
    assert plans.status_code == 200 and plans.json() == {"plans": []}
