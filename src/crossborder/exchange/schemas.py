"""What the exchange API takes and returns.

On the wire between nodes a message is one JSON object: {"envelope": "<compact JWS>", "payload":
"<the document, base64 (RFC 4648 §4, padded)>"}. JSON rather than multipart keeps one parser and
one size limit; base64 keeps any document (XML, JSON, PDF) byte-exact under its digest."""

from __future__ import annotations

import binascii
from typing import Any

from pydantic import BaseModel, Field, model_validator

from crossborder.core.errors import FieldError, ValidationFailed

NODE_ID = r"^[a-z0-9][a-z0-9.-]{1,62}$"
DOC_TYPE = r"^[a-z0-9][a-z0-9._-]{0,39}$"


class MessageIn(BaseModel):
    model_config = {"extra": "forbid"}
    envelope: str = Field(description="The sender's signed envelope: compact JWS, typ cb-envelope+jwt")
    payload: str = Field(description="The document, base64 (standard alphabet, padded)")


class BatchIn(BaseModel):
    model_config = {"extra": "forbid"}
    messages: list[MessageIn] = Field(
        min_length=1, max_length=64, description="Messages as the single inbox takes them, each verified on its own"
    )


class OutboxIn(BaseModel):
    model_config = {"extra": "forbid"}
    receiver: str = Field(pattern=NODE_ID, examples=["my.customs"])
    document_type: str = Field(pattern=DOC_TYPE, examples=["ubl-invoice", "acdd", "form-d"])
    client_reference: str = Field(min_length=1, max_length=100, description="Repeating it returns the first message")
    payload: str | None = Field(None, description="The document as text (UTF-8): XML or JSON")
    payload_base64: str | None = Field(None, description="Or the document's bytes, base64")

    @model_validator(mode="after")
    def _one_payload(self) -> OutboxIn:
        if (self.payload is None) == (self.payload_base64 is None):
            raise ValueError("give exactly one of payload (text) or payload_base64")
        return self

    def payload_bytes(self) -> bytes:
        if self.payload is not None:
            return self.payload.encode("utf-8")
        return decode_base64(self.payload_base64 or "", "payload_base64")


class NodeIn(BaseModel):
    model_config = {"extra": "forbid"}
    node_id: str = Field(pattern=NODE_ID)
    country: str = Field(pattern=r"^([A-Z]{2}|ASEAN)$")
    endpoint: str = Field(max_length=300, examples=["http://127.0.0.1:8001"])
    jwks: dict[str, Any] = Field(description="The node's public JWKS (Ed25519 keys)")
    document_types: list[str] = Field(default_factory=list)


class FetchIn(BaseModel):
    model_config = {"extra": "forbid"}
    url: str = Field(max_length=300, description="Another node's GET /api/v1/exchange/node URL")


def decode_base64(text: str, path: str) -> bytes:
    try:
        return binascii.a2b_base64(text, strict_mode=True)
    except (binascii.Error, ValueError):
        rule = "base64 (RFC 4648 §4: standard alphabet, padded, no whitespace)"
        raise ValidationFailed("payload is not base64", errors=[FieldError(path, rule, text[:40])]) from None
