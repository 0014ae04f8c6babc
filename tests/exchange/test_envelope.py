"""Envelope and receipt verification: every reason code, and untrusted tokens never verify."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossborder.core.keys import b64url_encode
from crossborder.exchange import envelope, receipts
from crossborder.exchange.envelope import Envelope, Limits, SenderKeys
from crossborder.exchange.receipts import Receipt
from tests.exchange.material import Peer, doc

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LIMITS = Limits(replay_window_seconds=300, clock_skew_seconds=60, max_payload_bytes=1000, max_token_bytes=4096)
SENDER = Peer("sg.customs", "SG")
STRANGER = Peer("zz.nobody", "TH")


def _senders(node_id: str) -> SenderKeys | None:
    if node_id == SENDER.node_id:
        return SenderKeys(node_id, {SENDER.kid: SENDER.private.public_key()})
    return None


def _env(payload: bytes = doc(), **overrides: object) -> Envelope:
    base = envelope.new_envelope(SENDER.node_id, "my.customs", "test-json", payload, NOW, str(uuid.uuid4()))
    return Envelope(**{**base.claims(), **overrides})  # type: ignore[arg-type]


def _check(token: object, payload: bytes = doc(), receiver: str = "my.customs", now: datetime = NOW) -> str:
    return envelope.verify(token, payload, receiver=receiver, senders=_senders, now=now, limits=LIMITS).reason


def _forge(header: dict[str, object], claims: dict[str, object], signature: bytes = b"\0" * 64) -> str:
    h = b64url_encode(json.dumps(header).encode())
    c = b64url_encode(json.dumps(claims).encode())
    return f"{h}.{c}.{b64url_encode(signature)}"


def test_a_well_formed_envelope_holds() -> None:
    env = _env()
    checked = envelope.verify(SENDER.sign(env), doc(), receiver="my.customs", senders=_senders, now=NOW, limits=LIMITS)
    assert checked.ok and checked.envelope == env and checked.kid == SENDER.kid


def test_every_reason_code() -> None:
    payload = doc()
    good = SENDER.sign(_env(payload))
    header, _claims, _sig = good.split(".")
    tampered = _env(payload, receiver="my.customs", document_type="form-d")
    cases = {
        "malformed": "not-a-token",
        "unknown_sender": STRANGER.sign(_env(payload, sender=STRANGER.node_id)),
        "unknown_key": STRANGER.sign(_env(payload)),  # claims to be SENDER, signed with another key
        "bad_signature": f"{header}.{b64url_encode(json.dumps(tampered.claims()).encode())}.{_sig}",
        "wrong_receiver": SENDER.sign(_env(payload, receiver="th.customs")),
        "expired": SENDER.sign(_env(payload, created=int((NOW - timedelta(seconds=361)).timestamp()))),
        "from_the_future": SENDER.sign(_env(payload, created=int((NOW + timedelta(seconds=61)).timestamp()))),
        "too_large": SENDER.sign(_env(payload, payload_size=1001)),
    }
    for reason, token in cases.items():
        assert _check(token, payload) == reason, reason
    assert _check(good, payload + b" ") == "digest_mismatch"
    assert _check(SENDER.sign(_env(b"x" * 1001)), b"x" * 1001) == "too_large"


def test_unknown_kid_gets_unknown_key_but_a_known_kid_with_a_foreign_signature_is_bad_signature() -> None:
    env = _env()
    _, claims, sig = STRANGER.sign(env).split(".")
    header = b64url_encode(json.dumps({"alg": "Ed25519", "kid": SENDER.kid, "typ": "cb-envelope+jwt"}).encode())
    assert _check(f"{header}.{claims}.{sig}") == "bad_signature"


def test_skew_is_tolerated_both_ways() -> None:
    just_old = int((NOW - timedelta(seconds=359)).timestamp())
    just_ahead = int((NOW + timedelta(seconds=59)).timestamp())
    assert _check(SENDER.sign(_env(created=just_old))) == ""
    assert _check(SENDER.sign(_env(created=just_ahead))) == ""


def test_claims_failures_are_all_listed_once_the_signature_holds() -> None:
    env = _env(receiver="th.customs", created=int((NOW - timedelta(days=1)).timestamp()))
    checked = envelope.verify(
        SENDER.sign(env), b"other", receiver="my.customs", senders=_senders, now=NOW, limits=LIMITS
    )
    assert [f.reason for f in checked.failures] == ["wrong_receiver", "expired", "digest_mismatch"]
    assert {f.path for f in checked.failures} == {"envelope.receiver", "envelope.created", "envelope.payload_digest"}


def test_suspended_sender_is_unknown() -> None:
    token = SENDER.sign(_env())
    suspended = SenderKeys(SENDER.node_id, {SENDER.kid: SENDER.private.public_key()}, active=False)
    checked = envelope.verify(token, doc(), receiver="my.customs", senders=lambda _: suspended, now=NOW, limits=LIMITS)
    assert checked.reason == "unknown_sender"


@pytest.mark.parametrize("alg", ["none", "HS256", "RS256", "ES256", None, ["Ed25519"]])
def test_algorithm_confusion_is_wrong_algorithm(alg: object) -> None:
    env = _env()
    header = {"alg": alg, "kid": SENDER.kid, "typ": "cb-envelope+jwt"}
    h = b64url_encode(json.dumps(header).encode())
    c = b64url_encode(json.dumps(env.claims()).encode())
    # HS256 keyed with the sender's public key bytes: the classic confusion attack.
    public = SENDER.private.public_key().public_bytes_raw()
    mac = hmac.new(public, f"{h}.{c}".encode(), hashlib.sha256).digest()
    assert _check(f"{h}.{c}.{b64url_encode(mac)}") == "wrong_algorithm"
    assert _check(f"{h}.{c}.") == "wrong_algorithm"


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "Ed25519", "kid": "k", "typ": "cb-receipt+jwt"},  # a receipt is not an envelope
        {"alg": "Ed25519", "kid": "k"},
        {"alg": "Ed25519", "typ": "cb-envelope+jwt"},
        {"alg": "Ed25519", "kid": "k", "typ": "cb-envelope+jwt", "jku": "http://127.0.0.1/keys"},
        {"alg": "Ed25519", "kid": "k", "typ": "cb-envelope+jwt", "crit": ["b64"]},
    ],
)
def test_header_beyond_alg_kid_typ_is_malformed(header: dict[str, object]) -> None:
    assert _check(_forge(header, _env().claims())) == "malformed"


@pytest.mark.parametrize(
    "change",
    [
        {"message_id": "not-a-uuid"},
        {"message_id": str(uuid.uuid4()).upper()},
        {"created": "1700000000"},
        {"created": True},
        {"payload_size": -1},
        {"payload_digest": "sha-1:abc"},
        {"sender": "SG Customs"},
        {"extra": 1},
    ],
)
def test_ill_typed_claims_are_malformed(change: dict[str, object]) -> None:
    claims = {**_env().claims(), **change}
    h = b64url_encode(json.dumps({"alg": "Ed25519", "kid": SENDER.kid, "typ": "cb-envelope+jwt"}).encode())
    c = b64url_encode(json.dumps(claims).encode())
    sig = SENDER.private.sign(f"{h}.{c}".encode())
    assert _check(f"{h}.{c}.{b64url_encode(sig)}") == "malformed"


def test_duplicate_claim_keys_are_malformed() -> None:
    h = b64url_encode(json.dumps({"alg": "Ed25519", "kid": SENDER.kid, "typ": "cb-envelope+jwt"}).encode())
    body = json.dumps(_env().claims())[:-1] + ', "receiver": "th.customs"}'
    c = b64url_encode(body.encode())
    assert _check(f"{h}.{c}.{b64url_encode(SENDER.private.sign(f'{h}.{c}'.encode()))}") == "malformed"


def test_padded_or_non_canonical_signature_is_malformed() -> None:
    token = SENDER.sign(_env())
    assert _check(token + "=") == "malformed"
    head, claims, sig = token.split(".")
    flipped = sig[:-1] + ("B" if sig[-1] == "A" else "A")  # the unused low bits of the last character
    assert _check(f"{head}.{claims}.{flipped}") in {"malformed", "bad_signature"}


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=100), st.integers(), st.none(), st.lists(st.text())))
def test_arbitrary_input_never_verifies_and_never_raises(token: object) -> None:
    reason = _check(token)
    assert reason in envelope.REASONS


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0), st.characters(codec="ascii"))
def test_any_one_character_change_to_a_valid_token_fails(position: int, replacement: str) -> None:
    token = SENDER.sign(_env())
    index = position % len(token)
    if token[index] == replacement:
        return
    changed = token[:index] + replacement + token[index + 1 :]
    assert _check(changed) in envelope.REASONS


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_any_other_payload_is_a_digest_mismatch(other: bytes) -> None:
    payload = doc()
    if other == payload:
        return
    assert _check(SENDER.sign(_env(payload)), other) == "digest_mismatch"


# --- receipts ---------------------------------------------------------------------------------

RECEIVER = Peer("my.customs", "MY")


def _receipt(**overrides: object) -> Receipt:
    base = Receipt(
        receipt_id=str(uuid.uuid4()),
        message_id="3f0c1d2e-0000-4000-8000-000000000001",
        receiver="my.customs",
        sender="sg.customs",
        status="rejected",
        errors=[{"rule": "TEST-JSON-AMOUNT", "path": "/amount", "message": "negative", "severity": "fatal"}],
        received_at=receipts.received_at(NOW),
        payload_digest=envelope.payload_digest(doc()),
    )
    return Receipt(**{**base.claims(), **overrides})  # type: ignore[arg-type]


def _verify_receipt(token: object, **expect: str) -> str:
    wanted = {
        "message_id": "3f0c1d2e-0000-4000-8000-000000000001",
        "sender": "sg.customs",
        "receiver": "my.customs",
        "payload_digest": envelope.payload_digest(doc()),
        **expect,
    }
    return receipts.verify(token, {RECEIVER.kid: RECEIVER.private.public_key()}, **wanted).reason


def test_receipt_verifies_and_carries_the_errors() -> None:
    token = receipts.issue(_receipt(), RECEIVER.kid, RECEIVER.private)
    check = receipts.verify(
        token,
        {RECEIVER.kid: RECEIVER.private.public_key()},
        message_id="3f0c1d2e-0000-4000-8000-000000000001",
        sender="sg.customs",
        receiver="my.customs",
        payload_digest=envelope.payload_digest(doc()),
    )
    assert check.ok and check.receipt is not None
    assert check.receipt.status == "rejected" and check.receipt.errors[0]["rule"] == "TEST-JSON-AMOUNT"


def test_receipt_failures() -> None:
    token = receipts.issue(_receipt(), RECEIVER.kid, RECEIVER.private)
    assert _verify_receipt(token, message_id=str(uuid.uuid4())) == "not_this_message"
    assert _verify_receipt(token, payload_digest=envelope.payload_digest(b"other")) == "not_this_message"
    assert _verify_receipt(receipts.issue(_receipt(), STRANGER.kid, STRANGER.private)) == "unknown_key"
    forged = receipts.issue(_receipt(), RECEIVER.kid, STRANGER.private)
    assert _verify_receipt(forged) == "bad_signature"
    assert _verify_receipt(receipts.issue(_receipt(status="maybe"), RECEIVER.kid, RECEIVER.private)) == "malformed"
    envelope_token = SENDER.sign(_env())
    assert _verify_receipt(envelope_token) == "malformed"  # an envelope can never pass for a receipt
    assert _verify_receipt(base64.b64encode(b"junk").decode()) == "malformed"
