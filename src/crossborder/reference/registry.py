"""The set of member states' reference data plus the ASEAN-wide facts, as loaded from one folder."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from crossborder.core.errors import FieldError, NotFound, ValidationFailed
from crossborder.reference.country import CountryReference, check_date
from crossborder.reference.schemas import RegionalFile

_CODE = re.compile(r"^[A-Za-z]{2}$")


@dataclass(frozen=True, eq=False)
class ReferenceRegistry:
    countries: Mapping[str, CountryReference]
    regional: RegionalFile

    def member_states(self) -> list[str]:
        """Sorted codes; the member states are exactly the files in countries/."""
        return sorted(self.countries)

    def country(self, code: str) -> CountryReference:
        if not isinstance(code, str) or not _CODE.match(code):
            raise ValidationFailed(
                "not a country code",
                errors=[FieldError("code", "must be an ISO 3166-1 alpha-2 code (two letters)", code)],
            )
        try:
            return self.countries[code.upper()]
        except KeyError:
            raise NotFound(
                f"no reference data for country {code.upper()}",
                errors=[FieldError("code", f"must be one of: {', '.join(self.member_states())}", code)],
            ) from None

    @property
    def coverage(self) -> tuple[date, date]:
        """Platform setting: the dates for which lookups are accepted."""
        return (self.regional.coverage.from_, self.regional.coverage.to)

    def check_date(self, on: date, path: str = "on") -> date:
        """Return `on` unchanged, or raise ValidationFailed (naming `path`) when outside coverage."""
        return check_date(on, self.coverage, path)
