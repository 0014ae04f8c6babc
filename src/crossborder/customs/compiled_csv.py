"""The compiled path of a CSV manifest: one row, one parcel, one goods line.

A row is recognised only when every field is plainly valid by the same patterns as the fast
declaration parser (fastparse.py), whose inputs are in turn proven to parse exactly as the
thorough parser parses them; it is then assessed by the day's compiled rules (compiled.py,
compiled_risk.py) and its result line written from a template. Any other row - quoted newlines,
a bad field, an unknown rate, anything unmodelled - answers None and takes the thorough path
(manifest.Assessor), so every result is the thorough path's result.
tests/customs/test_compiled.py proves it on generated rows."""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from crossborder.core.errors import CrossborderError
from crossborder.customs.compiled import ZERO, Assessed, CompiledDay, NotCompiled
from crossborder.customs.compiled_risk import CompiledRisk
from crossborder.customs.declarations import _split_threshold
from crossborder.customs.fastparse import CURRENCY, HS, PLAIN_DECIMAL, REFERENCE, members_strict, parse_date
from crossborder.customs.lookups import PreloadedLookups, run_key
from crossborder.customs.risk import Decision, load_profile, sha256
from crossborder.customs.rulebook import RuleBook
from crossborder.customs.shipment import INCOTERMS, TRANSPORT_MODES

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


class CompiledLine:
    """A row assessed on the compiled path: its result line, and what storing it needs."""

    __slots__ = (
        "assessed",
        "consignee_key",
        "day",
        "fields",
        "hs_code",
        "lane",
        "number",
        "output",
        "quantity",
        "quiet",
        "recent",
        "reference",
        "rules",
        "trusted",
        "watch",
    )
    ok = True

    def __init__(
        self,
        number: int,
        reference: str,
        output: str,
        fields: list[str],
        day: Day,
        assessed: Assessed,
        hs_code: str,
        quantity: int,
        trusted: bool,
        consignee_key: str,
        lane: str,
        rules: str,
        quiet: bool,
        watch: tuple[str, ...],
        recent: tuple[Decimal, ...],
    ) -> None:
        self.number = number
        self.reference = reference
        self.output = output
        self.fields = fields
        self.day = day
        self.assessed = assessed
        self.hs_code = hs_code
        self.quantity = quantity
        self.trusted = trusted
        self.consignee_key = consignee_key
        self.lane = lane
        self.rules = rules  # the fired rules' names, as a JSON list
        self.quiet = quiet  # nothing but the random draw could fire
        self.watch = watch  # what the lane was decided on, to store the decision's texts
        self.recent = recent

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


