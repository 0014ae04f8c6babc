"""Official identifiers and texts of the business rules we check (data/ubl/en16931_rules.yaml), and
the one way a rule finding becomes an `Issue`: the official text, then what was found."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from crossborder.documents.issues import Issue

_FILE = Path(__file__).resolve().parent / "data" / "ubl" / "en16931_rules.yaml"


@lru_cache(maxsize=1)
def rule_texts() -> dict[str, str]:
    raw = yaml.safe_load(_FILE.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in raw.items()}


def finding(rule: str, path: str, found: str | None = None) -> Issue:
    """A fatal finding of `rule` at `path`. A rule missing from the YAML is a programming error (KeyError)."""
    text = rule_texts()[rule]
    return Issue(rule, path, text if found is None else f"{text} Found: {found}")
