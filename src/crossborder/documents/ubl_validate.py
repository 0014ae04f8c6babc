"""validate_ubl: the three steps of Peppol BIS 3.0 validation on untrusted bytes.

1. hardened parse (xmlsafe): refused documents stop here;
2. the OASIS UBL 2.1 XSD (ubl_xsd, rule `UBL-XSD`);
3. EN 16931 and Peppol business rules on the parsed model (ubl_rules), plus R008 on the tree.
Business rules run even when the XSD fails, so one answer lists every error; value errors found
while reading the model are left to the XSD, which reports the same ones with its own words."""

from __future__ import annotations

from crossborder.documents.issues import Issue
from crossborder.documents.ubl_parse import parse_ubl_tree
from crossborder.documents.ubl_peppol_rules import empty_elements
from crossborder.documents.ubl_rules import check_rules
from crossborder.documents.ubl_xsd import validate_xsd
from crossborder.documents.validate import register
from crossborder.documents.xmlsafe import parse_xml


def validate_ubl(data: bytes) -> list[Issue]:
    root, refused = parse_xml(data)
    if root is None:
        return refused
    issues = validate_xsd(root)
    invoice, read = parse_ubl_tree(root)
    issues += [i for i in read if i.rule != "UBL-XSD"]
    issues += empty_elements(root)
    if invoice is not None:
        issues += check_rules(invoice)
    return issues


register("ubl-invoice", validate_ubl)
