"""Documented shapes of the customs API (for OpenAPI). Input is validated by
`shipment.parse_shipment` / `declaration_input.parse_declaration`, which also serve the
manifest and CLI paths, so a rule about a field lives in one place."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class LineDoc(BaseModel):
    id: str = Field(description="Unique within the shipment")
    hs_code: str = Field(description="6 to 10 digits; dots and spaces allowed", examples=["6205.20"])
    description: str
    quantity: int = 1
    unit_value: str = Field(description="Decimal string (never a float)", examples=["25.00"])
    currency: str = Field(examples=["USD"])
    origin_claim: bool = Field(False, description="Preferential ASEAN origin claimed under ATIGA")
    tax_class: Literal["standard", "luxury", "excluded_from_reduction"] = "standard"


class ShipmentDoc(BaseModel):
    origin: str = Field(examples=["VN"])
    destination: str = Field(examples=["MY"])
    date: str = Field(description="YYYY-MM-DD; default today (UTC)")
    incoterm: Literal["DDP", "DAP"] = "DAP"
    transport_mode: Literal["air", "post", "sea", "land"] = "post"
    shipping: str = "0"
    insurance: str = "0"
    charges_currency: str | None = None
    seller_registration: str | None = Field(
        None, description="Seller's number under the destination's low-value regime (e.g. Malaysia's LVG registration)"
    )
    lines: list[LineDoc]


class PartyDoc(BaseModel):
    name: str
    address: str
    country: str


class DocumentsDoc(BaseModel):
    invoice: str | None = Field(None, description="Id of a stored, valid ubl-invoice you may see (documents API)")
    origin: str | None = Field(
        None,
        description="Id of a stored e-Form D backing the lines that claim ATIGA origin: one you may see, or one "
        "received from another node for import into the destination. Each claiming line must be certified by it.",
    )


class DeclarationDoc(ShipmentDoc):
    client_reference: str = Field(description="Your reference: repeating it returns the first declaration")
    consignor: PartyDoc
    consignee: PartyDoc
    seller_business_id: str | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    documents: DocumentsDoc | None = Field(
        None, description="Stored trade documents the declaration points to; a claim without one is recorded as such"
    )


class ActionIn(BaseModel):
    model_config = {"extra": "forbid"}
    action: Literal["release", "hold", "refuse", "return", "override_lane", "respond"]
    reason: str = Field(min_length=1, max_length=2000)
    lane: Literal["green", "yellow", "red"] | None = None


class WatchListIn(BaseModel):
    model_config = {"extra": "forbid"}
    destination: str = Field(min_length=2, max_length=2)
    name: str = Field(min_length=1, max_length=300)
    address: str = Field(min_length=1, max_length=300)
    country: str = Field(min_length=2, max_length=2)
    reason: str = Field(min_length=1, max_length=2000)


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """An OpenAPI request body documenting MODEL, with nested models inlined."""
    schema = model.model_json_schema()
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inline(schema, schema.get("$defs", {}))}},
        }
    }
