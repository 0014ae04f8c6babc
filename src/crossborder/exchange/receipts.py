"""Receipts: the receiver's signed answer to a message (typ cb-receipt+jwt), accepted or rejected
with the validation errors. The sender keeps it as evidence that the receiver had exactly this
payload (its digest) and what it decided. Verification is pure, like the envelope's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from crossborder.exchange import jws
from crossborder.exchange.jws import PublicKey

RECEIPT_TYPE = "cb-receipt+jwt"
STATUSES = ("accepted", "rejected")
CLAIMS = frozenset(
    {"receipt_id", "message_id", "receiver", "sender", "status", "errors", "received_at", "payload_digest"}
)
REASONS = ("malformed", "wrong_algorithm", "unknown_key", "bad_signature", "not_this_message")


@dataclass(frozen=True)
class Receipt:
    receipt_id: str
    message_id: str
    receiver: str
    sender: str
    status: str
    errors: list[dict[str, Any]]
    received_at: str  # ISO 8601, UTC
    payload_digest: str

    def claims(self) -> dict[str, Any]:
        return {
            "receipt_id": self.receipt_id,
            "message_id": self.message_id,
            "receiver": self.receiver,
            "sender": self.sender,
            "status": self.status,
            "errors": self.errors,
            "received_at": self.received_at,
            "payload_digest": self.payload_digest,
        }


def issue(receipt: Receipt, kid: str, private: Ed25519PrivateKey) -> str:
    return jws.sign(receipt.claims(), kid, private, RECEIPT_TYPE)


def received_at(now: datetime) -> str:
    return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class ReceiptCheck:
    reason: str  # "" when the receipt verifies and answers the expected message
    detail: str = ""
    receipt: Receipt | None = None

    @property
    def ok(self) -> bool:
        return self.reason == ""


def _shape(claims: dict[str, Any]) -> Receipt | None:
    if set(claims) != CLAIMS or claims["status"] not in STATUSES or not isinstance(claims["errors"], list):
        return None
    if not all(isinstance(claims[k], str) for k in CLAIMS - {"errors"}):
        return None
    if not all(isinstance(e, dict) for e in claims["errors"]):
        return None
    return Receipt(**claims)


def verify(
    token: Any,
    receiver_keys: Mapping[str, PublicKey],
    *,
    message_id: str,
    sender: str,
    receiver: str,
    payload_digest: str,
    max_bytes: int = 65536,
) -> ReceiptCheck:
    """Holds only if the receiver's registered key signed it and it answers exactly this message,
    from this sender, with this payload."""
    opened = jws.open_token(token, RECEIPT_TYPE, max_bytes)
    if opened.reason:
        return ReceiptCheck(opened.reason, "not a cb-receipt+jwt with alg Ed25519")
    assert opened.claims is not None
    receipt = _shape(opened.claims)
    if receipt is None:
        return ReceiptCheck("malformed", f"claims must be exactly {sorted(CLAIMS)}, well-typed")
    key = receiver_keys.get(opened.kid or "")
    if key is None:
        return ReceiptCheck("unknown_key", f"no registered key {opened.kid!r} for {receiver!r}")
    if not opened.verify_with(key):
        return ReceiptCheck("bad_signature", f"signature does not verify with {receiver}'s key")
    expected = (message_id, sender, receiver, payload_digest)
    if (receipt.message_id, receipt.sender, receipt.receiver, receipt.payload_digest) != expected:
        return ReceiptCheck("not_this_message", "the receipt answers another message, party or payload", receipt)
    return ReceiptCheck("", "", receipt)
