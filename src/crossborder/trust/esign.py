"""E-signatures: any organisation signs a document (any bytes: PDF, XML, JSON...) with its own Ed25519
key, which the platform holds sealed at rest and uses on its behalf. The signature is a compact JWS
over claims naming the document by its SHA-256 digest, the signer and the signing time (the
platform's clock), returned apart from the document. Keys rotate (old signatures keep verifying) and
can be withdrawn (what they signed stops verifying). Every signature made is recorded and audited."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.models import Organisation
from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from crossborder.core.keys import SIGN_ALG, Sealer, b64url_encode, keys_from_jwks, public_jwk
from crossborder.core.settings import get_settings
from crossborder.trust import business
from crossborder.trust.esign_models import DocumentSignature, SigningKey
from crossborder.trust.esign_verify import DIGEST_ALG, HEX_DIGEST, SIGNATURE_TYPE, SignatureCheck, SignerKey
from crossborder.trust.esign_verify import verify_signature as _verify
from crossborder.trust.models import KeyStatus
from crossborder.trust.settings import trust_settings

_SEALER = Sealer(b"crossborder/trust/signing-key")  # not the issuer keys' salt: keys never cross purposes
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$")
DEFAULT_MEDIA_TYPE = "application/octet-stream"


class TooLarge(ValidationFailed):
    status = 413
    title = "Payload too large"


@dataclass(frozen=True)
class Document:
    """What is signed: the document's SHA-256 digest (lower-case hex) and how it is described."""

    digest: str
    media_type: str = DEFAULT_MEDIA_TYPE
    file_name: str | None = None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload_limit() -> int:
    return trust_settings().max_sign_upload_bytes


def too_large(size: int) -> TooLarge:
    limit = upload_limit()
    rule = (
        f"must be at most {limit} bytes (signatures.max_upload_bytes in trust/data/settings.yaml); "
        "send the document's SHA-256 digest instead"
    )
    return TooLarge("document too large to upload", errors=[FieldError("file", rule, size)])


def document(digest: str, media_type: str | None = None, file_name: str | None = None) -> Document:
    """Checked description of a document, each bad field named."""
    errors = []
    value = digest.strip().lower()
    if not HEX_DIGEST.match(value):
        errors.append(FieldError("digest", "must be a SHA-256 digest: 64 hexadecimal characters", digest))
    kind = (media_type or DEFAULT_MEDIA_TYPE).strip().lower()
    if not _MEDIA_TYPE.match(kind):
        errors.append(FieldError("media_type", "must be a media type such as application/pdf", media_type))
    name = None
    if file_name:
        name = file_name.replace("\\", "/").rsplit("/", 1)[-1].strip()  # a name, never a client's path
        if not name or len(name) > 255 or any(ord(c) < 32 or c == "\x7f" for c in name):
            errors.append(FieldError("file_name", "1 to 255 printable characters", file_name))
    if errors:
        raise ValidationFailed("invalid document description", errors=errors)
    return Document(value, kind, name or None)


# ---- keys ------------------------------------------------------------------------------------------


def signer_url(organisation_id: int) -> str:
    return f"{trust_settings().public_base_url}/api/v1/trust/signers/{organisation_id}"


def organisation(session: Session, organisation_id: int) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(
            f"no organisation {organisation_id}", errors=[FieldError("organisation_id", "unknown", organisation_id)]
        )
    return org


def require_member(principal: Principal, org: Organisation) -> None:
    """Only the organisation's own people sign for it or manage its keys; a regional admin (the CLI) may too."""
    if principal.organisation_id == org.id or (principal.is_regional and Role.admin in principal.roles):
        return
    raise Forbidden(f"only members of organisation {org.id} sign for it or manage its keys")


def _aad(org: Organisation, kid: str) -> str:
    return f"signing:{org.id}:{kid}"


