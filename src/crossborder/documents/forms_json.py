"""What the JSON document types (ACDD, e-Form D) share: strict parsing, JSON Schema validation with
every error mapped to an Issue at a JSON Pointer, and the small checks several rules reuse."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from crossborder.documents.issues import Issue
from crossborder.reference import get_registry

SYNTAX_RULE = "JSON-SYNTAX"
_HS = re.compile(r"^[0-9]{6,10}$")
# RFC 3339 date-time; Python's fromisoformat alone accepts forms RFC 3339 does not (no offset, no 'T').
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_MESSAGE_LIMIT = 300


class DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A repeated key is ambiguous (which one did the sender mean?), so it is an error, not "last wins".
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKey(key)
        seen[key] = value
    return seen


def parse(payload: bytes) -> tuple[dict[str, Any] | None, list[Issue]]:
    """The document as a dict (numbers as Decimal, never float), or the reason it is not JSON."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Issue(SYNTAX_RULE, "", f"not UTF-8: invalid byte at offset {exc.start}")]
    try:
        doc = json.loads(text, parse_float=Decimal, object_pairs_hook=_no_duplicates)
    except DuplicateKey as exc:
        return None, [Issue(SYNTAX_RULE, "", f"duplicate key {str(exc)!r}: each key may appear once per object")]
    except json.JSONDecodeError as exc:
        return None, [Issue(SYNTAX_RULE, "", f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")]
    except RecursionError:
        return None, [Issue(SYNTAX_RULE, "", "JSON nested too deeply")]
    if not isinstance(doc, dict):
        return None, [Issue(SYNTAX_RULE, "", f"expected a JSON object at the top, found {type(doc).__name__}")]
    return doc, []


def pointer(*parts: str | int) -> str:
    """RFC 6901 JSON Pointer: '~' and '/' inside a key are escaped."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


_FORMATS = FormatChecker()


def is_rfc3339(value: str) -> bool:
    """An RFC 3339 instant: a real date and time with an explicit offset (never naive)."""
    if not _RFC3339.match(value):
        return False
    try:
        return datetime.fromisoformat(value.upper()).tzinfo is not None
    except ValueError:
        return False


@_FORMATS.checks("date-time")
def _is_datetime(instance: object) -> bool:
    return not isinstance(instance, str) or is_rfc3339(instance)


@cache
def schema(name: str) -> dict[str, Any]:
    """A schema from documents/schemas/ (packaged with the code, read once)."""
    text = resources.files("crossborder.documents").joinpath("schemas", name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator(name: str) -> Draft202012Validator:
    found = schema(name)
    Draft202012Validator.check_schema(found)
    return Draft202012Validator(found, format_checker=_FORMATS)


def _issues(error: ValidationError) -> list[Issue]:
    path: list[str | int] = list(error.absolute_path)
    rule = f"JSON-SCHEMA:{error.validator}"
    if error.validator == "required" and isinstance(error.instance, dict) and isinstance(error.validator_value, list):
        # One error per missing member: point at the member itself, not at its parent.
        for name in error.validator_value:
            if name not in error.instance and error.message.startswith(repr(name)):
                return [Issue(rule, pointer(*path, name), f"required: {name!r} is missing")]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        extra = sorted(k for k in error.instance if k not in allowed)
        return [Issue(rule, pointer(*path, k), f"unknown member {k!r}: not part of this document type") for k in extra]
    message = error.message
    if len(message) > _MESSAGE_LIMIT:
        message = message[:_MESSAGE_LIMIT] + "…"
    return [Issue(rule, pointer(*path), message)]


# The keywords (and keyword forms) whose meaning fastjsonschema shares with jsonschema's Draft 2020-12;
# a schema using anything else (e.g. prefixItems, unevaluatedProperties, non-string enum) gets no fast
# path, because fastjsonschema ignores what it does not know and would pass what jsonschema refuses.
_FAST_KEYWORDS = frozenset(
    {"$schema", "$id", "$defs", "$ref", "title", "description", "type", "properties", "additionalProperties"}
    | {"required", "items", "minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum", "pattern"}
    | {"format", "const", "enum"}
)


def _fast_compatible(node: Any, formats: set[str]) -> bool:
    """Every keyword in NODE is one fastjsonschema reads as jsonschema does; collects format names."""
    if not isinstance(node, dict) or not set(node) <= _FAST_KEYWORDS:
        return False
    if "format" in node:
        formats.add(str(node["format"]))
    strings = [node["const"]] if "const" in node else node.get("enum", [])
    if not isinstance(strings, list) or not all(isinstance(v, str) for v in strings):
        return False  # Python's 1 == True == Decimal(1) would blur what JSON Schema keeps apart
    if not isinstance(node.get("additionalProperties", False), bool) or not isinstance(node.get("items", {}), dict):
        return False
    children = [*node.get("properties", {}).values(), *node.get("$defs", {}).values()]
    children += [node["items"]] if "items" in node else []
    return all(_fast_compatible(child, formats) for child in children)


@cache
def _fast_validator(name: str) -> Callable[[Any], Any] | None:
    """The schema compiled to Python by fastjsonschema (some ten times faster than jsonschema), or None
    when it cannot be trusted to agree. Formats are checked by the very checker jsonschema uses."""
    found = schema(name)
    formats: set[str] = set()
    if not _fast_compatible(found, formats):
        return None

    def conforms(format_name: str) -> Callable[[Any], bool]:
        return lambda value: _FORMATS.conforms(value, format_name)

    checks = {f: conforms(f) for f in formats}
    compiled: Callable[[Any], Any] = fastjsonschema.compile(found, formats=checks, use_default=False)
    return compiled


def _fast_valid(schema_name: str, doc: dict[str, Any]) -> bool:
    fast = _fast_validator(schema_name)
    if fast is None:
        return False
    try:
        fast(doc)
    except Exception:  # refused, or not understood: either way jsonschema decides and explains
        return False
    return True


def schema_issues(schema_name: str, doc: dict[str, Any]) -> list[Issue]:
    """Every schema error, as jsonschema reports it. A valid document (the common case) is recognised
    by the compiled validator alone; only one it refuses is walked again by jsonschema for its errors,
    so the findings are jsonschema's whatever the fast check says."""
    return [] if _fast_valid(schema_name, doc) else jsonschema_issues(schema_name, doc)


def jsonschema_issues(schema_name: str, doc: dict[str, Any]) -> list[Issue]:
    """Every schema error found by jsonschema itself (the slow path, and the reference in tests)."""
    found = [i for e in _validator(schema_name).iter_errors(doc) for i in _issues(e)]
    return sorted(found, key=lambda i: (i.path, i.rule))


def as_date(value: object) -> date | None:
    """A well-formed ISO date, or None (the schema reports malformed ones; rules then skip)."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def as_decimal(value: object) -> Decimal | None:
    if not isinstance(value, str) or not re.fullmatch(r"(0|[1-9][0-9]{0,14})(\.[0-9]{1,6})?", value):
        return None
    return Decimal(value)


def hs_issue(rule: str, value: object, path: str) -> Issue | None:
    if isinstance(value, str) and _HS.match(value):
        return None
    return Issue(rule, path, f"HS code must be 6 to 10 digits without dots or spaces, found {value!r}")


def objects(doc: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    """The dict entries of a list member, with their index (rules skip what the schema already refuses)."""
    found = doc.get(key)
    if not isinstance(found, list):
        return []
    return [(i, item) for i, item in enumerate(found) if isinstance(item, dict)]


def country_issues(rule: str, doc: dict[str, Any]) -> list[Issue]:
    """Both ends are member states (from reference data, never a literal list) and differ."""
    states = set(get_registry().member_states())
    issues = []
    for key in ("exporting_country", "importing_country"):
        code = doc.get(key)
        if isinstance(code, str) and re.fullmatch(r"[A-Z]{2}", code) and code not in states:
            rule_text = f"must be an ASEAN member state ({', '.join(sorted(states))}), found {code!r}"
            issues.append(Issue(rule, pointer(key), rule_text))
    exporting, importing = doc.get("exporting_country"), doc.get("importing_country")
    if isinstance(exporting, str) and exporting == importing:
        issues.append(
            Issue(rule, pointer("importing_country"), f"must differ from the exporting country, both are {exporting!r}")
        )
    return issues
