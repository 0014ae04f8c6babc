"""The JSON document types of this package, imported together so `validate._load` registers them
with one line: ACDD ("acdd") and ATIGA e-Form D ("form-d")."""

from __future__ import annotations

from crossborder.documents import forms_acdd, forms_form_d

JSON_TYPES: dict[str, str] = {forms_acdd.DOC_TYPE: forms_acdd.SCHEMA, forms_form_d.DOC_TYPE: forms_form_d.SCHEMA}
