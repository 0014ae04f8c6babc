"""Issuer keys of trust-mark operators: one active Ed25519 key per operator, sealed at rest,
rotated with key ids, published (active and retired) as the operator's JWKS.

A retired key signs nothing more but stays published, so credentials it signed still verify. A
withdrawn key (compromised, or past retention) leaves the JWKS; its kid is listed under
`withdrawn_kids` so a verifier can say "key_rotated_away" instead of "unknown_key"."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.models import Organisation
from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.errors import Conflict, FieldError, Forbidden, NotFound
from crossborder.core.keys import Sealer, public_jwk
from crossborder.core.settings import get_settings
from crossborder.trust.models import KeyStatus, TrustIssuerKey
from crossborder.trust.settings import trust_settings

_SEALER = Sealer(b"crossborder/trust/issuer-key")  # not the pre-arrival salt: keys never cross purposes


def issuer_url(organisation_id: int) -> str:
    """The issuer's id in every credential it signs; it resolves to the issuer's public document."""
    return f"{trust_settings().public_base_url}/api/v1/trust/issuers/{organisation_id}"


def operator(session: Session, organisation_id: int) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None or org.kind != OrgKind.trust_mark_operator.value:
        raise NotFound(
            f"no trust-mark operator {organisation_id}",
            errors=[FieldError("organisation_id", "must be a trust-mark operator", organisation_id)],
        )
    return org


def require_operator_of(principal: Principal, org: Organisation) -> None:
    """Only a trust operator (or admin) of the operator's own member state acts for it; a regional
    admin (the CLI) may act for any."""
    if not principal.roles & {Role.trust_operator, Role.admin}:
        raise Forbidden(f"your roles ({', '.join(sorted(principal.roles)) or 'none'}) cannot act for an issuer")
    if not (principal.is_regional or principal.country == org.country):
        raise Forbidden(f"a trust operator of {principal.country} cannot act for an issuer of {org.country}")


def _aad(org: Organisation, kid: str) -> str:
    return f"{org.id}:{kid}"


def _new_key(session: Session, principal: Principal, org: Organisation, why: str) -> TrustIssuerKey:
    private = Ed25519PrivateKey.generate()
    kid, public = public_jwk(private)
    sealed = _SEALER.seal(get_settings().secret_key, _aad(org, kid), private.private_bytes_raw())
    row = TrustIssuerKey(organisation_id=org.id, kid=kid, public_jwk=public, sealed_private_key=sealed)
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "trust.key.create",
        "trust_issuer_key",
        row.id,
        country=org.country,
        organisation_id=org.id,
        after={"kid": kid, "status": row.status},
        detail=why,
    )
    return row


def _active(session: Session, organisation_id: int) -> TrustIssuerKey | None:
    return session.execute(
        select(TrustIssuerKey)
        .where(TrustIssuerKey.organisation_id == organisation_id, TrustIssuerKey.status == KeyStatus.active.value)
        .order_by(TrustIssuerKey.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def signing_key(session: Session, principal: Principal, org: Organisation) -> tuple[str, Ed25519PrivateKey]:
    """The operator's active key, created on first use."""
    row = _active(session, org.id) or _new_key(session, principal, org, "created on first use")
    try:
        raw = _SEALER.unseal(get_settings().secret_key, _aad(org, row.kid), row.sealed_private_key)
    except Exception as exc:  # cryptography's InvalidTag: wrong secret or a tampered row
        raise RuntimeError(f"issuer key {row.kid} cannot be unsealed: was CROSSBORDER_SECRET_KEY changed?") from exc
    return row.kid, Ed25519PrivateKey.from_private_bytes(raw)


def _set_status(session: Session, principal: Principal, org: Organisation, row: TrustIssuerKey, to: KeyStatus) -> None:
    before = {"kid": row.kid, "status": row.status}
    row.status = to.value
    row.retired_at = row.retired_at or utcnow()
    audit.record(
        session,
        principal,
        f"trust.key.{'retire' if to is KeyStatus.retired else 'withdraw'}",
        "trust_issuer_key",
        row.id,
        country=org.country,
        organisation_id=org.id,
        before=before,
        after={"kid": row.kid, "status": row.status},
    )


def rotate(session: Session, principal: Principal, organisation_id: int) -> TrustIssuerKey:
    """A new active key; the old one retires from signing but stays published."""
    org = operator(session, organisation_id)
    require_operator_of(principal, org)
    old = _active(session, org.id)
    if old is not None:
        _set_status(session, principal, org, old, KeyStatus.retired)
    return _new_key(session, principal, org, "rotation")


def withdraw(session: Session, principal: Principal, organisation_id: int, kid: str) -> TrustIssuerKey:
    """Unpublish a key: every credential it signed stops verifying (key_rotated_away)."""
    org = operator(session, organisation_id)
    require_operator_of(principal, org)
    row = session.execute(
        select(TrustIssuerKey).where(TrustIssuerKey.organisation_id == org.id, TrustIssuerKey.kid == kid)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no key {kid} for issuer {org.id}", errors=[FieldError("kid", "unknown", kid)])
    if row.status == KeyStatus.withdrawn.value:
        raise Conflict(f"key {kid} is already withdrawn", errors=[FieldError("kid", "already withdrawn", kid)])
    _set_status(session, principal, org, row, KeyStatus.withdrawn)
    return row


def jwks(session: Session, organisation_id: int) -> dict[str, Any]:
    rows = list(
        session.execute(
            select(TrustIssuerKey).where(TrustIssuerKey.organisation_id == organisation_id).order_by(TrustIssuerKey.id)
        ).scalars()
    )
    published = [dict(r.public_jwk) for r in rows if r.status != KeyStatus.withdrawn.value]
    # RFC 7517 §5: members a JWKS reader does not understand are ignored, so this extension is safe.
    withdrawn = [r.kid for r in rows if r.status == KeyStatus.withdrawn.value]
    return {"keys": published, "withdrawn_kids": withdrawn}
