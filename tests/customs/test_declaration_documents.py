"""Declarations that point to stored trade documents, through the real API: an e-invoice attached
within the declarant's scope, an e-Form D backing ATIGA claims line by line (stored by the declarant
or received from another node for the destination), and what officers see and can follow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.models import Organisation
from crossborder.core.access.principal import SYSTEM
from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.audit.models import AuditEntry
from crossborder.core.audit.service import digest
from crossborder.customs.models import Declaration, DeclarationDocuments
from crossborder.documents import service as documents
from tests import factories as f
from tests.customs.conftest import declaration

pytestmark = pytest.mark.usefixtures("customs_data")
URL = "/api/v1/customs/declarations"
EXAMPLES = Path(__file__).parents[1] / "documents" / "examples"
INVOICE = (EXAMPLES / "base-example.xml").read_bytes()
SHIRTS, TSHIRTS = "620520", "610910"  # both MFN 20 %, ATIGA 0 % in the sample tariff of MY
MISSING = "00000000-0000-4000-8000-000000000000"


def _form_d(*, exporting: str = "VN", importing: str = "MY", hs: str = SHIRTS) -> bytes:
    """The example e-Form D, re-addressed: its second item certifies HS code HS."""
    doc = json.loads((EXAMPLES / "form-d-example.json").read_bytes())
    doc.update(exporting_country=exporting, importing_country=importing)
    doc["exporter"]["country"], doc["consignee"]["country"] = exporting, importing
    doc["items"][1]["hs_code"] = hs
    return json.dumps(doc, ensure_ascii=False).encode()


def _store(db: Session, owner: Organisation, payload: bytes, **kwargs: Any) -> str:
    row, _ = documents.store(db, SYSTEM, None, payload, organisation_id=owner.id, **kwargs)
    db.commit()
    return row.id


@pytest.fixture
def merchant(db: Session) -> tuple[Organisation, dict[str, str]]:
    org, token = f.caller(db, Role.business_user, country="VN")
    return org, f.bearer(token)


@pytest.fixture
def officer(db: Session) -> dict[str, str]:
    _, token = f.caller(db, Role.customs_officer, country="MY")
    return f.bearer(token)


def _declaration(reference: str, claims: dict[str, bool], docs: dict[str, str] | None = None) -> dict[str, Any]:
    """A declaration to MY with one line per HS code in CLAIMS (True: ATIGA origin claimed), each worth
    USD 200: above the duty de minimis, so the rate applied shows."""
    body = declaration(reference)
    body["lines"] = [
        {"id": str(i), "hs_code": hs, "description": "cotton", "unit_value": "200.00", "currency": "USD"}
        | ({"origin_claim": True} if claimed else {})
        for i, (hs, claimed) in enumerate(claims.items())
    ]
    if docs is not None:
        body["documents"] = docs
    return body


def _stored(db: Session) -> tuple[int, int]:
    db.rollback()
    count = func.count()
    return (
        db.execute(select(count).select_from(Declaration)).scalar_one(),
        db.execute(select(count).select_from(DeclarationDocuments)).scalar_one(),
    )


def _refused(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return {e["path"]: e["rule"] for e in response.json()["errors"]}


def _duty_bases(body: dict[str, Any]) -> list[str]:
    return [line["duty"]["basis"] for line in body["assessment"]["lines"]]


def test_an_attached_invoice_is_shown_and_the_destinations_officer_can_follow_it(
    client: TestClient, db: Session, merchant: tuple[Organisation, dict[str, str]], officer: dict[str, str]
) -> None:
    org, headers = merchant
    invoice = _store(db, org, INVOICE)
    created = client.post(URL, headers=headers, json=_declaration("INV-1", {SHIRTS: False}, {"invoice": invoice}))
    assert created.status_code == 201, created.text
    body = created.json()
    href = f"{URL}/{body['id']}/documents/invoice"
    assert body["documents"] == {"invoice": {"id": invoice, "type": "ubl-invoice", "href": href}, "origin": None}
    assert body["origin_evidence"] is None  # nothing claimed
    seen = client.get(f"{URL}/{body['id']}", headers=officer).json()
    assert seen["documents"] == body["documents"]
    # The invoice is stored in VN, outside a MY officer's scope in the documents API; the declaration shares it.
    assert client.get(f"/api/v1/documents/{invoice}", headers=officer).status_code == 404
    record = client.get(href, headers=officer)
    assert record.status_code == 200 and record.json()["id"] == invoice and record.json()["valid"] is True
    content = client.get(f"{href}/content", headers=officer)
    assert content.status_code == 200 and content.content == INVOICE
    assert client.get(f"{URL}/{body['id']}/documents/origin", headers=officer).status_code == 404
    _, outsider = f.caller(db, Role.customs_officer, country="TH")
    assert client.get(href, headers=f.bearer(outsider)).status_code == 404  # the declaration is out of its scope
    audit = db.execute(select(AuditEntry).where(AuditEntry.action == "customs.declaration.submit")).scalar_one()
    links = {"invoice_document_id": invoice, "origin_document_id": None, "origin_evidence": None}
    state = {"status": body["status"], "lane": body["lane"], "reference": "INV-1", "documents": links}
    assert audit.after_digest == digest(state)  # the audit trail commits to the documents named


@pytest.mark.parametrize("case", ["invalid", "foreign", "absent", "not_an_invoice", "malformed"])
def test_an_invoice_reference_that_fails_is_refused_and_nothing_is_stored(
    client: TestClient, db: Session, merchant: tuple[Organisation, dict[str, str]], case: str
) -> None:
    org, headers = merchant
    spoilt = INVOICE.replace(
        b'<cbc:PayableAmount currencyID="EUR">1656.25<', b'<cbc:PayableAmount currencyID="EUR">1.00<'
    )
    document_id, expected = {
        "invalid": (lambda: _store(db, org, spoilt, accept_invalid=True), "must be a valid ubl-invoice"),
        "foreign": (lambda: _store(db, f.org(db, country="VN"), INVOICE), "you may see: none found"),
        "absent": (lambda: MISSING, "you may see: none found"),  # answered exactly like a foreign one
        "not_an_invoice": (lambda: _store(db, org, _form_d()), "must be a ubl-invoice: this document is a form-d"),
        "malformed": (lambda: "INV-2026-0410", "must be a stored document's id (a UUID)"),
    }[case]
    errors = _refused(
        client.post(URL, headers=headers, json=_declaration("INV-2", {SHIRTS: False}, {"invoice": document_id()}))
    )
    assert list(errors) == ["documents.invoice"] and expected in errors["documents.invoice"]
    assert _stored(db) == (0, 0)


def test_an_atiga_claim_backed_by_an_e_form_d_gets_the_preferential_rate_and_says_so(
    client: TestClient, db: Session, merchant: tuple[Organisation, dict[str, str]], officer: dict[str, str]
) -> None:
    org, headers = merchant
    form_d = _store(db, org, _form_d())
    backed = client.post(
        URL, headers=headers, json=_declaration("FD-1", {SHIRTS: True, TSHIRTS: False}, {"origin": form_d})
    )
    assert backed.status_code == 201, backed.text
    body = backed.json()
    assert body["origin_evidence"] == "e-form-d" and _duty_bases(body) == ["ATIGA", "MFN"]
    assert body["documents"]["origin"] == {
        "id": form_d,
        "type": "form-d",
        "href": f"{URL}/{body['id']}/documents/origin",
    }
    assert client.get(f"{URL}/{body['id']}", headers=officer).json()["origin_evidence"] == "e-form-d"
    followed = client.get(body["documents"]["origin"]["href"], headers=officer).json()
    assert followed["document_type"] == "form-d" and followed["id"] == form_d


def test_a_claim_without_a_document_is_accepted_as_today_but_recorded_as_unproven(
    client: TestClient, db: Session, merchant: tuple[Organisation, dict[str, str]]
) -> None:
    _, headers = merchant
    paper = client.post(URL, headers=headers, json=_declaration("PAPER-1", {SHIRTS: True})).json()
    assert paper["origin_evidence"] == "none" and _duty_bases(paper) == ["ATIGA"]
    assert paper["documents"] == {"invoice": None, "origin": None}
    plain = client.post(URL, headers=headers, json=_declaration("PLAIN-1", {SHIRTS: False})).json()
    assert plain["origin_evidence"] is None and _duty_bases(plain) == ["MFN"]
    assert _stored(db) == (2, 1)  # a link row only where there is something to record


def test_a_claiming_line_the_e_form_d_does_not_cover_is_refused_by_its_index(
    client: TestClient, db: Session, merchant: tuple[Organisation, dict[str, str]]
) -> None:
    org, headers = merchant
    form_d = _store(db, org, _form_d(hs=SHIRTS))
    body = _declaration("FD-2", {SHIRTS: True, TSHIRTS: True}, {"origin": form_d})
    errors = _refused(client.post(URL, headers=headers, json=body))
    assert list(errors) == ["lines[1].origin_claim"]
    assert "hs_code_not_covered" in errors["lines[1].origin_claim"] and "MFN" in errors["lines[1].origin_claim"]
    assert _stored(db) == (0, 0)  # never silently assessed at MFN


@pytest.mark.parametrize(
    ("form_d", "reason"),
    [
        ({"importing": "TH"}, "importing_country_mismatch: issued for import into TH, not MY"),
        ({"exporting": "TH"}, "exporting_country_mismatch: issued for export from TH, not VN"),
    ],
)
def test_an_e_form_d_for_another_route_is_refused_on_every_claiming_line(
    client: TestClient, db: Session, merchant: tuple[Organisation, dict[str, str]], form_d: dict[str, str], reason: str
) -> None:
    org, headers = merchant
    document_id = _store(db, org, _form_d(**form_d))
    body = _declaration("FD-3", {TSHIRTS: False, SHIRTS: True}, {"origin": document_id})
    errors = _refused(client.post(URL, headers=headers, json=body))
    assert list(errors) == ["lines[1].origin_claim"] and reason in errors["lines[1].origin_claim"]
    assert _stored(db) == (0, 0)


def test_an_origin_document_with_no_claim_is_refused(
    client: TestClient, db: Session, merchant: tuple[Organisation, dict[str, str]]
) -> None:
    org, headers = merchant
    body = _declaration("FD-4", {SHIRTS: False}, {"origin": _store(db, org, _form_d())})
    errors = _refused(client.post(URL, headers=headers, json=body))
    assert "no line claims ATIGA origin" in errors["documents.origin"]


def test_a_received_e_form_d_may_be_quoted_by_id_for_its_destination_only(
    client: TestClient, db: Session, merchant: tuple[Organisation, dict[str, str]]
) -> None:
    _, headers = merchant
    # What the MY node's exchange stores: owned by MY's authority, out of the VN merchant's scope.
    received = _store(db, f.org(db, kind=OrgKind.customs_authority, country="MY"), _form_d(), received_from="node-vn")
    assert client.get(f"/api/v1/documents/{received}", headers=headers).status_code == 404
    accepted = client.post(URL, headers=headers, json=_declaration("RX-1", {SHIRTS: True}, {"origin": received}))
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["origin_evidence"] == "e-form-d"
    # Received for another destination, or merely someone else's: answered exactly like an absent id.
    elsewhere = _store(
        db, f.org(db, kind=OrgKind.customs_authority, country="TH"), _form_d(importing="TH"), received_from="node-vn"
    )
    foreign = _store(db, f.org(db, country="VN"), _form_d())
    rules = {
        document_id: _refused(
            client.post(URL, headers=headers, json=_declaration("RX-2", {SHIRTS: True}, {"origin": document_id}))
        )
        for document_id in (elsewhere, foreign, MISSING)
    }
    assert len({json.dumps(r) for r in rules.values()}) == 1
    assert "none found" in rules[MISSING]["documents.origin"]
    assert _stored(db) == (1, 1)


def test_a_repeated_reference_returns_the_first_declaration_with_its_documents(
    client: TestClient, db: Session, merchant: tuple[Organisation, dict[str, str]]
) -> None:
    org, headers = merchant
    docs = {"invoice": _store(db, org, INVOICE), "origin": _store(db, org, _form_d())}
    first = client.post(URL, headers=headers, json=_declaration("REP-1", {SHIRTS: True}, docs))
    again = client.post(URL, headers=headers, json=_declaration("REP-1", {SHIRTS: True}, docs))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and again.json()["documents"] == first.json()["documents"]
    assert _stored(db) == (1, 1)


def test_a_manifest_line_cannot_attach_documents(
    client: TestClient, db: Session, merchant: tuple[Organisation, dict[str, str]]
) -> None:
    org, headers = merchant
    line = _declaration("MAN-1", {SHIRTS: False}, {"invoice": _store(db, org, INVOICE)})
    response = client.post(
        "/api/v1/customs/manifests",
        headers={**headers, "content-type": "application/x-ndjson"},
        content=json.dumps(line).encode() + b"\n",
    )
    assert response.status_code == 200, response.text
    (result,) = [json.loads(x) for x in response.text.splitlines()]
    assert result["ok"] is False and [e["path"] for e in result["errors"]] == ["documents"]
    assert _stored(db) == (0, 0)
