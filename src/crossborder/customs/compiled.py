"""The landed cost of a one-line parcel (a manifest row), compiled per destination and day.

Everything that does not depend on the line is worked out once from the day's rule book: the
valuation basis, each threshold with its currency factor, the flat-duty band's ceiling, the tax
rates and base, the simplified-route limit; per HS code, the tariff line and the tax rate; per
invoice currency, the conversion. A line then costs a few dict lookups and the same Decimal
operations, in the same order and with the same rounding, as `landed_cost._Engine` (which stays
the definition: this module mirrors it step by step for one line and one tax class).

Anything it does not model answers None - a missing fact or rate, an unlisted HS code, a
consignment over the simplified-route limit - and the caller runs the thorough path, which gives
the error. tests/customs/test_compiled.py proves both agree on generated lines."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, getcontext

from crossborder.core.errors import CrossborderError
from crossborder.customs.declarations import simplified_route_limit
from crossborder.customs.fx import Conversion
from crossborder.customs.rulebook import RuleBook, TaxRate, ThresholdRule
from crossborder.customs.tariff import TariffEntry

HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE = Decimal(1)
_GOODS_BASES = frozenset({"FOB", "FCA", "sale_price"})  # the engine values these at the goods total
HS_CACHE_MAX = 65_536  # HS codes kept per day (bounded: memory stays flat whatever the file)


def _hundredth(rate: Decimal | None) -> tuple[Decimal, Decimal] | None:
    return None if rate is None else (rate, rate / HUNDRED)


def _is_one(value: Decimal) -> bool:
    """Exactly Decimal(1) - coefficient 1, exponent 0 - not merely equal to it (1.0000 is not)."""
    return value.as_tuple() == (0, (1,), 0)


class NotCompiled(Exception):
    """The day's rules hold something this path does not model: use the thorough path."""


@dataclass(frozen=True, slots=True)
class Relief:
    """A de minimis (or point-of-sale) threshold as `_Engine.relief` applies it."""

    amount: Decimal | None  # None: no relief at all
    modes: frozenset[str] | None
    per_item: bool
    at_goods: bool  # measured on the goods total (FOB/FCA/sale price) rather than CIF
    conversion: Conversion | None  # destination currency -> the threshold's currency
    factor: Decimal | None  # its factor; None when it is exactly one (the product is the value)

    def measured(self, mode: str) -> bool:
        """Does the engine convert and compare (and so list the conversion) for this mode?"""
        return self.amount is not None and (self.modes is None or mode in self.modes)

    def relieved(self, mode: str, cif: Decimal, goods_total: Decimal, unit: Decimal) -> bool:
        if self.amount is None or (self.modes is not None and mode not in self.modes):
            return False
        value = unit if self.per_item else goods_total if self.at_goods else cif
        return (value if self.factor is None else value * self.factor) <= self.amount


