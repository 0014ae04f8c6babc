"""Turning parser and validation failures into ReferenceDataError(file, key path, reason), so the
person editing a file reads where the problem is and how to fix it, not a stack trace."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from crossborder.core.errors import ReferenceDataError
from crossborder.reference.yaml_io import load_yaml

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

_HINTS = {
    "source": "every fact needs `source`: an http/https URL where the value can be read",
    "as_of": "every fact needs `as_of`: the date (YYYY, YYYY-MM or YYYY-MM-DD) the source confirmed the value",
    "confidence": "every fact needs `confidence`: high, medium or low",
    "value": "every dated value needs `value` (null with a `note` when there is none)",
}


def join_path(prefix: str, loc: tuple[str | int, ...] | list[str | int]) -> str:
    """('values', 1, 'source') under 'parameters.x' -> 'parameters.x.values[1].source'."""
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path or "<root>"


def _reason(error: Any) -> str:
    kind = error["type"]
    loc = error["loc"]
    last = loc[-1] if loc else ""
    if kind == "missing":
        return _HINTS.get(str(last), f"required key `{last}` is missing")
    if kind == "extra_forbidden":
        return f"unknown key `{last}`: check its spelling against data/README.md"
    message = str(error["msg"])
    if kind in ("value_error", "assertion_error"):
        return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return f"{message}, found {error.get('input')!r}"


def raise_from(exc: ValidationError, file: Path | str, prefix: str = "") -> ReferenceDataError:
    """Build the error for the first problem; all of them go in `extra['errors']`."""
    problems = [{"key_path": join_path(prefix, e["loc"]), "reason": _reason(e)} for e in exc.errors()]
    first = problems[0]
    return ReferenceDataError(str(file), first["key_path"], first["reason"], {"errors": problems})


def validate_model(model: type[M], data: Any, file: Path | str, prefix: str = "") -> M:
    if not isinstance(data, dict):
        raise ReferenceDataError(
            str(file), prefix or "<root>", f"expected a mapping of keys, found {type(data).__name__}"
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise raise_from(exc, file, prefix) from None


def validate_with(adapter: TypeAdapter[T], data: Any, file: Path | str, prefix: str) -> T:
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        raise raise_from(exc, file, prefix) from None


def read_yaml(file: Path) -> Any:
    """Read and parse one file; a syntax error names the line, since there is no key path yet."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(str(file), "<file>", f"cannot read the file: {exc}") from None
    try:
        return load_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"<line {mark.line + 1}, column {mark.column + 1}>" if mark else "<file>"
        problem = exc.problem or exc.context or "malformed YAML"
        raise ReferenceDataError(str(file), where, f"YAML syntax: {problem}") from None
    except yaml.YAMLError as exc:
        raise ReferenceDataError(str(file), "<file>", f"YAML syntax: {exc}") from None
