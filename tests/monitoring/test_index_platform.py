"""The digital-integration index recomputed from this platform's records: coverage levels of accepted
national plans and completed activities become indicator values; what the platform lacks stays
missing (listed as treated), never 0; an unknown `platform:` key is refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crossborder.core.access.roles import REGIONAL, Role
from crossborder.core.errors import ReferenceDataError
from crossborder.monitoring import index_platform, index_service
from crossborder.reference.service import member_states
from tests.monitoring.test_laws_helpers import entry, headers, plan, review, submit
from tests.monitoring.test_tracking import SECRETARIAT, report

YEAR = 2024


def test_coverage_and_completed_activities_become_indicator_values(client: TestClient, db: Session) -> None:
    focal, secretariat = headers(db, Role.focal_point, "MY"), headers(db, Role.secretariat, REGIONAL)
    draft = [{"title": "Demo: draft bill (example)", "status": "drafting"}]
    body = plan("MY", YEAR, [entry("B.1"), entry("C.3", instrument=None, alignment="not_assessed", laws=draft)])
    made = submit(client, focal, body)
    assert made.status_code == 201, made.text
    assert review(client, secretariat, made.json()["reference"], 1, "accept").status_code == 200
    report(db, SECRETARIAT, activity_id="A.1.1.1", status="completed", country="MY", as_of=date(YEAR, 5, 1),
           evidence="Demo data: closing report")  # fmt: skip

    cfg = index_service.config("digital_integration")
    data = index_platform.platform_data(db, cfg, [YEAR], member_states())
    my, th = data.values[str(YEAR)]["MY"], data.values[str(YEAR)]["TH"]
    assert my["DI-1.2"] == Decimal(100)  # B.1: a law in force, aligned -> yes
    assert my["DI-2.1"] == Decimal(50)  # C.3: a draft -> partial
    assert my["DI-6.1"] == Decimal(100) / Decimal(81)  # 1 of the plan's 81 activities completed
    assert th["DI-1.2"] is None and th["DI-6.1"] is None  # nothing reported: missing, not 0
    assert my["DI-3.2"] is None  # a survey indicator: not measured here

    computed = index_service.compute_platform(db, "digital_integration", [YEAR])
    assert computed.data_label.startswith("this platform's records")
    treated = {(t.state, t.item) for t in computed.result.treatments}
    assert ("TH", "DI-1.2") in treated  # every missing value is listed


def test_an_unknown_platform_key_is_refused() -> None:
    cfg = index_service.config("digital_integration")
    bad = replace(cfg.indicators[0], platform=("kpi", "no_such_kpi"))
    broken = replace(cfg, sub_indices=(replace(cfg.sub_indices[0], indicators=(bad,)), *cfg.sub_indices[1:]))
    with pytest.raises(ReferenceDataError, match="no_such_kpi"):
        index_platform.check(broken)
