"""E-signature API, mounted under /trust by trust/api.py: sign (an organisation's members), verify
(anyone), the signers' public keys, and key rotation and withdrawal."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from crossborder.core.access.principal import Principal
from crossborder.core.db import write_lock
from crossborder.core.deps import DB, Caller
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.trust import business, esign
from crossborder.trust.esign_schemas import SIGN_DOC, VERIFY_DOC, SignIn, VerifySignatureIn, parse

router = APIRouter(tags=["trust"])
_CHUNK = 1 << 16


def _kind(request: Request) -> str:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in {"application/json", "multipart/form-data"}:
        raise ValidationFailed(
            "unsupported body",
            errors=[FieldError("Content-Type", "must be application/json or multipart/form-data", kind)],
        )
    return kind


async def _hash(upload: UploadFile) -> str:
    """SHA-256 of the uploaded part, read in chunks and refused past the configured limit."""
    digest, size, limit = hashlib.sha256(), 0, esign.upload_limit()
    while chunk := await upload.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise esign.too_large(size)
        digest.update(chunk)
    return str(digest.hexdigest())


def _upload(form: FormData) -> UploadFile:
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise ValidationFailed("no document", errors=[FieldError("file", "a file part named 'file' is required", None)])
    return upload


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) and value != "" else None


def _sign(db: Session, caller: Principal, body: SignIn) -> tuple[int, dict[str, Any]]:
    doc = esign.document(body.digest, body.media_type, body.file_name)
    organisation_id = body.organisation_id or caller.organisation_id
    if organisation_id is None:
        rule = "required when the caller has no organisation"
        raise ValidationFailed("no signer", errors=[FieldError("organisation_id", rule, None)])
    try:
        with write_lock():
            row, created = esign.sign(db, caller, organisation_id, doc, body.client_reference)
            db.commit()
    except IntegrityError:
        db.rollback()  # a concurrent request with the same client reference won: answer with its signature
        row, created = esign.sign(db, caller, organisation_id, doc, body.client_reference)
    return (201 if created else 200), esign.signature_out(row)


@router.post("/signatures", status_code=201, openapi_extra=SIGN_DOC)
async def sign_document(request: Request, db: DB, caller: Caller) -> JSONResponse:
    """Sign a document for your organisation: upload it (multipart, field `file`) or send its SHA-256
    digest (JSON). Answers the detached signature (compact JWS); a repeated client reference answers
    the first (200)."""
    if _kind(request) == "application/json":
        body = parse(SignIn, await request.body())
    else:
        async with request.form(max_files=1, max_fields=8) as form:
            upload = _upload(form)
            raw = {k: _text(form, k) for k in ("media_type", "file_name", "client_reference", "organisation_id")}
            raw["media_type"] = raw["media_type"] or (upload.content_type or "").split(";")[0] or None
            raw["file_name"] = raw["file_name"] or upload.filename
            body = parse(SignIn, {**{k: v for k, v in raw.items() if v is not None}, "digest": await _hash(upload)})
    status, out = await run_in_threadpool(_sign, db, caller, body)
    return JSONResponse(out, status_code=status)


@router.post("/signatures/verify", openapi_extra=VERIFY_DOC)
async def verify_signature(request: Request, db: DB) -> dict[str, Any]:
    """Public: check a signature against the document (multipart `file` + `signature`) or its digest
    (JSON). Answers valid, signer, signed_at, key_valid_at_signing and reason codes."""
    if _kind(request) == "application/json":
        body = parse(VerifySignatureIn, await request.body())
    else:
        async with request.form(max_files=2, max_fields=4) as form:
            signature = form.get("signature")
            if isinstance(signature, UploadFile):  # a .sig file is fine too
                signature = (await signature.read(65537)).decode("utf-8", errors="replace")
            body = parse(VerifySignatureIn, {"signature": signature or "", "digest": await _hash(_upload(form))})
    check = esign.document(body.digest)  # the digest's own shape is input, checked as such
    result = await run_in_threadpool(esign.verify, db, body.signature, check.digest)
    return result.as_dict()


@router.get("/signers/{organisation_id}")
def signer(organisation_id: int, db: DB) -> dict[str, Any]:
    """Public: what a signature's `iss` resolves to."""
    org = esign.organisation(db, organisation_id)
    registered = business.registered_for_organisation(db, org.id)
    base = esign.signer_url(org.id)
    return {
        "id": base,
        "organisation_id": org.id,
        "name": org.name,
        "country": org.country,
        "regional_id": None if registered is None else registered.regional_id,
        "jwks_uri": f"{base}/jwks",
    }


@router.get("/signers/{organisation_id}/jwks")
def signer_jwks(organisation_id: int, db: DB) -> JSONResponse:
    """Public: the organisation's signing keys, current and retired, with the period each could sign in."""
    org = esign.organisation(db, organisation_id)
    return JSONResponse(
        esign.jwks(db, org.id), media_type="application/jwk-set+json", headers={"Cache-Control": "public, max-age=300"}
    )


@router.post("/signers/{organisation_id}/keys/rotate")
def rotate_signing_key(organisation_id: int, db: DB, caller: Caller) -> dict[str, Any]:
    """Sign with a new key from now on; signatures by the old one keep verifying."""
    row = esign.rotate(db, caller, organisation_id)
    db.commit()
    return {"organisation_id": organisation_id, "kid": row.kid}


@router.post("/signers/{organisation_id}/keys/{kid}/withdraw")
def withdraw_signing_key(organisation_id: int, kid: str, db: DB, caller: Caller) -> dict[str, Any]:
    """Unpublish a key (compromise): every signature it made stops verifying (key_withdrawn)."""
    esign.withdraw(db, caller, organisation_id, kid)
    db.commit()
    return {"organisation_id": organisation_id, "withdrawn": kid}
