"""Builders for exchange tests: a peer node's keys, registered in this node's registry, and
messages it signs (with keyword overrides to break exactly one thing)."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from crossborder.core.access.principal import SYSTEM
from crossborder.core.dates import utcnow
from crossborder.core.keys import public_jwk
from crossborder.exchange import envelope, nodes
from crossborder.exchange.envelope import Envelope
from crossborder.exchange.settings import exchange_settings
from crossborder.exchange.testtypes import TEST_TYPE


@dataclass
class Peer:
    node_id: str
    country: str
    private: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    @property
    def kid(self) -> str:
        return public_jwk(self.private)[0]

    def jwks(self) -> dict[str, Any]:
        return {"keys": [public_jwk(self.private)[1]]}

    def register(self, db: Session, endpoint: str = "http://127.0.0.1:9") -> None:
        nodes.put(
            db,
            SYSTEM,
            node_id=self.node_id,
            country=self.country,
            endpoint=endpoint,
            jwks=self.jwks(),
            document_types=[TEST_TYPE],
        )
        db.commit()

    def envelope(self, payload: bytes, *, now: datetime | None = None, **overrides: Any) -> Envelope:
        made = envelope.new_envelope(
            self.node_id,
            exchange_settings().node_id,
            TEST_TYPE,
            payload,
            now or utcnow(),
            str(uuid.uuid4()),
        )
        return Envelope(**{**made.claims(), **overrides})

    def sign(self, env: Envelope) -> str:
        return envelope.seal(env, self.kid, self.private)

    def message(self, payload: bytes, **overrides: Any) -> tuple[dict[str, str], Envelope]:
        env = self.envelope(payload, **overrides)
        return {"envelope": self.sign(env), "payload": base64.b64encode(payload).decode()}, env


def doc(amount: float = 12.5, ident: str = "INV-1") -> bytes:
    return json.dumps({"id": ident, "amount": amount}).encode()
