"""The compiled path of a CSV manifest: one row, one parcel, one goods line.

A row is recognised (compiled_rows.py) only when every field is plainly valid by the same
patterns as the fast declaration parser (fastparse.py), whose inputs are in turn proven to parse
exactly as the thorough parser parses them; it is then assessed by the day's compiled rules
(compiled.py, compiled_risk.py) and its result line written from a template. Any other row -
quoted newlines, a bad field, an unknown rate, anything unmodelled - answers None and takes the
thorough path (manifest.Assessor), so every result is the thorough path's result.
tests/customs/test_compiled.py proves it on generated rows."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from crossborder.core.errors import CrossborderError
from crossborder.customs.compiled import ZERO, Assessed, CompiledDay, HsPlan, NotCompiled
from crossborder.customs.compiled_risk import CompiledRisk
from crossborder.customs.compiled_rows import COLUMNS, PlainRows
from crossborder.customs.declarations import _split_threshold
from crossborder.customs.fastparse import HS, members_strict, parse_date
from crossborder.customs.fx import Conversion
from crossborder.customs.lookups import PreloadedLookups, run_key
from crossborder.customs.risk import Decision, load_profile, sha256
from crossborder.customs.rulebook import RuleBook

_TRUE = frozenset({"true", "1", "yes"})
# As manifest.csv_row_to_declaration reads them: a blank charge is "0", a blank quantity 1.
_ZEROS = {"": Decimal("0"), "0": Decimal("0")}
_QUANTITIES = {"": 1, **{str(n): n for n in range(1, 100)}}
_CACHE_MAX = 65_536  # entries per small cache (bounded: memory stays flat whatever the file)


def party_key(name: str, address: str, country: str) -> str:
    """`Party.key()` without building the Party (tests/customs/test_compiled.py keeps them equal)."""
    folded = " ".join(f"{name}|{address}|{country}".lower().split())
    return sha256(folded.encode()).hexdigest()[:32]


class Day:
    """A destination's compiled landed cost and lane on one day, and its trusted traders."""

    def __init__(self, book: RuleBook, lookups: PreloadedLookups) -> None:
        self.costs = CompiledDay(book)
        profile = load_profile(book.destination)
        try:
            split = _split_threshold(book, profile.split_threshold_parameter)
        except CrossborderError:
            raise NotCompiled("no split-shipment threshold on the day") from None
        self.risk = CompiledRisk(profile, split)
        self.destination, self.on = book.destination, book.on
        self.lookups = lookups
        self.watching = lookups.watching(book.destination)  # the watch list is loaded once per run
        self.trusted_ids: dict[str, bool] = {"": False}
        self.prefix = f'"ok":true,"destination":"{book.destination}","currency":"{book.currency}","customs_value":"'
        exponent = self.costs.quantum.as_tuple().exponent
        if not isinstance(exponent, int) or not -6 <= exponent <= 0:
            # str() writes an amount as format(amount, "f") does only for these exponents
            raise NotCompiled("amounts at this quantum would be written in exponent notation")
        self.zero = format(ZERO.quantize(self.costs.quantum), "f")
        self.on_text = book.on.isoformat()
        # For storing (compiled_store.py): rate texts, and conversions by currency, mode and reliefs.
        self.rate_texts: dict[Decimal, str] = {}
        self.conversion_texts: dict[tuple[str, str, bool, bool], tuple[str, bool]] = {}
        self.quiet_risk: dict[str, str] = {}  # a lane only the random draw decided: its decision as JSON

    def trusted(self, business_id: str | None) -> bool:
        if business_id is None:
            return False
        found = self.trusted_ids.get(business_id)
        if found is None:
            found = self.lookups.trusted(business_id, self.destination, self.on)
            if len(self.trusted_ids) >= _CACHE_MAX:
                self.trusted_ids.clear()
            self.trusted_ids[business_id] = found
        return found


# A row's day, its compiled costs, the invoice currency's conversion, the HS code and its plan.
Plan = tuple[Day, CompiledDay, Conversion, str, HsPlan]


class CompiledLine(NamedTuple):
    """A row assessed on the compiled path: what storing it needs (a tuple: cheap to make)."""

    number: int
    reference: str
    fields: tuple[str, ...]  # the row's fields in COLUMNS order, whatever the file's order
    day: Day
    assessed: Assessed
    hs_code: str
    quantity: int
    trusted: bool
    consignee_key: str
    lane: str
    rules: str  # the fired rules' names, as a JSON list
    quiet: bool  # nothing but the random draw could fire
    watch: tuple[str, ...]  # what the lane was decided on, to store the decision's texts
    recent: tuple[Decimal, ...]

    @property
    def ok(self) -> bool:
        return True

    def decision(self) -> Decision:
        """The lane decision with its texts (by `risk.assess_risk`)."""
        a = self.assessed
        return self.day.risk.decide(
            self.reference,
            a[1],
            self.hs_code,
            a[0],
            self.quantity,
            self.trusted,
            self.watch,
            self.recent,
        )


