"""Declarations of a manifest as rows to store in bulk: plain tuples for one DBAPI executemany, no
ORM objects and no per-row type processing.

A row assessed on the compiled path (compiled_csv.CompiledLine) is written from templates: the
declared data set and the assessment are serialised straight to JSON text, with the same content
`declarations.row_values` gives (`Assessment.as_dict()` plus the lane decision), so every reader of
a declaration - API, pages, officer actions - sees what it would have seen; a row from the
thorough path is `row_values` itself. tests/customs/test_compiled.py compares both, column by
column."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring_ascii as quote
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.engine import Dialect

from crossborder.customs.compiled import ZERO
from crossborder.customs.compiled_csv import COLUMNS, CompiledLine
from crossborder.customs.fx import Conversion
from crossborder.customs.lifecycle import LANE_STATUS, Status
from crossborder.customs.models import Declaration, DeclarationEvent
from crossborder.customs.tariff import TariffEntry

DECLARATIONS: Table = Declaration.__table__  # type: ignore[assignment]
EVENTS: Table = DeclarationEvent.__table__  # type: ignore[assignment]
# The columns `RowWriter.compiled` fills, in its order (a test keeps them the table's columns).
ROW = (
    "client_reference",
    "submitter_org_id",
    "origin",
    "destination",
    "declared_on",
    "transport_mode",
    "consignor_name",
    "consignee_name",
    "consignee_key",
    "seller_business_id",
    "trusted_trader",
    "currency",
    "customs_value",
    "duty",
    "tax_at_border",
    "tax_at_checkout",
    "status",
    "lane",
    "risk_rules",
    "data",
    "assessment",
    "submitted_at",
    "decided_at",
    "manifest_id",
)
EVENT = ("declaration_id", "at", "from_status", "to_status", "actor", "reason")  # as `event_rows` fills them
_JSON = frozenset({"risk_rules", "data", "assessment"})
# Where these manifest columns are in a CompiledLine's fields.
_ORIGIN, _MODE, _INCOTERM, _CONSIGNOR, _CONSIGNEE, _BUSINESS_ID, _REGISTRATION, _DESCRIPTION, _CURRENCY = (
    COLUMNS.index(name)
    for name in (
        "origin",
        "transport_mode",
        "incoterm",
        "consignor_name",
        "consignee_name",
        "seller_business_id",
        "seller_registration",
        "description",
        "currency",
    )
)
_TRUE = ("true", "1", "yes")  # as manifest.csv_row_to_declaration reads an origin claim


# json.dumps(value, separators=(",", ":")), without building an encoder per call.
_json = json.JSONEncoder(separators=(",", ":")).encode


_FLAG = {False: "false", True: "true"}
_REASONS: dict[tuple[str, str], str] = {}  # the event's reason by lane and fired rules (a few kinds)


class Statements:
    """The two INSERTs as the dialect writes them, and how it takes their parameters."""

    def __init__(self, dialect: Dialect) -> None:
        self.positional = True
        self.sql: dict[str, str] = {}
        for name, table, columns in (("row", DECLARATIONS, ROW), ("event", EVENTS, EVENT)):
            compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
            if compiled.positional and list(compiled.positiontup or ()) != list(columns):
                raise RuntimeError("unexpected parameter order")  # never: columns are given in order
            self.positional = compiled.positional
            self.sql[name] = compiled.string

    def execute(self, connection: Connection, name: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        parameters: list[Any] = rows if self.positional else [dict(zip(columns, r, strict=True)) for r in rows]
        connection.exec_driver_sql(self.sql[name], parameters)


_statements: dict[str, Statements] = {}


def statements(dialect: Dialect) -> Statements:
    found = _statements.get(dialect.name)
    if found is None:
        found = _statements[dialect.name] = Statements(dialect)
    return found


class RowWriter:
    """Rows of one stored batch: one submission instant, the dialect's own forms of dates and flags."""

    def __init__(self, dialect: Dialect, org_id: int | None, manifest_id: int | None, now: datetime) -> None:
        # As SQLAlchemy binds each column on this dialect (a TypeDecorator through its dialect impl).
        self.processors = {c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in DECLARATIONS.columns}
        self.org_id, self.manifest_id = org_id, manifest_id
        self.now = self._bind("submitted_at", now)
        self.flags = {flag: self._bind("trusted_trader", flag) for flag in (False, True)}
        self.dates: dict[date, Any] = {}
        self.events: list[tuple[str, Any, str, str]] = []  # reference, at, status, reason

    def _bind(self, column: str, value: Any) -> Any:
        processor = self.processors[column]
        return value if processor is None or value is None else processor(value)

    def thorough(self, values: dict[str, Any]) -> tuple[Any, ...]:
        """A row from `declarations.row_values`."""
        rules = values["risk_rules"]
        self.events.append(
            (
                values["client_reference"],
                self._bind("submitted_at", values["submitted_at"]),
                values["status"],
                f"lane {values['lane']}: {'; '.join(rules) or 'no rule fired'}",
            )
        )
        return tuple(json.dumps(values[name]) if name in _JSON else self._bind(name, values[name]) for name in ROW)

    def compiled(self, line: CompiledLine) -> tuple[Any, ...]:
        """A row from the compiled path, in the columns and forms of `thorough`'s."""
        f, a, day = line.fields, line.assessed, line.day
        on = day.on
        declared_on = self.dates.get(on)
        if declared_on is None:
            declared_on = self.dates[on] = self._bind("declared_on", on)
        lane, rules = line.lane, line.rules
        status, released = _STATUS[lane]
        reason = _REASONS.get((lane, rules))
        if reason is None:
            if len(_REASONS) > 4096:
                _REASONS.clear()
            reason = _REASONS[(lane, rules)] = f"lane {lane}: {'; '.join(json.loads(rules)) or 'no rule fired'}"
        self.events.append((line.reference, self.now, status, reason))
        zero = day.zero
        return (
            line.reference,
            self.org_id,
            f[_ORIGIN],
            day.destination,
            declared_on,
            f[_MODE] or "post",
            f[_CONSIGNOR],
            f[_CONSIGNEE],
            line.consignee_key,
            f[_BUSINESS_ID] or None,
            self.flags[line.trusted],
            day.costs.currency,
            str(a[1]),  # customs value, at the quantum (see compiled_csv)
            zero if a[2] is ZERO else str(a[2]),
            zero if a[3] is ZERO else str(a[3]),
            zero if a[4] is ZERO else str(a[4]),
            status,
            lane,
            rules,
            data_json(f, line.quantity),
            assessment_json(line),
            self.now,
            self.now if released else None,
            self.manifest_id,
        )


