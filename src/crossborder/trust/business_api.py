"""Business register API, mounted under /trust by trust/api.py: register, look up, list, deregister,
and the business's credentials."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from crossborder.core.db import write_lock
from crossborder.core.deps import DB, Caller
from crossborder.trust import business, business_identity
from crossborder.trust.business_schemas import BusinessIn, DeregisterIn, IdentityCredentialIn, business_out
from crossborder.trust.schemas import credential_out

router = APIRouter(tags=["trust"])


@router.post("/businesses", status_code=201)
def register(body: BusinessIn, db: DB, caller: Caller) -> JSONResponse:
    """Register a business with its national number; the same number of the same state again returns
    the first registration (200)."""
    wanted = business.Registration(body.country, body.national_number, body.legal_name, body.organisation_id)
    try:
        with write_lock():
            row, created = business.register(db, caller, wanted)
            db.commit()
    except IntegrityError:
        # A concurrent registration of the same number won the unique constraint: answer with it.
        db.rollback()
        existing = business.find_by_national_number(db, body.country, body.national_number)
        if existing is None:
            raise
        row, created = business.register(db, caller, wanted)[0], False
    return JSONResponse(business_out(row), status_code=201 if created else 200)


@router.get("/businesses")
def list_businesses(
    db: DB,
    caller: Caller,
    country: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Part of the name, national or regional id")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Businesses within the caller's scope (an authority: its member state; a business: its own)."""
    return {"businesses": [business_out(r) for r in business.list_businesses(db, caller, country, q, limit)]}


@router.get("/businesses/{regional_id}")
def get_business(regional_id: str, db: DB, caller: Caller) -> dict[str, Any]:
    return business_out(business.get(db, caller, regional_id))


@router.post("/businesses/{regional_id}/deregister")
def deregister(regional_id: str, body: DeregisterIn, db: DB, caller: Caller) -> dict[str, Any]:
    """Final: the regional id stays in the register, marked deregistered; no new credential names it."""
    row = business.deregister(db, caller, regional_id, body.reason)
    db.commit()
    return business_out(row)


@router.post("/businesses/{regional_id}/identity-credential", status_code=201)
def identity_credential(regional_id: str, body: IdentityCredentialIn, db: DB, caller: Caller) -> JSONResponse:
    """The member state's trust-mark operator vouches for the registration (business_identity scheme)."""
    row, created = business_identity.issue_identity(db, caller, regional_id, body)
    db.commit()
    return JSONResponse(credential_out(row), status_code=201 if created else 200)


@router.get("/businesses/{regional_id}/credentials")
def credentials(regional_id: str, db: DB, caller: Caller) -> dict[str, Any]:
    """Every credential naming this business, of every scheme and issuer, with its current status."""
    row, found = business_identity.credentials_of(db, caller, regional_id)
    return {"business": business_out(row), "credentials": [credential_out(c) for c in found]}
