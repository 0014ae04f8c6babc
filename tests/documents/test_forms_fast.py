"""The compiled (fastjsonschema) check in front of jsonschema: it may only ever skip jsonschema for a
document jsonschema finds no error in, so the findings are exactly jsonschema's in every case."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossborder.documents import forms_json as fj
from crossborder.documents.forms_acdd import SCHEMA as ACDD
from crossborder.documents.forms_form_d import SCHEMA as FORM_D
from tests.documents.form_strategies import acdd_documents, form_d_documents, relaxed

# Values that probe where two validators could disagree: booleans against integers, Decimal numbers
# (what `parse` makes of 1.0), impossible dates, naive instants, trailing newlines against patterns.
ODD_VALUES: list[Any] = [
    None, True, False, 0, 1, 1000, -1, Decimal("1.0"), Decimal("2.5"), "", " ", "x" * 600, [], {}, {"a": 1},
    "SG", "SGD", "sg", "SG\n", "12.50", "012", "1.1234567", "2026-02-30", "2026-02-28", "2026-2-28",
    "2026-03-02T08:15:00", "2026-03-02T08:15:00Z", "2026-03-02 08:15:00+07:00", "2026-03-02T24:15:00Z",
    "acdd", "form-d", "given", "refused", "acdd\n",
]  # fmt: skip


def _paths(node: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _mutate(doc: dict[str, Any], path: tuple[str | int, ...], value: Any, how: str) -> dict[str, Any]:
    changed = copy.deepcopy(doc)
    parent: Any = changed
    for part in path[:-1]:
        parent = parent[part]
    if how == "delete" and isinstance(parent, dict):
        del parent[path[-1]]
    elif how == "extra" and isinstance(parent, dict):
        parent["unexpected"] = value
    else:
        parent[path[-1]] = value
    return changed


def _agree(schema: str, doc: dict[str, Any]) -> None:
    expected = fj.jsonschema_issues(schema, doc)
    assert fj.schema_issues(schema, doc) == expected
    if fj._fast_valid(schema, doc):
        assert expected == []  # the one thing the fast path must never do: pass what jsonschema refuses


def test_both_schemas_get_a_fast_path() -> None:
    assert fj._fast_validator(ACDD) is not None
    assert fj._fast_validator(FORM_D) is not None


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "array", "prefixItems": [{"type": "string"}]},  # a keyword fastjsonschema does not know
        {"enum": [1, "a"]},  # Python's 1 == True would pass true
        {"type": "object", "additionalProperties": {"type": "string"}},  # a schema form left to jsonschema
        {"type": "array", "items": [{"type": "string"}]},  # the draft-7 tuple form means something else
    ],
)
def test_schemas_the_fast_path_could_misread_get_none(schema: dict[str, Any]) -> None:
    assert not fj._fast_compatible(schema, set())


@relaxed
@given(acdd_documents(), st.data())
def test_acdd_findings_are_jsonschemas_after_any_single_change(doc: dict[str, Any], data: st.DataObject) -> None:
    _agree(ACDD, doc)
    path = data.draw(st.sampled_from(_paths(doc)))
    changed = _mutate(
        doc, path, data.draw(st.sampled_from(ODD_VALUES)), data.draw(st.sampled_from(["set", "delete", "extra"]))
    )
    _agree(ACDD, changed)


@relaxed
@given(form_d_documents(), st.data())
def test_form_d_findings_are_jsonschemas_after_any_single_change(doc: dict[str, Any], data: st.DataObject) -> None:
    _agree(FORM_D, doc)
    path = data.draw(st.sampled_from(_paths(doc)))
    changed = _mutate(
        doc, path, data.draw(st.sampled_from(ODD_VALUES)), data.draw(st.sampled_from(["set", "delete", "extra"]))
    )
    _agree(FORM_D, changed)


def test_odd_values_at_every_place_of_the_examples() -> None:
    """Over the shipped examples: every path gets a fifth of the odd values (a different fifth from its
    neighbour, so each value lands on many kinds of member), and is deleted once."""
    for schema, name in ((ACDD, "acdd-example.json"), (FORM_D, "form-d-example.json")):
        doc, _ = fj.parse((Path(__file__).parent / "examples" / name).read_bytes())
        assert doc is not None
        for index, path in enumerate(_paths(doc)):
            for value in ODD_VALUES[index % 5 :: 5]:
                _agree(schema, _mutate(doc, path, value, "set"))
            _agree(schema, _mutate(doc, path, None, "delete"))