@dataclass(frozen=True, slots=True)
class Flat:
    """A flat duty rate for a value band (`_Engine.duties`), ceiling converted once."""

    rate: Decimal
    hundredth: Decimal  # rate / 100 (see HsPlan)
    low: Decimal
    ceiling: Decimal
    at_cif: bool  # the band is measured on CIF; otherwise on the goods total
    conversion: Conversion  # destination currency -> the band's currency
    ceiling_conversion: Conversion  # the ceiling's currency -> the band's currency
    excluded_prefixes: tuple[str, ...]
    excluded_rates: tuple[tuple[Decimal, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class PointOfSale:
    name: str
    rate: Decimal
    hundredth: Decimal  # rate / 100 (see HsPlan)
    sale_price_base: bool
    relief: Relief


@dataclass(frozen=True, slots=True)
class HsPlan:
    """What one declared (normalised) HS code means on the day."""

    code: str
    entry: TariffEntry | None  # None: the schedule has no line for it (the thorough path says why)
    flat_excluded: bool
    fixed_rate: Decimal | None  # the rate of the flat band's excluded group it falls in
    tax: TaxRate  # the import tax rate for a standard-class line
    # Each rate over a hundred: round28(x * rate) / 100 is round28(x * (rate / 100)) (a shift by a
    # power of ten keeps the significant digits), so x * rate / HUNDRED costs one operation.
    mfn: tuple[Decimal, Decimal] | None  # (rate, rate / 100) of the tariff line
    atiga: tuple[Decimal, Decimal] | None
    fixed: tuple[Decimal, Decimal] | None  # of the flat band's excluded group the code falls in
    tax_rate: Decimal | None  # the tax rate / 100


# One line's assessment, the engine's figures rounded as it rounds them: goods value, customs value,
# duty, tax at the border, tax at checkout, landed cost, shipping, insurance (the last two ZERO when
# nothing was charged), duty rate, duty basis, tariff line, the tax line (name, rate, unrounded base,
# amount, collected by) or None, and the flags duty relief, tax relief, collected at sale, and
# point-of-sale threshold met. A plain tuple: a million of them are made and dropped.
Assessed = tuple[
    Decimal,
    Decimal,
    Decimal,
    Decimal,
    Decimal,
    Decimal,
    Decimal,
    Decimal,
    Decimal,
    str,
    TariffEntry | None,
    tuple[str, Decimal, Decimal, Decimal, str] | None,
    bool,
    bool,
    bool,
    bool,
]


def _conversion(book: RuleBook, source: str, target: str) -> Conversion:
    try:
        return book.fx.conversion(source, target, book.on)
    except CrossborderError:
        raise NotCompiled(f"no {source}->{target} rate") from None


def _relief(book: RuleBook, rule: ThresholdRule) -> Relief:
    if rule.amount is None:
        return Relief(None, rule.modes, False, False, None, None)
    currency = rule.currency or book.currency
    basis = rule.basis or "CIF"
    conversion = _conversion(book, book.currency, currency)
    return Relief(
        rule.amount,
        rule.modes,
        rule.per == "item",
        basis in _GOODS_BASES,
        conversion,
        None if _is_one(conversion.factor) else conversion.factor,
    )


class CompiledDay:
    """One destination's landed-cost rules on one day, ready for one-line parcels."""

    def __init__(self, book: RuleBook) -> None:
        self.book = book
        self.destination = book.destination
        self.currency = book.currency
        self.quantum: Decimal = ONE.scaleb(-book.minor_units)
        # `_Engine.money` rounds half up in the current context: the same context, its rounding
        # set once (Decimal.quantize's keyword is slow to parse).
        self.half_up = getcontext().copy()
        self.half_up.rounding = ROUND_HALF_UP
        if book.valuation_basis is None or book.duty_de_minimis is None or book.tax_applies is None:
            raise NotCompiled("a fact the engine needs is missing on the day")
        self.cif_basis = book.valuation_basis[0] == "CIF"
        self.duty_relief = _relief(book, book.duty_de_minimis)
        self.flat = self._flat(book)
        self.point_of_sale = None
        if book.point_of_sale is not None:
            regime = book.point_of_sale
            self.point_of_sale = PointOfSale(
                regime.name,
                regime.rate,
                regime.rate / HUNDRED,
                regime.base == "sale_price",
                _relief(book, regime.threshold),
            )
        applies = book.tax_applies[0]
        if applies is None:
            raise NotCompiled("indirect_tax.applies_at_import has no value on the day")
        self.tax_applies = applies
        self.tax_relief = Relief(None, None, False, False, None, None)
        self.base_customs_value = self.base_duty = False
        if applies:
            if book.tax_de_minimis is None or book.tax_base is None:
                raise NotCompiled("a tax fact is missing on the day")
            self.tax_relief = _relief(book, book.tax_de_minimis)
            components = book.tax_base[0]
            self.base_customs_value = "customs_value" in components
            self.base_duty = "customs_duty" in components
        reliefs = [self.duty_relief, self.tax_relief]
        if self.point_of_sale is not None:
            reliefs.append(self.point_of_sale.relief)
        self.per_item = any(relief.per_item for relief in reliefs)
        try:
            self.limit = simplified_route_limit(book)
        except CrossborderError:
            raise NotCompiled("no simplified-route limit on the day") from None
        self.currencies: dict[str, Conversion | None] = {}
        self.hs_plans: dict[str, HsPlan] = {}

    def _flat(self, book: RuleBook) -> Flat | None:
        flat = book.flat_duty
        if flat is None:
            return None
        low, high = flat.above, flat.up_to
        ceiling_conversion = _conversion(book, high[1], low[1])
        return Flat(
            flat.rate,
            flat.rate / HUNDRED,
            low[0],
            high[0] * ceiling_conversion.factor,  # as `_Engine.duties` computes it, for every line alike
            low[2] == "CIF",
            _conversion(book, book.currency, low[1]),
            ceiling_conversion,
            flat.excluded_prefixes,
            flat.excluded_rates,
        )

    def conversion(self, currency: str) -> Conversion | None:
        """The invoice currency's conversion into the destination's, None without a rate."""
        try:
            return self.currencies[currency]
        except KeyError:
            pass
        try:
            found: Conversion | None = self.book.fx.conversion(currency, self.currency, self.book.on)
        except CrossborderError:
            found = None
        if found is not None and _is_one(found.factor):  # lets `assess` skip multiplying by one
            found = Conversion(found.source_currency, found.target_currency, ONE, found.rates)
        if len(self.currencies) > 1024:
            self.currencies.clear()
        self.currencies[currency] = found
        return found

    def hs_plan(self, code: str) -> HsPlan:
        plan = self.hs_plans.get(code)
        if plan is None:
            book = self.book
            try:
                entry: TariffEntry | None = book.tariff.lookup(code, book.on)
            except CrossborderError:
                entry = None
            flat = self.flat
            fixed = None
            if flat is not None:
                fixed = next((rate for rate, prefixes in flat.excluded_rates if code.startswith(prefixes)), None)
            tax = self._tax_rate(code)
            plan = HsPlan(
                code,
                entry,
                flat is not None and code.startswith(flat.excluded_prefixes),
                fixed,
                tax,
                _hundredth(None if entry is None else entry.mfn_rate_percent),
                _hundredth(None if entry is None else entry.atiga_rate_percent),
                _hundredth(fixed),
                None if tax.rate is None else tax.rate / HUNDRED,
            )
            if len(self.hs_plans) >= HS_CACHE_MAX:
                self.hs_plans.clear()
            self.hs_plans[code] = plan
        return plan

    def _tax_rate(self, code: str) -> TaxRate:
        """`_Engine.rate_for` for a standard-class line."""
        book = self.book
        if book.non_luxury_rate is not None and book.non_luxury_rate.rate is not None:
            return book.non_luxury_rate
        reduced = book.reduced_rate
        if (
            reduced is not None
            and reduced.rate is not None
            and not code.startswith(book.reduced_excluded_prefixes or ("\0",))
        ):
            return reduced
        return book.standard_rate

    def assess(
        self,
        fx: Conversion,
        unit_value: Decimal,
        quantity: int,
        shipping: Decimal,
        insurance: Decimal,
        mode: str,
        claim: bool,
        preferential: bool,
        hs: HsPlan,
        registered: bool,
    ) -> Assessed | None:
        """`_Engine.run` for one line (shipping and insurance in the line's currency), or None
        where the engine would raise (or the simplified route does not apply).

        The same operations on the same values, less those whose result has the value of an
        operand (adding Decimal(0), multiplying by Decimal(1), adding a zero charge): every figure
        that is written is rounded to the quantum or summed from such, and every test compares
        values, so an operand's exponent never shows."""
        q, money = self.quantum, self.half_up.quantize
        factor = fx.factor
        g = unit_value * quantity
        if factor is not ONE:
            g = g * factor
            shipping, insurance = shipping * factor, insurance * factor
        # goods_total = sum(goods, ZERO) has g's value; so has g + freight * g / goods_total when
        # there is no freight.
        cif = g + shipping + insurance
        freight = (shipping + insurance) if self.cif_basis else ZERO
        cv = g + freight * g / g if freight else g
        goods_value = money(g, q)
        if goods_value > self.limit:
            return None  # not a low-value consignment: the thorough path says so
        customs_value = money(cv, q)
        unit = g / quantity if self.per_item else ZERO  # only per-item thresholds look at it

        entry = None
        duty_relief = self.duty_relief.relieved(mode, cif, g, unit)
        if duty_relief:
            entry = hs.entry
            if entry is None:
                return None  # every line must be classified, relieved or not
            duty_rate, duty_basis, duty = ZERO, "de_minimis", ZERO
        else:
            flat = self.flat
            in_band = False
            if flat is not None:
                measured = (cif if flat.at_cif else g) * flat.conversion.factor
                in_band = flat.low < measured <= flat.ceiling
            if in_band and not hs.flat_excluded:
                assert flat is not None
                duty_rate, duty_basis, hundredth = flat.rate, "flat_rate", flat.hundredth
            elif in_band and hs.fixed is not None:
                (duty_rate, hundredth), duty_basis = hs.fixed, "flat_rate_excluded_group"
            else:
                entry, mfn = hs.entry, hs.mfn
                if entry is None or mfn is None:
                    return None
                if claim and preferential and hs.atiga is not None:
                    (duty_rate, hundredth), duty_basis = hs.atiga, "ATIGA"
                else:
                    (duty_rate, hundredth), duty_basis = mfn, "MFN"
            duty = money(cv * hundredth, q)

        tax: tuple[str, Decimal, Decimal, Decimal, str] | None = None
        at_sale = tax_relief = pos_relieved = False
        border_tax = sale_tax = ZERO
        regime = self.point_of_sale
        if regime is not None:
            pos_relieved = regime.relief.relieved(mode, cif, g, unit)
            if pos_relieved and registered:
                base = g if regime.sale_price_base else cv
                sale_tax = money(base * regime.hundredth, q)
                tax = (regime.name, regime.rate, base, sale_tax, "seller_at_checkout")
                at_sale = True
        if not at_sale and self.tax_applies:
            tax_relief = self.tax_relief.relieved(mode, cif, g, unit)
            if not tax_relief:
                rate, tax_hundredth = hs.tax, hs.tax_rate
                if rate.rate is None or tax_hundredth is None:
                    return None
                base = (cv if self.base_customs_value else ZERO) + (duty if self.base_duty else ZERO)
                border_tax = money(base * tax_hundredth, q)
                tax = (rate.name, rate.rate, base, border_tax, "customs_at_border")
        # A sum of amounts at the quantum is at the quantum: nothing left to round.
        landed = goods_value + duty + border_tax + sale_tax
        shipping_money = insurance_money = ZERO
        if shipping:
            shipping_money = money(shipping, q)
            landed += shipping_money
        if insurance:
            insurance_money = money(insurance, q)
            landed += insurance_money
        return (
            goods_value,
            customs_value,
            duty,
            border_tax,
            sale_tax,
            landed,
            shipping_money,
            insurance_money,
            duty_rate,
            duty_basis,
            entry,
            tax,
            duty_relief,
            tax_relief,
            at_sale,
            pos_relieved,
        )

    def conversions_used(self, currency: str, mode: str, assessed: Assessed, registered: bool) -> list[Conversion]:
        """The conversions the engine made for this line, in the order it first made each one."""
        used: dict[tuple[str, str], Conversion] = {}
        fx = self.conversion(currency)
        assert fx is not None  # the line was assessed with it
        used[(currency, self.currency)] = fx
        relief = self.duty_relief
        if relief.measured(mode):
            assert relief.conversion is not None
            used.setdefault((self.currency, relief.conversion.target_currency), relief.conversion)
        flat = self.flat
        duty_relief, pos_relieved = assessed[12], assessed[15]
        if not duty_relief and flat is not None:
            used.setdefault((self.currency, flat.conversion.target_currency), flat.conversion)
            ceiling = flat.ceiling_conversion
            used.setdefault((ceiling.source_currency, ceiling.target_currency), ceiling)
        regime = self.point_of_sale
        if regime is not None:
            if regime.relief.measured(mode):
                assert regime.relief.conversion is not None
                used.setdefault((self.currency, regime.relief.conversion.target_currency), regime.relief.conversion)
            if pos_relieved and registered:
                return list(used.values())
        if self.tax_applies and self.tax_relief.measured(mode):
            conversion = self.tax_relief.conversion
            assert conversion is not None
            used.setdefault((self.currency, conversion.target_currency), conversion)
        return list(used.values())
