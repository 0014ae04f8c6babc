"""What the landed-cost engine needs for one destination on one day, read once from the
dated reference data (never from code) and kept as plain values so the engine stays pure
and fast. A fact the data does not hold stays None; the engine turns that into an error
naming the parameter, never a guess."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from crossborder.customs.fx import FxTable
from crossborder.customs.tariff import TariffIndex
from crossborder.reference import CountryReference, DatedValue, Item, Threshold, get_registry


@dataclass(frozen=True)
class Fact:
    """Where a rule came from: shown in every trace line that uses it."""

    parameter: str
    source: str
    effective_from: date | None
    effective_to: date | None
    as_of: str
    confidence: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.parameter,
            "source": self.source,
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "as_of": self.as_of,
            "confidence": self.confidence,
        }


def _fact(parameter: str, value: DatedValue | Item) -> Fact:
    return Fact(parameter, value.source, value.from_, value.to, value.as_of, value.confidence)


@dataclass(frozen=True)
class ThresholdRule:
    amount: Decimal | None  # None: no relief at all
    currency: str | None
    basis: str | None  # CIF, FOB, FCA, sale_price
    per: str | None  # consignment, item, order
    modes: frozenset[str] | None  # transport modes the relief covers; None = not restricted in the data
    fact: Fact


@dataclass(frozen=True)
class PointOfSaleRegime:
    """Low-value goods taxed at sale by a registered seller (MY LVG, SG OVR...)."""

    name: str
    rate: Decimal
    threshold: ThresholdRule
    base: str  # sale_price or customs_value
    registration_label: str
    fact: Fact


@dataclass(frozen=True)
class FlatDutyRegime:
    """A flat duty rate for a value band (Indonesia's consignment goods), with exclusions."""

    rate: Decimal
    above: tuple[Decimal, str, str]  # amount, currency, basis
    up_to: tuple[Decimal, str, str]
    excluded_prefixes: tuple[str, ...]
    excluded_rates: tuple[tuple[Decimal, tuple[str, ...]], ...]  # fixed rates for excluded groups; else MFN
    fact: Fact


@dataclass(frozen=True)
class TaxRate:
    rate: Decimal | None  # None: the data has a gap on this day
    name: str
    fact: Fact | None
    gap: str | None = None


@dataclass
class RuleBook:
    destination: str
    on: date
    currency: str
    minor_units: int
    member_states: frozenset[str]
    valuation_basis: tuple[str, Fact] | None
    duty_de_minimis: ThresholdRule | None
    tax_de_minimis: ThresholdRule | None
    tax_applies: tuple[bool | None, Fact] | None
    standard_rate: TaxRate
    non_luxury_rate: TaxRate | None
    reduced_rate: TaxRate | None
    reduced_excluded_prefixes: tuple[str, ...]
    tax_base: tuple[tuple[str, ...], Fact] | None
    point_of_sale: PointOfSaleRegime | None
    flat_duty: FlatDutyRegime | None
    tariff: TariffIndex
    fx: FxTable
    # Values derived from this day's rules and rates (thresholds in the destination currency...),
    # cached here so they live and die with the rule book.
    derived: dict[Any, Any] = field(default_factory=dict)


def _value(ref: CountryReference, name: str, on: date) -> DatedValue | None:
    return ref.value_on(name, on) if name in ref.parameters else None


def _threshold(ref: CountryReference, name: str, on: date) -> ThresholdRule | None:
    value = _value(ref, name, on)
    if value is None:
        return None
    threshold = value.value
    if not isinstance(threshold, Threshold):
        raise TypeError(f"{ref.code} {name}: expected a threshold value")  # the loader's unit check forbids this
    modes = value.attributes.get("transport_modes")
    return ThresholdRule(
        amount=threshold.amount,
        currency=threshold.currency,
        basis=threshold.valuation_basis,
        per=threshold.per,
        modes=_modes(modes),
        fact=_fact(name, value),
    )


def _modes(raw: object) -> frozenset[str] | None:
    if not raw:
        return None
    modes = frozenset(str(m) for m in raw)  # type: ignore[attr-defined]
    return None if "any" in modes else modes


def _rate(ref: CountryReference, name: str, on: date, tax_name: str) -> TaxRate | None:
    if name not in ref.parameters:
        return None
    value = ref.value_on(name, on)
    if value is None:
        gap = ref.snapshot(on)["parameters"][name].get("gap")
        return TaxRate(None, tax_name, None, gap or "no value recorded")
    rate = value.value
    if rate is not None and not isinstance(rate, Decimal):
        raise TypeError(f"{ref.code} {name}: expected a percentage")  # the loader's unit check forbids this
    return TaxRate(rate, str(value.attributes.get("tax_name") or tax_name), _fact(name, value))


def _point_of_sale(ref: CountryReference, on: date, standard: TaxRate) -> PointOfSaleRegime | None:
    if "special_regimes" not in ref.parameters:
        return None
    for item in ref.items_on("special_regimes", on):
        details = item.attributes
        if details.get("collection") != "point_of_sale" or item.in_force_on(on) is False or item.threshold is None:
            continue
        rate = item.rate_percent
        if rate is None and details.get("rate_parameter") == "indirect_tax.standard_rate":
            rate = standard.rate
        if rate is None or item.threshold.amount is None:
            continue
        fact = _fact("special_regimes", item)
        threshold = ThresholdRule(
            item.threshold.amount,
            item.threshold.currency,
            item.threshold.valuation_basis,
            item.threshold.per,
            _modes(details.get("transport_modes")),
            fact,
        )
        return PointOfSaleRegime(
            name=item.name or "low-value goods regime",
            rate=rate,
            threshold=threshold,
            base=str(details.get("tax_base") or "sale_price"),
            registration_label=str(details.get("registration_label") or "registration number"),
            fact=fact,
        )
    return None


def _flat_duty(ref: CountryReference, on: date) -> FlatDutyRegime | None:
    value = _value(ref, "customs.low_value_flat_duty", on)
    if value is None or not isinstance(value.value, dict):
        return None
    raw = value.value

    def band(key: str) -> tuple[Decimal, str, str]:
        part = raw[key]
        return Decimal(str(part["amount"])), str(part["currency"]), str(part.get("valuation_basis") or "FOB")

    excluded_rates = tuple(
        (Decimal(str(group["rate_percent"])), tuple(str(p) for p in group["hs_prefixes"]))
        for group in raw.get("excluded_rates") or ()
    )
    return FlatDutyRegime(
        Decimal(str(raw["rate_percent"])),
        band("above"),
        band("up_to"),
        tuple(str(p) for p in raw.get("excluded_hs_prefixes", ())),
        excluded_rates,
        _fact("customs.low_value_flat_duty", value),
    )


def build_rulebook(destination: str, on: date, tariff: TariffIndex, fx: FxTable) -> RuleBook:
    registry = get_registry()
    registry.check_date(on, path="date")
    ref = registry.country(destination)
    standard = _rate(ref, "indirect_tax.standard_rate", on, "import tax")
    if standard is None:
        standard = TaxRate(None, "import tax", None, "no indirect_tax.standard_rate parameter in the data")
    basis = _value(ref, "customs.valuation_basis", on)
    applies = _value(ref, "indirect_tax.applies_at_import", on)
    base = _value(ref, "indirect_tax.import_base", on)
    reduced_value = _value(ref, "indirect_tax.temporary_reduced_rate", on)
    return RuleBook(
        destination=ref.code,
        on=on,
        currency=ref.currency.code,
        minor_units=ref.currency.minor_units,
        member_states=frozenset(registry.member_states()),
        valuation_basis=(str(basis.value), _fact("customs.valuation_basis", basis)) if basis and basis.value else None,
        duty_de_minimis=_threshold(ref, "de_minimis.customs_duty", on),
        tax_de_minimis=_threshold(ref, "de_minimis.indirect_tax", on),
        tax_applies=(
            applies.value if isinstance(applies.value, bool) else None,
            _fact("indirect_tax.applies_at_import", applies),
        )
        if applies
        else None,
        standard_rate=standard,
        non_luxury_rate=_rate(ref, "indirect_tax.effective_rate_non_luxury", on, standard.name),
        reduced_rate=_rate(ref, "indirect_tax.temporary_reduced_rate", on, standard.name),
        reduced_excluded_prefixes=tuple(str(p) for p in (reduced_value.attributes.get("excluded_hs_prefixes") or ()))
        if reduced_value
        else (),
        tax_base=(tuple(base.value.get("includes", ())), _fact("indirect_tax.import_base", base))
        if base and isinstance(base.value, dict)
        else None,
        point_of_sale=_point_of_sale(ref, on, standard),
        flat_duty=_flat_duty(ref, on),
        tariff=tariff,
        fx=fx,
    )
