"""Country guide API through the real app."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from crossborder.reference import get_registry


def test_list_names_every_member_state(client: TestClient) -> None:
    codes = [c["code"] for c in client.get("/api/v1/countries").json()]
    assert codes == get_registry().member_states()


@pytest.mark.parametrize(("on", "rate"), [("2022-12-31", "7"), ("2023-06-01", "8"), ("2024-01-01", "9")])
def test_singapore_gst_by_date(client: TestClient, on: str, rate: str) -> None:
    body = client.get(f"/api/v1/countries/SG?on={on}").json()
    entry = body["parameters"]["indirect_tax.standard_rate"]
    assert entry["value"] == rate
    assert entry["source"].startswith("https://") and entry["as_of"]


def test_snapshot_matches_the_registry(client: TestClient) -> None:
    on = date(2026, 1, 15)
    body = client.get(f"/api/v1/countries/TH?on={on}").json()
    assert body == get_registry().country("TH").snapshot(on)


@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        ("/api/v1/countries/ZZ", 404, "code"),
        ("/api/v1/countries/my1", 422, "code"),
        ("/api/v1/countries/MY?on=1999-12-31", 422, "on"),
        ("/api/v1/countries/MY?on=2026-02-30", 422, "query.on"),
        ("/api/v1/countries/compare?on=tomorrow", 422, "query.on"),
    ],
)
def test_bad_lookups_name_the_field(client: TestClient, path: str, status: int, field: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["path"] == field


def test_compare_and_history(client: TestClient) -> None:
    compare = client.get("/api/v1/countries/compare?on=2025-06-01").json()
    assert [c["code"] for c in compare["countries"]] == get_registry().member_states()
    history = client.get("/api/v1/countries/TH/history").json()
    duty = history["parameters"]["de_minimis.customs_duty"]
    assert len(duty) >= 2  # THB 1,500 until 2025-12-31, then THB 1
