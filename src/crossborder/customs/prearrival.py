"""Pre-arrival processing for trucks at land checkpoints (ASEAN land connectivity pilot): a
consolidated manifest is lodged and risk-assessed before the truck arrives; its green
consignments get a signed pass that the checkpoint verifies offline to wave the truck through."""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.db import Base, UTCDateTime
from crossborder.core.errors import Conflict, CrossborderError, FieldError, Forbidden, NotFound, ValidationFailed
from crossborder.customs import prearrival_keys as passes
from crossborder.customs.declaration_input import parse_declaration
from crossborder.customs.declarations import prepare, rulebook_for
from crossborder.customs.lookups import DbLookups
from crossborder.reference import get_registry

DECLARANT_ROLES = frozenset({Role.business_user, Role.platform_operator, Role.logistics_operator, Role.admin})
MANIFEST_FIELDS = frozenset(
    {"client_reference", "origin", "destination", "checkpoint", "vehicle_plate", "expected_arrival", "consignments"}
)
_REFERENCE = re.compile(r"^[A-Za-z0-9._:/-]{1,100}$")
_PLATE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{0,19}$")
WITH_PASS = ("cleared", "partially_cleared")


class PreArrivalManifest(Base):
    __tablename__ = "customs_prearrival_manifests"
    __table_args__ = (
        UniqueConstraint("submitter_org_id", "client_reference", name="uq_prearrival_reference"),
        Index("ix_prearrival_queue", "destination", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_reference: Mapped[str] = mapped_column(String(100))
    submitter_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    origin: Mapped[str] = mapped_column(String(2))
    destination: Mapped[str] = mapped_column(String(2))
    checkpoint: Mapped[str] = mapped_column(String(100))
    vehicle_plate: Mapped[str] = mapped_column(String(20))
    expected_arrival: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))  # lodged, cleared, partially_cleared, held, arrived, stopped
    consignments: Mapped[list] = mapped_column(JSON)  # type: ignore[type-arg]  # the data sets as lodged
    decision: Mapped[dict] = mapped_column(JSON, default=dict)  # type: ignore[type-arg]  # lanes and what the pass holds
    pass_jti: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    pass_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    arrival_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    lodged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


def _text(raw: dict[str, Any], key: str, limit: int, errors: list[FieldError]) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        errors.append(FieldError(key, f"is required: text of at most {limit} characters", value))
        return ""
    return " ".join(value.split())


