"""Trust API: issue and manage credentials (the operator's trust officers), verify them (anyone),
and the public, stable URLs a verifier caches: issuer documents, JWKS, status lists, the bundle."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from crossborder.core.access.principal import SYSTEM
from crossborder.core.deps import DB, Caller
from crossborder.core.errors import FieldError, NotFound
from crossborder.trust import keys, service, status
from crossborder.trust.business_api import router as business_router
from crossborder.trust.esign_api import router as esign_router
from crossborder.trust.models import StatusPurpose
from crossborder.trust.schemas import IssueIn, StatusChangeIn, VerifyIn, credential_out
from crossborder.trust.settings import scheme_documents, trust_list_document, trust_settings

router = APIRouter(prefix="/trust", tags=["trust"])


def _public(headers_max_age: int) -> dict[str, str]:
    return {"Cache-Control": f"public, max-age={headers_max_age}"}


@router.get("/schemes")
def list_schemes() -> dict[str, Any]:
    """The schemes and their criteria areas, with sources."""
    return {"schemes": scheme_documents()}


@router.get("/trust-list")
def trust_list() -> dict[str, Any]:
    """The mutual-recognition arrangements this node applies."""
    return trust_list_document()


@router.post("/issuers/{organisation_id}/credentials", status_code=201)
def issue(organisation_id: int, body: IssueIn, db: DB, caller: Caller) -> JSONResponse:
    row, created = service.issue(db, caller, organisation_id, body)
    db.commit()
    return JSONResponse(credential_out(row), status_code=201 if created else 200)


@router.get("/credentials/{credential_id}")
def get_credential(credential_id: str, db: DB, caller: Caller) -> dict[str, Any]:
    return credential_out(service.get(db, caller, credential_id))


def _change(db: DB, caller: Caller, credential_id: str, action: str, reason: str) -> dict[str, Any]:
    row = service.change_status(db, caller, credential_id, action, reason)
    db.commit()
    return credential_out(row)


@router.post("/credentials/{credential_id}/suspend")
def suspend(credential_id: str, body: StatusChangeIn, db: DB, caller: Caller) -> dict[str, Any]:
    return _change(db, caller, credential_id, "suspend", body.reason)


@router.post("/credentials/{credential_id}/reinstate")
def reinstate(credential_id: str, body: StatusChangeIn, db: DB, caller: Caller) -> dict[str, Any]:
    return _change(db, caller, credential_id, "reinstate", body.reason)


@router.post("/credentials/{credential_id}/revoke")
def revoke(credential_id: str, body: StatusChangeIn, db: DB, caller: Caller) -> dict[str, Any]:
    """Final: a revoked credential is never reinstated."""
    return _change(db, caller, credential_id, "revoke", body.reason)


@router.post("/verify")
def verify(body: VerifyIn, db: DB) -> dict[str, Any]:
    """Public: verify a credential with this node's keys, status lists and trust list."""
    result = service.verify(db, body.credential, body.country)
    db.commit()  # a status list past half its validity was re-signed on the way
    return result.as_dict()


@router.get("/issuers/{organisation_id}")
def issuer(organisation_id: int, db: DB) -> dict[str, Any]:
    """Public: what an issuer id resolves to."""
    org = keys.operator(db, organisation_id)
    base = keys.issuer_url(org.id)
    return {"id": base, "name": org.name, "country": org.country, "jwks_uri": f"{base}/jwks"}


@router.get("/issuers/{organisation_id}/jwks")
def jwks(organisation_id: int, db: DB) -> JSONResponse:
    """Public: the issuer's keys, current and retired, for verifiers to cache."""
    org = keys.operator(db, organisation_id)
    return JSONResponse(keys.jwks(db, org.id), media_type="application/jwk-set+json", headers=_public(300))


@router.get("/status/{organisation_id}/{purpose}", response_class=Response)
def status_list(organisation_id: int, purpose: str, db: DB) -> Response:
    """Public: the issuer's signed status list credential for one purpose."""
    if purpose not in {p.value for p in StatusPurpose}:
        raise NotFound(f"no status list {purpose}", errors=[FieldError("purpose", "revocation or suspension", purpose)])
    org = keys.operator(db, organisation_id)
    token = status.published(db, SYSTEM, org, purpose)
    db.commit()
    ttl = trust_settings().status_list_ttl_seconds
    return Response(token, media_type="application/vc+jwt", headers=_public(ttl))


@router.get("/bundle")
def offline_bundle(db: DB) -> dict[str, Any]:
    """Public: every issuer's JWKS and status list in one document, for offline verification."""
    document = service.bundle(db)
    db.commit()
    return document


router.include_router(business_router)
router.include_router(esign_router)
