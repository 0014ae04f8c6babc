"""What the documents API returns, and how its raw-document request bodies are documented (the body
is the document itself, JSON or XML, not a wrapper object)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class IssueOut(BaseModel):
    rule: str = Field(description="Stable rule id, e.g. ACDD-TOTAL-01, FORMD-ORIGIN-01, BR-CO-10, JSON-SCHEMA:required")
    path: str = Field(description="JSON Pointer (JSON documents) or XPath (XML documents)")
    message: str
    severity: Literal["fatal", "warning"]


class ReportOut(BaseModel):
    document_type: str
    valid: bool
    errors: list[IssueOut]


class DocumentOut(BaseModel):
    id: str
    document_type: str
    document_number: str | None = Field(description="The document's own number (permit, certificate or invoice)")
    client_reference: str | None
    organisation_id: int | None  # None: received from another node, held by the member state
    country: str
    received_from: str | None = Field(description="The node that sent it; null when uploaded here")
    media_type: str
    sha256: str
    size: int
    valid: bool
    validation: ReportOut
    created_at: datetime


class DocumentList(BaseModel):
    documents: list[DocumentOut]


_RAW = {"type": "string", "description": "The document itself"}
RAW_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The raw document: an ACDD or e-Form D as JSON, or a UBL 2.1 invoice as XML. Limited by "
        "the node's request body limit.",
        "content": {"application/json": {"schema": {"type": "object"}}, "application/xml": {"schema": _RAW}},
    }
}
