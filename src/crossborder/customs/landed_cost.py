"""The landed-cost engine: pure, values in and values out, so it serves the API, the public
calculator and million-line manifests alike. Every rule it applies is named in the trace
with the reference fact (source, effective date) behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.customs.fx import Conversion
from crossborder.customs.rulebook import Fact, FlatDutyRegime, RuleBook, TaxRate, ThresholdRule
from crossborder.customs.shipment import Line, Shipment
from crossborder.customs.tariff import TariffEntry

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ZERO = Decimal(0)


class MissingRule(ValidationFailed):
    """The reference data holds no value for a rule the computation needs on that day."""


@dataclass
class Step:
    rule: str
    text: str
    fact: Fact | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "text": self.text, "fact": self.fact.as_dict() if self.fact else None}


@dataclass
class TaxLine:
    name: str
    rate_percent: Decimal
    base: Decimal
    amount: Decimal
    collected_by: str  # customs_at_border | seller_at_checkout


@dataclass
class LineResult:
    line: Line
    goods_value: Decimal
    customs_value: Decimal
    duty_rate: Decimal
    duty_basis: str  # de_minimis | ATIGA | MFN | flat_rate
    duty: Decimal
    tariff: TariffEntry | None
    taxes: list[TaxLine] = field(default_factory=list)


@dataclass
class Assessment:
    shipment: Shipment
    currency: str
    lines: list[LineResult]
    shipping: Decimal
    insurance: Decimal
    conversions: list[Conversion]
    trace: list[Step]
    duty_relief: bool
    tax_relief: bool
    collected_at_sale: bool
    samples: bool
    quantum: Decimal = Decimal("0.01")

    @property
    def goods(self) -> Decimal:
        return sum((r.goods_value for r in self.lines), ZERO)

    @property
    def customs_value(self) -> Decimal:
        return sum((r.customs_value for r in self.lines), ZERO)

    @property
    def duty(self) -> Decimal:
        return sum((r.duty for r in self.lines), ZERO)

    def tax(self, collected_by: str) -> Decimal:
        return sum((t.amount for r in self.lines for t in r.taxes if t.collected_by == collected_by), ZERO)

    def as_dict(self, *, explain: bool = True) -> dict[str, Any]:
        q = self.quantum

        def _s(value: Decimal) -> str:
            return format(value.quantize(q), "f")

        goods, duty = self.goods, self.duty  # each a sum over the lines: computed once here
        border_tax, sale_tax = self.tax("customs_at_border"), self.tax("seller_at_checkout")
        border = duty + border_tax
        price = goods + self.shipping + self.insurance
        ddp = self.shipment.incoterm == "DDP"
        result: dict[str, Any] = {
            "origin": self.shipment.origin,
            "destination": self.shipment.destination,
            "date": self.shipment.on.isoformat(),
            "incoterm": self.shipment.incoterm,
            "transport_mode": self.shipment.transport_mode,
            "currency": self.currency,
            "lines": [_line_dict(r, _s) for r in self.lines],
            "totals": {
                "goods": _s(goods),
                "shipping": _s(self.shipping),
                "insurance": _s(self.insurance),
                "customs_value": _s(self.customs_value),
                "duty": _s(duty),
                "tax_at_border": _s(border_tax),
                "tax_at_checkout": _s(sale_tax),
                "landed_cost": _s(price + sale_tax + border),
                "payable_at_checkout": _s(price + sale_tax + (border if ddp else ZERO)),
                "payable_on_delivery": _s(ZERO if ddp else border),
            },
            "collection": {
                "duty_and_border_tax": ("seller pays customs (DDP)" if ddp else "buyer pays customs on delivery (DAP)")
                if border
                else "nothing to collect at the border",
                "tax_at_checkout": "seller collects at checkout and remits under its registration"
                if sale_tax
                else None,
            },
            "de_minimis": {
                "duty_relief": self.duty_relief,
                "tax_relief": self.tax_relief,
                "collected_at_sale": self.collected_at_sale,
            },
            "conversions": [c.as_dict() for c in self.conversions if c.factor != 1],
            "sample_data_used": self.samples,
        }
        if explain:
            result["trace"] = [s.as_dict() for s in self.trace]
        return result


def _line_dict(r: LineResult, _s: Any) -> dict[str, Any]:
    return {
        "id": r.line.id,
        "hs_code": r.line.hs_code,
        "description": r.line.description,
        "goods_value": _s(r.goods_value),
        "customs_value": _s(r.customs_value),
        "duty": {
            "basis": r.duty_basis,
            "rate_percent": _s(r.duty_rate),
            "amount": _s(r.duty),
            "tariff_line": None
            if r.tariff is None
            else {
                "hs_code": r.tariff.hs_code,
                "description": r.tariff.description,
                "source": r.tariff.source,
                "effective_from": r.tariff.effective_from.isoformat(),
                "sample": r.tariff.sample,
            },
        },
        "taxes": [
            {
                "name": t.name,
                "rate_percent": _s(t.rate_percent),
                "base": _s(t.base),
                "amount": _s(t.amount),
                "collected_by": t.collected_by,
            }
            for t in r.taxes
        ],
    }


_QUANTUM = ("landed_cost", "quantum")
_FX = "landed_cost.fx"
_TARIFF = "landed_cost.tariff"
_SHARED_MAX = 65_536  # tariff lines kept per rule book (bounded: memory stays flat)


class _Engine:
    def __init__(self, shipment: Shipment, book: RuleBook, explain: bool = True) -> None:
        # Formatting the explanation costs more than the arithmetic: bulk runs skip it.
        self.explain = explain
        self.s = shipment
        self.book = book
        self.trace: list[Step] = []
        self.conversions: dict[tuple[str, str], Conversion] = {}
        # The day's rates and schedule are immutable, so conversions, tariff lines and the
        # rounding quantum found once are kept on the rule book (errors are never kept).
        self.shared: dict[Any, Any] = book.derived
        quantum = self.shared.get(_QUANTUM)
        if quantum is None:
            quantum = self.shared[_QUANTUM] = Decimal(1).scaleb(-book.minor_units)
        self.quantum: Decimal = quantum

    def money(self, value: Decimal) -> Decimal:
        return value.quantize(self.quantum, rounding=ROUND_HALF_UP)

    def convert(self, amount: Decimal, source: str, target: str, path: str, index: int | None = None) -> Decimal:
        """AMOUNT in TARGET; PATH (formatted with INDEX) names the field if no rate is found."""
        key = (source, target)
        conversion = self.conversions.get(key)
        if conversion is None:
            shared_key = (_FX, source, target, self.s.on)
            conversion = self.shared.get(shared_key)
            if conversion is None:
                where = path if index is None else path.format(index)
                conversion = self.shared[shared_key] = self.book.fx.conversion(source, target, self.s.on, path=where)
            self.conversions[key] = conversion
        return amount * conversion.factor

    def tariff_line(self, hs_code: str, index: int) -> TariffEntry:
        key = (_TARIFF, hs_code, self.s.on)
        entry = self.shared.get(key)
        if entry is None:
            entry = self.book.tariff.lookup(hs_code, self.s.on, path=f"lines[{index}].hs_code")
            if len(self.shared) > _SHARED_MAX:
                self._trim()
            self.shared[key] = entry
        return entry

    def _trim(self) -> None:
        for key in [k for k in list(self.shared) if isinstance(k, tuple) and k[0] is _TARIFF]:
            self.shared.pop(key, None)

    def missing(self, parameter: str, why: str = "") -> MissingRule:
        return MissingRule(
            f"the reference data has no {parameter} for {self.book.destination} on {self.s.on}",
            errors=[
                FieldError(
                    "destination",
                    f"needs {parameter} in force on {self.s.on}{': ' + why if why else ''}; nothing is guessed",
                    self.book.destination,
                )
            ],
        )

    def relief(self, rule: ThresholdRule, label: str, values: dict[str, Decimal], unit_values: list[Decimal]) -> bool:
        """Is the consignment at or under the threshold, on the threshold's own basis and currency?"""
        if rule.amount is None:
            if self.explain:
                self.trace.append(
                    Step(label, f"{label}: no threshold, charged from the first unit of value", rule.fact)
                )
            return False
        if rule.modes is not None and self.s.transport_mode not in rule.modes:
            if self.explain:
                self.trace.append(
                    Step(
                        label,
                        f"{label}: relief covers only {', '.join(sorted(rule.modes))} consignments,"
                        f" not {self.s.transport_mode}",
                        rule.fact,
                    )
                )
            return False
        currency = rule.currency or self.book.currency
        if rule.per == "item":
            worst = max(unit_values)
            measured = self.convert(worst, self.book.currency, currency, "destination")
            what = "highest item value"
        else:
            basis = rule.basis or "CIF"
            measured = self.convert(values.get(basis, values["CIF"]), self.book.currency, currency, "destination")
            what = f"consignment {basis} value"
        relieved = measured <= rule.amount
        verdict = "at or under" if relieved else "above"
        if self.explain:
            self.trace.append(
                Step(
                    label,
                    f"{label}: {what} {measured.quantize(CENT, rounding=ROUND_HALF_UP)} {currency} is {verdict} "
                    f"the threshold of {rule.amount} {currency}",
                    rule.fact,
                )
            )
        return relieved

    def run(self) -> Assessment:
        s, book = self.s, self.book
        if s.destination != book.destination:
            raise ValueError("rule book is for another destination")
        if s.origin not in book.member_states:
            raise ValidationFailed(
                "unknown origin",
                errors=[
                    FieldError(
                        "origin",
                        f"must be a member state in the reference data: {', '.join(sorted(book.member_states))}",
                        s.origin,
                    )
                ],
            )
        dest = book.currency
        goods = [
            self.convert(line.unit_value * line.quantity, line.currency, dest, "lines[{}].currency", i)
            for i, line in enumerate(s.lines)
        ]
        unit_values = [g / line.quantity for g, line in zip(goods, s.lines, strict=True)]
        charges_currency = s.charges_currency or s.lines[0].currency
        shipping = self.convert(s.shipping, charges_currency, dest, "charges_currency")
        insurance = self.convert(s.insurance, charges_currency, dest, "charges_currency")
        goods_total = sum(goods, ZERO)
        values = {
            "CIF": goods_total + shipping + insurance,
            "FOB": goods_total,
            "FCA": goods_total,
            "sale_price": goods_total,
        }

        if book.valuation_basis is None:
            raise self.missing("customs.valuation_basis")
        basis, basis_fact = book.valuation_basis
        if self.explain:
            self.trace.append(Step("valuation", f"customs value on {basis} basis", basis_fact))
        freight = shipping + insurance if basis == "CIF" else ZERO
        customs_values = [g + (freight * g / goods_total if goods_total else ZERO) for g in goods]
        results = [
            LineResult(line, self.money(g), self.money(cv), ZERO, "de_minimis", ZERO, None)
            for line, g, cv in zip(s.lines, goods, customs_values, strict=True)
        ]

        if book.duty_de_minimis is None:
            raise self.missing("de_minimis.customs_duty")
        duty_relief = self.relief(book.duty_de_minimis, "duty de minimis", values, unit_values)
        if duty_relief:
            # Relief or not, every line must be classified under a line of the schedule in force.
            for i, result in enumerate(results):
                result.tariff = self.tariff_line(result.line.hs_code, i)
        else:
            self.duties(results, customs_values, values)

        tax_relief, at_sale = self.taxes(results, customs_values, values, unit_values, goods)
        samples = any(r.tariff is not None and r.tariff.sample for r in results) or any(
            rate.sample for c in self.conversions.values() for rate in c.rates
        )
        return Assessment(
            s,
            dest,
            results,
            self.money(shipping),
            self.money(insurance),
            list(self.conversions.values()),
            self.trace,
            duty_relief,
            tax_relief,
            at_sale,
            samples,
            self.quantum,
        )

    def duties(self, results: list[LineResult], customs_values: list[Decimal], values: dict[str, Decimal]) -> None:
        s, book = self.s, self.book
        flat = book.flat_duty
        in_band = False
        if flat is not None:
            low, high = flat.above, flat.up_to
            measured = self.convert(values.get(low[2], values["FOB"]), book.currency, low[1], "destination")
            ceiling = self.convert(high[0], high[1], low[1], "destination")
            in_band = low[0] < measured <= ceiling
            if self.explain:
                self.trace.append(
                    Step(
                        "flat duty band",
                        f"consignment value {measured.quantize(CENT, rounding=ROUND_HALF_UP)} {low[1]} "
                        f"is {'inside' if in_band else 'outside'} the flat-rate band "
                        f"({low[0]} to {high[0]} {high[1]})",
                        flat.fact,
                    )
                )
        preferential = s.origin != s.destination
        for i, (result, value) in enumerate(zip(results, customs_values, strict=True)):
            line = result.line
            fixed = _excluded_rate(flat, line.hs_code) if flat is not None and in_band else None
            if flat is not None and in_band and not line.hs_code.startswith(flat.excluded_prefixes):
                result.duty_rate, result.duty_basis = flat.rate, "flat_rate"
                if self.explain:
                    self.trace.append(
                        Step("duty", f"line {line.id}: flat rate {flat.rate} % for low-value consignments", flat.fact)
                    )
            elif fixed is not None:
                result.duty_rate, result.duty_basis = fixed, "flat_rate_excluded_group"
                if self.explain:
                    self.trace.append(
                        Step(
                            "duty",
                            f"line {line.id}: HS {line.hs_code} is in a group excluded from the "
                            f"flat rate, with its own fixed rate {fixed} %",
                            flat.fact if flat is not None else None,
                        )
                    )
            else:
                entry = self.tariff_line(line.hs_code, i)
                result.tariff = entry
                if line.origin_claim and preferential and entry.atiga_rate_percent is not None:
                    result.duty_rate, result.duty_basis = entry.atiga_rate_percent, "ATIGA"
                    text = (
                        f"line {line.id}: ATIGA preferential rate {entry.atiga_rate_percent} % (tariff line "
                        f"{entry.hs_code}); requires ASEAN origin proven by Form D or self-certification"
                    )
                else:
                    result.duty_rate, result.duty_basis = entry.mfn_rate_percent, "MFN"
                    why = " (no ATIGA rate on this line)" if line.origin_claim and preferential else ""
                    text = f"line {line.id}: MFN rate {entry.mfn_rate_percent} % (tariff line {entry.hs_code}){why}"
                if self.explain:
                    self.trace.append(
                        Step(
                            "duty",
                            text,
                            Fact(
                                "tariff",
                                entry.source,
                                entry.effective_from,
                                None,
                                entry.effective_from.isoformat(),
                                "sample" if entry.sample else "tariff",
                            ),
                        )
                    )
            result.duty = self.money(value * result.duty_rate / HUNDRED)

    def rate_for(self, line: Line) -> TaxRate:
        book = self.book
        if line.tax_class != "luxury" and book.non_luxury_rate is not None and book.non_luxury_rate.rate is not None:
            return book.non_luxury_rate
        reduced = book.reduced_rate
        if (
            reduced is not None
            and reduced.rate is not None
            and line.tax_class != "excluded_from_reduction"
            and not line.hs_code.startswith(book.reduced_excluded_prefixes or ("\0",))
        ):
            return reduced
        return book.standard_rate

    def taxes(
        self,
        results: list[LineResult],
        customs_values: list[Decimal],
        values: dict[str, Decimal],
        unit_values: list[Decimal],
        goods: list[Decimal],
    ) -> tuple[bool, bool]:
        s, book = self.s, self.book
        regime = book.point_of_sale
        if regime is not None and self.relief(regime.threshold, regime.name, values, unit_values):
            if s.seller_registration:
                if self.explain:
                    self.trace.append(
                        Step(
                            "collected at sale",
                            f"seller registered under {regime.name} "
                            f"({regime.registration_label} {s.seller_registration}): the seller charges "
                            f"{regime.rate} % at checkout; nothing is charged at the border",
                            regime.fact,
                        )
                    )
                for result, g, cv in zip(results, goods, customs_values, strict=True):
                    base = g if regime.base == "sale_price" else cv
                    result.taxes.append(
                        TaxLine(
                            regime.name,
                            regime.rate,
                            self.money(base),
                            self.money(base * regime.rate / HUNDRED),
                            "seller_at_checkout",
                        )
                    )
                return False, True
            if self.explain:
                self.trace.append(
                    Step(
                        "collected at sale",
                        f"no {regime.registration_label} given: {regime.name} is "
                        "not collected at sale, so the border rules below apply",
                        regime.fact,
                    )
                )
        if book.tax_applies is None:
            raise self.missing("indirect_tax.applies_at_import")
        applies, applies_fact = book.tax_applies
        if applies is False:
            if self.explain:
                self.trace.append(Step("import tax", "no general indirect tax is charged on imports", applies_fact))
            return False, False
        if applies is None:
            raise self.missing("indirect_tax.applies_at_import", "the data has no value for that day")
        if book.tax_de_minimis is None:
            raise self.missing("de_minimis.indirect_tax")
        if self.relief(book.tax_de_minimis, "import tax de minimis", values, unit_values):
            return True, False
        if book.tax_base is None:
            raise self.missing("indirect_tax.import_base")
        components, base_fact = book.tax_base
        if self.explain:
            self.trace.append(Step("import tax base", f"import tax is charged on {' + '.join(components)}", base_fact))
        unmodelled = [c for c in components if c not in ("customs_value", "customs_duty")]
        if unmodelled and self.explain:
            self.trace.append(
                Step(
                    "import tax base",
                    f"{', '.join(unmodelled)} not computed here (no excise or other "
                    "levies are assessed): the base may be higher for goods that bear them",
                    base_fact,
                )
            )
        for result, value in zip(results, customs_values, strict=True):
            rate = self.rate_for(result.line)
            if rate.rate is None:
                raise self.missing("indirect_tax.standard_rate", rate.gap or "")
            base = (value if "customs_value" in components else ZERO) + (
                result.duty if "customs_duty" in components else ZERO
            )
            result.taxes.append(
                TaxLine(
                    rate.name, rate.rate, self.money(base), self.money(base * rate.rate / HUNDRED), "customs_at_border"
                )
            )
            if self.explain:
                self.trace.append(Step("import tax", f"line {result.line.id}: {rate.name} {rate.rate} %", rate.fact))
        return False, False


def _excluded_rate(flat: FlatDutyRegime, hs_code: str) -> Decimal | None:
    for rate, prefixes in flat.excluded_rates:
        if hs_code.startswith(prefixes):
            return rate
    return None


def assess(shipment: Shipment, book: RuleBook, *, explain: bool = True) -> Assessment:
    """Landed cost of one shipment under one destination's rules on its date (with the
    explanation trace unless explain=False, as for bulk manifests)."""
    return _Engine(shipment, book, explain).run()