class CsvFastPath:
    """Assesses plainly valid rows of one CSV manifest (see the module's docstring)."""

    def __init__(
        self,
        header: list[str],
        lookups: PreloadedLookups,
        book: Callable[[str, str], RuleBook | None],
        kept: list[Any] | None = None,
    ) -> None:
        self.rows = PlainRows(header, members_strict())
        self.usable = self.rows.usable
        self.lookups = lookups
        self.book = book
        self.kept = kept  # where assessed rows go when they are to be stored
        self.days: dict[tuple[str, str], Day | None] = {}
        self.hs_codes: dict[str, str | None] = {}
        # Per destination, date, currency and HS code as written: one lookup a row instead of four.
        self.plans: dict[tuple[str, str, str, str], Plan | Literal[False]] = {}

    def day(self, destination: str, day_text: str) -> Day | None:
        key = (destination, day_text)
        try:
            return self.days[key]
        except KeyError:
            pass
        found: Day | None = None
        book = self.book(destination, day_text) if parse_date(day_text) is not None else None
        if book is not None:
            try:
                found = Day(book, self.lookups)
            except NotCompiled:
                found = None
        if len(self.days) > 4096:
            self.days.clear()
        self.days[key] = found
        return found

    def hs_code(self, raw: str) -> str | None:
        found = self.hs_codes.get(raw, "")
        if found == "":
            code = raw if HS.fullmatch(raw) else raw.replace(".", "").replace(" ", "")
            found = code if HS.fullmatch(code) else None
            if len(self.hs_codes) >= _CACHE_MAX:
                self.hs_codes.clear()
            self.hs_codes[raw] = found
        return found

    def plan(self, destination: str, day_text: str, currency: str, hs_raw: str) -> Plan | Literal[False]:
        """What a row's destination, date, invoice currency and HS code (as written) mean on the
        compiled path, or False where it has no answer for them (the thorough path then has)."""
        found: Plan | Literal[False] = False
        hs_code = self.hs_code(hs_raw)
        day = self.day(destination, day_text) if hs_code is not None else None
        if day is not None and hs_code is not None:
            costs = day.costs
            fx = costs.conversion(currency)
            if fx is not None:
                found = (day, costs, fx, hs_code, costs.hs_plan(hs_code))
        if len(self.plans) >= _CACHE_MAX:
            self.plans.clear()
        self.plans[(destination, day_text, currency, hs_raw)] = found
        return found

    def line(self, number: int, text: str) -> str | None:
        """The row's result line, or None: then the thorough path takes the row. When storing,
        the assessed row is also appended to `kept`."""
        fields = self.rows.fields(text)
        if fields is None:
            return None
        (
            reference,
            origin,
            destination,
            day_text,
            mode,
            _,
            consignor_name,
            consignor_address,
            consignee_name,
            consignee_address,
            business_id,
            registration,
            hs_raw,
            _,
            quantity_text,
            unit_text,
            currency,
            claim_text,
            shipping_text,
            insurance_text,
        ) = fields
        quantity = _QUANTITIES.get(quantity_text)
        if quantity is None:
            if len(quantity_text) > 7 or not quantity_text.isascii() or not quantity_text.isdigit():
                return None
            quantity = int(quantity_text)
            if not 1 <= quantity <= 1_000_000:
                return None
        unit_value = Decimal(unit_text)
        if not unit_value > 0:
            return None
        found = self.plans.get((destination, day_text, currency, hs_raw))
        if found is None:
            found = self.plan(destination, day_text, currency, hs_raw)
        if not found:
            return None
        day, costs, fx, hs_code, hs = found
        try:
            assessed = costs.assess(
                fx,
                unit_value,
                quantity,
                _ZEROS[shipping_text] if shipping_text in _ZEROS else Decimal(shipping_text),
                _ZEROS[insurance_text] if insurance_text in _ZEROS else Decimal(insurance_text),
                mode or "post",
                claim_text.lower() in _TRUE,
                origin != destination,
                hs,
                bool(registration),
            )
        except ArithmeticError:  # amounts beyond Decimal's precision: the thorough path decides
            return None
        if assessed is None:
            return None

        # The lane, asking the preloaded records in the order `declarations.prepare` does.
        lookups, risk = self.lookups, day.risk
        trusted = day.trusted_ids.get(business_id)
        if trusted is None:
            trusted = day.trusted(business_id or None)
        consignee_key = sha256(
            " ".join(f"{consignee_name}|{consignee_address}|{destination}".lower().split()).encode()
        ).hexdigest()[:32]  # party_key(), in line
        goods_value, customs_value, duty, border, sale, landed = assessed[:6]
        recent = lookups.see(destination, consignee_key, run_key(destination, consignee_key), risk.hours, customs_value)
        watch: tuple[str, ...] = ()
        if day.watching:
            watch = lookups.watch(destination, (party_key(consignor_name, consignor_address, origin), consignee_key))
        lane, rules, quiet = risk.lane(reference, customs_value, hs_code, goods_value, quantity, trusted, watch, recent)
        if self.kept is not None:
            self.kept.append(
                CompiledLine(
                    number,
                    reference,
                    fields,
                    day,
                    assessed,
                    hs_code,
                    quantity,
                    trusted,
                    consignee_key,
                    lane,
                    rules,
                    quiet,
                    watch,
                    recent,
                )
            )
        # The result as `LineOutcome.result` and json.dumps write it. Every amount is already at the
        # currency's quantum (str writes it as format(x, "f") does: see Day), except an untouched
        # zero, written at the quantum. `!s`: str() is three times as fast as Decimal.__format__.
        zero = day.zero
        return (
            f'{{"line":{number},"client_reference":"{reference}",{day.prefix}{customs_value!s}",'
            f'"duty":"{zero if duty is ZERO else duty!s}",'
            f'"tax_at_border":"{zero if border is ZERO else border!s}",'
            f'"tax_at_checkout":"{zero if sale is ZERO else sale!s}",'
            f'"landed_cost":"{landed!s}","lane":"{lane}","rules":{rules}}}\n'
        )


__all__ = ["COLUMNS", "CompiledLine", "CsvFastPath", "Day", "party_key"]
