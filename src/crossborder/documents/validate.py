"""The single entry point other capabilities call: validate a document of a known type. Each
document type registers its validator here (see `DOCUMENT_TYPES`); an unknown type is an error,
never a silent pass."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.documents.issues import Issue, is_valid

Validator = Callable[[bytes], list[Issue]]

# document type -> validator; filled by the modules that own each type (see `_load`).
_VALIDATORS: dict[str, Validator] = {}


def register(doc_type: str, validator: Validator) -> None:
    _VALIDATORS[doc_type] = validator


def _load() -> None:
    """Import the modules that register validators (kept lazy so importing this module is cheap)."""
    # Each document type's owner adds one import line here; the imported module calls `register`.
    import crossborder.documents.forms_types  # noqa: F401
    from crossborder.documents import ubl_validate  # noqa: F401


def document_types() -> list[str]:
    _load()
    return sorted(_VALIDATORS)


def validate_document(doc_type: str, payload: bytes) -> list[Issue]:
    _load()
    validator = _VALIDATORS.get(doc_type)
    if validator is None:
        raise ValidationFailed(
            "unknown document type",
            errors=[FieldError("document_type", f"one of {sorted(_VALIDATORS)}", doc_type)],
        )
    return validator(payload)


def report(doc_type: str, payload: bytes) -> dict[str, Any]:
    """What `crossborder documents validate FILE --json` prints and the API returns."""
    found = validate_document(doc_type, payload)
    return {"document_type": doc_type, "valid": is_valid(found), "errors": [i.as_dict() for i in found]}
