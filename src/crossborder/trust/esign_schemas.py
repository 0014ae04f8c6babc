"""What the e-signature API takes and returns, and how its two request forms (JSON with a digest,
or a multipart upload of the document) are documented and read."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticError

from crossborder.core.errors import FieldError, ValidationFailed


class SignIn(BaseModel):
    model_config = {"extra": "forbid"}
    digest: str = Field(min_length=1, max_length=128, description="SHA-256 of the document, 64 hex characters")
    media_type: str | None = Field(None, max_length=127, examples=["application/pdf"])
    file_name: str | None = Field(None, max_length=255)
    client_reference: str | None = Field(
        None, min_length=1, max_length=100, description="Repeating it returns the first signature"
    )
    organisation_id: int | None = Field(None, description="Default: the caller's own organisation")


class VerifySignatureIn(BaseModel):
    model_config = {"extra": "forbid"}
    signature: str = Field(min_length=1, max_length=65536, description="The signature (compact JWS, docsig+jwt)")
    digest: str = Field(min_length=1, max_length=128, description="SHA-256 of the document, 64 hex characters")


def parse(model: type[BaseModel], raw: Any) -> Any:
    """Validate outside FastAPI's own body parsing, with the same error shape (field, rule, value)."""
    try:
        return model.model_validate_json(raw) if isinstance(raw, bytes) else model.model_validate(raw)
    except PydanticError as exc:
        errors = []
        for err in exc.errors():
            path = ".".join(str(p) for p in err.get("loc", ())) or "body"
            rule = "unknown field: not part of this resource" if err.get("type") == "extra_forbidden" else err["msg"]
            errors.append(FieldError(path, rule, err.get("input") if path != "body" else None))
        raise ValidationFailed(f"{len(errors)} invalid field(s)", errors=errors) from None


def _multipart(fields: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"schema": {"type": "object", "properties": fields, "required": required}}


def request_doc(model: type[BaseModel], parts: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": model.model_json_schema()},
                "multipart/form-data": _multipart(parts, required),
            },
        }
    }


_FILE = {"type": "string", "format": "binary", "description": "The document; the platform hashes it"}
SIGN_DOC = request_doc(
    SignIn,
    {
        "file": _FILE,
        "media_type": {"type": "string", "description": "Default: the part's Content-Type"},
        "file_name": {"type": "string", "description": "Default: the part's file name"},
        "client_reference": {"type": "string"},
        "organisation_id": {"type": "integer"},
    },
    ["file"],
)
VERIFY_DOC = request_doc(
    VerifySignatureIn,
    {"file": _FILE, "signature": {"type": "string", "description": "The compact JWS"}},
    ["file", "signature"],
)
