"""Pre-arrival API: lodge a truck's manifest, fetch its pass (token and QR), verify and record
the arrival at the checkpoint, and publish each destination's keys for offline verification."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from crossborder.core.access.principal import Principal
from crossborder.core.deps import DB, Caller
from crossborder.core.errors import FieldError, NotFound
from crossborder.customs import prearrival as service
from crossborder.customs import prearrival_keys as passes
from crossborder.customs.schemas import DeclarationDoc, body_doc
from crossborder.reference import get_registry

router = APIRouter(prefix="/customs/prearrival", tags=["customs"])


class ManifestDoc(BaseModel):
    client_reference: str = Field(description="Your reference: repeating it returns the first manifest")
    origin: str = Field(examples=["TH"])
    destination: str = Field(examples=["MY"])
    checkpoint: str = Field(examples=["Bukit Kayu Hitam"])
    vehicle_plate: str = Field(examples=["70-1234"])
    expected_arrival: datetime = Field(description="ISO 8601 with a UTC offset")
    consignments: list[DeclarationDoc] = Field(description="Low-value declarations; transport_mode defaults to land")


class PassIn(BaseModel):
    model_config = {"extra": "forbid"}
    token: str = Field(min_length=1, max_length=passes.MAX_TOKEN)
    consignments: list[dict[str, Any]] | None = Field(
        None, description="What the truck carries (declarations or the pass's items): checked against the pass"
    )


class VerifyIn(PassIn):
    destination: str | None = Field(None, description="Whose keys to use; default the officer's state")


def manifest_out(row: service.PreArrivalManifest, caller: Principal) -> dict[str, Any]:
    return {
        "id": row.id,
        "client_reference": row.client_reference,
        "origin": row.origin,
        "destination": row.destination,
        "checkpoint": row.checkpoint,
        "vehicle_plate": row.vehicle_plate,
        "expected_arrival": row.expected_arrival.isoformat(),
        "status": row.status,
        "decision": service.decision_for(caller, row),
        "pass_jti": row.pass_jti,
        "arrival_reason": row.arrival_reason,
        "lodged_at": row.lodged_at.isoformat(),
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
        "arrived_at": row.arrived_at.isoformat() if row.arrived_at else None,
    }


@router.get("/jwks/{destination}")
def jwks(destination: str, db: DB) -> JSONResponse:
    """Public: the destination's pass keys (current and retired) for checkpoints to cache."""
    if destination not in get_registry().member_states():
        raise NotFound(f"no member state {destination}", errors=[FieldError("destination", "unknown", destination)])
    return JSONResponse(
        passes.jwks(db, destination), media_type="application/jwk-set+json", headers={"Cache-Control": "max-age=300"}
    )


@router.get("/revoked/{destination}")
def revoked(destination: str, db: DB, caller: Caller) -> dict[str, Any]:
    """Revoked pass ids, for the checkpoint's offline cache (officers of the destination)."""
    service.require_officer(caller, destination)
    return {"destination": destination, "revoked": sorted(service.revoked_jtis(db, destination))}


@router.post("/verify")
def verify(body: VerifyIn, db: DB, caller: Caller) -> dict[str, Any]:
    """Check a pass with the server's keys and revocations; records nothing (see /{id}/arrive)."""
    destination = body.destination or caller.country or ""
    return service.verify(db, caller, body.token, body.consignments, destination).as_dict()


@router.post("", status_code=201, openapi_extra=body_doc(ManifestDoc))
def lodge(db: DB, caller: Caller, body: Annotated[Any, Body()]) -> JSONResponse:
    row, created = service.lodge(db, caller, body)
    db.commit()
    return JSONResponse(manifest_out(row, caller), status_code=201 if created else 200)


@router.get("")
def listing(
    db: DB, caller: Caller, status: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[dict[str, Any]]:
    return [manifest_out(r, caller) for r in service.listing(db, caller, status=status, limit=limit)]


@router.get("/{manifest_id}")
def get_manifest(manifest_id: int, db: DB, caller: Caller) -> dict[str, Any]:
    return manifest_out(service.get(db, caller, manifest_id), caller)


@router.get("/{manifest_id}/pass")
def get_pass(manifest_id: int, db: DB, caller: Caller) -> dict[str, Any]:
    return service.pass_of(service.get(db, caller, manifest_id))


@router.get("/{manifest_id}/pass.svg", response_class=Response)
def get_pass_qr(manifest_id: int, db: DB, caller: Caller) -> Response:
    """The pass as a QR code for the driver's phone or a printed slip."""
    row = service.get(db, caller, manifest_id)
    token = service.pass_of(row)["token"]
    out = io.BytesIO()
    # Level M survives a creased or scratched print; the token stays well within its capacity.
    segno.make_qr(token, error="m").save(out, kind="svg", scale=4, title=f"Pre-arrival pass {row.vehicle_plate}")
    return Response(out.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "private, no-store"})


@router.post("/{manifest_id}/arrive")
def arrive(manifest_id: int, body: PassIn, db: DB, caller: Caller) -> dict[str, Any]:
    row, check = service.arrive(db, caller, manifest_id, body.token, body.consignments)
    db.commit()
    return {**manifest_out(row, caller), "check": check.as_dict()}


class RevokeIn(BaseModel):
    model_config = {"extra": "forbid"}
    reason: str = Field(min_length=1, max_length=2000)


@router.post("/{manifest_id}/revoke")
def revoke(manifest_id: int, body: RevokeIn, db: DB, caller: Caller) -> dict[str, Any]:
    row = service.revoke(db, caller, manifest_id, body.reason)
    db.commit()
    return manifest_out(row, caller)
