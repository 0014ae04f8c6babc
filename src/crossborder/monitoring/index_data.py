"""Indicator values from CSV: `index,cycle,member_state,indicator,value`, one row per value.

Parsing is strict and collects every defect (up to a limit) into one ValidationFailed whose errors name
the row, the column, the value found and the rule broken. An empty `value` is an explicit "missing"
(the index's missing-value policy treats it and the result lists it); an absent row is missing too.
Lines starting with `#` are comments (the sample files carry their "synthetic" label there)."""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.monitoring.index_config import IndexConfig

COLUMNS = ("index", "cycle", "member_state", "indicator", "value")
_CYCLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
MAX_ERRORS = 50  # enough to fix a file in a few rounds without an unreadable answer


@dataclass
class IndexData:
    """values[cycle][state][indicator] = Decimal, or None when the row says the value is missing."""

    index: str
    values: dict[str, dict[str, dict[str, Decimal | None]]] = field(default_factory=dict)
    digest: str = ""

    @property
    def cycles(self) -> list[str]:
        return sorted(self.values)


def _number(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    # the engine computes in floats: a value beyond their range would become inf and then NaN,
    # a score of 0 with no word said about it
    return value if value.is_finite() and math.isfinite(float(value)) else None


def parse_csv(content: bytes, config: IndexConfig, member_states: Iterable[str]) -> IndexData:
    errors: list[FieldError] = []

    def bad(row: int, column: str, rule: str, value: object) -> None:
        if len(errors) < MAX_ERRORS:
            errors.append(FieldError(f"row {row}, column {column}", rule, value))

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("the file is not UTF-8 text",
                               errors=[FieldError("file", "must be UTF-8 CSV", None)]) from None  # fmt: skip
    states = set(member_states)
    known = {i.code for i in config.indicators}
    data = IndexData(index=config.code, digest=hashlib.sha256(content).hexdigest())
    first_row: dict[tuple[str, str, str], int] = {}
    header_seen = False
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or (row[0].startswith("#")) or not any(cell.strip() for cell in row):
            continue
        if not header_seen:
            header_seen = True
            if tuple(c.strip() for c in row) != COLUMNS:
                raise ValidationFailed("the CSV header is wrong",
                                       errors=[FieldError(f"row {number}", f"header must be {','.join(COLUMNS)}",
                                                          ",".join(row))])  # fmt: skip
            continue
        if len(row) != len(COLUMNS):
            bad(number, "(all)", f"must have {len(COLUMNS)} columns", len(row))
            continue
        index, cycle, state, indicator, raw = (c.strip() for c in row)
        if index != config.code:
            bad(number, "index", f"must be {config.code!r} (this file is read for that index)", index)
        if not _CYCLE.match(cycle):
            bad(number, "cycle", "must be 1-20 letters, digits, '.', '_' or '-' (e.g. 2020)", cycle)
        if state not in states:
            bad(number, "member_state", f"must be one of {', '.join(sorted(states))}", state)
        if indicator not in known:
            bad(number, "indicator", f"must be an indicator of index {config.code}", indicator)
        value = None
        if raw:
            value = _number(raw)
            if value is None:
                rule = "must be a decimal number (at most about 1e308 in size), or empty for a missing value"
                bad(number, "value", rule, raw)
        key = (cycle, state, indicator)
        if key in first_row:
            bad(number, "indicator", f"duplicate of row {first_row[key]} (same cycle, member state, indicator)",
                indicator)  # fmt: skip
            continue
        first_row[key] = number
        data.values.setdefault(cycle, {}).setdefault(state, {})[indicator] = value
    if not header_seen:
        errors.append(FieldError("row 1", f"header must be {','.join(COLUMNS)}", ""))
    if errors:
        raise ValidationFailed(f"the indicator file for index {config.code} has errors", errors=errors)
    return data


def to_csv(config: IndexConfig, values: dict[str, dict[str, dict[str, Decimal | None]]],
           comments: Iterable[str] = ()) -> str:  # fmt: skip
    """The CSV parse_csv reads back (rows in cycle, state, definition order)."""
    out = io.StringIO()
    for line in comments:
        out.write(f"# {line}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    order = [i.code for i in config.indicators]
    for cycle in sorted(values):
        for state in sorted(values[cycle]):
            row = values[cycle][state]
            for code in order:
                if code in row:
                    value = row[code]
                    writer.writerow((config.code, cycle, state, code, "" if value is None else str(value)))
    return out.getvalue()
