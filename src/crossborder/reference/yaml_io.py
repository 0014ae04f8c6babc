"""Reading reference YAML exactly: numbers with a fraction become Decimal (never float),
only true/false are booleans, and a key written twice is an error instead of a silent overwrite."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

_BOOL_TAG = "tag:yaml.org,2002:bool"
_FLOAT_TAG = "tag:yaml.org,2002:float"


class DuplicateKeyError(yaml.MarkedYAMLError):
    """A mapping repeats a key; YAML would keep the last one and hide the first."""


# libyaml parses about ten times faster; the constructors and resolvers below are Python either way.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ReferenceLoader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader with Decimal floats, YAML 1.2 booleans and duplicate-key detection."""


# YAML 1.1 reads yes/no/on/off as booleans, so a country code such as `NO` or a key `on`
# would silently become False/True. Keep only true/false.
ReferenceLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ReferenceLoader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    # Parse from the written text so 0.1 stays exactly 0.1 (a float would not).
    assert isinstance(node, yaml.ScalarNode)
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise yaml.constructor.ConstructorError(
            None, None, f"cannot read {text!r} as a decimal number", node.start_mark
        ) from None
    if not number.is_finite():
        raise yaml.constructor.ConstructorError(None, None, f"{text!r} is not a finite number", node.start_mark)
    return number


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.Node) -> dict[Any, Any]:
    assert isinstance(node, yaml.MappingNode)
    loader.flatten_mapping(node)
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise DuplicateKeyError(
                "while reading a mapping",
                node.start_mark,
                f"key {key!r} appears twice (first on line {seen[key].start_mark.line + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node
    return loader.construct_mapping(node, deep=True)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    # 2025-02-30 looks like a date but is not one; keep the text so validation can name the key.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


ReferenceLoader.add_constructor(_FLOAT_TAG, _construct_decimal)
ReferenceLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
ReferenceLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str) -> Any:
    """Parse one YAML document with the reference rules; raises yaml.YAMLError on bad input."""
    return yaml.load(text, Loader=ReferenceLoader)  # noqa: S506 - ReferenceLoader is a safe loader subclass
