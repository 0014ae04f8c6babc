"""Document pages through the real app: the listing keeps to the caller's scope, a document shows its
rendering (escaped, sandboxed), findings and downloads, a received document shows the message that
carried it and whether its receipt verifies, and the public validation form reports rule ids without
storing anything."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crossborder.core.access.models import Organisation, User
from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.access.service import principal_for_user
from crossborder.core.settings import get_settings
from crossborder.documents import service
from crossborder.documents.models import StoredDocument
from crossborder.exchange import identity, nodes, receipts
from crossborder.exchange.models import InboxMessage
from tests import factories as f
from tests.documents.pdf_fonts import needs_fonts
from tests.exchange.material import Peer
from tests.web.test_customs_pages import HTML, csrf_token, sign_in

EXAMPLES = Path(__file__).resolve().parents[1] / "documents" / "examples"
INVOICE = (EXAMPLES / "base-example.xml").read_bytes()
FORM_D = (EXAMPLES / "form-d-example.json").read_bytes()
ACDD = (EXAMPLES / "acdd-example.json").read_bytes()
# The amount due no longer matches the totals: EN 16931 rule BR-CO-16.
BROKEN_INVOICE = INVOICE.replace(b'<cbc:PayableAmount currencyID="EUR">', b'<cbc:PayableAmount currencyID="EUR">9', 1)


@pytest.fixture(autouse=True)
def _fresh_exchange_caches() -> Iterator[None]:
    # Tables are emptied between tests; a signing key or sender cached by an earlier test is gone.
    identity.forget_cached_key()
    nodes.forget_cached_senders()
    yield
    identity.forget_cached_key()
    nodes.forget_cached_senders()


def _store(db: Session, user: User, payload: bytes, **kwargs: object) -> StoredDocument:
    row, _ = service.store(db, principal_for_user(user), None, payload, **kwargs)  # type: ignore[arg-type]
    db.commit()
    return row


def _member(db: Session, org: Organisation, role: Role = Role.business_user) -> User:
    return f.user(db, organisation=org, roles=[role])


def _ids(page: str) -> list[str]:
    return re.findall(r'data-document="([^"]+)"', page)


def test_the_listing_keeps_to_the_callers_documents(client: TestClient, db: Session) -> None:
    shop = f.org(db, country="TH")
    owner = _member(db, shop)
    mine = _store(db, owner, FORM_D, client_reference="fd-1")
    received = _store(db, owner, BROKEN_INVOICE, received_from="vn.customs", accept_invalid=True)
    other = _store(db, _member(db, f.org(db, country="TH")), ACDD)

    anonymous = client.get("/documents", headers=HTML, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/signin")
    sign_in(client, owner.email)
    listed = client.get("/documents", headers=HTML).text
    assert _ids(listed) == [received.id, mine.id]  # newest first, and never the other shop's
    assert 'data-valid="false">1 error<' in listed and "vn.customs" in listed and "TH-2026-D-004512" in listed
    assert _ids(client.get("/documents?tab=sent", headers=HTML).text) == [mine.id]
    assert _ids(client.get("/documents?tab=received", headers=HTML).text) == [received.id]
    for tail in ("", "/original", "/document.pdf"):
        assert client.get(f"/documents/{other.id}{tail}", headers=HTML).status_code == 404
    assert client.get("/documents/no-such-document", headers=HTML).status_code == 404


def test_a_document_shows_its_rendering_findings_and_downloads(client: TestClient, db: Session) -> None:
    owner = _member(db, f.org(db, country="TH"))
    received = _store(db, owner, BROKEN_INVOICE, received_from="vn.customs", accept_invalid=True)
    sign_in(client, owner.email)
    page = client.get(f"/documents/{received.id}", headers=HTML).text
    assert 'data-rule="BR-CO-16"' in page and "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount" in page
    frame = re.search(r'<iframe class="rendered"[^>]* sandbox srcdoc="([^"]*)"', page)
    assert frame is not None and "<title>Invoice Snippet1</title>" in unescape(frame.group(1))  # our rendering
    assert f'href="/documents/{received.id}/original"' in page and 'id="no-messages"' in page
    original = client.get(f"/documents/{received.id}/original", headers=HTML)
    assert original.content == BROKEN_INVOICE and original.headers["x-content-type-options"] == "nosniff"
    assert original.headers["content-disposition"].startswith("attachment")


def test_uploaded_markup_is_never_live_in_the_page(client: TestClient, db: Session) -> None:
    doc = json.loads(ACDD)
    doc["items"][0]["description"] = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    owner = _member(db, f.org(db, country="TH"))
    row = _store(db, owner, json.dumps(doc).encode())
    sign_in(client, owner.email)
    page = client.get(f"/documents/{row.id}", headers=HTML).text
    assert "<script>alert" not in page and "<img src=x" not in page
    frame = re.search(r'sandbox srcdoc="([^"]*)"', page)
    assert frame is not None
    inner = unescape(frame.group(1))  # what the sandboxed frame parses: still escaped text, no element
    assert "&lt;script&gt;alert" in inner and "<script>alert" not in inner


@needs_fonts
def test_the_pdf_download(client: TestClient, db: Session) -> None:
    owner = _member(db, f.org(db, country="TH"))
    row = _store(db, owner, FORM_D)
    sign_in(client, owner.email)
    pdf = client.get(f"/documents/{row.id}/document.pdf", headers=HTML)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"


def test_a_received_document_shows_its_message_and_verified_receipt(client: TestClient, db: Session) -> None:
    peer = Peer("vn.customs", "VN")
    peer.register(db)
    body, env = peer.message(INVOICE, document_type="ubl-invoice")
    answer = client.post("/api/v1/exchange/messages", json=body)
    assert answer.status_code == 200 and answer.json()["status"] == "accepted"
    # Received messages belong to the node's member state; this test node is regional (ASEAN).
    authority = f.org(db, kind=OrgKind.customs_authority, country="ASEAN")
    officer = _member(db, authority, Role.customs_officer)
    row = _store(db, officer, INVOICE, received_from="vn.customs")
    stored = db.execute(select(InboxMessage).where(InboxMessage.message_id == env.message_id)).scalar_one()

    sign_in(client, officer.email)
    page = client.get(f"/documents/{row.id}", headers=HTML).text
    block = page.split(f'id="message-{env.message_id}"')[1].split("</article>")[0]
    assert 'data-direction="in"' in page and "Received from vn.customs" in block
    assert 'data-verified="true"' in block and stored.receipt_id in block
    assert f'href="/exchange/messages/{env.message_id}"' in block

    # A receipt with the same claims signed by a key this node does not hold must not pass.
    forged = receipts.Receipt(**json.loads(_claims(stored.receipt)))
    stranger = Peer("xx.nobody", "VN")
    db.execute(
        update(InboxMessage)
        .where(InboxMessage.id == stored.id)
        .values(receipt=receipts.issue(forged, stranger.kid, stranger.private))
    )
    db.commit()
    block = client.get(f"/documents/{row.id}", headers=HTML).text.split(f'id="message-{env.message_id}"')[1]
    assert 'data-verified="false"' in block.split("</article>")[0] and "not registered" in block


def _claims(token: str) -> str:
    import base64

    middle = token.split(".")[1]
    return base64.urlsafe_b64decode(middle + "=" * (-len(middle) % 4)).decode()


def test_the_public_validation_form_reports_rule_ids_and_stores_nothing(client: TestClient, db: Session) -> None:
    form = client.get("/documents/validate", headers=HTML)
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    token = csrf_token(client, "/documents/validate")
    checked = client.post(
        "/documents/validate", data={"csrf_token": token, "type": ""}, headers=HTML,
        files={"file": ("invoice.xml", BROKEN_INVOICE, "application/xml")},
    )  # fmt: skip
    assert checked.status_code == 200
    report = checked.text.split('id="report"')[1]
    assert 'data-valid="false"' in checked.text and 'data-rule="BR-CO-16"' in report
    assert "E-invoice (UBL 2.1)" in report and "invoice.xml" in report
    good = client.post(
        "/documents/validate", data={"csrf_token": token, "type": "form-d"}, headers=HTML,
        files={"file": ("form-d.json", FORM_D, "application/json")},
    )  # fmt: skip
    assert 'data-valid="true"' in good.text and "No findings" in good.text
    assert db.execute(select(func.count()).select_from(StoredDocument)).scalar_one() == 0


def test_the_validation_form_refuses_without_its_token_and_names_bad_input(client: TestClient) -> None:
    upload = {"file": ("invoice.xml", BROKEN_INVOICE, "application/xml")}
    forged = client.post("/documents/validate", data={"type": ""}, files=upload, headers=HTML)
    assert forged.status_code == 403 and "BR-CO-16" not in forged.text
    token = csrf_token(client, "/documents/validate")
    unknown = client.post(
        "/documents/validate", data={"csrf_token": token, "type": ""}, headers=HTML,
        files={"file": ("memo.json", b'{"document_type": "memo"}', "application/json")},
    )  # fmt: skip
    assert unknown.status_code == 422 and "<code>type</code>" in unknown.text
    empty = client.post("/documents/validate", data={"csrf_token": token, "type": ""}, headers=HTML)
    assert empty.status_code == 422 and "<code>file</code>" in empty.text
    limit = get_settings().max_body_bytes
    huge = client.post(
        "/documents/validate", data={"csrf_token": token, "type": "acdd"}, headers=HTML,
        files={"file": ("big.json", b" " * (limit + 1), "application/json")},
    )  # fmt: skip
    assert huge.status_code == 413  # the node's body limit, before the form is read
    assert huge.headers["content-type"].startswith("text/html") and "too large" in huge.text
    api = client.post("/api/v1/documents/validate?type=acdd", content=b" " * (limit + 1),
                      headers={"content-type": "application/json"})  # fmt: skip
    assert api.status_code == 413 and api.headers["content-type"] == "application/problem+json"


def test_a_received_document_too_broken_to_render_still_shows_its_findings(client: TestClient, db: Session) -> None:
    owner = _member(db, f.org(db, country="TH"))
    row = _store(db, owner, b'{"document_type": "acdd"}', received_from="vn.customs", accept_invalid=True)
    sign_in(client, owner.email)
    page = client.get(f"/documents/{row.id}", headers=HTML)
    assert page.status_code == 200 and 'id="unrenderable"' in page.text and "<iframe" not in page.text
    assert 'data-rule="JSON-SCHEMA:required"' in page.text and "/document.pdf" not in page.text
    assert client.get(f"/documents/{row.id}/document.pdf", headers=HTML).status_code == 422
