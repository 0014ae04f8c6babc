"""Exchange pages through the real app: a merchant queues a stored document for a registered node
(CSRF-protected, idempotent on the form's hidden reference), the delivery worker sends it to a fake
receiver, and the message page shows the attempts and the verified receipt; scope is the outbox's."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import SYSTEM
from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.access.service import principal_for_user
from crossborder.documents import service
from crossborder.exchange import delivery, identity, jws, nodes, receipts
from crossborder.exchange.envelope import ENVELOPE_TYPE
from crossborder.exchange.models import OutboxMessage
from crossborder.exchange.transport import Reply, TransportError
from tests import factories as f
from tests.exchange.material import Peer
from tests.web.test_customs_pages import HTML, csrf_token, sign_in

FORM_D = (Path(__file__).resolve().parents[1] / "documents" / "examples" / "form-d-example.json").read_bytes()


@pytest.fixture(autouse=True)
def _fresh_exchange_caches() -> Iterator[None]:
    identity.forget_cached_key()
    nodes.forget_cached_senders()
    yield
    identity.forget_cached_key()
    nodes.forget_cached_senders()


@pytest.fixture
def peer(db: Session) -> Peer:
    """Singapore's customs node, taking the real document types."""
    made = Peer("sg.customs", "SG")
    nodes.put(db, SYSTEM, node_id=made.node_id, country="SG", endpoint="http://127.0.0.1:9", jwks=made.jwks(),
              document_types=["acdd", "form-d", "ubl-invoice"])  # fmt: skip
    db.commit()
    return made


class Receiver:
    """Plays the receiving node without sockets: answers each envelope with a receipt it signs."""

    def __init__(self, node: Peer) -> None:
        self.node = node

    def post(self, url: str, body: bytes, timeout: float) -> Reply:
        message = json.loads(body)
        claims = jws.open_token(message["envelope"], ENVELOPE_TYPE, 65536).claims
        assert claims is not None
        receipt = receipts.Receipt(
            receipt_id="11111111-2222-4333-8444-555555555555", message_id=claims["message_id"],
            receiver=self.node.node_id, sender=claims["sender"], status="accepted", errors=[],
            received_at="2026-11-22T10:00:00.000Z", payload_digest=claims["payload_digest"],
        )  # fmt: skip
        token = receipts.issue(receipt, self.node.kid, self.node.private)
        return Reply(200, "application/json", json.dumps({"receipt": token}).encode())

    def close(self) -> None:
        pass


class Unreachable:
    def post(self, url: str, body: bytes, timeout: float) -> Reply:
        raise TransportError("ConnectError: connection refused")

    def close(self) -> None:
        pass


def _merchant(db: Session, country: str = "TH") -> tuple[str, str]:
    """A merchant with one stored e-Form D: (e-mail, document id)."""
    user = f.user(db, organisation=f.org(db, country=country), roles=[Role.business_user])
    row, _ = service.store(db, principal_for_user(user), None, FORM_D)
    db.commit()
    return user.email, row.id


def _send(client: TestClient, data: dict[str, str]) -> object:
    token = csrf_token(client, "/exchange/messages")
    return client.post("/exchange/outbox", data={"csrf_token": token, **data}, headers=HTML, follow_redirects=False)


def _outbox_count(db: Session) -> int:
    db.rollback()
    return int(db.execute(select(func.count()).select_from(OutboxMessage)).scalar_one())


