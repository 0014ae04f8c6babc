"""Comparing two versions of a plan document: every key path whose value differs, with both values.
Key paths are written as the loader names them: `topics[0].objectives[1].activities[2].due`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
SKIPPED = frozenset({"history"})  # the old values again, as the versions' own records: not a change of the plan


@dataclass(frozen=True)
class Change:
    path: str
    old: Any  # None where the key did not exist
    new: Any


def diff(old: Any, new: Any, path: str = "") -> list[Change]:
    """The leaves that differ, in document order; an added or removed subtree is one change."""
    if isinstance(old, dict) and isinstance(new, dict):
        found: list[Change] = []
        for key in [*old, *(k for k in new if k not in old)]:
            if not path and key in SKIPPED:
                continue
            found += diff(old.get(key), new.get(key), f"{path}.{key}" if path else str(key))
        return found
    if isinstance(old, list) and isinstance(new, list):
        found = []
        for i in range(max(len(old), len(new))):
            found += diff(old[i] if i < len(old) else None, new[i] if i < len(new) else None, f"{path}[{i}]")
        return found
    return [] if old == new else [Change(path, old, new)]


def value_at(content: Any, path: str) -> Any:
    """The value at a key path, or None where the path does not lead anywhere."""
    node = content
    for key, index in _STEP.findall(path):
        if index:
            if not isinstance(node, list) or int(index) >= len(node):
                return None
            node = node[int(index)]
        else:
            if not isinstance(node, dict):
                return None
            node = node.get(key)
    return node
