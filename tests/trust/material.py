"""Offline verification material built without a database: issuers, signed credentials and
status lists, as a verifier would hold them after fetching and checking."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from crossborder.core.keys import public_jwk
from crossborder.trust.credentials import build_credential, sign, status_entries
from crossborder.trust.status import flip, list_credential, read_list_credential
from crossborder.trust.verify import IssuerKeys, StatusList

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SIZE = 131072 // 8


@dataclass
class Issuer:
    """One issuer with a signing key, its published keys and both status lists."""

    id: str
    country: str | None
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    bits: dict[str, bytes] = field(default_factory=lambda: {"revocation": bytes(SIZE), "suspension": bytes(SIZE)})

    @property
    def kid(self) -> str:
        return public_jwk(self.key)[0]

    def url(self, purpose: str) -> str:
        return f"{self.id}/status/{purpose}"

    def credential(
        self, index: int = 7, *, scheme: str = "trust_mark", subject_country: str = "VN", days: int = 365, **extra: Any
    ) -> dict[str, Any]:
        claims = build_credential(
            credential_id=f"urn:uuid:00000000-0000-4000-8000-{index:012d}",
            issuer=self.id,
            issuer_name="Operator",
            credential_type="TrustMarkCredential",
            scheme=scheme,
            scheme_title="Trust mark",
            operator_country=self.country or "",
            subject={"id": f"urn:crossborder:business:{subject_country}:B{index}", "country": subject_country},
            valid_from=NOW - timedelta(days=1),
            valid_until=NOW - timedelta(days=1) + timedelta(days=days),
            status=status_entries({p: self.url(p) for p in self.bits}, index),
        )
        return {**claims, **extra}

    def token(self, index: int = 7, **kwargs: Any) -> str:
        return sign(self.credential(index, **kwargs), self.kid, self.key)

    def set(self, purpose: str, index: int) -> None:
        self.bits[purpose] = flip(self.bits[purpose], index, True)

    def keys(self) -> IssuerKeys:
        return IssuerKeys(self.id, self.country, {self.kid: self.key.public_key()})

    def lists(self) -> dict[str, StatusList]:
        # Through the real path: signed list credentials, read back and checked.
        found = {}
        for purpose, bits in self.bits.items():
            token = sign(list_credential(self.id, self.url(purpose), purpose, bits, NOW), self.kid, self.key)
            read = read_list_credential(token, {self.id: self.keys()}, NOW)
            assert isinstance(read, StatusList), read
            found[read.url] = read
        return found
