"""The inbox through the real app: signed receipts, every envelope failure as problem+json with
nothing stored, idempotent repeats and concurrent duplicates."""

from __future__ import annotations

import base64
import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.roles import Role
from crossborder.core.audit.models import AuditEntry
from crossborder.core.dates import utcnow
from crossborder.core.db import get_sessionmaker
from crossborder.core.keys import keys_from_jwks
from crossborder.exchange import inbox, receipts
from crossborder.exchange.envelope import Limits, payload_digest
from crossborder.exchange.models import InboxMessage
from crossborder.exchange.settings import INBOX_PATH, exchange_settings
from tests import factories as f
from tests.exchange.material import Peer, doc

PROBLEM = "application/problem+json"


def _stored(db: Session) -> int:
    db.rollback()
    return int(db.execute(select(func.count()).select_from(InboxMessage)).scalar_one())


def _node_keys(client: TestClient) -> dict[str, Any]:
    return dict(keys_from_jwks(client.get("/api/v1/exchange/node").json()["jwks"]))


def _verify(client: TestClient, answer: dict[str, Any], peer: Peer, payload: bytes) -> receipts.Receipt:
    check = receipts.verify(
        answer["receipt"],
        _node_keys(client),
        message_id=answer["message_id"],
        sender=peer.node_id,
        receiver=exchange_settings().node_id,
        payload_digest=payload_digest(payload),
    )
    assert check.ok, check
    assert check.receipt is not None
    return check.receipt


def test_node_document_is_public_and_lists_keys_and_types(client: TestClient) -> None:
    document = client.get("/api/v1/exchange/node").json()
    assert document["node_id"] == exchange_settings().node_id
    assert "test-json" in document["document_types"]
    (key,) = document["jwks"]["keys"]
    assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and "d" not in key


