"""The low-value declaration data set (WCO IRG / EU H7 model): a shipment plus its parties,
transport, references and the trade documents it points to. Validation lists every bad field at once."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.customs.shipment import Shipment, parse_shipment

PARTY_FIELDS = ("name", "address", "country")
_REFERENCE = re.compile(r"^[A-Za-z0-9._:/-]{1,100}$")
# Stored documents are named by a UUID in the form the documents API gives it.
_DOCUMENT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DOCUMENT_KINDS = ("invoice", "origin")


@dataclass(frozen=True)
class Party:
    name: str
    address: str
    country: str

    def key(self) -> str:
        """Identity for grouping (split shipments, watch lists): case and spacing do not matter."""
        found: str | None = self.__dict__.get("_key")
        if found is None:
            folded = " ".join(f"{self.name}|{self.address}|{self.country}".lower().split())
            found = hashlib.sha256(folded.encode()).hexdigest()[:32]
            object.__setattr__(self, "_key", found)  # computed once per (immutable) party
        return found


@dataclass(frozen=True)
class DocumentRefs:
    """Ids of stored trade documents: the commercial invoice (ubl-invoice) and the proof of ATIGA
    origin (form-d). Only their shape is read here; `declarations.check` verifies what they are."""

    invoice: str | None = None
    origin: str | None = None


@dataclass(frozen=True)
class DeclarationInput:
    client_reference: str
    shipment: Shipment
    consignor: Party
    consignee: Party
    seller_business_id: str | None
    carrier: str | None
    tracking_number: str | None
    documents: DocumentRefs | None = None


def party_key(name: str, address: str, country: str) -> str:
    return Party(name, address, country).key()


def _party(raw: Any, path: str, errors: list[FieldError]) -> Party | None:
    if not isinstance(raw, dict):
        errors.append(FieldError(path, "is required: an object with name, address and country", raw))
        return None
    before = len(errors)
    values = {}
    for key in PARTY_FIELDS:
        value = raw.get(key)
        limit = 2 if key == "country" else 300
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            errors.append(FieldError(f"{path}.{key}", f"is required: text of at most {limit} characters", value))
        values[key] = value.strip() if isinstance(value, str) else ""
    if values["country"] and not re.match(r"^[A-Z]{2}$", values["country"]):
        errors.append(FieldError(f"{path}.country", "must be an ISO 3166 alpha-2 code", values["country"]))
    errors.extend(
        FieldError(f"{path}.{k}", "unknown field: not part of a party", raw[k])
        for k in sorted(set(raw) - set(PARTY_FIELDS))
    )
    return None if len(errors) > before else Party(**values)


DECLARATION_FIELDS = frozenset(
    {"client_reference", "consignor", "consignee", "seller_business_id", "carrier", "tracking_number"}
)
# Not in DECLARATION_FIELDS, which the fast parser accepts: a body naming documents always takes
# this thorough parser, so its references are never dropped.
_ACCEPTED = DECLARATION_FIELDS | {"documents"}


def _documents(raw: Any, errors: list[FieldError]) -> DocumentRefs | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        errors.append(FieldError("documents", "must be an object with invoice and/or origin document ids", raw))
        return None
    before = len(errors)
    ids: dict[str, str | None] = {}
    for kind in DOCUMENT_KINDS:
        value = raw.get(kind)
        if value is not None and (not isinstance(value, str) or not _DOCUMENT_ID.match(value)):
            errors.append(FieldError(f"documents.{kind}", "must be a stored document's id (a UUID)", value))
        ids[kind] = value if isinstance(value, str) else None
    errors.extend(
        FieldError(f"documents.{k}", f"unknown field: documents are {' and '.join(DOCUMENT_KINDS)}", raw[k])
        for k in sorted(set(raw) - set(DOCUMENT_KINDS), key=str)
    )
    if len(errors) > before or not any(ids.values()):
        return None
    return DocumentRefs(**ids)


def parse_declaration(raw: Any, *, today: date | None = None) -> DeclarationInput:
    if not isinstance(raw, dict):
        raise ValidationFailed("not an object", errors=[FieldError("body", "must be a JSON object", raw)])
    errors: list[FieldError] = []
    shipment: Shipment | None = None
    try:
        shipment = parse_shipment(raw, extra_fields=_ACCEPTED, today=today)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    reference = raw.get("client_reference")
    if not isinstance(reference, str) or not _REFERENCE.match(reference):
        errors.append(FieldError("client_reference", "is required: 1 to 100 letters, digits or ._:/-", reference))
    consignor = _party(raw.get("consignor"), "consignor", errors)
    consignee = _party(raw.get("consignee"), "consignee", errors)
    optional: dict[str, str | None] = {}
    for key in ("seller_business_id", "carrier", "tracking_number"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > 64):
            errors.append(FieldError(key, "must be text of at most 64 characters", value))
        optional[key] = value.strip() if isinstance(value, str) and value.strip() else None
    documents = _documents(raw.get("documents"), errors)
    if shipment is not None and consignee is not None and consignee.country != shipment.destination:
        errors.append(FieldError("consignee.country", "must be the destination country", consignee.country))
    if shipment is not None and consignor is not None and consignor.country != shipment.origin:
        errors.append(FieldError("consignor.country", "must be the origin country", consignor.country))
    if errors:
        raise ValidationFailed(f"{len(errors)} invalid field(s)", errors=errors)
    assert isinstance(reference, str) and shipment and consignor and consignee  # no error: all parsed
    return DeclarationInput(
        reference,
        shipment,
        consignor,
        consignee,
        optional["seller_business_id"],
        optional["carrier"],
        optional["tracking_number"],
        documents,
    )
