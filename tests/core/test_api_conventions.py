"""Problem documents, size limits, idempotency, one transaction per request."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.models import ApiKey, Organisation
from crossborder.core.access.roles import Role
from crossborder.core.audit import service as audit_service
from crossborder.core.settings import get_settings
from tests import factories as f

PROBLEM = "application/problem+json"


@pytest.fixture
def admin(db: Session) -> dict[str, str]:
    _, token = f.caller(db, Role.admin, country="ASEAN")
    return f.bearer(token)


def _org_count(db: Session) -> int:
    db.rollback()
    return int(db.execute(select(func.count()).select_from(Organisation)).scalar_one())


def test_malformed_json_is_a_problem_naming_the_body(client: TestClient, admin: dict[str, str], db: Session) -> None:
    before = _org_count(db)
    response = client.post(
        "/api/v1/organisations", headers={**admin, "content-type": "application/json"}, content=b'{"name": "x", '
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 422 and "malformed JSON" in body["errors"][0]["rule"]
    assert _org_count(db) == before


def test_every_invalid_field_is_listed_with_its_path(client: TestClient, admin: dict[str, str], db: Session) -> None:
    before = _org_count(db)
    response = client.post(
        "/api/v1/organisations", headers=admin, json={"name": 42, "kind": "business", "colour": "red"}
    )
    assert response.status_code == 422
    paths = {e["path"]: e for e in response.json()["errors"]}
    assert {"name", "country", "colour"} <= set(paths)
    assert "unknown field" in paths["colour"]["rule"]
    assert paths["colour"]["value"] == "red"
    assert _org_count(db) == before


def test_unknown_country_code_names_field_value_and_rule(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/organisations", headers=admin, json={"name": "Acme", "kind": "business", "country": "ZZ"}
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["path"] == "country" and error["value"] == "ZZ" and "MY" in error["rule"]


def test_oversized_body_is_refused_before_reading(client: TestClient, admin: dict[str, str]) -> None:
    limit = get_settings().max_body_bytes
    response = client.post(
        "/api/v1/organisations", headers={**admin, "content-type": "application/json"}, content=b"x" * (limit + 1)
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert str(limit) in response.json()["errors"][0]["rule"]


def test_wrong_type_in_query_is_a_problem(client: TestClient, admin: dict[str, str]) -> None:
    response = client.get("/api/v1/audit?limit=lots", headers=admin)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "query.limit"


def test_missing_or_bad_credentials_are_401(client: TestClient) -> None:
    assert client.get("/api/v1/users").status_code == 401
    response = client.get("/api/v1/users", headers=f.bearer("cbk_nope_nope"))
    assert response.status_code == 401 and response.headers["content-type"] == PROBLEM


def test_repeated_create_with_same_key_returns_first_result(
    client: TestClient, admin: dict[str, str], db: Session
) -> None:
    body = {"name": "Batik Linh", "kind": "business", "country": "VN"}
    headers = {**admin, "Idempotency-Key": "order-42"}
    first = client.post("/api/v1/organisations", headers=headers, json=body)
    second = client.post("/api/v1/organisations", headers=headers, json=body)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert db.execute(select(func.count()).where(Organisation.name == "Batik Linh")).scalar_one() == 1
    clash = client.post("/api/v1/organisations", headers=headers, json={**body, "name": "Other"})
    assert clash.status_code == 409 and clash.json()["errors"][0]["path"] == "Idempotency-Key"


def test_api_key_secret_is_shown_once_and_stored_hashed(client: TestClient, admin: dict[str, str], db: Session) -> None:
    org = f.org(db, country="VN")
    headers = {**admin, "Idempotency-Key": "key-1"}
    body = {"organisation_id": org.id, "role": "business_user", "name": "shop"}
    first = client.post("/api/v1/apikeys", headers=headers, json=body).json()
    again = client.post("/api/v1/apikeys", headers=headers, json=body).json()
    assert first["token"].startswith("cbk_") and again["token"] is None
    assert again["key_id"] == first["key_id"]
    stored = db.execute(select(ApiKey).where(ApiKey.key_id == first["key_id"])).unique().scalar_one()
    assert first["token"].split("_", 2)[2] not in stored.secret_hash
    assert client.get("/api/v1/organisations", headers=f.bearer(first["token"])).status_code == 200
    assert client.delete(f"/api/v1/apikeys/{first['key_id']}", headers=admin).status_code == 200
    assert client.get("/api/v1/organisations", headers=f.bearer(first["token"])).status_code == 401


def test_a_crash_mid_request_leaves_nothing_behind(
    client: TestClient, admin: dict[str, str], db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _org_count(db)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(audit_service, "record", boom)
    with TestClient(client.app, raise_server_exceptions=False) as crashy:
        response = crashy.post(
            "/api/v1/organisations", headers=admin, json={"name": "Half", "kind": "business", "country": "VN"}
        )
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert _org_count(db) == before


def test_health_metrics_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    client.get("/api/v1/countries")
    with TestClient(client.app, client=("127.0.0.1", 50000)) as local:  # a scraper on this host
        metrics = local.get("/metrics").text
    assert "crossborder_http_requests_total" in metrics and 'route="/api/v1/countries"' in metrics
    spec = client.get("/openapi.json").json()
    assert "/api/v1/organisations" in spec["paths"]
