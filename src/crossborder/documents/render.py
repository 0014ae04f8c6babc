"""Human-readable HTML and PDF of the three document types. A document is rendered only if it is
structurally sound (parses, and for JSON passes its schema); business-rule findings do not stop the
rendering, they are shown on it, so a reader sees exactly what was wrong with a received document."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.documents import forms_json as fj
from crossborder.documents import render_pdf
from crossborder.documents.forms_acdd import DOC_TYPE as ACDD
from crossborder.documents.forms_form_d import DOC_TYPE as FORM_D
from crossborder.documents.forms_types import JSON_TYPES
from crossborder.documents.issues import Issue
from crossborder.documents.render_sheet import Sheet, acdd_sheet, form_d_sheet, invoice_sheet
from crossborder.documents.validate import validate_document

UBL_INVOICE = "ubl-invoice"
_TEMPLATES = {ACDD: "acdd.html", FORM_D: "form_d.html"}


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("crossborder.documents", "templates"), autoescape=select_autoescape(["html"])
    )


def _unrenderable(doc_type: str, issues: list[Issue]) -> ValidationFailed:
    return ValidationFailed(
        f"the {doc_type} document cannot be rendered: it is not structurally valid",
        errors=[FieldError(i.path or "/", f"{i.rule}: {i.message}") for i in issues],
    )


def _json_sheet(doc_type: str, payload: bytes) -> Sheet:
    doc, syntax = fj.parse(payload)
    if doc is None:
        raise _unrenderable(doc_type, syntax)
    structural = fj.schema_issues(JSON_TYPES[doc_type], doc)
    if structural:
        raise _unrenderable(doc_type, structural)
    issues = validate_document(doc_type, payload)
    return acdd_sheet(doc, issues) if doc_type == ACDD else form_d_sheet(doc, issues)


def _invoice(payload: bytes) -> tuple[Any, list[Issue]]:
    # The invoice's parser and HTML view belong to ubl_render/ubl_parse; imported late so the JSON
    # types render even on an install without the XML stack.
    from crossborder.documents.ubl_parse import parse_ubl

    invoice, problems = parse_ubl(payload)
    if invoice is None:
        raise _unrenderable(UBL_INVOICE, problems)
    return invoice, validate_document(UBL_INVOICE, payload)


def sheet(doc_type: str, payload: bytes) -> Sheet:
    if doc_type in JSON_TYPES:
        return _json_sheet(doc_type, payload)
    if doc_type == UBL_INVOICE:
        from crossborder.documents.ubl_render import invoice_context

        invoice, issues = _invoice(payload)
        return invoice_sheet(invoice_context(invoice), issues)
    raise ValidationFailed(
        "cannot render this document type",
        errors=[FieldError("document_type", f"one of {[*sorted(JSON_TYPES), UBL_INVOICE]}", doc_type)],
    )


def render_html(doc_type: str, payload: bytes) -> str:
    if doc_type == UBL_INVOICE:
        from crossborder.documents.ubl_render import render_html as invoice_html

        invoice, _ = _invoice(payload)
        return invoice_html(invoice)
    found = sheet(doc_type, payload)
    return _env().get_template(_TEMPLATES[doc_type]).render(sheet=found)


def render_pdf_bytes(doc_type: str, payload: bytes) -> bytes:
    return render_pdf.pdf_bytes(sheet(doc_type, payload))
