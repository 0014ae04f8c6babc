"""Monitoring API: composite indices. Results are computed from the shipped (synthetic sample) data
files, or from an uploaded CSV without storing it; readers need an API key of a monitoring role."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile

from crossborder.core.deps import Caller
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.core.files import safe_filename
from crossborder.monitoring import index_service as service
from crossborder.monitoring.access import require_reader

router = APIRouter(prefix="/monitoring", tags=["monitoring"])


@router.get("/indices")
def list_indices(caller: Caller) -> dict[str, Any]:
    require_reader(caller)
    return {"indices": [{"code": c.code, "name": c.name, "sub_indices": len(c.sub_indices),
                         "indicators": len(c.indicators)} for c in service.all_configs()]}  # fmt: skip


@router.get("/indices/{code}")
def index_definition(code: str, caller: Caller) -> dict[str, Any]:
    """The definition: normalisation, aggregation, weights, missing-value policy, indicators, gaps."""
    require_reader(caller)
    return service.config_json(service.config(code))


@router.get("/indices/{code}/results")
def index_results(code: str, caller: Caller) -> dict[str, Any]:
    """Scores, sub-scores, ranks and change per cycle and member state on the index's sample data,
    with every imputed, excluded or floored value listed under `treatments`."""
    require_reader(caller)
    return service.result_json(service.compute_sample(code))


@router.get("/indices/{code}/sensitivity")
def index_sensitivity(code: str, cycle: str, caller: Caller) -> dict[str, Any]:
    require_reader(caller)
    return service.sensitivity_json(service.sensitivity(service.compute_sample(code), cycle))


@router.post("/indices/{code}/compute")
async def compute_upload(code: str, caller: Caller, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """Compute the index on an uploaded CSV (index,cycle,member_state,indicator,value); nothing is stored.
    The request body limit of the whole API applies (CROSSBORDER_MAX_BODY_BYTES)."""
    require_reader(caller)
    cfg = service.config(code)
    content = await file.read()
    if not content:
        raise ValidationFailed("the file is empty", errors=[FieldError("file", "must not be empty", 0)])
    return service.result_json(service.compute_bytes(cfg, content, f"uploaded file {safe_filename(file.filename)}"))
