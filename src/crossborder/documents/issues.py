"""One validation finding, the same shape for every document type: the rule's official identifier
(e.g. `BR-CO-10`, `UBL-XSD`, `FORMD-ORIGIN-01`), where in the document, and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["fatal", "warning"]


@dataclass(frozen=True)
class Issue:
    rule: str
    path: str  # an XPath for XML documents, a JSON Pointer for JSON documents
    message: str
    severity: Severity = "fatal"

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "path": self.path, "message": self.message, "severity": self.severity}


def is_valid(issues: list[Issue]) -> bool:
    """Warnings are reported but do not make a document invalid."""
    return not any(i.severity == "fatal" for i in issues)
