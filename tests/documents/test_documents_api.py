"""The documents API over real HTTP: public validation, idempotent storing that refuses invalid
documents whole, scoped reads, downloads and renderings; and the e-Form D answer customs relies on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import SYSTEM
from crossborder.core.access.roles import Role
from crossborder.core.audit.models import AuditEntry
from crossborder.core.settings import get_settings
from crossborder.documents import service
from crossborder.documents.models import StoredDocument
from tests import factories as f
from tests.documents.pdf_fonts import needs_fonts

EXAMPLES = Path(__file__).parent / "examples"
ACDD = (EXAMPLES / "acdd-example.json").read_bytes()
FORM_D = (EXAMPLES / "form-d-example.json").read_bytes()
JSON_BODY = {"content-type": "application/json"}


def _count(db: Session) -> int:
    db.rollback()
    return int(db.execute(select(func.count()).select_from(StoredDocument)).scalar_one())


def _mutated(raw: bytes, change: Any) -> bytes:
    doc = json.loads(raw)
    change(doc)
    return json.dumps(doc, ensure_ascii=False).encode()


@pytest.fixture
def merchant(db: Session) -> dict[str, str]:
    _, token = f.caller(db, Role.business_user, country="TH")
    return f.bearer(token)


def _store(client: TestClient, headers: dict[str, str], body: bytes, ref: str = "fd-1") -> Any:
    return client.post(f"/api/v1/documents?client_reference={ref}", headers={**headers, **JSON_BODY}, content=body)


def test_validate_is_public_and_reports_every_finding(client: TestClient) -> None:
    ok = client.post("/api/v1/documents/validate?type=acdd", headers=JSON_BODY, content=ACDD)
    assert ok.status_code == 200 and ok.json() == {"document_type": "acdd", "valid": True, "errors": []}
    broken = _mutated(FORM_D, lambda d: d["items"][0].update(hs_code="12.34", origin_criterion="35%"))
    found = client.post("/api/v1/documents/validate", headers=JSON_BODY, content=broken).json()  # type detected
    assert found["document_type"] == "form-d" and found["valid"] is False
    assert [(e["rule"], e["path"]) for e in found["errors"]] == [
        ("FORMD-HS-01", "/items/0/hs_code"),
        ("FORMD-ORIGIN-02", "/items/0/origin_criterion"),
    ]


def test_validate_detects_a_ubl_invoice_from_its_root(client: TestClient) -> None:
    xml = (EXAMPLES / "base-example.xml").read_bytes()
    found = client.post("/api/v1/documents/validate", headers={"content-type": "application/xml"}, content=xml)
    assert found.status_code == 200 and found.json()["document_type"] == "ubl-invoice"


def test_validate_refuses_other_bodies_and_oversized_ones(client: TestClient) -> None:
    wrong = client.post("/api/v1/documents/validate", headers={"content-type": "text/plain"}, content=b"x")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["path"] == "Content-Type"
    unknown = client.post("/api/v1/documents/validate", headers=JSON_BODY, content=b'{"document_type": "memo"}')
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["path"] == "type"
    limit = get_settings().max_body_bytes
    huge = client.post("/api/v1/documents/validate?type=acdd", headers=JSON_BODY, content=b" " * (limit + 1))
    assert huge.status_code == 413


def test_storing_is_idempotent_on_the_client_reference(
    client: TestClient, merchant: dict[str, str], db: Session
) -> None:
    first = _store(client, merchant, FORM_D)
    again = _store(client, merchant, FORM_D)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json() == again.json()
    body = first.json()
    assert body["document_number"] == "TH-2026-D-004512" and body["valid"] is True and body["country"] == "TH"
    assert _count(db) == 1
    clash = _store(client, merchant, ACDD)
    assert clash.status_code == 409 and clash.json()["errors"][0]["path"] == "client_reference"
    audit = db.execute(select(AuditEntry).where(AuditEntry.action == "documents.document.store")).scalars().all()
    assert [a.entity_id for a in audit] == [body["id"]]


def test_an_invalid_document_is_refused_whole_listing_every_finding(
    client: TestClient, merchant: dict[str, str], db: Session
) -> None:
    def spoil(doc: dict[str, Any]) -> None:
        doc["total_value"]["amount"] = "9.99"
        doc["items"][1]["hs_code"] = "6912"

    response = _store(client, merchant, _mutated(ACDD, spoil), ref="acdd-bad")
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    errors = {(e["path"], e["rule"].split(":")[0]) for e in response.json()["errors"]}
    assert errors == {("/items/1/hs_code", "ACDD-HS-01"), ("/total_value/amount", "ACDD-TOTAL-01")}
    assert _count(db) == 0


def test_reads_are_scoped_and_out_of_scope_is_404(client: TestClient, merchant: dict[str, str], db: Session) -> None:
    doc_id = _store(client, merchant, FORM_D).json()["id"]
    _, other_shop = f.caller(db, Role.business_user, country="TH")
    _, thai_customs = f.caller(db, Role.customs_officer, country="TH")
    _, lao_customs = f.caller(db, Role.customs_officer, country="LA")
    assert client.get(f"/api/v1/documents/{doc_id}", headers=merchant).status_code == 200
    assert client.get(f"/api/v1/documents/{doc_id}", headers=f.bearer(thai_customs)).status_code == 200
    for outsider in (other_shop, lao_customs):
        for tail in ("", "/content", "/render.html", "/render.pdf"):
            assert client.get(f"/api/v1/documents/{doc_id}{tail}", headers=f.bearer(outsider)).status_code == 404
    assert client.get("/api/v1/documents/nope", headers=merchant).status_code == 404
    assert client.get(f"/api/v1/documents/{doc_id}").status_code == 401
    listed = client.get("/api/v1/documents?received=false", headers=merchant).json()["documents"]
    assert [d["id"] for d in listed] == [doc_id]
    assert client.get("/api/v1/documents", headers=f.bearer(other_shop)).json()["documents"] == []


@needs_fonts
def test_content_and_renderings(client: TestClient, merchant: dict[str, str]) -> None:
    doc_id = _store(client, merchant, FORM_D).json()["id"]
    content = client.get(f"/api/v1/documents/{doc_id}/content", headers=merchant)
    assert content.content == FORM_D and content.headers["content-type"].startswith("application/json")
    assert (
        content.headers["etag"].strip('"')
        == client.get(f"/api/v1/documents/{doc_id}", headers=merchant).json()["sha256"]
    )
    html = client.get(f"/api/v1/documents/{doc_id}/render.html", headers=merchant)
    assert html.status_code == 200 and "TH-2026-D-004512" in html.text
    assert "default-src 'none'" in html.headers["content-security-policy"]
    pdf = client.get(f"/api/v1/documents/{doc_id}/render.pdf", headers=merchant)
    assert (
        pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    )


def _stored(db: Session, payload: bytes, **kwargs: Any) -> str:
    owner = f.org(db, country="VN")
    row, _ = service.store(db, SYSTEM, None, payload, organisation_id=owner.id, **kwargs)
    db.commit()
    return row.id


def test_a_received_invalid_document_is_kept_as_evidence(db: Session) -> None:
    broken = _mutated(FORM_D, lambda d: d["items"][0].update(origin_criterion="XX"))
    doc_id = _stored(db, broken, received_from="node-th", accept_invalid=True)
    row = db.get(StoredDocument, doc_id)
    assert row is not None and row.valid is False and row.received_from == "node-th"
    assert row.validation["errors"][0]["rule"] == "FORMD-ORIGIN-01"


def test_a_valid_form_d_supports_the_atiga_claim_it_certifies(db: Session) -> None:
    doc_id = _stored(db, FORM_D, received_from="node-th")
    answer = service.form_d_for_preference(db, doc_id, hs_code="62141000", importing_country="VN")
    assert answer["supports_claim"] is True and answer["reasons"] == []
    assert answer["exporter"]["country"] == "TH" and answer["importer"]["country"] == "VN"
    assert [(i["item_number"], i["criterion"]) for i in answer["matched_items"]] == [
        (2, {"kind": "rvc", "code": "RVC", "percent": "45"})
    ]


def test_the_claim_is_not_supported_with_every_reason_given(db: Session) -> None:
    refused = _mutated(FORM_D, lambda d: d.update(official_use={"preference": "refused", "remarks": "box 7"}))
    doc_id = _stored(db, refused)
    answer = service.form_d_for_preference(db, doc_id, hs_code="940360", importing_country="MY")
    assert answer["supports_claim"] is False
    assert [r["code"] for r in answer["reasons"]] == [
        "preference_refused",
        "importing_country_mismatch",
        "hs_code_not_covered",
    ]
    acdd_id = _stored(db, ACDD)
    assert service.form_d_for_preference(db, acdd_id)["reasons"][0]["code"] == "not_form_d"
