"""The trade documents a declaration names (issue 5's uses): a stored e-invoice, and the e-Form D
that must support each ATIGA origin claim. Checked outside the write lock, before a lane is chosen."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.errors import FieldError, NotFound, ValidationFailed
from crossborder.customs.declaration_input import DeclarationInput, DocumentRefs
from crossborder.customs.shipment import Shipment

NO_EVIDENCE, E_FORM_D = "none", "e-form-d"  # what backs a declaration's ATIGA claims


def _invoice_errors(session: Session, principal: Principal, document_id: str) -> list[FieldError]:
    from crossborder.documents import service as documents  # imported when used: it loads the PDF renderer

    path = "documents.invoice"
    try:
        row = documents.get(session, principal, document_id)
    except NotFound:
        return [FieldError(path, "must be the id of a stored document you may see: none found", document_id)]
    if row.document_type != documents.UBL_INVOICE:
        rule = f"must be a {documents.UBL_INVOICE}: this document is a {row.document_type}"
        return [FieldError(path, rule, document_id)]
    if not row.valid:
        rule = f"must be a valid {documents.UBL_INVOICE}: this one failed validation (its record lists why)"
        return [FieldError(path, rule, document_id)]
    return []


def _form_d_answers(
    session: Session, principal: Principal, document_id: str, s: Shipment, hs_codes: list[str]
) -> dict[str, dict[str, Any]] | None:
    """What the e-Form D says about each HS code claimed, or None when the declarant may not use it.

    A declarant may use an e-Form D it may see, or one this node received from another node's
    exchange for import into the declaration's destination: that one is stored for the authorities,
    not for the declarant, yet it is the importer's proof of origin and its id is the importer's to
    quote. Any other document answers exactly like an absent one, so nothing about it leaks."""
    from crossborder.documents import service as documents  # imported when used: it loads the PDF renderer

    def answers(scope: Principal | None) -> dict[str, dict[str, Any]]:
        return {
            hs: documents.form_d_for_preference(
                session, document_id, hs_code=hs, importing_country=s.destination, principal=scope
            )
            for hs in hs_codes
        }

    try:
        return answers(principal)
    except NotFound:
        pass
    try:
        found = answers(None)
    except NotFound:
        return None
    first = next(iter(found.values()))
    if first.get("received_from") is None or first.get("importing_country") != s.destination:
        return None
    return found


def _origin_errors(
    session: Session, principal: Principal, document_id: str, s: Shipment, claims: list[int]
) -> list[FieldError]:
    hs_codes = list(dict.fromkeys(s.lines[i].hs_code for i in claims))  # one answer per distinct code
    found = _form_d_answers(session, principal, document_id, s, hs_codes)
    if found is None:
        rule = (
            "must be the id of a stored e-Form D you may see, or of one received from another node "
            f"for import into {s.destination}: none found"
        )
        return [FieldError("documents.origin", rule, document_id)]
    errors = []
    for i in claims:
        line = s.lines[i]
        answer = found[line.hs_code]
        reasons = [f"{r['code']}: {r['message']}" for r in answer["reasons"]]
        # The certificate travels with the consignment from its exporting member state (a back-to-back
        # certificate names the intermediate one), so it must be the declaration's origin.
        exported = answer.get("exporting_country", s.origin)  # absent when it is no e-Form D at all
        if exported != s.origin:
            reasons.append(f"exporting_country_mismatch: issued for export from {exported}, not {s.origin}")
        if reasons:
            rule = (
                f"ATIGA origin is not supported by e-Form D {document_id} ({'; '.join(reasons)}): remove the claim "
                "to be assessed at the MFN rate, or give an e-Form D that certifies this line"
            )
            errors.append(FieldError(f"lines[{i}].origin_claim", rule, line.hs_code))
    return errors


def verify_documents(session: Session, principal: Principal, data: DeclarationInput) -> dict[str, Any] | None:
    """Check the trade documents a declaration names and the e-Form D behind its ATIGA claims; return
    the document-link row's values (None when it names no document and claims nothing). A claim
    without an origin document is accepted, since certificates may still be on paper, and recorded
    as such; a claim the e-Form D does not support is refused, never switched to MFN."""
    s, refs = data.shipment, data.documents or DocumentRefs()
    claims = [i for i, line in enumerate(s.lines) if line.origin_claim]
    if refs.invoice is None and refs.origin is None and not claims:
        return None
    errors = _invoice_errors(session, principal, refs.invoice) if refs.invoice is not None else []
    if refs.origin is not None and not claims:
        rule = "is given but no line claims ATIGA origin: set origin_claim on the lines it certifies, or leave it out"
        errors.append(FieldError("documents.origin", rule, refs.origin))
    elif refs.origin is not None:
        errors.extend(_origin_errors(session, principal, refs.origin, s, claims))
    if errors:
        raise ValidationFailed(f"{len(errors)} invalid document reference(s)", errors=errors)
    return {
        "invoice_document_id": refs.invoice,
        "origin_document_id": refs.origin,
        "origin_evidence": None if not claims else E_FORM_D if refs.origin is not None else NO_EVIDENCE,
    }
