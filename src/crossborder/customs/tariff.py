"""Tariff schedules: the in-memory index the engine looks tariff lines up in, and the HS
code rules (6 digits internationally, 8 to 10 nationally)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from crossborder.core.errors import FieldError, ValidationFailed

_HS = re.compile(r"^\d{6,10}$")


def normalise_hs(raw: str, path: str = "hs_code") -> str:
    """'6205.20' and '6205 20 00' become '62052000'-style digits; anything else is refused."""
    code = raw.replace(".", "").replace(" ", "") if isinstance(raw, str) else raw
    if not isinstance(code, str) or not _HS.match(code):
        raise ValidationFailed(
            "bad HS code",
            errors=[FieldError(path, "must be an HS code of 6 to 10 digits (dots and spaces allowed)", raw)],
        )
    return code


@dataclass(frozen=True)
class TariffEntry:
    destination: str
    hs_code: str
    description: str
    mfn_rate_percent: Decimal
    atiga_rate_percent: Decimal | None
    effective_from: date
    source: str
    sample: bool = False


class TariffIndex:
    """All lines of one destination's schedule: the line in force for a code is the newest
    version not after the date; a declared code matches its longest listed prefix."""

    def __init__(self, destination: str, entries: list[TariffEntry]) -> None:
        self.destination = destination
        versions: dict[str, list[TariffEntry]] = defaultdict(list)
        for entry in entries:
            versions[entry.hs_code].append(entry)
        self._versions = {code: sorted(v, key=lambda e: e.effective_from) for code, v in versions.items()}
        self._dates = {code: [e.effective_from for e in v] for code, v in self._versions.items()}
        self._codes = sorted(self._versions)

    def __len__(self) -> int:
        return len(self._codes)

    def _in_force(self, code: str, on: date) -> TariffEntry | None:
        dates = self._dates.get(code)
        if not dates:
            return None
        index = bisect_right(dates, on)
        return self._versions[code][index - 1] if index else None

    def lookup(self, hs_code: str, on: date, path: str = "hs_code") -> TariffEntry:
        for length in range(len(hs_code), 5, -1):
            entry = self._in_force(hs_code[:length], on)
            if entry is not None:
                return entry
        finer = [c for c in self._codes if c.startswith(hs_code)]  # error path only: a scan is fine
        if finer:
            raise ValidationFailed(
                "HS code not specific enough",
                errors=[
                    FieldError(
                        path,
                        f"{self.destination} classifies this heading further: declare one of {', '.join(finer[:5])}",
                        hs_code,
                    )
                ],
            )
        raise ValidationFailed(
            "no tariff line",
            errors=[
                FieldError(
                    path,
                    f"no tariff line for this code in {self.destination}'s schedule in force on {on}:"
                    " import the schedule with `crossborder customs import-tariff`",
                    hs_code,
                )
            ],
        )
