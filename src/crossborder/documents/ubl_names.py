"""UBL 2.1 namespaces and the Clark names the builder and parser share."""

from __future__ import annotations

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NSMAP = {None: NS_INVOICE, "cac": NS_CAC, "cbc": NS_CBC}

_CAC = "{" + NS_CAC + "}"
_CBC = "{" + NS_CBC + "}"


def cac(name: str) -> str:
    return _CAC + name


def cbc(name: str) -> str:
    return _CBC + name
