"""The KPI API and pages through the real app: definitions, reported figures (own state only,
validated, idempotent, replaced with history), scope, the secretariat's computation, the pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import CLI
from crossborder.core.access.roles import OrgKind, Role
from crossborder.monitoring.kpi_models import KpiMeasurement
from crossborder.monitoring.kpi_platform import compute
from crossborder.redress import complaints
from crossborder.redress.schemas import ComplaintIn
from tests import factories as f
from tests.redress.helpers import complaint, tokens_for
from tests.web.test_customs_pages import sign_in

URL = "/api/v1/monitoring"


def _key(db: Session, role: Role, country: str) -> dict[str, str]:
    return f.bearer(f.caller(db, role, country=country)[1])


def _report(**extra: Any) -> dict[str, Any]:
    body = {
        "client_reference": "my-2025-paperless", "kpi": "paperless_trade_tool_utilisation", "country": "MY",
        "period": "2025", "value": "41.5", "source_detail": "MITI survey of 180 exporters, 2025", "sample_size": 180,
    }  # fmt: skip
    return body | extra


def _count(db: Session) -> int:
    db.rollback()
    return int(db.execute(select(func.count()).select_from(KpiMeasurement)).scalar_one())


def test_definitions_need_a_reader_and_say_where_no_target_is_given(client: TestClient, db: Session) -> None:
    assert client.get(f"{URL}/kpis").status_code == 401
    assert client.get(f"{URL}/kpis", headers=_key(db, Role.business_user, "MY")).status_code == 403
    found = client.get(f"{URL}/kpis", headers=_key(db, Role.focal_point, "MY")).json()
    by_code = {k["code"]: k for k in found}
    median = by_code["lvd_release_time_median"]
    assert (median["unit"], median["direction"], median["frequency"]) == ("minutes", "lower", "monthly")
    assert median["target"] is None and median["target_note"] == "no numeric target in the Work Plan"
    assert median["serves"] == {"topics": ["A.1"], "activities": ["A.1.1.1"]}
    assert by_code["paperless_trade_tool_utilisation"]["source"] == "reported"
    assert "Activity 5" in by_code["paperless_trade_tool_utilisation"]["basis"]["source"]["section"]
    one = client.get(f"{URL}/kpis/documents_exchanged", headers=_key(db, Role.secretariat, "ASEAN"))
    assert one.status_code == 200 and one.json()["breakdown"] == "document_type"


def test_a_focal_point_reports_for_its_own_state_once(client: TestClient, db: Session) -> None:
    my = _key(db, Role.focal_point, "MY")
    first = client.post(f"{URL}/kpi-measurements", headers=my, json=_report())
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["value"], body["unit"], body["period_start"], body["period_end"]) == (
        "41.5", "percent", "2025-01-01", "2025-12-31"
    )  # fmt: skip
    assert body["source"]["kind"] == "reported" and body["source"]["detail"].startswith("MITI survey")
    assert body["source"]["sample_size"] == 180 and body["source"]["recorded_by"].startswith("apikey:")
    again = client.post(f"{URL}/kpi-measurements", headers=my, json=_report(value="41.50"))  # same figure
    assert again.status_code == 200 and again.json()["id"] == body["id"] and again.json()["value"] == "41.5"
    reused = client.post(f"{URL}/kpi-measurements", headers=my, json=_report(value="50"))  # another figure
    assert reused.status_code == 409 and reused.json()["errors"][0]["path"] == "client_reference"
    assert "41.5" in reused.json()["errors"][0]["rule"]
    keyed = {**my, "Idempotency-Key": "k-1"}
    assert client.post(f"{URL}/kpi-measurements", headers=keyed, json=_report(client_reference="r2")).status_code == 201
    clash = client.post(f"{URL}/kpi-measurements", headers=keyed, json=_report(client_reference="r3"))
    assert clash.status_code == 409 and clash.json()["errors"][0]["path"] == "Idempotency-Key"
    # r2 reported the same (KPI, state, period) again: it replaced the value and kept the first in history.
    assert _count(db) == 1
    shown = client.get(f"{URL}/kpi-measurements/{body['id']}", headers=my).json()
    assert shown["client_reference"] == "r2" and shown["value"] == "41.5"
    assert [(h["value"], h["source_kind"]) for h in shown["history"]] == [("41.5", "reported")]
    # Reporting the first reference again still answers the same measurement, creating nothing.
    assert client.post(f"{URL}/kpi-measurements", headers=my, json=_report()).json()["id"] == body["id"]
    assert _count(db) == 1


def test_bad_reports_name_the_field_and_rule(client: TestClient, db: Session) -> None:
    my = _key(db, Role.focal_point, "MY")

    def error(**extra: Any) -> tuple[int, str, str]:
        response = client.post(f"{URL}/kpi-measurements", headers=my, json=_report(**extra))
        problem = response.json()
        first = problem.get("errors", [{}])[0]
        return response.status_code, first.get("path", ""), first.get("rule", problem.get("detail", ""))

    assert error(country="VN")[0] == 403  # another state's figure
    assert error(kpi="no_such_kpi")[:2] == (422, "kpi")
    status, path, rule = error(kpi="lvd_release_time_median", period="2026-10")
    assert (status, path) == (422, "kpi") and "computed from the platform" in rule
    assert error(value="100.5")[:2] == (422, "value")
    assert error(value="-3")[:2] == (422, "value")
    assert error(value="lots")[:2] == (422, "value")
    assert error(period="2025-13")[:2] == (422, "period")
    status, path, rule = error(period="2025-10")
    assert (status, path) == (422, "period") and "measured annual" in rule
    assert error(source_kind="platform")[:2] == (422, "source_kind")
    assert error(source_detail="   ")[:2] == (422, "source_detail")
    assert error(country="XX")[:2] == (422, "country")
    # beyond what the columns hold: a named error on every database, not a PostgreSQL crash
    days = {"kpi": "mystery_shopper_delivery_days", "client_reference": "big"}
    assert error(**days, value="10000000000000000") == (422, "value", "less than 10000000000000000")
    assert error(**days, value="3", sample_size=2**31)[:2] == (422, "sample_size")
    assert _count(db) == 0


def test_scope_a_state_reads_its_own_and_regional_figures(client: TestClient, db: Session) -> None:
    my, vn = _key(db, Role.focal_point, "MY"), _key(db, Role.focal_point, "VN")
    secretariat = _key(db, Role.secretariat, "ASEAN")
    mine = client.post(f"{URL}/kpi-measurements", headers=my, json=_report()).json()
    regional = client.post(
        f"{URL}/kpi-measurements", headers=secretariat, json=_report(client_reference="asean", country="ASEAN")
    )
    assert regional.status_code == 201
    seen_by_vn = client.get(f"{URL}/kpi-measurements", headers=vn).json()
    assert [m["country"] for m in seen_by_vn] == ["ASEAN"]
    assert client.get(f"{URL}/kpi-measurements/{mine['id']}", headers=vn).status_code == 404
    assert client.get(f"{URL}/kpi-measurements?country=MY", headers=vn).json() == []
    everything = client.get(f"{URL}/kpi-measurements", headers=secretariat).json()
    assert sorted(m["country"] for m in everything) == ["ASEAN", "MY"]
    ranged = client.get(f"{URL}/kpi-measurements?since=2026-01-01", headers=secretariat).json()
    assert ranged == []
    bad = client.get(f"{URL}/kpi-measurements?kpi=nope", headers=secretariat)
    assert bad.status_code == 422


def test_compute_through_the_api(client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.post(f"{URL}/kpis/compute", headers=_key(db, Role.focal_point, "MY"),
                       json={"period": "2026-10"}).status_code == 403  # fmt: skip
    secretariat = _key(db, Role.secretariat, "ASEAN")
    filed = datetime(2026, 10, 3, 9, tzinfo=UTC)
    monkeypatch.setattr(complaints, "utcnow", lambda: filed)
    complaints.file(db, ComplaintIn(**complaint()))
    db.commit()
    complaints.verify(db, tokens_for(db, "arif@example.my")[-1], now=filed + timedelta(hours=1))
    db.commit()
    response = client.post(f"{URL}/kpis/compute", headers=secretariat, json={"period": "2026-10", "countries": ["MY"]})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert [(m["kpi"], m["country"], m["value"]) for m in answer["stored"]] == [
        ("complaint_resolution_rate", "MY", "0")
    ]  # one confirmed complaint, none resolved yet
    assert {r["kpi"] for r in answer["no_records"]} == {
        "lvd_release_time_median", "lvd_release_time_p90", "trust_marked_seller_share", "documents_exchanged",
        "complaint_resolution_time_median",
    }  # fmt: skip
    bad = client.post(f"{URL}/kpis/compute", headers=secretariat, json={"period": "October"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "period"


def test_the_pages_need_sign_in_and_show_values_with_their_source(client: TestClient, db: Session) -> None:
    html = {"Accept": "text/html"}
    anonymous = client.get("/monitoring/kpis", headers=html, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/signin")
    org = f.org(db, kind=OrgKind.ecommerce_focal_point, country="MY")
    f.user(db, organisation=org, roles=[Role.focal_point], email="focal@example.my")
    client.post(f"{URL}/kpi-measurements", headers=_key(db, Role.focal_point, "MY"), json=_report())
    client.post(f"{URL}/kpi-measurements", headers=_key(db, Role.focal_point, "VN"),
                json=_report(client_reference="vn", country="VN", value="12"))  # fmt: skip
    compute(db, CLI, "2026-10", ["MY"], now=datetime(2026, 11, 2, tzinfo=UTC))
    db.commit()
    sign_in(client, "focal@example.my")
    page = client.get("/monitoring/kpis", headers=html)
    assert page.status_code == 200
    assert "Median release time of low-value declarations" in page.text
    assert "41.5" in page.text and "MITI survey of 180 exporters" in page.text  # the value and its source
    assert ">VN<" not in page.text  # another state's figure is out of scope
    assert "no numeric target in the Work Plan" in page.text
    assert "reported by the member state, n = 180" in page.text and "monthly" in page.text
    detail = client.get("/monitoring/kpis/paperless_trade_tool_utilisation", headers=html)
    assert detail.status_code == 200 and "<svg" in detail.text and "Activity 5" in detail.text
    assert client.get("/monitoring/kpis/nope", headers=html).status_code == 404
