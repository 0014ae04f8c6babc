"""Official Peppol BIS 3.0 examples validate cleanly; broken copies fail with exactly the rule ids
the official rules give for that fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossborder.documents.issues import is_valid
from crossborder.documents.ubl_validate import validate_ubl
from crossborder.documents.validate import report, validate_document

EXAMPLES = Path(__file__).parent / "examples"
UBL_EXAMPLES = sorted(EXAMPLES.glob("*.xml"))


def rule_ids(data: bytes) -> set[str]:
    return {i.rule for i in validate_ubl(data)}


def broken(name: str, old: str, new: str) -> bytes:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    return text.replace(old, new, 1).encode()


@pytest.mark.parametrize("path", UBL_EXAMPLES, ids=lambda p: p.name)
def test_official_examples_are_valid(path: Path) -> None:
    assert validate_ubl(path.read_bytes()) == []


def test_registered_as_ubl_invoice() -> None:
    data = (EXAMPLES / "base-example.xml").read_bytes()
    assert validate_document("ubl-invoice", data) == []
    assert report("ubl-invoice", data) == {"document_type": "ubl-invoice", "valid": True, "errors": []}


BASE = "base-example.xml"
ALLOWANCE = "Allowance-example.xml"
CREDIT = "base-creditnote-correction.xml"
BUYER = BASE, "<cac:AccountingCustomerParty>", "<cac:AccountingCustomerPartyX>"


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        pytest.param(
            BASE,
            '<cbc:LineExtensionAmount currencyID="EUR">1300<',
            '<cbc:LineExtensionAmount currencyID="EUR">1301<',
            {"BR-CO-10"},
            id="wrong-line-total",
        ),
        pytest.param(
            BASE,
            '"EUR">2800</cbc:LineExtensionAmount>',
            '"EUR">2800.001</cbc:LineExtensionAmount>',
            {"BR-DEC-23"},
            id="three-decimal-amount",
        ),
        pytest.param(
            BASE,
            "<cbc:AccountingCost>4025:123:4343</cbc:AccountingCost>",
            "<cbc:AccountingCost></cbc:AccountingCost>",
            {"PEPPOL-EN16931-R008"},
            id="empty-element",
        ),
        pytest.param(
            BASE,
            '<cbc:TaxableAmount currencyID="EUR">1325<',
            '<cbc:TaxableAmount currencyID="EUR">1425<',
            {"BR-S-08", "BR-S-09", "BR-CO-17"},
            id="wrong-vat-category-base",
        ),
        pytest.param(
            BASE,
            '<cbc:TaxAmount currencyID="EUR">331.25</cbc:TaxAmount>\n        <cac:TaxSubtotal>',
            '<cbc:TaxAmount currencyID="EUR">331.26</cbc:TaxAmount>\n        <cac:TaxSubtotal>',
            {"BR-CO-14", "BR-CO-15"},
            id="wrong-vat-total",
        ),
        pytest.param(
            BASE,
            "<cbc:BuyerReference>0150abc</cbc:BuyerReference>",
            "",
            {"PEPPOL-EN16931-R003"},
            id="no-buyer-reference",
        ),
        pytest.param(
            BASE,
            '<cbc:EndpointID schemeID="0088">9482348239847239874</cbc:EndpointID>',
            "",
            {"PEPPOL-EN16931-R020"},
            id="no-seller-endpoint",
        ),
        pytest.param(
            BASE,
            '<cbc:EndpointID schemeID="0002">FR23342</cbc:EndpointID>',
            "<cbc:EndpointID>FR23342</cbc:EndpointID>",
            {"BR-63"},
            id="buyer-endpoint-without-scheme",
        ),
        pytest.param(
            BASE,
            '<cbc:PayableAmount currencyID="EUR">1656.25<',
            '<cbc:PayableAmount currencyID="USD">1656.25<',
            {"PEPPOL-EN16931-R051"},
            id="foreign-currency-id",
        ),
        pytest.param(
            BASE,
            "<cbc:IssueDate>2017-11-13</cbc:IssueDate>",
            "<cbc:IssueDate>2017-13-45</cbc:IssueDate>",
            {"UBL-XSD", "BR-03"},
            id="bad-date",
        ),
        pytest.param(
            BASE,
            "<cbc:Percent>25.0</cbc:Percent>",
            "<cbc:Percent>0</cbc:Percent>",
            {"BR-S-07", "BR-S-08"},
            id="standard-rate-zero-on-charge",
        ),
        pytest.param(
            ALLOWANCE,
            "<cbc:TaxExemptionReason>Reason for tax exempt</cbc:TaxExemptionReason>",
            "",
            {"BR-E-10"},
            id="exempt-without-reason",
        ),
        pytest.param(
            ALLOWANCE,
            '<cbc:AllowanceTotalAmount currencyID="EUR">200<',
            '<cbc:AllowanceTotalAmount currencyID="EUR">250<',
            {"BR-CO-11", "BR-CO-13"},
            id="wrong-allowance-total",
        ),
        pytest.param(
            ALLOWANCE,
            "<cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>\n"
            "        <cbc:AllowanceChargeReason>Discount</cbc:AllowanceChargeReason>\n",
            "",
            {"BR-33", "BR-CO-21"},
            id="allowance-without-reason",
        ),
        pytest.param(
            ALLOWANCE,
            '<cbc:PayableAmount currencyID="EUR">6125.00<',
            '<cbc:PayableAmount currencyID="EUR">7125.00<',
            {"BR-CO-16"},
            id="prepaid-ignored",
        ),
        pytest.param(
            CREDIT,
            '<cbc:PayableAmount currencyID="EUR">1656.25<',
            '<cbc:PayableAmount currencyID="EUR">1600<',
            {"BR-CO-16"},
            id="credit-note-payable",
        ),
    ],
)
def test_broken_copies_fail_with_their_rule(name: str, old: str, new: str, expected: set[str]) -> None:
    data = broken(name, old, new)
    assert rule_ids(data) == expected
    assert not is_valid(validate_ubl(data))


def test_missing_buyer_fails_schema_and_buyer_rules() -> None:
    text = (EXAMPLES / BASE).read_text(encoding="utf-8")
    start = text.index("<cac:AccountingCustomerParty>")
    end = text.index("</cac:AccountingCustomerParty>") + len("</cac:AccountingCustomerParty>")
    data = (text[:start] + text[end:]).encode()
    assert rule_ids(data) == {"UBL-XSD", "BR-07", "BR-10"}


def test_findings_carry_path_and_official_text() -> None:
    issues = validate_ubl(broken(*BASE_WRONG_TOTAL))
    (issue,) = issues
    assert issue.path == "/Invoice/cac:LegalMonetaryTotal/cbc:LineExtensionAmount"
    assert issue.message.startswith("Sum of Invoice line net amount (BT-106) = Σ Invoice line net amount (BT-131).")
    assert "1301" in issue.message and "1300.00" in issue.message


BASE_WRONG_TOTAL = (
    BASE,
    '<cbc:LineExtensionAmount currencyID="EUR">1300<',
    '<cbc:LineExtensionAmount currencyID="EUR">1301<',
)


def test_line_paths_point_at_the_line() -> None:
    data = broken(BASE, "<cbc:Name>item name 2</cbc:Name>", "")
    (issue,) = validate_ubl(data)
    assert (issue.rule, issue.path) == ("BR-25", "/Invoice/cac:InvoiceLine[2]/cac:Item/cbc:Name")