def test_queue_deliver_and_read_the_verified_receipt(app: object, client: TestClient, db: Session, peer: Peer) -> None:
    email, doc_id = _merchant(db)
    sign_in(client, email)
    form = client.get(f"/exchange/messages?document={doc_id}", headers=HTML).text
    assert f'<option value="{doc_id}" selected>' in form and '<option value="sg.customs"' in form
    reference = re.search(r'name="client_reference" value="([^"]+)"', form)
    assert reference is not None
    data = {"document_id": doc_id, "receiver": "sg.customs", "client_reference": reference.group(1)}
    queued = _send(client, data)
    assert queued.status_code == 303, queued.text  # type: ignore[attr-defined]
    page = queued.headers["location"].split("?")[0]  # type: ignore[attr-defined]
    again = _send(client, data)  # a double submit: the same message, never a second one
    assert again.headers["location"].split("?")[0] == page  # type: ignore[attr-defined]
    assert _outbox_count(db) == 1
    shown = client.get(page, headers=HTML).text
    assert 'data-status="queued"' in shown and "No receipt yet." in shown and "Not attempted yet." in shown

    summary = delivery.deliver_batch(Receiver(peer))
    assert summary.accepted == 1
    shown = client.get(page, headers=HTML).text
    receipt = shown.split('id="receipt-check"')[1]
    assert 'data-verified="true"' in shown and "11111111-2222-4333-8444-555555555555" in receipt
    assert 'id="status"><span class="badge message-accepted"' in shown and 'data-outcome="accepted"' in shown
    listed = client.get("/exchange/messages", headers=HTML).text
    row = listed.split(f'data-message="{page.rsplit("/", 1)[-1]}"')[1].split("</tr>")[0]
    assert "sg.customs" in row and 'data-status="accepted"' in row and '<td class="num">1</td>' in row
    document = client.get(f"/documents/{doc_id}", headers=HTML).text.split('id="exchange"')[1]
    assert "Sent to sg.customs" in document and 'data-verified="true"' in document

    outsider = TestClient(app)  # type: ignore[arg-type]
    other_email, _ = _merchant(db)
    sign_in(outsider, other_email)
    assert outsider.get(page, headers=HTML).status_code == 404
    assert 'id="no-messages"' in outsider.get("/exchange/messages", headers=HTML).text


def test_a_failing_delivery_shows_its_attempts_and_last_error(client: TestClient, db: Session, peer: Peer) -> None:
    email, doc_id = _merchant(db)
    sign_in(client, email)
    queued = _send(client, {"document_id": doc_id, "receiver": "sg.customs", "client_reference": "web-1"})
    page = queued.headers["location"].split("?")[0]  # type: ignore[attr-defined]
    delivery.deliver_batch(Unreachable())
    listed = client.get("/exchange/messages", headers=HTML).text
    assert "unreachable: ConnectError: connection refused" in listed and '<td class="num">1</td>' in listed
    shown = client.get(page, headers=HTML).text
    assert 'data-outcome="unreachable"' in shown and 'id="last-error"' in shown and 'data-status="queued"' in shown


def test_sending_needs_the_token_a_known_node_and_a_visible_document(
    client: TestClient, db: Session, peer: Peer
) -> None:
    email, doc_id = _merchant(db)
    _, foreign_doc = _merchant(db)
    sign_in(client, email)
    data = {"document_id": doc_id, "receiver": "sg.customs", "client_reference": "web-2"}
    forged = client.post("/exchange/outbox", data=data, headers=HTML, follow_redirects=False)
    assert forged.status_code == 403
    unknown_node = _send(client, {**data, "receiver": "zz.nowhere"})
    assert unknown_node.status_code == 422 and "<code>receiver</code>" in unknown_node.text  # type: ignore[attr-defined]
    too_long = _send(client, {**data, "client_reference": "r" * 101})
    assert too_long.status_code == 422 and "at most 100 characters" in too_long.text  # type: ignore[attr-defined]
    not_mine = _send(client, {**data, "document_id": foreign_doc})
    assert not_mine.status_code == 422 and "<code>document_id</code>" in not_mine.text  # type: ignore[attr-defined]
    assert _outbox_count(db) == 0


def test_received_messages_are_for_the_member_states_authorities(client: TestClient, db: Session) -> None:
    sender = Peer("vn.customs", "VN")
    sender.register(db)
    body, env = sender.message(b'{"id": "INV-1", "amount": 1}')
    assert client.post("/api/v1/exchange/messages", json=body).status_code == 200
    merchant_email, _ = _merchant(db, country="ASEAN")
    officer = f.user(db, organisation=f.org(db, kind=OrgKind.customs_authority, country="ASEAN"),
                     roles=[Role.customs_officer])  # fmt: skip

    sign_in(client, merchant_email)
    assert 'id="tab-in"' not in client.get("/exchange/messages", headers=HTML).text
    assert 'id="no-messages"' in client.get("/exchange/messages?direction=in", headers=HTML).text
    assert client.get(f"/exchange/messages/{env.message_id}", headers=HTML).status_code == 404

    sign_in(client, officer.email)
    listed = client.get("/exchange/messages?direction=in", headers=HTML).text
    assert f'data-message="{env.message_id}"' in listed and "vn.customs" in listed
    shown = client.get(f"/exchange/messages/{env.message_id}", headers=HTML).text
    assert 'id="sender">vn.customs<' in shown and 'data-verified="true"' in shown
    assert client.get("/exchange/messages/00000000-0000-4000-8000-000000000000", headers=HTML).status_code == 404
