"""The envelope: a compact JWS (alg Ed25519, typ cb-envelope+jwt) signed by the sender over
{message_id, sender, receiver, document_type, created, payload_digest, payload_size}. The payload
travels beside it (see `wire`), bound to it by its SHA-256 digest and size.

Verification is pure: it takes the token, the payload, the registry as a lookup and the clock,
and returns a reason code ("" when the envelope holds). The one check that needs the store,
"replayed" (a message id seen before with a different digest), is the inbox's."""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from crossborder.exchange import jws
from crossborder.exchange.jws import PublicKey

ENVELOPE_TYPE = "cb-envelope+jwt"  # explicit typing (RFC 8725 §3.11): a receipt can never pass for an envelope
REASONS = (
    *("malformed", "wrong_algorithm", "unknown_sender", "unknown_key", "bad_signature", "wrong_receiver"),
    *("too_large", "expired", "from_the_future", "digest_mismatch", "replayed"),
)
CLAIMS = frozenset({"message_id", "sender", "receiver", "document_type", "created", "payload_digest", "payload_size"})
DIGEST_PATTERN = re.compile(r"^sha-256:[A-Za-z0-9_-]{43}$")
NODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9.-]{1,62}$")
TYPE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")


def payload_digest(payload: bytes) -> str:
    return "sha-256:" + base64.urlsafe_b64encode(hashlib.sha256(payload).digest()).rstrip(b"=").decode()


@dataclass(frozen=True)
class Envelope:
    message_id: str
    sender: str
    receiver: str
    document_type: str
    created: int  # epoch seconds, UTC
    payload_digest: str
    payload_size: int

    def claims(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "sender": self.sender,
            "receiver": self.receiver,
            "document_type": self.document_type,
            "created": self.created,
            "payload_digest": self.payload_digest,
            "payload_size": self.payload_size,
        }


@dataclass(frozen=True)
class SenderKeys:
    """A registered node as a verifier needs it: its published keys by kid, and whether it is active."""

    node_id: str
    keys: Mapping[str, PublicKey]
    active: bool = True


@dataclass(frozen=True)
class Limits:
    replay_window_seconds: int
    clock_skew_seconds: int
    max_payload_bytes: int
    max_token_bytes: int


@dataclass(frozen=True)
class Failure:
    reason: str  # one of REASONS
    path: str  # which part of the message: envelope, envelope.<claim>, payload
    detail: str
    value: Any = None


@dataclass(frozen=True)
class Checked:
    """The outcome: no failures means the envelope holds. Before the signature holds there is at
    most one failure (nothing else in an unauthenticated token is worth reporting); after it, every
    claim that fails is listed."""

    failures: tuple[Failure, ...] = ()
    envelope: Envelope | None = None  # set once the signature held
    kid: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def reason(self) -> str:
        return self.failures[0].reason if self.failures else ""


def _refused(reason: str, path: str, detail: str, value: Any = None, kid: str | None = None) -> Checked:
    return Checked((Failure(reason, path, detail, value),), None, kid)


def seal(envelope: Envelope, kid: str, private: Ed25519PrivateKey) -> str:
    return jws.sign(envelope.claims(), kid, private, ENVELOPE_TYPE)


def new_envelope(
    sender: str, receiver: str, document_type: str, payload: bytes, now: datetime, message_id: str
) -> Envelope:
    return Envelope(
        message_id=message_id,
        sender=sender,
        receiver=receiver,
        document_type=document_type,
        created=int(now.timestamp()),
        payload_digest=payload_digest(payload),
        payload_size=len(payload),
    )


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value  # canonical lowercase spelling only: one id, one string
    except ValueError:
        return False


def _shape(claims: dict[str, Any]) -> Envelope | None:
    if set(claims) != CLAIMS:
        return None
    created, size = claims["created"], claims["payload_size"]
    ok = (
        _is_uuid(claims["message_id"])
        and all(isinstance(claims[k], str) and NODE_PATTERN.match(claims[k]) for k in ("sender", "receiver"))
        and isinstance(claims["document_type"], str)
        and TYPE_PATTERN.match(claims["document_type"]) is not None
        and type(created) is int
        and type(size) is int
        and size >= 0
        and isinstance(claims["payload_digest"], str)
        and DIGEST_PATTERN.match(claims["payload_digest"]) is not None
    )
    return Envelope(**claims) if ok else None


def verify(
    token: Any,
    payload: bytes,
    *,
    receiver: str,
    senders: Callable[[str], SenderKeys | None],
    now: datetime,
    limits: Limits,
) -> Checked:
    """Every check but replay, in an order that never tells an unauthenticated party more than
    "who are you": format, algorithm, sender, key, signature, then what the signed claims say."""
    opened = jws.open_token(token, ENVELOPE_TYPE, limits.max_token_bytes)
    if opened.reason == "wrong_algorithm":
        return _refused("wrong_algorithm", "envelope.header.alg", "alg must be Ed25519 (or EdDSA)", kid=opened.kid)
    if opened.reason:
        detail = f"must be a compact JWS, typ {ENVELOPE_TYPE}, at most {limits.max_token_bytes} characters"
        return _refused(opened.reason, "envelope", detail, kid=opened.kid)
    assert opened.claims is not None
    env = _shape(opened.claims)
    if env is None:
        detail = f"claims must be exactly {sorted(CLAIMS)}, well-typed"
        return _refused("malformed", "envelope.claims", detail, sorted(opened.claims), opened.kid)
    sender = senders(env.sender)
    if sender is None or not sender.active:
        detail = "not an active node of this node's registry"
        return _refused("unknown_sender", "envelope.sender", detail, env.sender, opened.kid)
    key = sender.keys.get(opened.kid or "")
    if key is None:
        detail = f"no key with this kid is registered for {env.sender}"
        return _refused("unknown_key", "envelope.header.kid", detail, opened.kid, opened.kid)
    if not opened.verify_with(key):
        detail = f"the signature does not verify with {env.sender}'s key"
        return _refused("bad_signature", "envelope.signature", detail, opened.kid, opened.kid)
    return Checked(_claim_failures(env, payload, receiver, now, limits), env, opened.kid)


def _claim_failures(env: Envelope, payload: bytes, receiver: str, now: datetime, limits: Limits) -> tuple[Failure, ...]:
    found: list[Failure] = []
    if env.receiver != receiver:
        found.append(Failure("wrong_receiver", "envelope.receiver", f"this node is {receiver}", env.receiver))
    size = max(env.payload_size, len(payload))
    if size > limits.max_payload_bytes:
        found.append(Failure("too_large", "payload", f"at most {limits.max_payload_bytes} bytes", size))
    age = int(now.timestamp()) - env.created
    if age > limits.replay_window_seconds + limits.clock_skew_seconds:
        rule = f"at most {limits.replay_window_seconds} s old (+{limits.clock_skew_seconds} s skew); it is {age} s old"
        found.append(Failure("expired", "envelope.created", rule, env.created))
    elif -age > limits.clock_skew_seconds:
        rule = f"at most {limits.clock_skew_seconds} s in the future; it is {-age} s ahead"
        found.append(Failure("from_the_future", "envelope.created", rule, env.created))
    if len(payload) != env.payload_size or payload_digest(payload) != env.payload_digest:
        detail = "must be the SHA-256 digest and size of the payload sent"
        found.append(Failure("digest_mismatch", "envelope.payload_digest", detail, env.payload_digest))
    return tuple(found)
