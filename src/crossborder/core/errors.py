"""Domain errors. The web layer maps them to RFC 9457 problem documents in one place
(`crossborder.core.problems`); the domain never imports HTTP code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One invalid input: where (a dotted/indexed path), what was found, which rule it broke."""

    path: str
    rule: str
    value: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "rule": self.rule, "value": _printable(self.value)}


def _printable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value if not isinstance(value, str) or len(value) <= 200 else value[:200] + "…"
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


class CrossborderError(Exception):
    """Base of every error the domain raises on purpose."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors: list[FieldError] = list(errors or [])


class ValidationFailed(CrossborderError):
    status = 422
    title = "Invalid input"


class NotFound(CrossborderError):
    status = 404
    title = "Not found"


class Unauthorized(CrossborderError):
    status = 401
    title = "Authentication required"


class Forbidden(CrossborderError):
    status = 403
    title = "Forbidden"


class Conflict(CrossborderError):
    status = 409
    title = "Conflict"


@dataclass
class ReferenceDataError(Exception):
    """A reference file is malformed: names the file, the key path inside it and the reason.
    Raised at load time so a bad deployment stops at start-up, not on the first request."""

    file: str
    key_path: str
    reason: str
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.file}: {self.key_path}: {self.reason}"
