"""Bulk manifests: streamed, line by line, resumable, never duplicating."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from crossborder.cli import app as cli
from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import OrgKind, Role
from crossborder.customs import lookups
from crossborder.customs.bulk import persist_batch
from crossborder.customs.manifest import CSV_COLUMNS, clear_file
from crossborder.customs.models import Declaration
from tests import factories as f

pytestmark = pytest.mark.usefixtures("customs_data")


def write_manifest(path: Path, rows: int, *, bad_every: int = 0) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for i in range(rows):
            bad = bad_every and i % bad_every == bad_every - 1
            writer.writerow(
                {
                    "client_reference": f"P{i:05d}",
                    "origin": "VN",
                    "destination": ["MY", "SG", "TH"][i % 3],
                    "date": "2026-01-02",
                    "transport_mode": "post",
                    "incoterm": "DAP",
                    "consignor_name": "Linh Batik",
                    "consignor_address": "Hanoi",
                    "consignee_name": f"Buyer {i}",
                    "consignee_address": f"{i} Main Road",
                    "hs_code": "12" if bad else "620520",
                    "description": "shirt",
                    "quantity": "1",
                    "unit_value": "-4" if bad else "20.00",
                    "currency": "USD",
                    "origin_claim": "false",
                    "shipping": "1.00",
                    "insurance": "0",
                }
            )


def read_results(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_bad_lines_never_stop_good_ones(db: Session, tmp_path: Path) -> None:
    source, out = tmp_path / "m.csv", tmp_path / "out.jsonl"
    write_manifest(source, 30, bad_every=10)
    state = clear_file(db, source, out, checkpoint_every=7)
    results = read_results(out)
    assert (state.lines, state.ok, state.failed) == (30, 27, 3)
    assert [r["line"] for r in results] == list(range(2, 32))  # line numbers of the file (header is line 1)
    bad = [r for r in results if not r["ok"]]
    assert {e["path"] for e in bad[0]["errors"]} == {"lines[0].hs_code", "lines[0].unit_value"}  # type: ignore[union-attr]
    assert all(r["lane"] in ("green", "yellow", "red") for r in results if r["ok"])


def test_a_killed_run_resumes_without_losing_or_repeating(db: Session, tmp_path: Path) -> None:
    org = f.org(db, kind=OrgKind.platform, country="VN")
    principal = Principal(actor="test", organisation_id=org.id, country="VN", roles=frozenset({Role.platform_operator}))
    source, out = tmp_path / "m.csv", tmp_path / "out.jsonl"
    write_manifest(source, 50, bad_every=9)
    calls = {"n": 0}

    def crashing(batch: list[object]) -> None:
        calls["n"] += 1
        persist_batch(db, principal, batch)  # type: ignore[arg-type]
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")  # after the DB commit, before the checkpoint: the worst moment

    with pytest.raises(KeyboardInterrupt):
        clear_file(db, source, out, checkpoint_every=8, persist=crashing)
    assert (tmp_path / "out.jsonl.checkpoint").exists()
    state = clear_file(db, source, out, checkpoint_every=8, persist=lambda b: persist_batch(db, principal, b))
    results = read_results(out)
    assert [r["line"] for r in results] == list(range(2, 52))
    good = [r for r in results if r["ok"]]
    stored = db.execute(select(func.count()).select_from(Declaration)).scalar_one()
    assert stored == len(good) == 50 - 5
    assert state.lines == 50 and not (tmp_path / "out.jsonl.checkpoint").exists()


def test_jsonl_manifest_through_the_api(client: TestClient, db: Session) -> None:
    _, token = f.caller(db, Role.platform_operator, country="VN")
    from tests.customs.conftest import declaration

    lines = [json.dumps(declaration(f"J{i}")) for i in range(4)] + ["{not json", json.dumps({"origin": "VN"})]
    body = "\n".join(lines).encode()
    response = client.post(
        "/api/v1/customs/manifests", headers={**f.bearer(token), "content-type": "application/x-ndjson"}, content=body
    )
    assert response.status_code == 200, response.text
    results = [json.loads(x) for x in response.text.splitlines()]
    assert [r["ok"] for r in results] == [True, True, True, True, False, False]
    assert "malformed JSON" in results[4]["errors"][0]["rule"]
    again = client.post(
        "/api/v1/customs/manifests", headers={**f.bearer(token), "content-type": "application/x-ndjson"}, content=body
    )
    assert again.status_code == 200
    assert db.execute(select(func.count()).select_from(Declaration)).scalar_one() == 4  # no duplicates


def test_cli_landed_cost_json_matches_the_api(client: TestClient, tmp_path: Path) -> None:
    shipment = {
        "origin": "VN",
        "destination": "TH",
        "date": "2026-01-02",
        "transport_mode": "post",
        "lines": [
            {
                "id": "1",
                "hs_code": "620520",
                "description": "shirt",
                "quantity": 2,
                "unit_value": "30.00",
                "currency": "USD",
            }
        ],
    }
    path = tmp_path / "in.json"
    path.write_text(json.dumps(shipment))
    result = CliRunner().invoke(cli, ["customs", "landed-cost", "--json", str(path)])
    assert result.exit_code == 0, result.output
    api = client.post("/api/v1/customs/landed-cost", json=shipment).json()
    assert json.loads(result.stdout) == api


def test_cli_clear_manifest_resumable(tmp_path: Path) -> None:
    source, out = tmp_path / "m.csv", tmp_path / "out.jsonl"
    write_manifest(source, 12)
    result = CliRunner().invoke(cli, ["customs", "clear-manifest", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "12 lines: 12 assessed, 0 rejected" in result.output
    assert len(read_results(out)) == 12


def test_split_shipments_within_one_manifest_are_caught(db: Session, tmp_path: Path) -> None:
    source, out = tmp_path / "m.csv", tmp_path / "out.jsonl"
    with source.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for i in range(10):  # ten USD 60 parcels to one consignee in Kuala Lumpur, each under RM500
            writer.writerow(
                {
                    "client_reference": f"S{i}",
                    "origin": "VN",
                    "destination": "MY",
                    "date": "2026-01-02",
                    "consignor_name": "Linh Batik",
                    "consignor_address": "Hanoi",
                    "consignee_name": "Arif",
                    "consignee_address": "12 Jalan Ampang",
                    "hs_code": "620520",
                    "description": "shirt",
                    "quantity": "1",
                    "unit_value": "60.00",
                    "currency": "USD",
                    "shipping": "0",
                    "insurance": "0",
                }
            )
    clear_file(db, source, out, checkpoint_every=4)
    results = read_results(out)
    assert "split_shipment" not in results[0]["rules"]  # type: ignore[operator]
    assert all("split_shipment" in r["rules"] and r["lane"] == "red" for r in results[2:])  # type: ignore[operator]


def test_the_run_remembers_its_most_recent_consignees(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lookups, "RUN_MEMORY", 3)
    memory = lookups.PreloadedLookups(db)
    for key in ("a", "b", "c"):
        memory.remember("MY", key, Decimal("10"))
    memory.remember("MY", "a", Decimal("5"))  # a parcel again: "a" is the most recent now
    memory.remember("MY", "d", Decimal("1"))  # one too many: "b", seen longest ago, is forgotten
    assert memory.recent("MY", "b", 72) == ()
    assert memory.recent("MY", "a", 72) == (Decimal("10"), Decimal("5"))
    assert memory.recent("MY", "c", 72) == (Decimal("10"),)
