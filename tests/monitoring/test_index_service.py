"""Both index definitions on their sample data; the CLI's reproducible output; the API and the pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from crossborder.cli import app as cli
from crossborder.core.access.roles import Role
from crossborder.monitoring import index_service as service
from crossborder.monitoring.index_config import INDICES_DIR
from tests import factories as f
from tests.web.test_customs_pages import HTML, sign_in

runner = CliRunner()
SAMPLE = INDICES_DIR / "sample"


@pytest.mark.parametrize("code", ["acei", "digital_integration"])
def test_definitions_load_and_compute_on_their_sample(code: str) -> None:
    computed = service.compute_sample(code)
    assert "synthetic sample data" in computed.data_label
    assert all(i.defined_by == "secretariat (not in the seeds)" for i in computed.config.indicators)
    for cycle in computed.result.cycles:
        assert {s.state for s in cycle.states} == {"BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "VN"}
        ranked = sorted(s.rank for s in cycle.states if s.rank is not None)
        assert ranked and ranked[0] == 1
    assert computed.result.treatments  # the samples carry missing values on purpose


def test_the_definitions_keep_the_seed_structure() -> None:
    acei = service.config("acei")
    assert len(acei.indicators) == 27  # "27 key indicators (at its first cycle)"
    digital = service.config("digital_integration")
    assert [s.name.split(":")[0] for s in digital.sub_indices] == [f"Priority Area {n}" for n in range(1, 7)]


def test_cli_compute_is_byte_identical_and_carries_a_digest(tmp_path: Path) -> None:
    data = SAMPLE / "acei.csv"
    outs = [tmp_path / "one.json", tmp_path / "two.json"]
    for out in outs:
        result = runner.invoke(
            cli, ["monitoring", "indices", "compute", "acei", "--data", str(data), "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
    assert outs[0].read_bytes() == outs[1].read_bytes()
    document = json.loads(outs[0].read_text())
    assert len(document["digest"]) == 64 and document["data"].startswith("synthetic sample data")
    edited = tmp_path / "edited.csv"
    edited.write_bytes(data.read_bytes().replace(b"acei,2020,BN,ACEI-01,", b"acei,2020,BN,ACEI-01,9", 1))
    runner.invoke(cli, ["monitoring", "indices", "compute", "acei", "--data", str(edited), "--out", str(outs[1])])
    assert json.loads(outs[1].read_text())["digest"] != document["digest"]


def test_cli_reports_bad_rows(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("index,cycle,member_state,indicator,value\nacei,2020,BN,ACEI-01,high\n")
    result = runner.invoke(cli, ["monitoring", "indices", "compute", "acei", "--data", str(bad)])
    assert result.exit_code == 1
    assert "row 2, column value" in result.output and "'high'" in result.output


def test_cli_sample_regenerates_the_shipped_file() -> None:
    result = runner.invoke(cli, ["monitoring", "indices", "sample", "digital_integration"])
    assert result.output == (SAMPLE / "digital_integration.csv").read_text()


def test_sensitivity_ranges_contain_the_configured_rank() -> None:
    computed = service.compute_sample("digital_integration")
    found = service.sensitivity(computed, "2024")
    assert len(found.scenarios) == 1 + 6 * 2 + 1 + 1  # configured, +/-20% per pillar, equal, z-score
    for s in found.states:
        if s.rank is not None:
            assert s.rank_low is not None and s.rank_high is not None and s.rank_low <= s.rank <= s.rank_high


def _key(db: Session, role: Role = Role.secretariat, country: str = "ASEAN") -> dict[str, str]:
    _, key = f.caller(db, role, country)
    return {"Authorization": f"Bearer {key}"}


def test_api_lists_computes_and_explains(client: TestClient, db: Session) -> None:
    headers = _key(db, Role.focal_point, "MY")
    assert client.get("/api/v1/monitoring/indices").status_code == 401
    listed = client.get("/api/v1/monitoring/indices", headers=headers).json()["indices"]
    assert [i["code"] for i in listed] == ["acei", "digital_integration"]
    results = client.get("/api/v1/monitoring/indices/digital_integration/results", headers=headers).json()
    assert results["aggregation"] == {"sub_index": "arithmetic", "index": "geometric"}
    assert {t["treatment"] for t in results["treatments"]} >= {"excluded"}
    sens = client.get("/api/v1/monitoring/indices/acei/sensitivity?cycle=2024", headers=headers).json()
    assert sens["alternative_normalisation"] == "z_score" and len(sens["states"]) == 10
    assert client.get("/api/v1/monitoring/indices/nope/results", headers=headers).status_code == 404
    assert client.get("/api/v1/monitoring/indices/acei/sensitivity?cycle=1999", headers=headers).status_code == 404


def test_api_computes_an_upload_without_storing(client: TestClient, db: Session) -> None:
    headers = _key(db)
    content = (SAMPLE / "acei.csv").read_bytes()
    done = client.post("/api/v1/monitoring/indices/acei/compute", headers=headers,
                       files={"file": ("acei.csv", content, "text/csv")})  # fmt: skip
    assert done.status_code == 200
    assert done.json()["cycles"] == service.result_json(service.compute_sample("acei"))["cycles"]
    wrong = b"index,cycle,member_state,indicator,value\nacei,2020,XX,ACEI-01,1\n"
    bad = client.post("/api/v1/monitoring/indices/acei/compute", headers=headers, files={"file": ("x.csv", wrong)})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"] == "row 2, column member_state"


def test_pages_need_sign_in_and_show_the_index(client: TestClient, db: Session) -> None:
    assert client.get("/monitoring/indices", headers=HTML, follow_redirects=False).status_code == 303
    org = f.org(db, kind=f.KIND_FOR_ROLE[Role.focal_point], country="VN")
    f.user(db, organisation=org, roles=[Role.focal_point], email="focal@example.org")
    sign_in(client, "focal@example.org")
    listing = client.get("/monitoring/indices", headers=HTML)
    assert listing.status_code == 200 and "/monitoring/indices/acei" in listing.text
    page = client.get("/monitoring/indices/digital_integration?cycle=2022", headers=HTML)
    assert page.status_code == 200
    for part in ('id="scores"', 'id="treatments"', 'id="weights"', 'id="sensitivity"', "<svg", "synthetic sample"):
        assert part in page.text
    assert '<option value="2022" selected>' in page.text


def test_api_refuses_roles_outside_monitoring(client: TestClient, db: Session) -> None:
    headers = _key(db, Role.business_user, "VN")
    assert client.get("/api/v1/monitoring/indices/acei/results", headers=headers).status_code == 403


def test_index_definition_through_the_api_shows_rules_and_gaps(client: TestClient, db: Session) -> None:
    body = client.get("/api/v1/monitoring/indices/acei", headers=_key(db)).json()
    assert body["weights_must_sum_to"] == "1" and body["missing"]["policy"] == "exclude"
    assert len(body["sub_indices"][0]["indicators"]) == 27 and body["gaps"]


def test_the_page_recomputes_from_platform_records_on_request(client: TestClient, db: Session) -> None:
    org = f.org(db, kind=f.KIND_FOR_ROLE[Role.secretariat], country="ASEAN")
    f.user(db, organisation=org, roles=[Role.secretariat], email="accec@example.org")
    sign_in(client, "accec@example.org")
    page = client.get("/monitoring/indices/digital_integration?data=platform&cycle=2024", headers=HTML)
    assert page.status_code == 200
    assert "this platform&#39;s records" in page.text and "synthetic sample" not in page.text
    assert "not computed" in page.text  # an empty platform: no index, said so, never a 0
    acei = client.get("/monitoring/indices/acei?data=platform", headers=HTML)  # nothing measured here for ACEI
    assert "synthetic sample" in acei.text and 'id="data-choice"' not in acei.text
