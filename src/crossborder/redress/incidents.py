"""Fraud-incident sharing between consumer-protection authorities: an authority reports an incident
with the identifiers the fraudster used; they are normalised and matched against the reports of the
other member states; each match raises an alert that both authorities see. What an authority sees
of another state's report follows that state's sharing rules (incident_settings.View): the whole
report, only "also reported in S" on an alert, or nothing. Out of sight answers 404, like absent."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.db import savepoint
from crossborder.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from crossborder.redress import incident_settings as settings
from crossborder.redress.identifiers import normalise
from crossborder.redress.incident_match import matches
from crossborder.redress.incident_models import FraudIncident, IncidentAlert, IncidentIdentifier
from crossborder.redress.incident_schemas import IncidentIn
from crossborder.redress.incident_settings import View

READER_ROLES = frozenset({Role.consumer_protection_officer, Role.admin})
REPORTER_ROLES = frozenset({Role.consumer_protection_officer})
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U to misread


def _require_reader(principal: Principal) -> str:
    if not principal.roles & READER_ROLES or principal.country is None:
        raise Forbidden(f"your roles ({', '.join(sorted(principal.roles)) or 'none'}) cannot read fraud incidents")
    return principal.country


def may_report(principal: Principal) -> bool:
    return bool(principal.roles & REPORTER_ROLES) and principal.country in settings.member_states()


def _clean_text(path: str, value: str, *, required: bool = True) -> str:
    """Text is stored as written (pages escape it on output); control characters other than line
    breaks and tabs are refused rather than silently dropped."""
    text = value.strip()
    if required and not text:
        raise ValidationFailed("missing text", errors=[FieldError(path, "required, not blank", value)])
    if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in text):
        raise ValidationFailed("control characters", errors=[FieldError(path, "no control characters", value)])
    return text


def _normalised(body: IncidentIn, region: str) -> list[tuple[str, str, str]]:
    """(kind, canonical value, as entered) per distinct identifier; every bad one is named at once."""
    limit = settings.incident_settings().max_identifiers_per_report
    if not body.identifiers or len(body.identifiers) > limit:
        rule = f"1 to {limit} identifiers (phone, domain, email, bank_account, ewallet, business)"
        raise ValidationFailed("no identifiers", errors=[FieldError("identifiers", rule, len(body.identifiers))])
    found: dict[tuple[str, str], str] = {}
    errors: list[FieldError] = []
    for index, item in enumerate(body.identifiers):
        try:
            value = normalise(item.kind, item.value, region=region, path=f"identifiers[{index}]")
        except ValidationFailed as exc:
            errors.extend(exc.errors)
            continue
        found.setdefault((item.kind, value), item.value.strip())
    if errors:
        raise ValidationFailed(f"{len(errors)} identifier(s) cannot be read", errors=errors)
    return [(kind, value, entered) for (kind, value), entered in found.items()]


def _new_reference() -> str:
    return "FRI-" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def _by_client_reference(session: Session, organisation_id: int, client_reference: str) -> FraudIncident | None:
    return session.execute(
        select(FraudIncident).where(
            FraudIncident.reporter_org_id == organisation_id, FraudIncident.client_reference == client_reference
        )
    ).scalar_one_or_none()


def identifiers_of(session: Session, row: FraudIncident) -> list[IncidentIdentifier]:
    return list(
        session.execute(
            select(IncidentIdentifier).where(IncidentIdentifier.incident_id == row.id).order_by(IncidentIdentifier.id)
        ).scalars()
    )


def _repeat(session: Session, row: FraudIncident, content: tuple[object, ...]) -> FraudIncident:
    """The same client reference again: the first report if it says the same, else a conflict."""
    stored = {(i.kind, i.value) for i in identifiers_of(session, row)}
    if (row.category, row.title, row.description, row.occurred_on, stored) != content:
        raise Conflict(
            "client reference already used for a different report",
            errors=[FieldError("client_reference", f"already names report {row.reference}", row.client_reference)],
        )
    return row


def report(
    session: Session, principal: Principal, body: IncidentIn, client_reference: str | None
) -> tuple[FraudIncident, bool]:
    """Store a report, its identifiers and the alerts its matches raise, audited, in the caller's
    transaction (call inside `write_lock()` and commit before leaving it, so concurrent reports of
    the same identifier see each other). Repeating a client reference returns the first report."""
    if not may_report(principal) or principal.organisation_id is None or principal.country is None:
        raise Forbidden("only a consumer-protection officer of a member state's authority reports fraud incidents")
    state = principal.country
    title = _clean_text("title", body.title)
    description = _clean_text("description", body.description)
    identifiers = _normalised(body, state)
    reference = client_reference or "auto-" + secrets.token_hex(8)
    content = (body.category.value, title, description, body.occurred_on, {(k, v) for k, v, _ in identifiers})
    audit.hold_head(session)  # PostgreSQL: matching below then sees every report committed before
    existing = _by_client_reference(session, principal.organisation_id, reference)
    if existing is not None:
        return _repeat(session, existing, content), False
    now = utcnow()
    row = FraudIncident(
        reference=_new_reference(), client_reference=reference, reporter_org_id=principal.organisation_id,
        country=state, category=body.category.value, title=title, description=description,
        occurred_on=body.occurred_on, reported_by=principal.actor, created_at=now,
    )  # fmt: skip
    session.add(row)
    try:
        with savepoint(session):
            session.flush()
    except IntegrityError:  # a concurrent request with the same client reference won
        winner = _by_client_reference(session, principal.organisation_id, reference)
        if winner is None:
            raise
        return _repeat(session, winner, content), False
    for kind, value, entered in identifiers:
        session.add(IncidentIdentifier(incident_id=row.id, country=state, kind=kind, value=value, entered=entered))
    audit.record(
        session, principal, "redress.incident.report", "redress_incident", row.reference, country=state,
        organisation_id=row.reporter_org_id, after={"category": row.category, "identifiers": sorted(content[4])},
    )  # fmt: skip
    _raise_alerts(session, principal, row, identifiers)
    return row, True


def _raise_alerts(
    session: Session, principal: Principal, row: FraudIncident, identifiers: list[tuple[str, str, str]]
) -> None:
    limit = settings.incident_settings().max_alerts_per_identifier
    for kind, value, _entered in identifiers:
        for found in matches(session, kind, value, excluding_country=row.country, limit=limit):
            alert = IncidentAlert(
                incident_id=row.id, matched_incident_id=found.incident_id, country=row.country,
                matched_country=found.country, kind=kind, value=value, created_at=row.created_at,
            )  # fmt: skip
            session.add(alert)
            session.flush()
            _audit_alert(session, principal, alert)


def _audit_alert(session: Session, principal: Principal, alert: IncidentAlert) -> None:
    """One entry in the trail of each state that may see the alert, naming the other state but never
    its report; an alert neither may see goes to the regional trail only."""
    rules = settings.sharing_rules()
    pairs = ((alert.country, alert.matched_country), (alert.matched_country, alert.country))
    sides: list[tuple[str | None, str]] = [
        (own, f"{alert.kind} also reported in {other}")
        for own, other in pairs
        if rules.view(other, own) is not View.none
    ]
    for country, detail in sides or [(None, f"{alert.kind} reported in two member states")]:
        audit.record(
            session, principal, "redress.incident.alert", "redress_incident_alert", alert.id, country=country,
            after={"kind": alert.kind, "value": alert.value}, detail=detail,
        )  # fmt: skip


# ---- reading --------------------------------------------------------------------------------------


def listing(
    session: Session, principal: Principal, *, limit: int = 100, before_id: int | None = None
) -> list[FraudIncident]:
    """Reports the caller sees in full, newest first: its own state's and those shared with it."""
    viewer = _require_reader(principal)
    query = select(FraudIncident).order_by(FraudIncident.id.desc()).limit(limit)
    if not principal.is_regional:
        rules = settings.sharing_rules()
        query = query.where(FraudIncident.country.in_(rules.sharing_details_with(viewer, settings.member_states())))
    if before_id is not None:
        query = query.where(FraudIncident.id < before_id)
    return list(session.execute(query).scalars())


