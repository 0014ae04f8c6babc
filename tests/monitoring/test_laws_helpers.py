"""Builders shared by the laws tests (no tests here): a valid national plan body and API callers."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crossborder.core.access.roles import Role
from crossborder.core.dates import utcnow
from tests import factories as f

URL = "/api/v1/monitoring/laws"
THIS_YEAR = utcnow().year


def law(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Demo: Electronic Transactions Act (example)",
        "citation": "Demo Act 1 of 2020",
        "status": "in_force",
        "enacted_on": "2020-01-15",
        "in_force_on": "2020-06-01",
        "url": "https://laws.example.org/demo-eta",
    } | overrides


def entry(topic: str = "B.1", **overrides: Any) -> dict[str, Any]:
    return {
        "topic": topic,
        "instrument": "un_ecc",
        "alignment": "aligned",
        "note": "Demo data",
        "laws": [law()],
        "actions": [{"text": "Review against the Convention", "target_date": f"{THIS_YEAR}-12-31"}],
    } | overrides


def plan(
    country: str = "MY", year: int = THIS_YEAR, entries: list[dict[str, Any]] | None = None, **kw: Any
) -> dict[str, Any]:
    return {"country": country, "year": year, "note": "Demo data", "entries": entries or [entry()]} | kw


def headers(db: Session, role: Role, country: str) -> dict[str, str]:
    _org, key = f.caller(db, role, country)
    return f.bearer(key)


def submit(client: TestClient, auth: dict[str, str], body: dict[str, Any], **params: Any) -> Any:
    return client.post(f"{URL}/plans", json=body, headers=auth, params=params)


def review(client: TestClient, auth: dict[str, str], reference: str, revision: int, decision: str, **kw: Any) -> Any:
    body = {"decision": decision, "revision": revision} | kw
    return client.post(f"{URL}/plans/{reference}/review", json=body, headers=auth)