class _TruckLookups(DbLookups):
    """Stored records per query, plus this truck's own parcels: a split across one manifest counts."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.seen: dict[tuple[str, str], list[Decimal]] = defaultdict(list)

    def recent(self, destination: str, consignee_key: str, hours: int) -> tuple[Decimal, ...]:
        return super().recent(destination, consignee_key, hours) + tuple(self.seen[destination, consignee_key])

    def remember(self, destination: str, consignee_key: str, value: Decimal) -> None:
        self.seen[destination, consignee_key].append(value)


def _header(raw: dict[str, Any], now: datetime, errors: list[FieldError]) -> dict[str, Any]:
    states = get_registry().member_states()
    out: dict[str, Any] = {"client_reference": raw.get("client_reference")}
    if not isinstance(out["client_reference"], str) or not _REFERENCE.match(out["client_reference"]):
        errors.append(
            FieldError("client_reference", "is required: 1 to 100 letters, digits or ._:/-", out["client_reference"])
        )
    for key in ("origin", "destination"):
        out[key] = raw.get(key)
        if out[key] not in states:
            errors.append(FieldError(key, f"must be an ASEAN member state: {', '.join(states)}", out[key]))
    if out["origin"] == out["destination"] and out["origin"] in states:
        errors.append(FieldError("destination", "must differ from the origin", out["destination"]))
    out["checkpoint"] = _text(raw, "checkpoint", 100, errors)
    out["vehicle_plate"] = _text(raw, "vehicle_plate", 20, errors).upper()
    if out["vehicle_plate"] and not _PLATE.match(out["vehicle_plate"]):
        errors.append(FieldError("vehicle_plate", "must be letters, digits, spaces or hyphens", raw["vehicle_plate"]))
    arrival, limit = raw.get("expected_arrival"), passes.pass_settings().max_advance_days
    try:
        when = datetime.fromisoformat(arrival) if isinstance(arrival, str) else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        errors.append(FieldError("expected_arrival", "must be an ISO 8601 date-time with a UTC offset", arrival))
    elif not now < when <= now + timedelta(days=limit):
        errors.append(FieldError("expected_arrival", f"must be in the future, at most {limit} days ahead", arrival))
    out["expected_arrival"] = when
    errors.extend(
        FieldError(k, "unknown field: not part of a manifest", raw[k]) for k in sorted(set(raw) - MANIFEST_FIELDS)
    )
    return out


def _assess(session: Session, head: dict[str, Any], items: Any, today: date, errors: list[FieldError]) -> list[Any]:
    """Each consignment through the declarations engine; errors come back as consignments[i].field."""
    most = passes.pass_settings().max_consignments
    if not isinstance(items, list) or not 1 <= len(items) <= most:
        errors.append(FieldError("consignments", f"must be a list of 1 to {most} declarations", items))
        return []
    results: list[Any] = []
    seen: set[str] = set()
    books: dict[tuple[str, date], Any] = {}
    lookups = _TruckLookups(session)
    for i, item in enumerate(items):
        at = f"consignments[{i}]"
        if not isinstance(item, dict):
            errors.append(FieldError(at, "must be a declaration object", item))
            continue
        item = {"origin": head["origin"], "destination": head["destination"], "transport_mode": "land", **item}
        for key in ("origin", "destination"):
            if item[key] != head[key]:
                errors.append(FieldError(f"{at}.{key}", f"must be the manifest's {key}", item[key]))
        if item["transport_mode"] != "land":
            errors.append(
                FieldError(f"{at}.transport_mode", "must be land: this is a truck's manifest", item["transport_mode"])
            )
        if item.get("client_reference") in seen:
            errors.append(
                FieldError(f"{at}.client_reference", "must be unique in the manifest", item["client_reference"])
            )
        seen.add(str(item.get("client_reference")))
        try:
            data = parse_declaration(item, today=today)
            s = data.shipment
            if (s.destination, s.on) not in books:
                books[s.destination, s.on] = rulebook_for(session, s.destination, s.on)
            prepared = prepare(session, item, book=books[s.destination, s.on], today=today, lookups=lookups)
            results.append((item, prepared))
        except CrossborderError as exc:
            errors.extend(FieldError(f"{at}.{e.path}" if e.path != "body" else at, e.rule, e.value) for e in exc.errors)
    return results


def _decide(results: list[Any]) -> dict[str, Any]:
    rows = [
        {
            "reference": item["client_reference"],
            "lane": p.decision.lane,
            "risk": p.decision.as_dict(),
            "currency": p.assessment.currency,
            "customs_value": str(p.assessment.customs_value),
            "duty": str(p.assessment.duty),
            "tax_at_border": str(p.assessment.tax("customs_at_border")),
        }
        for item, p in results
    ]
    green = [item for (item, p) in results if p.decision.lane == "green"]
    return {"consignments": rows, "pass_items": passes.pass_items(green)}


def decision_for(principal: Principal, row: PreArrivalManifest) -> dict[str, Any]:
    """The decision as the caller may see it: which rules fired (a watch-list hit, a random
    selection) is customs intelligence, shown to officers only, never to the declarant."""
    if Role.customs_officer in principal.roles:
        return row.decision
    hidden = [{k: v for k, v in c.items() if k != "risk"} for c in row.decision.get("consignments", [])]
    return {**row.decision, "consignments": hidden}


def find_by_reference(session: Session, org_id: int | None, reference: str) -> PreArrivalManifest | None:
    return session.execute(
        select(PreArrivalManifest).where(
            PreArrivalManifest.submitter_org_id == org_id, PreArrivalManifest.client_reference == reference
        )
    ).scalar_one_or_none()


def lodge(
    session: Session, principal: Principal, raw: Any, *, now: datetime | None = None
) -> tuple[PreArrivalManifest, bool]:
    """Assess a truck's manifest and issue the pass for its green consignments.
    A repeat of the same client reference returns the first manifest (and False)."""
    if not principal.roles & DECLARANT_ROLES:
        raise Forbidden("only a business, platform, logistics operator or administrator may lodge a manifest")
    if not isinstance(raw, dict):
        raise ValidationFailed("not an object", errors=[FieldError("body", "must be a JSON object", raw)])
    if isinstance(raw.get("client_reference"), str):
        existing = find_by_reference(session, principal.organisation_id, raw["client_reference"])
        if existing is not None:
            return existing, False
    now = now or utcnow()
    errors: list[FieldError] = []
    head = _header(raw, now, errors)
    # Consignments are checked against a valid route only, but their errors are listed with the header's.
    routed = not any(e.path in ("origin", "destination") for e in errors)
    results = _assess(session, head, raw.get("consignments"), now.date(), errors) if routed else []
    if errors:
        raise ValidationFailed(f"{len(errors)} invalid field(s)", errors=errors)
    row = PreArrivalManifest(
        **head,
        submitter_org_id=principal.organisation_id,
        status="lodged",
        lodged_at=now,
        consignments=[item for item, _ in results],
        decision={},
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        # A concurrent duplicate lost on the unique constraint. No savepoint (pysqlite would commit on
        # RELEASE); rolling back is safe as nothing else has been written in this transaction yet.
        session.rollback()
        winner = find_by_reference(session, principal.organisation_id, head["client_reference"])
        if winner is None:
            raise
        return winner, False
    _audit(session, principal, row, "lodge", after={"status": "lodged", "reference": row.client_reference})
    decision = _decide(results)
    lanes = [c["lane"] for c in decision["consignments"]]
    status = "cleared" if set(lanes) == {"green"} else "partially_cleared" if "green" in lanes else "held"
    row.decision, row.status, row.decided_at = decision, status, now
    if decision["pass_items"]:
        row.pass_jti = secrets.token_urlsafe(16)
        row.pass_token = _issue(session, row, now)
    after = {"status": status, "lanes": lanes, "pass_jti": row.pass_jti}
    _audit(session, principal, row, "decide", before={"status": "lodged"}, after=after, detail="risk engine lanes")
    session.flush()
    return row, True


def _issue(session: Session, row: PreArrivalManifest, now: datetime) -> str:
    settings, items = passes.pass_settings(), row.decision["pass_items"]
    claims = {
        "iss": passes.issuer(row.destination),
        "sub": row.vehicle_plate,
        "jti": row.pass_jti,
        "iat": int(now.timestamp()),
        "nbf": int((row.expected_arrival - timedelta(hours=settings.early_hours)).timestamp()),
        "exp": int((row.expected_arrival + timedelta(hours=settings.valid_hours)).timestamp()),
        "checkpoint": row.checkpoint,
        "origin": row.origin,
        "destination": row.destination,
        "consignments": len(items),
        "consignments_sha256": passes.contents_digest(items),
    }
    kid, key = passes.signing_key(session, row.destination)
    return passes.sign_pass(claims, kid, key)


def _audit(session: Session, principal: Principal, row: PreArrivalManifest, action: str, **change: Any) -> None:
    where: dict[str, Any] = {"country": row.destination, "organisation_id": row.submitter_org_id}
    audit.record(session, principal, f"customs.prearrival.{action}", "prearrival_manifest", row.id, **where, **change)


def get(session: Session, principal: Principal, manifest_id: int) -> PreArrivalManifest:
    row = session.get(PreArrivalManifest, manifest_id)
    if row is None or not principal.can_see(row.destination, row.submitter_org_id):
        raise NotFound(f"no manifest {manifest_id}", errors=[FieldError("id", "no such manifest", manifest_id)])
    return row


def listing(session: Session, principal: Principal, *, status: str | None = None, limit: int = 100) -> list[Any]:
    query = select(PreArrivalManifest).where(
        principal.scope_filter(PreArrivalManifest.destination, PreArrivalManifest.submitter_org_id)
    )
    if status:
        query = query.where(PreArrivalManifest.status == status)
    return list(session.execute(query.order_by(PreArrivalManifest.id.desc()).limit(limit)).scalars())


def pass_of(row: PreArrivalManifest) -> dict[str, Any]:
    if row.pass_token is None or row.revoked_at is not None:
        raise Conflict(f"manifest {row.id} has no valid pass: nothing was cleared, or it was revoked", errors=[])
    return {"token": row.pass_token, "jti": row.pass_jti, "consignments": row.decision["pass_items"]}


def require_officer(principal: Principal, destination: str) -> None:
    # The checkpoint is national: a regional node's officer does not stand at the border.
    if Role.customs_officer not in principal.roles or principal.country != destination:
        raise Forbidden(f"only a customs officer of {destination} may do this")


def revoked_jtis(session: Session, destination: str) -> frozenset[str]:
    rows = session.execute(
        select(PreArrivalManifest.pass_jti).where(
            PreArrivalManifest.destination == destination, PreArrivalManifest.revoked_at.is_not(None)
        )
    ).scalars()
    return frozenset(j for j in rows if j)


def verify(
    session: Session, principal: Principal, token: str, presented: Any, destination: str, now: datetime | None = None
) -> passes.PassCheck:
    require_officer(principal, destination)
    keys, revoked = passes.keys_from_jwks(passes.jwks(session, destination)), revoked_jtis(session, destination)
    return passes.verify_pass(token, keys, now or utcnow(), presented, revoked)


def revoke(session: Session, principal: Principal, manifest_id: int, reason: str) -> PreArrivalManifest:
    """Withdraw a pass before arrival (new intelligence): the truck is held, and a checkpoint
    holding the revocation list stops it."""
    row = get(session, principal, manifest_id)
    require_officer(principal, row.destination)
    if row.status not in WITH_PASS:
        raise Conflict(f"cannot revoke the pass of a manifest that is {row.status}", errors=[])
    if not reason.strip():
        raise ValidationFailed("reason required", errors=[FieldError("reason", "must explain the revocation", reason)])
    before = {"status": row.status}
    row.status, row.revoked_at = "held", utcnow()
    after = {"status": "held", "pass_jti": row.pass_jti}
    _audit(session, principal, row, "revoke", before=before, after=after, detail=reason.strip())
    session.flush()
    return row


def arrive(
    session: Session, principal: Principal, manifest_id: int, token: str, presented: Any, *, now: datetime | None = None
) -> tuple[PreArrivalManifest, passes.PassCheck]:
    """The checkpoint's decision: waved through (arrived) or stopped, with the reason code."""
    row = get(session, principal, manifest_id)
    require_officer(principal, row.destination)
    if row.pass_token is None or row.status not in (*WITH_PASS, "held"):
        raise Conflict(f"manifest {row.id} is {row.status} and has no pass to present", errors=[])
    check = verify(session, principal, token, presented, row.destination, now)
    reason = check.reason
    if check.valid and check.claims and check.claims["jti"] != row.pass_jti:
        reason = "wrong_pass"  # a genuine pass, but another truck's
    before = {"status": row.status}
    row.status = "arrived" if reason == "valid" else "stopped"
    row.arrival_reason, row.arrived_at = reason, now or utcnow()
    action = "arrive" if reason == "valid" else "stop"
    _audit(session, principal, row, action, before=before, after={"status": row.status, "reason": reason})
    session.flush()
    return row, check
