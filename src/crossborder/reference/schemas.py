"""Pydantic models of the reference file format (see data/README.md).

Structure is strict (`extra="forbid"`): a misspelt structural key stops the load. Dated values
and items are facts with varied attributes (tax_name, applies_to, exclusions, ...), so they
accept extra snake_case keys, but never a key that looks like a validity date written the wrong
way (`effective_from` instead of `from`), which would otherwise be silently ignored."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, model_validator

from crossborder.reference.fields import (
    AsOf,
    Confidence,
    CurrencyCode,
    Dec,
    InForce,
    LegalDate,
    Per,
    Percent,
    Unit,
    Url,
    ValuationBasis,
)

_ATTRIBUTE = re.compile(r"^[a-z][a-z0-9_]*$")
# Keys people write for validity dates; on a value or item they must be `from`/`to`.
_DATE_KEY_MISTAKES = frozenset({"effective_from", "effective_to", "valid_from", "valid_to", "start", "end", "until"})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Provenance(Strict):
    """Where a fact was read and how far it can be trusted."""

    source: Url
    other_sources: tuple[Url, ...] = ()
    as_of: AsOf
    confidence: Confidence
    note: StrictStr | None = None
    legal_basis: StrictStr | None = None

    @model_validator(mode="after")
    def _low_needs_note(self) -> Provenance:
        if self.confidence == "low" and not self.note:
            raise ValueError("confidence is low: add a `note` explaining the doubt")
        return self


class Threshold(Strict):
    """A de minimis or similar threshold. amount null = no threshold exists (or none was found)."""

    amount: Dec | None
    currency: CurrencyCode | None = None
    valuation_basis: ValuationBasis | None = None
    per: Per | None = None

    @model_validator(mode="after")
    def _amount_needs_currency(self) -> Threshold:
        if self.amount is not None and self.currency is None:
            raise ValueError("an amount needs its `currency` (ISO 4217)")
        return self


class MoneyAmount(Strict):
    amount: Dec
    currency: CurrencyCode


class Limit(Strict):
    """A registration threshold, cap or similar limit attached to a regime."""

    kind: StrictStr
    label: StrictStr | None = None
    amount: Dec
    currency: CurrencyCode
    period: StrictStr | None = None
    measure: StrictStr | None = None


class Attributed(Provenance):
    """A fact that may carry extra descriptive attributes beside its fixed keys."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    from_: LegalDate | None = Field(default=None, alias="from")
    to: LegalDate | None = None

    @model_validator(mode="after")
    def _check_attributes_and_dates(self) -> Attributed:
        for key in self.model_extra or {}:
            if key in _DATE_KEY_MISTAKES:
                raise ValueError(f"unknown key `{key}`: write the validity as `from:` and `to:` (inclusive dates)")
            if not _ATTRIBUTE.match(key):
                raise ValueError(f"attribute key `{key}` must be snake_case (a-z, 0-9, _)")
        if self.from_ is not None and self.to is not None and self.to < self.from_:
            raise ValueError(f"`to` ({self.to}) is before `from` ({self.from_})")
        return self

    @property
    def attributes(self) -> dict[str, Any]:
        """The extra descriptive keys (tax_name, applies_to, exclusions, ...)."""
        return dict(self.model_extra or {})

    def covers(self, on: date) -> bool:
        """True when `on` falls inside [from, to]; a null bound is open."""
        return (self.from_ is None or self.from_ <= on) and (self.to is None or on <= self.to)


Value = Decimal | bool | Threshold | MoneyAmount | str | dict[str, Any] | None


class DatedValue(Attributed):
    """One value of a series and the dates it is in force. `from: null` = start unknown
    (in force as far back as the data goes); `to: null` = open-ended."""

    value: Value

    @model_validator(mode="after")
    def _null_needs_note(self) -> DatedValue:
        empty = self.value is None or (isinstance(self.value, Threshold) and self.value.amount is None)
        if empty and not self.note:
            raise ValueError("the value is null: add a `note` saying why (no such tax, none found, ...)")
        return self


class Item(Attributed):
    """One member of a set (a law, a regime, a payment linkage), with its own validity."""

    name: StrictStr | None = None
    in_force: InForce = None
    rate_percent: Percent | None = None
    threshold: Threshold | None = None
    limits: tuple[Limit, ...] = ()

    def in_force_on(self, on: date) -> bool | str | None:
        """Status on a date. Where the item has dates they decide (the recorded `in_force` is the
        status on `as_of` only); otherwise the recorded status stands."""
        if self.from_ is not None:
            return self.covers(on)
        if self.to is not None and on > self.to:
            return False
        return self.in_force


class Remark(Provenance):
    """A sourced note about a parameter as a whole (e.g. why a set is empty)."""

    note: StrictStr


class SeriesParameter(Strict):
    description: StrictStr
    unit: Unit
    values: tuple[DatedValue, ...]


class ItemSetParameter(Strict):
    description: StrictStr
    items: tuple[Item, ...]
    remarks: tuple[Remark, ...] = ()


Parameter = SeriesParameter | ItemSetParameter


class Identity(Provenance):
    pass


class Currency(Provenance):
    code: CurrencyCode
    numeric: Annotated[StrictStr, Field(pattern=r"^\d{3}$")]
    minor_units: Annotated[StrictInt, Field(ge=0, le=4)]
    name: StrictStr


class CountryHeader(Strict):
    """A country file; `parameters` is checked entry by entry by the loader (series or item set)."""

    code: StrictStr
    name: StrictStr
    m49: Annotated[StrictStr, Field(pattern=r"^\d{3}$")]
    identity: Identity
    currency: Currency
    parameters: dict[str, dict[str, Any]]


class SeriesHeader(Strict):
    description: StrictStr
    unit: Unit
    values: list[dict[str, Any]]


class Coverage(Strict):
    """Platform setting, not a legal fact: the dates for which lookups are accepted."""

    from_: LegalDate = Field(alias="from")
    to: LegalDate
    note: StrictStr | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Coverage:
        if self.to < self.from_:
            raise ValueError(f"`to` ({self.to}) is before `from` ({self.from_})")
        return self


class RegionalFact(Provenance):
    """An ASEAN-wide fact; its shape varies (lists of members, rate observations), so extra keys are kept."""

    model_config = ConfigDict(extra="allow", frozen=True)

    @property
    def attributes(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class RegionalFile(Strict):
    meta: dict[str, Any] = {}
    coverage: Coverage
    facts: dict[str, RegionalFact]