def test_a_valid_document_is_accepted_with_a_signed_receipt(client: TestClient, peer: Peer, db: Session) -> None:
    payload = doc()
    body, env = peer.message(payload)
    response = client.post(INBOX_PATH, json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status"] == "accepted" and answer["repeat"] is False
    receipt = _verify(client, answer, peer, payload)
    assert receipt.status == "accepted" and receipt.errors == []
    row = db.execute(select(InboxMessage)).scalar_one()
    assert (row.message_id, row.payload, row.status, row.receipt) == (
        env.message_id,
        payload,
        "accepted",
        answer["receipt"],
    )
    audit = db.execute(select(AuditEntry).where(AuditEntry.entity_id == env.message_id)).scalar_one()
    assert audit.action == "exchange.message.accepted" and audit.actor == f"node:{peer.node_id}"


def test_an_invalid_document_is_rejected_with_every_error_in_the_signed_receipt(
    client: TestClient, peer: Peer, db: Session
) -> None:
    payload = b'{"amount": -3}'
    body, _ = peer.message(payload)
    answer = client.post(INBOX_PATH, json=body).json()
    assert answer["status"] == "rejected"
    receipt = _verify(client, answer, peer, payload)
    assert {(e["rule"], e["path"]) for e in receipt.errors} == {
        ("TEST-JSON-SCHEMA", "/id"),
        ("TEST-JSON-AMOUNT", "/amount"),
    }
    assert _stored(db) == 1  # the rejection is stored too: a repeat answers the same receipt


def test_an_unknown_document_type_is_a_signed_rejection(client: TestClient, peer: Peer) -> None:
    payload = doc()
    body, _ = peer.message(payload, document_type="no-such-type")
    answer = client.post(INBOX_PATH, json=body).json()
    receipt = _verify(client, answer, peer, payload)
    assert receipt.status == "rejected" and receipt.errors[0]["rule"] == "EXCHANGE-DOCUMENT-TYPE"


def _case(peer: Peer, stranger: Peer, reason: str) -> dict[str, str]:
    payload = doc()
    if reason == "malformed":
        return {"envelope": "a.b.c", "payload": base64.b64encode(payload).decode()}
    if reason == "wrong_algorithm":
        good, _ = peer.message(payload)
        head = base64.urlsafe_b64encode(b'{"alg":"none","kid":"x","typ":"cb-envelope+jwt"}').rstrip(b"=").decode()
        return {**good, "envelope": head + "." + good["envelope"].split(".")[1] + "."}
    if reason == "unknown_sender":
        return stranger.message(payload)[0]
    if reason == "unknown_key":
        env = peer.envelope(payload)
        return {"envelope": stranger.sign(env), "payload": base64.b64encode(payload).decode()}
    if reason == "bad_signature":
        good, _ = peer.message(payload)
        forged, _ = peer.message(payload, document_type="form-d")
        head, _claims, sig = good["envelope"].split(".")
        return {**good, "envelope": f"{head}.{forged['envelope'].split('.')[1]}.{sig}"}
    if reason == "wrong_receiver":
        return peer.message(payload, receiver="th.customs")[0]
    if reason == "digest_mismatch":
        good, _ = peer.message(payload)
        return {**good, "payload": base64.b64encode(payload + b" ").decode()}
    if reason == "expired":
        return peer.message(payload, now=utcnow() - timedelta(hours=1))[0]
    if reason == "from_the_future":
        return peer.message(payload, now=utcnow() + timedelta(hours=1))[0]
    raise AssertionError(reason)


@pytest.mark.parametrize(
    ("reason", "status"),
    [
        ("malformed", 400),
        ("wrong_algorithm", 400),
        ("unknown_sender", 403),
        ("unknown_key", 403),
        ("bad_signature", 403),
        ("wrong_receiver", 403),
        ("digest_mismatch", 422),
        ("expired", 400),
        ("from_the_future", 400),
    ],
)
def test_every_envelope_failure_is_a_problem_and_stores_nothing(
    client: TestClient, peer: Peer, db: Session, reason: str, status: int
) -> None:
    response = client.post(INBOX_PATH, json=_case(peer, Peer("zz.unknown", "TH"), reason))
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    errors = response.json()["errors"]
    assert errors[0]["rule"].startswith(f"{reason}:")
    assert all(e["path"] for e in errors)
    assert _stored(db) == 0


def test_a_suspended_sender_is_refused(client: TestClient, peer: Peer, db: Session) -> None:
    _, admin = f.caller(db, Role.admin, country="ASEAN")
    assert client.post(f"/api/v1/exchange/nodes/{peer.node_id}/suspend", headers=f.bearer(admin)).status_code == 200
    response = client.post(INBOX_PATH, json=peer.message(doc())[0])
    assert response.status_code == 403 and response.json()["errors"][0]["rule"].startswith("unknown_sender")


def test_too_large_payload_is_refused(
    client: TestClient, peer: Peer, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox, "limits", lambda: Limits(300, 60, 64, 4096))
    response = client.post(INBOX_PATH, json=peer.message(b'{"id": "x", "amount": 1, "pad": "' + b"p" * 80 + b'"}')[0])
    assert response.status_code == 413 and response.json()["errors"][0]["rule"].startswith("too_large")
    assert _stored(db) == 0


def test_a_body_past_the_inbox_limit_is_refused_before_reading(client: TestClient) -> None:
    limit = exchange_settings().max_body_bytes
    response = client.post(INBOX_PATH, content=b"x" * (limit + 1), headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.headers["content-type"] == PROBLEM


def test_bad_base64_and_bad_shape_name_the_field(client: TestClient, peer: Peer) -> None:
    good, _ = peer.message(doc())
    response = client.post(INBOX_PATH, json={**good, "payload": "not base64!"})
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "payload"
    response = client.post(INBOX_PATH, json={"envelope": good["envelope"], "extra": 1})
    assert response.status_code == 422
    assert {e["path"] for e in response.json()["errors"]} == {"payload", "extra"}


def test_a_repeat_answers_the_first_receipt_and_stores_once(client: TestClient, peer: Peer, db: Session) -> None:
    body, _ = peer.message(doc())
    first = client.post(INBOX_PATH, json=body).json()
    # The sender re-signs each attempt: a fresh envelope for the same message id and payload.
    again_body = {**body, "envelope": peer.sign(peer.envelope(doc(), message_id=first["message_id"]))}
    second = client.post(INBOX_PATH, json=again_body).json()
    assert second["receipt"] == first["receipt"] and second["repeat"] is True
    assert _stored(db) == 1


def test_the_same_id_with_another_payload_is_replayed(client: TestClient, peer: Peer, db: Session) -> None:
    body, env = peer.message(doc())
    client.post(INBOX_PATH, json=body)
    other = doc(amount=99)
    replay = {
        "envelope": peer.sign(peer.envelope(other, message_id=env.message_id)),
        "payload": base64.b64encode(other).decode(),
    }
    response = client.post(INBOX_PATH, json=replay)
    assert response.status_code == 409 and response.json()["errors"][0]["rule"].startswith("replayed")
    row = db.execute(select(InboxMessage)).scalar_one()
    assert row.payload == doc() and _stored(db) == 1


def test_concurrent_duplicates_store_once_and_all_get_the_first_receipt(peer: Peer, db: Session) -> None:
    payload = doc()
    env = peer.envelope(payload)
    token = peer.sign(env)
    answers: list[str] = []
    barrier = threading.Barrier(6)

    def post() -> None:
        session = get_sessionmaker()()
        try:
            barrier.wait()
            answers.append(inbox.receive(session, token, payload).receipt)
        finally:
            session.close()

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 6 and len(set(answers)) == 1
    assert _stored(db) == 1
    stored = db.execute(select(InboxMessage.receipt)).scalar_one()
    assert stored == answers[0]


def test_message_status_is_visible_to_this_nodes_authorities_only(client: TestClient, peer: Peer, db: Session) -> None:
    body, env = peer.message(doc())
    client.post(INBOX_PATH, json=body)
    _, admin = f.caller(db, Role.admin, country="ASEAN")
    listed = client.get("/api/v1/exchange/messages?direction=in", headers=f.bearer(admin)).json()["messages"]
    assert [m["message_id"] for m in listed] == [env.message_id] and listed[0]["status"] == "accepted"
    one = client.get(f"/api/v1/exchange/messages/{env.message_id}", headers=f.bearer(admin)).json()
    assert one["direction"] == "in" and one["receipt"] == listed[0]["receipt"]
    _, shop = f.caller(db, Role.business_user, country="VN")
    assert client.get("/api/v1/exchange/messages?direction=in", headers=f.bearer(shop)).json()["messages"] == []
    assert client.get(f"/api/v1/exchange/messages/{env.message_id}", headers=f.bearer(shop)).status_code == 404
    assert client.get(f"/api/v1/exchange/messages/{uuid.uuid4()}", headers=f.bearer(admin)).status_code == 404


def test_received_documents_are_kept_for_this_states_authorities(client: TestClient, peer: Peer, db: Session) -> None:
    from crossborder.documents.models import StoredDocument

    payload = doc()
    body, env = peer.message(payload)
    client.post(INBOX_PATH, json=body)
    rejected_payload = b'{"amount": -3}'
    client.post(INBOX_PATH, json=peer.message(rejected_payload)[0])
    db.rollback()
    kept = {r.content: r for r in db.execute(select(StoredDocument)).scalars()}
    assert set(kept) == {payload, rejected_payload}  # the rejected one too, as evidence
    accepted = kept[payload]
    assert (accepted.organisation_id, accepted.country, accepted.received_from, accepted.valid) == (
        None, exchange_settings().country, peer.node_id, True
    )  # fmt: skip
    assert kept[rejected_payload].valid is False and kept[rejected_payload].validation["errors"]
    audit = db.execute(select(AuditEntry).where(AuditEntry.entity_id == env.message_id)).scalar_one()
    assert audit.action == "exchange.message.accepted"
    _, authority = f.caller(db, Role.admin, country=exchange_settings().country)
    seen = client.get(f"/api/v1/documents/{accepted.id}", headers=f.bearer(authority))
    assert seen.status_code == 200, seen.text
    _, shop = f.caller(db, Role.business_user, country="VN")
    assert client.get(f"/api/v1/documents/{accepted.id}", headers=f.bearer(shop)).status_code == 404
    client.post(INBOX_PATH, json=body)  # a repeat keeps one copy
    db.rollback()
    assert db.execute(select(func.count()).select_from(StoredDocument)).scalar_one() == 2