# A lane's status, and whether it releases on submission (Enum attribute reads are slow per row).
_STATUS = {lane: (status.value, status is Status.released) for lane, status in LANE_STATUS.items()}


def data_json(f: tuple[str, ...], quantity: int) -> str:
    """The declared data set as `manifest.csv_row_to_declaration` builds it from the row (F: the
    row's fields in COLUMNS order)."""
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
        _,
        unit_text,
        currency,
        claim_text,
        shipping_text,
        insurance_text,
    ) = f
    return (
        f'{{"client_reference":"{reference}","origin":"{origin}","destination":"{destination}",'
        f'"date":{quote(day_text)},"transport_mode":"{mode or "post"}","incoterm":"{incoterm or "DAP"}",'
        f'"consignor":{{"name":{quote(consignor_name)},"address":{quote(consignor_address)},'
        f'"country":"{origin}"}},'
        f'"consignee":{{"name":{quote(consignee_name)},"address":{quote(consignee_address)},'
        f'"country":"{destination}"}},'
        f'"seller_business_id":{quote(business_id) if business_id else "null"},'
        f'"seller_registration":{quote(registration) if registration else "null"},'
        f'"shipping":"{shipping_text or "0"}","insurance":"{insurance_text or "0"}",'
        f'"lines":[{{"id":"1","hs_code":{quote(hs_raw)},"description":{quote(description)},'
        f'"quantity":{quantity},"unit_value":"{unit_text}","currency":"{currency}",'
        f'"origin_claim":{"true" if claim_text.lower() in _TRUE else "false"}}}]}}'
    )


_tariff_lines: dict[int, tuple[TariffEntry, str]] = {}
_conversions: dict[int, tuple[Conversion, str]] = {}


def _tariff_line(entry: TariffEntry) -> str:
    found = _tariff_lines.get(id(entry))
    if found is None or found[0] is not entry:
        if len(_tariff_lines) > 65_536:
            _tariff_lines.clear()
        text = _json(
            {
                "hs_code": entry.hs_code,
                "description": entry.description,
                "source": entry.source,
                "effective_from": entry.effective_from.isoformat(),
                "sample": entry.sample,
            }
        )
        found = _tariff_lines[id(entry)] = (entry, text)
    return found[1]


def _conversion(conversion: Conversion) -> str:
    found = _conversions.get(id(conversion))
    if found is None or found[0] is not conversion:
        if len(_conversions) > 4096:
            _conversions.clear()
        found = _conversions[id(conversion)] = (conversion, _json(conversion.as_dict()))
    return found[1]


def _conversions_used(line: CompiledLine, registered: bool) -> tuple[str, bool]:
    """The conversions the engine lists for the line, as JSON, and whether any used a sample rate
    (the same for every line of the day with the same currency, mode and reliefs)."""
    f, a, costs = line.fields, line.assessed, line.day.costs
    currency, mode = f[_CURRENCY], f[_MODE] or "post"
    key = (currency, mode, a[12], a[15] and registered)
    found = line.day.conversion_texts.get(key)
    if found is None:
        used = costs.conversions_used(currency, mode, a, registered)
        found = (
            ",".join(_conversion(c) for c in used if c.factor != 1),
            any(rate.sample for c in used for rate in c.rates),
        )
        line.day.conversion_texts[key] = found
    return found


