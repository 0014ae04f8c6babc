"""The KPI commands and the demo: computed on the records there are, labelled, seeded once."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from crossborder.core.access.roles import OrgKind, Role
from crossborder.monitoring import kpi_demo
from crossborder.monitoring.kpi_cli import app
from crossborder.monitoring.kpi_models import KpiMeasurement
from crossborder.redress import complaints
from crossborder.redress.schemas import ComplaintIn
from tests import factories as f
from tests.redress.helpers import complaint, tokens_for
from tests.web.test_customs_pages import sign_in


def _confirmed_complaint(db: Session) -> None:
    complaints.file(db, ComplaintIn(**complaint()))
    db.commit()
    complaints.verify(db, tokens_for(db, "arif@example.my")[-1])
    db.commit()


def test_cli_list_compute_show(db: Session) -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["list"])
    assert listed.exit_code == 0, listed.output
    line = next(x for x in listed.output.splitlines() if x.startswith("trust_marked_seller_share"))
    assert "percent\tmonthly" in line and "no numeric target in the Work Plan" in line
    _confirmed_complaint(db)
    month = f"{datetime.now(UTC):%Y-%m}"
    computed = runner.invoke(app, ["compute", "--period", month, "--country", "MY"])
    assert computed.exit_code == 0, computed.output
    answer = json.loads(computed.output)
    assert [(m["kpi"], m["value"], m["source"]["sample_size"]) for m in answer["stored"]] == [
        ("complaint_resolution_rate", "0", 1)
    ]
    shown = runner.invoke(app, ["show", "complaint_resolution_rate"])
    assert shown.exit_code == 0 and json.loads(shown.output)["measurements"][0]["country"] == "MY"
    wrong = runner.invoke(app, ["compute", "--period", "2026-Q1"])
    assert wrong.exit_code == 2 and "period" in wrong.output


def test_demo_computes_on_the_records_there_are_once_and_labels_them(db: Session) -> None:
    _confirmed_complaint(db)
    kpi_demo.seed(db)
    db.commit()
    rows = list(db.execute(select(KpiMeasurement)).scalars())
    assert rows and all("Demo data" in r.source_detail for r in rows)
    kinds = {(r.kpi_code, r.country, r.source_kind) for r in rows}
    assert ("complaint_resolution_rate", "MY", "platform") in kinds
    assert ("paperless_trade_tool_utilisation", "MY", "reported") in kinds
    kpi_demo.seed(db)
    db.commit()
    assert len(list(db.execute(select(KpiMeasurement)).scalars())) == len(rows)


def test_demo_figures_are_labelled_on_the_page(client: TestClient, db: Session) -> None:
    org = f.org(db, kind=OrgKind.accec_secretariat, country="ASEAN")
    f.user(db, organisation=org, roles=[Role.secretariat], email="secretariat@example.org")
    _confirmed_complaint(db)
    kpi_demo.seed(db)
    db.commit()
    sign_in(client, "secretariat@example.org")
    page = client.get("/monitoring/kpis/complaint_resolution_rate", headers={"Accept": "text/html"}).text
    rows = page.split('<table id="measurements">')[1].split("</tbody>")[0].split("<tr>")[2:]
    assert len(rows) == 3  # MY, VN and the regional figure, each labelled
    assert all('class="demo-label">Demo data<' in row for row in rows)