def get(session: Session, principal: Principal, reference: str) -> FraudIncident:
    viewer = _require_reader(principal)
    row = session.execute(select(FraudIncident).where(FraudIncident.reference == reference)).scalar_one_or_none()
    if row is None or settings.sharing_rules().view(row.country, viewer) is not View.details:
        raise NotFound(f"no fraud incident {reference}")
    return row


@dataclass(frozen=True)
class AlertView:
    """One alert as the caller may see it: its own side, and the other side in full or coarsely."""

    id: int
    at: datetime
    kind: str
    value: str
    own_country: str
    own_reference: str
    other_country: str
    other_reference: str | None  # None: the other state shares only that it reported the identifier


def alerts(
    session: Session, principal: Principal, *, incident: FraudIncident | None = None, limit: int = 100
) -> list[AlertView]:
    viewer = _require_reader(principal)
    query = select(IncidentAlert).order_by(IncidentAlert.id.desc()).limit(limit)
    if not principal.is_regional:
        query = query.where(or_(IncidentAlert.country == viewer, IncidentAlert.matched_country == viewer))
    if incident is not None:
        query = query.where(
            or_(IncidentAlert.incident_id == incident.id, IncidentAlert.matched_incident_id == incident.id)
        )
    rows = list(session.execute(query).scalars())
    ids = {r.incident_id for r in rows} | {r.matched_incident_id for r in rows}
    found_refs = session.execute(select(FraudIncident.id, FraudIncident.reference).where(FraudIncident.id.in_(ids)))
    refs = {int(i): str(ref) for i, ref in found_refs}
    rules = settings.sharing_rules()
    found: list[AlertView] = []
    for r in rows:
        mine_first = r.matched_country != viewer or r.country == viewer
        own = (r.country, r.incident_id) if mine_first else (r.matched_country, r.matched_incident_id)
        other = (r.matched_country, r.matched_incident_id) if mine_first else (r.country, r.incident_id)
        view = rules.view(other[0], viewer)
        if view is View.none:
            continue
        shown = refs[other[1]] if view is View.details else None
        found.append(AlertView(r.id, r.created_at, r.kind, r.value, own[0], refs[own[1]], other[0], shown))
    return found
