"""Dated exchange rates: an in-memory table the engine converts with, and the rule for
which published rate applies on a day (the newest not after it, within a maximum age)."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from crossborder.core.errors import FieldError, ValidationFailed

PIVOT = "USD"  # cross rates go through the currency every table quotes


@dataclass(frozen=True)
class Rate:
    rate_date: date
    base: str
    quote: str
    rate: Decimal
    source: str
    sample: bool = False


@dataclass(frozen=True)
class Conversion:
    """How an amount was converted: the factor and every published rate behind it."""

    source_currency: str
    target_currency: str
    factor: Decimal
    rates: tuple[Rate, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "from": self.source_currency,
            "to": self.target_currency,
            "factor": format(self.factor, "f"),
            "rates": [
                {
                    "date": r.rate_date.isoformat(),
                    "base": r.base,
                    "quote": r.quote,
                    "rate": format(r.rate, "f"),
                    "source": r.source,
                    "sample": r.sample,
                }
                for r in self.rates
            ],
        }


class FxTable:
    def __init__(self, rates: list[Rate], max_age_days: int) -> None:
        self.max_age = timedelta(days=max_age_days)
        series: dict[tuple[str, str], list[Rate]] = defaultdict(list)
        for rate in rates:
            series[(rate.base, rate.quote)].append(rate)
        self._series = {pair: sorted(values, key=lambda r: r.rate_date) for pair, values in series.items()}
        self._dates = {pair: [r.rate_date for r in values] for pair, values in self._series.items()}

    def _published(self, base: str, quote: str, on: date) -> Rate | None:
        dates = self._dates.get((base, quote))
        if not dates:
            return None
        index = bisect_right(dates, on)
        if index == 0:
            return None
        rate = self._series[(base, quote)][index - 1]
        return rate if on - rate.rate_date <= self.max_age else None

    def _factor(self, base: str, quote: str, on: date) -> tuple[Decimal, tuple[Rate, ...]] | None:
        direct = self._published(base, quote, on)
        if direct is not None:
            return direct.rate, (direct,)
        inverse = self._published(quote, base, on)
        if inverse is not None:
            return Decimal(1) / inverse.rate, (inverse,)
        return None

    def conversion(self, source: str, target: str, on: date, *, path: str = "currency") -> Conversion:
        if source == target:
            return Conversion(source, target, Decimal(1), ())
        found = self._factor(source, target, on)
        if found is None and PIVOT not in (source, target):
            first, second = self._factor(source, PIVOT, on), self._factor(PIVOT, target, on)
            if first is not None and second is not None:
                found = first[0] * second[0], first[1] + second[1]
        if found is None:
            raise ValidationFailed(
                f"no exchange rate {source}->{target} for {on}",
                errors=[
                    FieldError(
                        path,
                        f"needs a published {source}/{target} rate (or both via {PIVOT}) dated "
                        f"{on - self.max_age} to {on}: import one with `crossborder customs "
                        "import-rates`",
                        source,
                    )
                ],
            )
        return Conversion(source, target, found[0], found[1])