def _audit_key(session: Session, principal: Principal, org: Organisation, row: SigningKey, action: str) -> None:
    audit.record(
        session,
        principal,
        f"trust.signing_key.{action}",
        "trust_signing_key",
        row.kid,
        country=org.country,
        organisation_id=org.id,
        after={"kid": row.kid, "status": row.status},
    )


def _new_key(session: Session, principal: Principal, org: Organisation) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    kid, public = public_jwk(private)
    sealed = _SEALER.seal(get_settings().secret_key, _aad(org, kid), private.private_bytes_raw())
    row = SigningKey(organisation_id=org.id, kid=kid, public_jwk=public, sealed_private_key=sealed, created_at=utcnow())
    session.add(row)
    session.flush()
    _audit_key(session, principal, org, row, "create")
    return row


def _active(session: Session, organisation_id: int) -> SigningKey | None:
    return session.execute(
        select(SigningKey)
        .where(SigningKey.organisation_id == organisation_id, SigningKey.status == KeyStatus.active.value)
        .order_by(SigningKey.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _private(org: Organisation, row: SigningKey) -> Ed25519PrivateKey:
    try:
        raw = _SEALER.unseal(get_settings().secret_key, _aad(org, row.kid), row.sealed_private_key)
    except Exception as exc:  # cryptography's InvalidTag: wrong secret or a tampered row
        raise RuntimeError(f"signing key {row.kid} cannot be unsealed: was CROSSBORDER_SECRET_KEY changed?") from exc
    return Ed25519PrivateKey.from_private_bytes(raw)


def rotate(session: Session, principal: Principal, organisation_id: int) -> SigningKey:
    """A new active key; the old one signs nothing more but stays published, valid for what it signed."""
    org = organisation(session, organisation_id)
    require_member(principal, org)
    old = _active(session, org.id)
    if old is not None:
        old.status, old.retired_at = KeyStatus.retired.value, utcnow()
        _audit_key(session, principal, org, old, "retire")
    return _new_key(session, principal, org)


def withdraw(session: Session, principal: Principal, organisation_id: int, kid: str) -> SigningKey:
    """Unpublish a key (compromise): every signature it made stops verifying (key_withdrawn)."""
    org = organisation(session, organisation_id)
    require_member(principal, org)
    row = session.execute(
        select(SigningKey).where(SigningKey.organisation_id == org.id, SigningKey.kid == kid)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no signing key {kid} for organisation {org.id}", errors=[FieldError("kid", "unknown", kid)])
    if row.status == KeyStatus.withdrawn.value:
        raise Conflict(f"key {kid} is already withdrawn", errors=[FieldError("kid", "already withdrawn", kid)])
    now = utcnow()
    row.status, row.withdrawn_at, row.retired_at = KeyStatus.withdrawn.value, now, row.retired_at or now
    _audit_key(session, principal, org, row, "withdraw")
    return row


def jwks(session: Session, organisation_id: int) -> dict[str, Any]:
    """Published keys (active and retired) with the period each could sign in; withdrawn kids listed
    apart (RFC 7517 readers ignore members they do not know)."""
    rows = list(
        session.execute(
            select(SigningKey).where(SigningKey.organisation_id == organisation_id).order_by(SigningKey.id)
        ).scalars()
    )
    published = [r for r in rows if r.status != KeyStatus.withdrawn.value]
    return {
        "keys": [dict(r.public_jwk) for r in published],
        "key_validity": [
            {
                "kid": r.kid,
                "not_before": r.created_at.isoformat(),
                "not_after": None if r.retired_at is None else r.retired_at.isoformat(),
            }
            for r in published
        ],
        "withdrawn_kids": [r.kid for r in rows if r.status == KeyStatus.withdrawn.value],
    }


# ---- signing ----------------------------------------------------------------------------------------


def sign(
    session: Session,
    principal: Principal,
    organisation_id: int,
    doc: Document,
    client_reference: str | None = None,
) -> tuple[DocumentSignature, bool]:
    """Sign for the organisation; repeating a client reference returns the first signature."""
    org = organisation(session, organisation_id)
    require_member(principal, org)
    if client_reference is not None:
        existing = session.execute(
            select(DocumentSignature).where(
                DocumentSignature.organisation_id == org.id, DocumentSignature.client_reference == client_reference
            )
        ).scalar_one_or_none()
        if existing is not None:
            if existing.digest != doc.digest:
                rule = "was already used to sign another document"
                raise Conflict(
                    "client reference reused", errors=[FieldError("client_reference", rule, client_reference)]
                )
            return existing, False
    row = _active(session, org.id) or _new_key(session, principal, org)
    at = utcnow().replace(microsecond=0)  # JWS NumericDate: whole seconds
    signature_id = f"urn:uuid:{uuid.uuid4()}"
    registered = business.registered_for_organisation(session, org.id)
    signer: dict[str, Any] = {"id": org.id, "name": org.name, "country": org.country}
    if registered is not None:
        signer["regionalId"] = registered.regional_id
    claims: dict[str, Any] = {
        "iss": signer_url(org.id),
        "jti": signature_id,
        "iat": int(at.timestamp()),
        "digest": {"alg": DIGEST_ALG, "value": doc.digest},
        "mediaType": doc.media_type,
        "signer": signer,
    }
    if doc.file_name:
        claims["fileName"] = doc.file_name
    header = json.dumps({"alg": SIGN_ALG, "kid": row.kid, "typ": SIGNATURE_TYPE}, separators=(",", ":"))
    payload = json.dumps(claims, separators=(",", ":"), ensure_ascii=False)
    signing_input = f"{b64url_encode(header.encode())}.{b64url_encode(payload.encode())}"
    token = f"{signing_input}.{b64url_encode(_private(org, row).sign(signing_input.encode()))}"
    record = DocumentSignature(
        signature_id=signature_id,
        organisation_id=org.id,
        client_reference=client_reference,
        kid=row.kid,
        digest_alg=DIGEST_ALG,
        digest=doc.digest,
        media_type=doc.media_type,
        file_name=doc.file_name,
        actor=principal.actor,
        signed_at=at,
        token=token,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        principal,
        "trust.signature.create",
        "trust_signature",
        signature_id,
        country=org.country,
        organisation_id=org.id,
        after={"digest": doc.digest, "kid": row.kid, "media_type": doc.media_type, "file_name": doc.file_name},
    )
    return record, True


def signature_out(row: DocumentSignature) -> dict[str, Any]:
    return {
        "signature_id": row.signature_id,
        "organisation_id": row.organisation_id,
        "client_reference": row.client_reference,
        "kid": row.kid,
        "digest": {"alg": row.digest_alg, "value": row.digest},
        "media_type": row.media_type,
        "file_name": row.file_name,
        "signed_at": row.signed_at.isoformat(),
        "signature": row.token,
    }


# ---- verifying here ---------------------------------------------------------------------------------


def _signer_key(row: SigningKey) -> SignerKey | None:
    public = keys_from_jwks({"keys": [row.public_jwk]}).get(row.kid)
    if public is None:
        return None
    return SignerKey(
        row.organisation_id, public, row.created_at, row.retired_at, row.status == KeyStatus.withdrawn.value
    )


def verify(session: Session, token: Any, digest: str, now: datetime | None = None) -> SignatureCheck:
    """Anyone may verify: with this node's signing keys, by the kid the signature names."""

    def find(kid: str) -> SignerKey | None:
        row = session.execute(select(SigningKey).where(SigningKey.kid == kid)).scalar_one_or_none()
        return None if row is None else _signer_key(row)

    settings = trust_settings()
    return _verify(
        token,
        digest,
        find,
        now or utcnow(),
        skew_seconds=settings.clock_skew_seconds,
        max_bytes=settings.max_token_bytes,
    )
