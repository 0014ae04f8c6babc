"""Low-value declarations: submit (validate, verify the trade documents named, assess landed cost,
choose a lane), act on them (officer and trader transitions), and read them within the caller's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from crossborder.core.access.principal import SYSTEM, Principal
from crossborder.core.access.roles import Role
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.db import write_lock
from crossborder.core.errors import Conflict, CrossborderError, FieldError, Forbidden, NotFound, ValidationFailed
from crossborder.customs import declaration_store as store
from crossborder.customs import rates
from crossborder.customs.declaration_documents import verify_documents
from crossborder.customs.declaration_input import DOCUMENT_KINDS, DeclarationInput, parse_declaration
from crossborder.customs.fastparse import fast_declaration
from crossborder.customs.landed_cost import Assessment, assess
from crossborder.customs.lifecycle import LANE_STATUS, OFFICER, TRANSITIONS, Status
from crossborder.customs.lookups import DbLookups, Lookups
from crossborder.customs.models import Declaration, DeclarationDocuments, DeclarationEvent
from crossborder.customs.risk import Decision, RiskInput, RiskLine, RiskProfile, assess_risk, load_profile
from crossborder.customs.rulebook import RuleBook, build_rulebook
from crossborder.customs.shipment import Shipment
from crossborder.customs.tariff import TariffIndex
from crossborder.customs.trusted import is_trusted_trader
from crossborder.reference import get_registry

if TYPE_CHECKING:
    from crossborder.documents.models import StoredDocument

SDR = "XDR"


@dataclass
class Prepared:
    """A declaration checked and assessed, ready to store (used singly and in bulk)."""

    data: DeclarationInput
    assessment: Assessment
    decision: Decision
    trusted: bool


_books: dict[tuple[str, date, int, int], RuleBook] = {}


def rulebook_for(session: Session, destination: str, on: date) -> RuleBook:
    """The day's rule book, built once per destination, day and version of the imported tables
    and of the reference data (both are immutable once loaded)."""
    tables = rates.tables(session)
    key = (destination, on, id(tables), id(get_registry()))
    book = _books.get(key)
    if book is None:
        if len(_books) > 1024:
            _books.clear()
        index = tables.tariffs.get(destination) or TariffIndex(destination, [])
        book = _books[key] = build_rulebook(destination, on, index, tables.fx)
    return book


def simplified_route_limit(book: RuleBook) -> Decimal:
    """The low-value (simplified) route's ceiling in the destination currency on the day
    (SDR 1,000 per the regional reference data, converted at the day's XDR rate)."""
    if "simplified_route_limit" not in book.derived:
        fact = get_registry().regional.facts["wco_irg_low_value_threshold"]
        amount = Decimal(str(fact.attributes["threshold_sdr"]))
        factor = book.fx.conversion(SDR, book.currency, book.on, path="date").factor
        book.derived["simplified_route_limit"] = amount * factor
    return book.derived["simplified_route_limit"]  # type: ignore[no-any-return]


def _check_eligible(assessment: Assessment, book: RuleBook) -> None:
    limit = simplified_route_limit(book)
    goods = assessment.goods
    if goods > limit:
        raise ValidationFailed(
            "not a low-value consignment",
            errors=[
                FieldError(
                    "lines",
                    f"intrinsic value {goods} {book.currency} exceeds the simplified-route limit of SDR 1,000 "
                    f"({limit.quantize(Decimal('0.01'))} {book.currency} on {book.on}): file a full declaration",
                    str(goods),
                )
            ],
        )


def _split_threshold(book: RuleBook, parameter: str) -> Decimal | None:
    """The split-shipment threshold in the destination currency (a reference value), kept
    on the day's rule book so it can never outlive the rates it was converted with."""
    if parameter not in book.derived:
        rule = book.duty_de_minimis if parameter == "de_minimis.customs_duty" else book.tax_de_minimis
        value = None
        if rule is not None and rule.amount is not None:
            factor = book.fx.conversion(rule.currency or book.currency, book.currency, book.on, path="date").factor
            value = rule.amount * factor
        book.derived[parameter] = value
    return book.derived[parameter]  # type: ignore[no-any-return]


ASSESSMENT_CACHE_SIZE = 4_096  # bounded, so a manifest of any size keeps flat memory


def _assess_cached(shipment: Shipment, book: RuleBook, cache: dict[tuple[Any, ...], Assessment] | None) -> Assessment:
    """Landed cost is a pure function of the shipment's values and the day's rules, so parcels
    of the same goods at the same price to the same destination share one computation."""
    if cache is None:
        return assess(shipment, book)
    # Bulk runs keep no explanation per line; any declaration's trace can be recomputed from
    # its stored data set and the dated rules.
    key = (
        book.destination,
        book.on,
        shipment.origin,
        shipment.incoterm,
        shipment.transport_mode,
        shipment.lines,
        shipment.shipping,
        shipment.insurance,
        shipment.charges_currency,
        shipment.seller_registration,
    )
    found = cache.get(key)
    if found is None:
        if len(cache) >= ASSESSMENT_CACHE_SIZE:
            cache.clear()
        found = cache[key] = assess(shipment, book, explain=False)
    return found


def prepare(
    session: Session,
    raw: Any,
    *,
    book: RuleBook | None = None,
    today: date | None = None,
    lookups: Lookups | None = None,
    cache: dict[tuple[Any, ...], Assessment] | None = None,
) -> Prepared:
    """Validate, assess landed cost, check the simplified route, decide the lane."""
    # The common, plainly valid case is recognised cheaply; anything else (every bad line among
    # them) goes through the thorough parser, which lists each bad field.
    data = fast_declaration(raw, today=today) or parse_declaration(raw, today=today)
    if data.documents is not None:
        # Verifying a document costs reads per line; manifests are the bulk path and stay without them.
        rule = "can be attached only to a declaration filed on its own (POST /api/v1/customs/declarations)"
        raise ValidationFailed("documents not accepted here", errors=[FieldError("documents", rule, raw["documents"])])
    s = data.shipment
    book = book or rulebook_for(session, s.destination, s.on)
    lookups = lookups or DbLookups(session)
    assessment = _assess_cached(s, book, cache)
    _check_eligible(assessment, book)
    trusted = lookups.trusted(data.seller_business_id, s.destination, s.on)
    profile = load_profile(s.destination)
    consignee = data.consignee.key()
    recent = lookups.recent(s.destination, consignee, profile.split_window_hours)
    watch = lookups.watch(s.destination, (data.consignor.key(), consignee))
    decision = _decide(data, assessment, book, profile, trusted, watch, recent)
    lookups.remember(s.destination, consignee, assessment.customs_value)
    return Prepared(data, assessment, decision, trusted)


def _decide(
    data: DeclarationInput,
    assessment: Assessment,
    book: RuleBook,
    profile: RiskProfile,
    trusted: bool,
    watch: tuple[str, ...],
    recent: tuple[Decimal, ...],
) -> Decision:
    lines = tuple(RiskLine(r.line.hs_code, r.goods_value / r.line.quantity) for r in assessment.lines)
    return assess_risk(
        RiskInput(
            data.client_reference,
            assessment.customs_value,
            lines,
            trusted,
            watch,
            recent,
            _split_threshold(book, profile.split_threshold_parameter),
        ),
        profile,
    )


def to_row(prepared: Prepared, org_id: int | None, raw: dict[str, Any], manifest_id: int | None = None) -> Declaration:
    return Declaration(**row_values(prepared, org_id, raw, manifest_id))


def row_values(
    prepared: Prepared, org_id: int | None, raw: dict[str, Any], manifest_id: int | None = None
) -> dict[str, Any]:
    """A declaration's column values (bulk inserts use them without building ORM objects)."""
    a, d, s = prepared.assessment, prepared.data, prepared.data.shipment
    now = utcnow()
    status = LANE_STATUS[prepared.decision.lane]
    return {
        "client_reference": d.client_reference,
        "submitter_org_id": org_id,
        "origin": s.origin,
        "destination": s.destination,
        "declared_on": s.on,
        "transport_mode": s.transport_mode,
        "consignor_name": d.consignor.name,
        "consignee_name": d.consignee.name,
        "consignee_key": d.consignee.key(),
        "seller_business_id": d.seller_business_id,
        "trusted_trader": prepared.trusted,
        "currency": a.currency,
        "customs_value": a.customs_value,
        "duty": a.duty,
        "tax_at_border": a.tax("customs_at_border"),
        "tax_at_checkout": a.tax("seller_at_checkout"),
        "status": status.value,
        "lane": prepared.decision.lane,
        "risk_rules": [f.rule for f in prepared.decision.fired],
        "data": raw,
        "assessment": {**a.as_dict(), "risk": prepared.decision.as_dict()},
        "submitted_at": now,
        "decided_at": now if status is Status.released else None,
        "manifest_id": manifest_id,
    }


def first_event_values(values: dict[str, Any], actor: str) -> list[dict[str, Any]]:
    """A new declaration's two events, from its column values: submitted, then the lane's status."""
    reasons = "; ".join(values["risk_rules"]) or "no rule fired"
    at = values["submitted_at"]
    return [
        {"at": at, "from_status": None, "to_status": "submitted", "actor": actor, "reason": ""},
        {
            "at": at,
            "from_status": "submitted",
            "to_status": values["status"],
            "actor": "risk-engine",
            "reason": f"lane {values['lane']}: {reasons}",
        },
    ]


def first_events(row: Declaration, actor: str) -> list[DeclarationEvent]:
    values = {"risk_rules": row.risk_rules, "submitted_at": row.submitted_at, "status": row.status, "lane": row.lane}
    return [store.written(DeclarationEvent, {**e, "declaration_id": row.id}) for e in first_event_values(values, actor)]


def find_by_reference(session: Session, org_id: int | None, reference: str) -> Declaration | None:
    return session.execute(
        select(Declaration).where(Declaration.submitter_org_id == org_id, Declaration.client_reference == reference)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class Checked:
    """A declaration validated and assessed, with the lookups that need no write lock."""

    raw: dict[str, Any]
    data: DeclarationInput
    book: RuleBook
    assessment: Assessment
    trusted: bool
    watch: tuple[str, ...]
    documents: dict[str, Any] | None = None  # the document-link row's values, if it has any


def check(session: Session, principal: Principal, raw: Any, *, today: date | None = None) -> Checked:
    """Everything that does not depend on other declarations: parse, assess, the simplified-route
    limit, the documents named, trusted-trader status and the watch list (run outside the write lock)."""
    data = fast_declaration(raw, today=today) or parse_declaration(raw, today=today)
    s = data.shipment
    book = rulebook_for(session, s.destination, s.on)
    assessment = assess(s, book)
    _check_eligible(assessment, book)
    links = verify_documents(session, principal, data)  # declaration_documents.py
    trusted = is_trusted_trader(session, data.seller_business_id, s.destination, s.on)
    watch = store.watched(session, s.destination, data.consignor.key(), data.consignee.key())
    return Checked(cast(dict[str, Any], raw), data, book, assessment, trusted, watch, links)


def stage(
    session: Session, principal: Principal, checked: Checked
) -> tuple[int | None, Declaration | None, audit.Append | None]:
    """Decide the lane and insert the declaration, without its audit entry and without committing:
    (the id already stored under this client reference, None, None), or (None, the new row, its
    audit entry). Call inside `write_lock()` with the audit head held (`audit.hold_head`), so the
    split-shipment history includes every declaration committed, or staged in this transaction, before."""
    data, s = checked.data, checked.data.shipment
    profile = load_profile(s.destination)
    since = utcnow() - timedelta(hours=profile.split_window_hours)
    found = store.history(
        session, principal.organisation_id, data.client_reference, s.destination, data.consignee.key(), since
    )
    if found.existing_id is not None:
        return found.existing_id, None, None
    decision = _decide(data, checked.assessment, checked.book, profile, checked.trusted, checked.watch, found.recent)
    values = row_values(
        Prepared(data, checked.assessment, decision, checked.trusted), principal.organisation_id, checked.raw
    )
    declaration_id = store.add(session, values, first_event_values(values, principal.actor), checked.documents)
    row = store.written(Declaration, {**values, "id": declaration_id})  # what the Core insert just wrote
    links = None if checked.documents is None else DeclarationDocuments(declaration_id=row.id, **checked.documents)
    set_committed_value(row, "documents", links)  # the answer is built from the values written
    entry = audit.Append(
        principal,
        "customs.declaration.submit",
        "declaration",
        row.id,
        country=row.destination,
        organisation_id=row.submitter_org_id,
        after={
            "status": row.status,
            "lane": row.lane,
            "reference": row.client_reference,
            **({"documents": checked.documents} if checked.documents else {}),
        },
    )
    return None, row, entry


def save(session: Session, principal: Principal, checked: Checked) -> tuple[Declaration, bool]:
    """Decide the lane and store; call inside `write_lock()` and commit before leaving it, so the
    next declaration's split-shipment history includes this one. A client reference already
    stored returns that declaration (and False) and writes nothing."""
    audit.hold_head(session)  # PostgreSQL: the checks below then see every earlier declaration
    existing_id, row, entry = stage(session, principal, checked)
    if existing_id is not None:
        return session.get_one(Declaration, existing_id), False
    assert row is not None and entry is not None
    audit.record(
        session,
        entry.principal,
        entry.action,
        entry.entity_type,
        entry.entity_id,
        country=entry.country,
        organisation_id=entry.organisation_id,
        after=entry.after,
    )
    return row, True


def repeat_of(session: Session, principal: Principal, raw: Any) -> Declaration | None:
    """The declaration already stored under RAW's client reference, if any."""
    if isinstance(raw, dict) and isinstance(raw.get("client_reference"), str):
        return find_by_reference(session, principal.organisation_id, raw["client_reference"])
    return None


def submit(
    session: Session, principal: Principal, raw: Any, *, today: date | None = None, commit: bool = False
) -> tuple[Declaration, bool]:
    """Store one declaration; a repeat of the same client reference returns the first (and False),
    whatever the repeat's body now says."""
    try:
        checked = check(session, principal, raw, today=today)
    except CrossborderError:
        existing = repeat_of(session, principal, raw)  # only on this path: a stored repeat is answered
        if existing is None:
            raise
        return existing, False
    if commit:
        # Committed requests go through the group writer: those arriving together share one
        # transaction (declaration_group.py). As before, the checks' reads and the write share the
        # session's transaction (no new one: ending it would hand the connection back to the pool).
        from crossborder.customs import declaration_group  # imported here: it imports this module

        return declaration_group.store(session, principal, checked)
    with write_lock():
        return save(session, principal, checked)


def get(session: Session, principal: Principal, declaration_id: int) -> Declaration:
    row = session.get(Declaration, declaration_id)
    if row is None or not principal.can_see(row.destination, row.submitter_org_id):
        raise NotFound(
            f"no declaration {declaration_id}", errors=[FieldError("id", "no such declaration", declaration_id)]
        )
    return row


def attached_document(session: Session, principal: Principal, declaration_id: int, kind: str) -> StoredDocument:
    """The stored document a declaration points to (KIND: invoice or origin), for whoever may see the
    declaration. Attaching shares it with the destination's customs: the documents capability scopes
    an authority to documents stored in its own member state, which a merchant's invoice is not."""
    from crossborder.documents import service as documents  # imported when used: it loads the PDF renderer

    row = get(session, principal, declaration_id)
    links = row.documents
    document_id = None
    if links is not None and kind in DOCUMENT_KINDS:
        document_id = links.invoice_document_id if kind == "invoice" else links.origin_document_id
    if document_id is None:
        raise NotFound(
            f"declaration {declaration_id} has no {kind} document",
            errors=[FieldError("kind", f"no document of this kind: one of {', '.join(DOCUMENT_KINDS)}", kind)],
        )
    return documents.get(session, SYSTEM, document_id)  # scope was decided by the declaration, just above


def events(session: Session, row: Declaration) -> list[DeclarationEvent]:
    return list(
        session.execute(
            select(DeclarationEvent).where(DeclarationEvent.declaration_id == row.id).order_by(DeclarationEvent.id)
        ).scalars()
    )


def act(
    session: Session, principal: Principal, declaration_id: int, action: str, reason: str, lane: str | None = None
) -> Declaration:
    if action not in TRANSITIONS:
        raise ValidationFailed(
            "unknown action", errors=[FieldError("action", f"must be one of {', '.join(TRANSITIONS)}", action)]
        )
    row = get(session, principal, declaration_id)
    sources, target, who = TRANSITIONS[action]
    if who == OFFICER:
        if Role.customs_officer not in principal.roles or (
            not principal.is_regional and principal.country != row.destination
        ):
            raise Forbidden(f"only a customs officer of {row.destination} may {action} this declaration")
    elif principal.organisation_id != row.submitter_org_id:
        raise Forbidden("only the declarant may respond to a hold")
    if not reason.strip():
        raise ValidationFailed("reason required", errors=[FieldError("reason", "must explain the action", reason)])
    if Status(row.status) not in sources:
        raise Conflict(
            f"cannot {action} a declaration that is {row.status}",
            errors=[FieldError("action", f"{action} is allowed only from {', '.join(sorted(sources))}", row.status)],
        )
    before = {"status": row.status, "lane": row.lane}
    if action == "override_lane":
        if lane not in LANE_STATUS:
            raise ValidationFailed("bad lane", errors=[FieldError("lane", "must be green, yellow or red", lane)])
        row.lane = lane
        target = LANE_STATUS[lane]
    assert target is not None
    now = utcnow()
    session.add(
        DeclarationEvent(
            declaration_id=row.id,
            at=now,
            from_status=row.status,
            to_status=target.value,
            actor=principal.actor,
            reason=reason.strip(),
        )
    )
    row.status = target.value
    if target in (Status.released, Status.refused):
        row.decided_at = now
    audit.record(
        session,
        principal,
        f"customs.declaration.{action}",
        "declaration",
        row.id,
        country=row.destination,
        organisation_id=row.submitter_org_id,
        before=before,
        after={"status": row.status, "lane": row.lane, "reason": reason.strip()},
    )
    session.flush()
    return row


def listing(
    session: Session,
    principal: Principal,
    *,
    status: str | None = None,
    lane: str | None = None,
    destination: str | None = None,
    limit: int = 100,
    before_id: int | None = None,
    decided_since: datetime | None = None,
) -> list[Declaration]:
    query = select(Declaration).where(principal.scope_filter(Declaration.destination, Declaration.submitter_org_id))
    if decided_since is not None:
        query = query.where(Declaration.decided_at >= decided_since)
    if status:
        query = query.where(Declaration.status == status)
    if lane:
        query = query.where(Declaration.lane == lane)
    if destination:
        query = query.where(Declaration.destination == destination)
    if before_id:
        query = query.where(Declaration.id < before_id)
    return list(session.execute(query.order_by(Declaration.id.desc()).limit(limit)).scalars())


def refund_due(row: Declaration) -> Decimal:
    """Duty drawback on returned goods: the duty and border tax assessed."""
    return Decimal(row.duty) + Decimal(row.tax_at_border) if row.status == Status.returned else Decimal(0)