def assessment_json(line: CompiledLine) -> str:
    """`{**Assessment.as_dict(), "risk": Decision.as_dict()}` for a compiled one-line parcel
    (as bulk runs store it: no trace)."""
    f, day = line.fields, line.day
    origin, mode, incoterm, registration = f[_ORIGIN], f[_MODE] or "post", f[_INCOTERM], f[_REGISTRATION]
    costs = day.costs
    q, zero, rates = costs.quantum, day.zero, day.rate_texts
    (
        goods_value,
        customs_value,
        duty,
        border_tax,
        sale_tax,
        landed,
        shipping,
        insurance,
        duty_rate,
        duty_basis,
        entry,
        tax,
        duty_relief,
        tax_relief,
        at_sale,
        _,
    ) = line.assessed

    def rate_text(rate: Decimal) -> str:  # Assessment.as_dict's _s(rate), once per rate
        text = rates.get(rate)
        if text is None:
            text = rates[rate] = format(rate.quantize(q), "f")
        return text

    # Amounts at the quantum are written by str() as _s writes them (see compiled_csv.Day); an
    # untouched zero (ZERO) at the quantum; the duty and border tax summed: as _s does, at the
    # quantum unless both are ZERO. (`!s` and str(): three times as fast as Decimal.__format__,
    # with the same text for these amounts.)
    goods_text, customs_text, landed_text = str(goods_value), str(customs_value), str(landed)
    duty_text = zero if duty is ZERO else str(duty)
    border_text = zero if border_tax is ZERO else str(border_tax)
    sale_text = zero if sale_tax is ZERO else str(sale_tax)
    ddp = incoterm == "DDP"
    registered = bool(registration)
    border = duty + border_tax
    taxes = ""
    if tax is not None:
        name, rate, base, amount, collected_by = tax
        taxes = (
            f'{{"name":{quote(name)},"rate_percent":"{rate_text(rate)}",'
            f'"base":"{costs.half_up.quantize(base, q)!s}","amount":"{amount!s}","collected_by":"{collected_by}"}}'
        )
    conversions, sample_rates = _conversions_used(line, registered)
    # The collection texts are Assessment.as_dict's.
    if border:
        collection = "seller pays customs (DDP)" if ddp else "buyer pays customs on delivery (DAP)"
    else:
        collection = "nothing to collect at the border"
    at_checkout = '"seller collects at checkout and remits under its registration"' if sale_tax else "null"
    return (
        f'{{"origin":"{origin}","destination":"{day.destination}","date":"{day.on_text}",'
        f'"incoterm":"{"DDP" if ddp else "DAP"}","transport_mode":"{mode}",'
        f'"currency":"{costs.currency}",'
        f'"lines":[{{"id":"1","hs_code":"{line.hs_code}","description":{quote(f[_DESCRIPTION])},'
        f'"goods_value":"{goods_text}","customs_value":"{customs_text}",'
        f'"duty":{{"basis":"{duty_basis}","rate_percent":"{rate_text(duty_rate)}","amount":"{duty_text}",'
        f'"tariff_line":{"null" if entry is None else _tariff_line(entry)}}},"taxes":[{taxes}]}}],'
        f'"totals":{{"goods":"{goods_text}","shipping":"{zero if shipping is ZERO else shipping!s}",'
        f'"insurance":"{zero if insurance is ZERO else insurance!s}","customs_value":"{customs_text}",'
        f'"duty":"{duty_text}","tax_at_border":"{border_text}","tax_at_checkout":"{sale_text}",'
        f'"landed_cost":"{landed_text}","payable_at_checkout":"{landed_text if ddp else landed - border!s}",'
        f'"payable_on_delivery":"{zero if ddp or not border else border!s}"}},'
        f'"collection":{{"duty_and_border_tax":"{collection}","tax_at_checkout":{at_checkout}}},'
        f'"de_minimis":{{"duty_relief":{_FLAG[duty_relief]},"tax_relief":{_FLAG[tax_relief]},'
        f'"collected_at_sale":{_FLAG[at_sale]}}},'
        f'"conversions":[{conversions}],'
        f'"sample_data_used":{_FLAG[(entry is not None and entry.sample) or sample_rates]},'
        f'"trace":[],"risk":{_risk(line)}}}'
    )


def _risk(line: CompiledLine) -> str:
    """`Decision.as_dict()` as JSON. Where nothing but the random draw could fire, the decision
    is that of its lane alone (no rule fired, none relieved): made once per day and lane."""
    if not line.quiet:
        return _json(line.decision().as_dict())
    texts = line.day.quiet_risk
    text = texts.get(line.lane)
    if text is None:
        text = texts[line.lane] = _json(line.decision().as_dict())
    return text


def event_rows(events: list[tuple[str, Any, str, str]], ids: dict[str, int], actor: str) -> list[tuple[Any, ...]]:
    """Each stored declaration's first two events: submitted, then its lane's status."""
    rows: list[tuple[Any, ...]] = []
    for reference, at, status, reason in events:
        declaration_id = ids[reference]
        rows.append((declaration_id, at, None, "submitted", actor, ""))
        rows.append((declaration_id, at, "submitted", status, "risk-engine", reason))
    return rows
