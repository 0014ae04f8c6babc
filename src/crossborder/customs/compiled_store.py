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
_AT = {name: i for i, name in enumerate(COLUMNS)}  # where each manifest column is in a CompiledLine's fields
GREEN = '{"lane":"green","fired":[],"relieved_as_trusted_trader":[]}'


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _flag(value: bool) -> str:
    return "true" if value else "false"


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
        costs = day.costs
        on = costs.book.on
        declared_on = self.dates.get(on)
        if declared_on is None:
            declared_on = self.dates[on] = self._bind("declared_on", on)
        status = LANE_STATUS[line.lane]
        rules: list[str] = json.loads(line.rules) if line.rules != "[]" else []
        reason = f"lane {line.lane}: {'; '.join(rules) or 'no rule fired'}"
        self.events.append((line.reference, self.now, status.value, reason))
        business_id = f[_AT["seller_business_id"]]
        return (
            line.reference,
            self.org_id,
            f[_AT["origin"]],
            day.destination,
            declared_on,
            f[_AT["transport_mode"]] or "post",
            f[_AT["consignor_name"]],
            f[_AT["consignee_name"]],
            line.consignee_key,
            business_id or None,
            self.flags[line.trusted],
            costs.currency,
            str(a[1]),  # customs value, at the quantum (see compiled_csv)
            day.zero if a[2] is ZERO else str(a[2]),
            day.zero if a[3] is ZERO else str(a[3]),
            day.zero if a[4] is ZERO else str(a[4]),
            status.value,
            line.lane,
            line.rules,
            data_json(f, line.quantity),
            assessment_json(line),
            self.now,
            self.now if status is Status.released else None,
            self.manifest_id,
        )


def data_json(f: list[str], quantity: int) -> str:
    """The declared data set as `manifest.csv_row_to_declaration` builds it from the row."""
    origin, destination = f[_AT["origin"]], f[_AT["destination"]]
    business_id, registration = f[_AT["seller_business_id"]], f[_AT["seller_registration"]]
    return (
        f'{{"client_reference":"{f[_AT["client_reference"]]}","origin":"{origin}","destination":"{destination}",'
        f'"date":{quote(f[_AT["date"]])},"transport_mode":"{f[_AT["transport_mode"]] or "post"}",'
        f'"incoterm":"{f[_AT["incoterm"]] or "DAP"}",'
        f'"consignor":{{"name":{quote(f[_AT["consignor_name"]])},"address":{quote(f[_AT["consignor_address"]])},'
        f'"country":"{origin}"}},'
        f'"consignee":{{"name":{quote(f[_AT["consignee_name"]])},"address":{quote(f[_AT["consignee_address"]])},'
        f'"country":"{destination}"}},'
        f'"seller_business_id":{quote(business_id) if business_id else "null"},'
        f'"seller_registration":{quote(registration) if registration else "null"},'
        f'"shipping":"{f[_AT["shipping"]] or "0"}","insurance":"{f[_AT["insurance"]] or "0"}",'
        f'"lines":[{{"id":"1","hs_code":{quote(f[_AT["hs_code"]])},"description":{quote(f[_AT["description"]])},'
        f'"quantity":{quantity},"unit_value":"{f[_AT["unit_value"]]}","currency":"{f[_AT["currency"]]}",'
        f'"origin_claim":{_flag(f[_AT["origin_claim"]].lower() in ("true", "1", "yes"))}}}]}}'
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
    currency, mode = f[_AT["currency"]], f[_AT["transport_mode"]] or "post"
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
    # untouched zero (ZERO) at the quantum; the duty and border tax summed: as _s does.
    duty_text = zero if duty is ZERO else str(duty)
    border_text = zero if border_tax is ZERO else str(border_tax)
    sale_text = zero if sale_tax is ZERO else str(sale_tax)
    ddp = (f[_AT["incoterm"]] or "DAP") == "DDP"
    registered = bool(f[_AT["seller_registration"]])
    border = duty + border_tax
    taxes = ""
    if tax is not None:
        name, rate, base, amount, collected_by = tax
        taxes = (
            f'{{"name":{quote(name)},"rate_percent":"{rate_text(rate)}",'
            f'"base":"{costs.half_up.quantize(base, q)}","amount":"{amount}","collected_by":"{collected_by}"}}'
        )
    conversions, sample_rates = _conversions_used(line, registered)
    # The collection texts are Assessment.as_dict's.
    if border:
        collection = "seller pays customs (DDP)" if ddp else "buyer pays customs on delivery (DAP)"
    else:
        collection = "nothing to collect at the border"
    at_checkout = '"seller collects at checkout and remits under its registration"' if sale_tax else "null"
    risk = GREEN if line.quiet and line.lane == "green" else _json(line.decision().as_dict())
    return (
        f'{{"origin":"{f[_AT["origin"]]}","destination":"{day.destination}","date":"{day.on_text}",'
        f'"incoterm":"{"DDP" if ddp else "DAP"}","transport_mode":"{f[_AT["transport_mode"]] or "post"}",'
        f'"currency":"{costs.currency}",'
        f'"lines":[{{"id":"1","hs_code":"{line.hs_code}","description":{quote(f[_AT["description"]])},'
        f'"goods_value":"{goods_value}","customs_value":"{customs_value}",'
        f'"duty":{{"basis":"{duty_basis}","rate_percent":"{rate_text(duty_rate)}","amount":"{duty_text}",'
        f'"tariff_line":{"null" if entry is None else _tariff_line(entry)}}},"taxes":[{taxes}]}}],'
        f'"totals":{{"goods":"{goods_value}","shipping":"{zero if shipping is ZERO else shipping}",'
        f'"insurance":"{zero if insurance is ZERO else insurance}","customs_value":"{customs_value}",'
        f'"duty":"{duty_text}","tax_at_border":"{border_text}","tax_at_checkout":"{sale_text}",'
        f'"landed_cost":"{landed}","payable_at_checkout":"{landed if ddp else landed - border}",'
        f'"payable_on_delivery":"{zero if ddp else format(border.quantize(q), "f")}"}},'
        f'"collection":{{"duty_and_border_tax":"{collection}","tax_at_checkout":{at_checkout}}},'
        f'"de_minimis":{{"duty_relief":{_flag(duty_relief)},"tax_relief":{_flag(tax_relief)},'
        f'"collected_at_sale":{_flag(at_sale)}}},'
        f'"conversions":[{conversions}],'
        f'"sample_data_used":{_flag((entry is not None and entry.sample) or sample_rates)},'
        f'"trace":[],"risk":{risk}}}'
    )


def event_rows(events: list[tuple[str, Any, str, str]], ids: dict[str, int], actor: str) -> list[tuple[Any, ...]]:
    """Each stored declaration's first two events: submitted, then its lane's status."""
    rows: list[tuple[Any, ...]] = []
    for reference, at, status, reason in events:
        declaration_id = ids[reference]
        rows.append((declaration_id, at, None, "submitted", actor, ""))
        rows.append((declaration_id, at, "submitted", status, "risk-engine", reason))
    return rows
