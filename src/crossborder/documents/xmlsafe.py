"""The platform's one hardened XML parser. Every XML document from outside enters through here.

Refused before or while parsing, each as an `Issue` (never a crash): documents over the byte limit,
any DOCTYPE (so no internal or external entities, no DTD fetches: billion laughs and XXE have nothing
to stand on), text that is not well-formed XML, and nesting deeper than the depth limit. The lxml
parser itself never resolves entities, never touches the network and keeps libxml2's own
huge-document limits on."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from lxml import etree

from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.documents.issues import Issue

_SETTINGS_FILE = Path(__file__).resolve().parent / "data" / "ubl" / "settings.yaml"


@dataclass(frozen=True)
class XmlLimits:
    max_bytes: int
    max_depth: int


@lru_cache(maxsize=1)
def xml_limits() -> XmlLimits:
    raw = yaml.safe_load(_SETTINGS_FILE.read_text())["xml"]
    return XmlLimits(
        max_bytes=int(os.environ.get("CROSSBORDER_MAX_XML_BYTES") or raw["max_bytes"]),
        max_depth=int(os.environ.get("CROSSBORDER_MAX_XML_DEPTH") or raw["max_depth"]),
    )


_DOCTYPE_MARKERS = tuple("<!DOCTYPE".encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be"))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


@lru_cache(maxsize=16)
def _too_deep(max_depth: int) -> etree.XPath:
    # One location step per level: libxml2 walks the tree once in C, so the depth check stays linear.
    return etree.XPath("/*" + "/*" * max_depth)


def parse_xml(data: bytes, *, limits: XmlLimits | None = None) -> tuple[etree._Element | None, list[Issue]]:
    """Parse untrusted bytes. Returns the root element, or None with the reasons it was refused."""
    lim = limits or xml_limits()
    if not isinstance(data, bytes | bytearray):
        return None, [Issue("XML-INPUT", "/", f"expected bytes, found {type(data).__name__}")]
    if len(data) > lim.max_bytes:
        return None, [Issue("XML-SIZE", "/", f"document is {len(data)} bytes; the limit is {lim.max_bytes} bytes")]
    if not data.strip():
        return None, [Issue("XML-SYNTAX", "/", "document is empty; expected an XML document")]
    if any(marker in data for marker in _DOCTYPE_MARKERS):
        # Refused before libxml2 sees it: even with DTD loading off it reaches for an external subset.
        return None, [Issue("XML-DTD", "/", "a DOCTYPE is not allowed: DTDs and entities are refused")]
    try:
        # A fresh parser per call: lxml parsers keep state and are not safe to share between threads.
        root = etree.fromstring(bytes(data), _parser())
    except etree.XMLSyntaxError as exc:
        return None, [Issue("XML-SYNTAX", f"line {exc.lineno}", f"not well-formed XML: {exc.msg}")]
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.system_url or info.public_id:
        return None, [
            Issue("XML-DTD", "/", f"a DOCTYPE is not allowed (found {info.doctype!r}): DTDs and entities are refused")
        ]
    if _too_deep(lim.max_depth)(root):
        return None, [Issue("XML-DEPTH", "/", f"elements nest deeper than the limit of {lim.max_depth} levels")]
    return root, []


def parse_xml_or_raise(data: bytes, *, limits: XmlLimits | None = None) -> etree._Element:
    """The same, for callers that want the domain's ValidationFailed (mapped to a 422 problem)."""
    root, issues = parse_xml(data, limits=limits)
    if root is None:
        raise ValidationFailed(
            "XML document refused",
            errors=[FieldError(i.path, f"{i.rule}: {i.message}", None) for i in issues],
        )
    return root