# The manifest CSV's columns (manifest.CSV_COLUMNS is this tuple), in file order.
COLUMNS = (
    "client_reference",
    "origin",
    "destination",
    "date",
    "transport_mode",
    "incoterm",
    "consignor_name",
    "consignor_address",
    "consignee_name",
    "consignee_address",
    "seller_business_id",
    "seller_registration",
    "hs_code",
    "description",
    "quantity",
    "unit_value",
    "currency",
    "origin_claim",
    "shipping",
    "insurance",
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
        where = {name: i for i, name in enumerate(header)}  # a repeated column: the last wins, as in dict(zip())
        self.usable = all(c in where for c in COLUMNS)
        self.index = tuple(where.get(c, 0) for c in COLUMNS)
        self.width = len(header)
        self.lookups = lookups
        self.book = book
        self.kept = kept  # where assessed rows go when they are to be stored
        self.members = members_strict()
        self.days: dict[tuple[str, str], Day | None] = {}
        self.hs_codes: dict[str, str | None] = {}
        self._box: list[str] = []
        self._reader = self._new_reader()

    def _new_reader(self) -> Any:
        # One reader fed a line at a time (C calls only): a line that ends inside quotes makes it
        # ask for more, which raises IndexError, and the row takes the thorough path.
        return csv.reader(iter(self._box.pop, None))

    def _split(self, text: str) -> list[str] | None:
        """The fields as `manifest.split_csv_line` finds them, or None for a line it might not."""
        if "\r" in text or "\n" in text or "\0" in text:
            return None
        if '"' not in text:
            return text.split(",")
        self._box.append(text)
        try:
            return next(self._reader)  # type: ignore[no-any-return]
        except (csv.Error, IndexError, StopIteration):
            self._box.clear()
            self._reader = self._new_reader()
            return None

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

    def line(self, number: int, text: str) -> str | None:
        """The row's result line, or None: then the thorough path takes the row. When storing,
        the assessed row is also appended to `kept`."""
        fields = self._split(text)
        if fields is None or len(fields) != self.width:
            return None
        (
            reference,
            origin,
            destination,
            day_text,
            mode,
            incoterm,
            consignor_name,
            consignor_address,
            consignee_name,
            consignee_address,
            business_id,
            registration,
            hs_raw,
            description,
            quantity_text,
            unit_text,
            currency,
            claim_text,
            shipping_text,
            insurance_text,
        ) = [fields[i] for i in self.index]
        # fastparse's tests, in line: present, short enough, nothing `strip` would remove.
        if (
            origin not in self.members
            or destination not in self.members
            or not REFERENCE.fullmatch(reference)
            or (mode or "post") not in TRANSPORT_MODES
            or (incoterm or "DAP") not in INCOTERMS
            or not 0 < len(consignor_name) <= 300
            or consignor_name.strip() != consignor_name
            or not 0 < len(consignor_address) <= 300
            or consignor_address.strip() != consignor_address
            or not 0 < len(consignee_name) <= 300
            or consignee_name.strip() != consignee_name
            or not 0 < len(consignee_address) <= 300
            or consignee_address.strip() != consignee_address
            or not 0 < len(description) <= 300
            or description.strip() != description
            or (business_id and (len(business_id) > 64 or business_id.strip() != business_id))
            or (registration and (len(registration) > 64 or registration.strip() != registration))
            or not CURRENCY.fullmatch(currency)
            or not PLAIN_DECIMAL.fullmatch(unit_text)
            or (shipping_text and not PLAIN_DECIMAL.fullmatch(shipping_text))
            or (insurance_text and not PLAIN_DECIMAL.fullmatch(insurance_text))
        ):
            return None
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
        hs_code = self.hs_code(hs_raw)
        if hs_code is None:
            return None
        day = self.days.get((destination, day_text)) or self.day(destination, day_text)
        if day is None:
            return None
        costs = day.costs
        fx = costs.currencies.get(currency) or costs.conversion(currency)
        if fx is None:
            return None
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
                costs.hs_plans.get(hs_code) or costs.hs_plan(hs_code),
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
        key = run_key(destination, consignee_key)
        recent = lookups.recent_at(destination, consignee_key, key, risk.hours)
        watch: tuple[str, ...] = ()
        if day.watching:
            watch = lookups.watch(destination, (party_key(consignor_name, consignor_address, origin), consignee_key))
        goods_value, customs_value, duty, border, sale, landed = assessed[:6]
        lane, rules, quiet = risk.lane(reference, customs_value, hs_code, goods_value, quantity, trusted, watch, recent)
        lookups.remember_at(key, customs_value)

        # The result as `LineOutcome.result` and json.dumps write it. Every amount is already at the
        # currency's quantum (str writes it as format(x, "f") does: see Day), except an untouched
        # zero, written at the quantum.
        zero = day.zero
        output = (
            f'{{"line":{number},"client_reference":"{reference}",{day.prefix}{customs_value}",'
            f'"duty":"{zero if duty is ZERO else duty}",'
            f'"tax_at_border":"{zero if border is ZERO else border}",'
            f'"tax_at_checkout":"{zero if sale is ZERO else sale}",'
            f'"landed_cost":"{landed}","lane":"{lane}","rules":{rules}}}\n'
        )
        if self.kept is not None:
            self.kept.append(
                CompiledLine(
                    number,
                    reference,
                    output,
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
        return output
