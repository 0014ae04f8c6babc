"""Identity API: organisations, users, API keys."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from crossborder.core.access import service
from crossborder.core.access.models import ApiKey
from crossborder.core.access.schemas import ApiKeyIn, ApiKeyOut, OrganisationIn, OrganisationOut, UserIn, UserOut
from crossborder.core.deps import DB, Caller, IdempotencyKey
from crossborder.core.idempotency import run_once

router = APIRouter(tags=["identity"])


def _json(model: Any) -> dict[str, Any]:
    return dict(model.model_dump(mode="json"))


def _key_out(key: ApiKey, token: str | None = None) -> dict[str, Any]:
    return _json(
        ApiKeyOut(
            key_id=key.key_id,
            name=key.name,
            organisation_id=key.organisation_id,
            role=key.role,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
            token=token,
        )
    )


@router.post("/organisations", status_code=201, response_model=OrganisationOut)
def create_organisation(body: OrganisationIn, db: DB, caller: Caller, idempotency_key: IdempotencyKey = None) -> Any:
    def create() -> tuple[int, dict[str, Any]]:
        org = service.create_organisation(db, caller, **body.model_dump())
        return 201, _json(OrganisationOut.model_validate(org))

    status, payload = run_once(db, caller.actor, idempotency_key, body.model_dump(), create)
    return JSONResponse(payload, status_code=status)


@router.get("/organisations", response_model=list[OrganisationOut])
def list_organisations(db: DB, caller: Caller, country: str | None = None) -> Any:
    return service.list_organisations(db, caller, country)


@router.get("/organisations/{org_id}", response_model=OrganisationOut)
def get_organisation(org_id: int, db: DB, caller: Caller) -> Any:
    return service.get_organisation(db, caller, org_id)


@router.post("/users", status_code=201, response_model=UserOut)
def create_user(body: UserIn, db: DB, caller: Caller, idempotency_key: IdempotencyKey = None) -> Any:
    def create() -> tuple[int, dict[str, Any]]:
        user = service.create_user(db, caller, **body.model_dump())
        return 201, _json(UserOut.model_validate(user))

    # The password is hashed into the request digest only, never stored in clear.
    status, payload = run_once(db, caller.actor, idempotency_key, body.model_dump(), create)
    return JSONResponse(payload, status_code=status)


@router.get("/users", response_model=list[UserOut])
def list_users(db: DB, caller: Caller) -> Any:
    return service.list_users(db, caller)


@router.get("/users/{user_id}", response_model=UserOut)
def get_user(user_id: int, db: DB, caller: Caller) -> Any:
    return service.get_user(db, caller, user_id)


@router.post("/apikeys", status_code=201, response_model=ApiKeyOut)
def create_api_key(body: ApiKeyIn, db: DB, caller: Caller, idempotency_key: IdempotencyKey = None) -> Any:
    def create() -> tuple[int, dict[str, Any]]:
        issued = service.create_api_key(db, caller, **body.model_dump())
        return 201, _key_out(issued.key, issued.token)

    # A repeat returns the same key without its secret: the secret exists only in the first response.
    status, payload = run_once(
        db, caller.actor, idempotency_key, body.model_dump(), create, stored=lambda b: {**b, "token": None}
    )
    return JSONResponse(payload, status_code=status)


@router.delete("/apikeys/{key_id}", response_model=ApiKeyOut)
def revoke_api_key(key_id: str, db: DB, caller: Caller) -> Any:
    key = service.revoke_api_key(db, caller, key_id)
    db.commit()
    return _key_out(key)
