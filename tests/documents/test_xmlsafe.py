"""The hardened XML parser refuses hostile documents with an Issue, never a crash or a fetch."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossborder.core.errors import ValidationFailed
from crossborder.documents.ubl_validate import validate_ubl
from crossborder.documents.xmlsafe import XmlLimits, parse_xml, parse_xml_or_raise

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<Invoice>&lol9;</Invoice>"""

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Invoice>&xxe;</Invoice>"""
XXE_HTTP = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/evil">]><Invoice>&xxe;</Invoice>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?><!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/x.dtd"><Invoice/>"""


def rules(data: bytes, limits: XmlLimits | None = None) -> list[str]:
    root, issues = parse_xml(data, limits=limits)
    assert root is None
    return [i.rule for i in issues]


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, XXE_FILE, XXE_HTTP, EXTERNAL_DTD])
def test_any_doctype_is_refused(doc: bytes) -> None:
    assert rules(doc) == ["XML-DTD"]
    # nothing of the file or the entity made it anywhere: the whole document is refused
    assert [i.rule for i in validate_ubl(doc)] == ["XML-DTD"]


def test_oversized_document_is_refused_before_parsing() -> None:
    doc = b"<a>" + b"x" * 2000 + b"</a>"
    assert rules(doc, XmlLimits(max_bytes=1000, max_depth=64)) == ["XML-SIZE"]


def test_deep_nesting_is_refused() -> None:
    doc = b"<a>" * 30 + b"</a>" * 30
    assert rules(doc, XmlLimits(max_bytes=10_000, max_depth=20)) == ["XML-DEPTH"]
    assert parse_xml(doc, limits=XmlLimits(max_bytes=10_000, max_depth=30))[0] is not None


def test_nesting_beyond_libxml2_limit_is_a_syntax_issue_not_a_crash() -> None:
    assert rules(b"<a>" * 5000 + b"</a>" * 5000) == ["XML-SYNTAX"]


@pytest.mark.parametrize("doc", [b"", b"   ", b"not xml", b"<a>", b'{"json": 1}', b"<a></b>"])
def test_not_xml(doc: bytes) -> None:
    assert rules(doc) == ["XML-SYNTAX"]


def test_raise_variant_names_the_rule() -> None:
    with pytest.raises(ValidationFailed) as err:
        parse_xml_or_raise(XXE_FILE)
    assert "XML-DTD" in err.value.errors[0].rule


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    root, issues = parse_xml(data)
    assert (root is None) == bool(issues)
    validate_ubl(data)  # and the whole validator answers with issues, whatever the input
