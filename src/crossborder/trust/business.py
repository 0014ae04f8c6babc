"""The business register: a business registers with its national registration number (checked
against its member state's format where one is known) and gets a regional identifier; it is looked
up, listed within scope and deregistered. No HTTP, no CLI."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from crossborder.core.access.models import Organisation
from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from crossborder.trust import regional_id
from crossborder.trust.business_formats import check_national_number
from crossborder.trust.business_models import Business, BusinessChange, BusinessStatus

LINKABLE_KINDS = frozenset({OrgKind.business.value, OrgKind.platform.value})
_AUTHORITY_ROLES = frozenset({Role.trust_operator, Role.admin})
_SELF_ROLES = frozenset({Role.business_user, Role.platform_operator})
_ID_ATTEMPTS = 5  # 32^8 random bases: a collision is rare, several in a row mean something is broken


@dataclass(frozen=True)
class Registration:
    country: str
    national_number: str
    legal_name: str
    organisation_id: int | None = None


def _member_states() -> list[str]:
    from crossborder.reference import get_registry

    return list(get_registry().member_states())


def _state(row: Business) -> dict[str, object]:
    return {
        "regional_id": row.regional_id,
        "country": row.country,
        "national_number": row.national_number,
        "format_checked": row.format_checked,
        "legal_name": row.legal_name,
        "organisation_id": row.organisation_id,
        "status": row.status,
    }


def _linked_organisation(session: Session, principal: Principal, wanted: Registration) -> Organisation | None:
    """Who may register what: a trust operator or admin of the member state, any business of it; a
    business or platform user only its own organisation, in its own member state."""
    is_authority = bool(principal.roles & _AUTHORITY_ROLES)
    organisation_id = wanted.organisation_id
    if not is_authority:
        if not principal.roles & _SELF_ROLES:
            raise Forbidden(f"your roles ({', '.join(sorted(principal.roles)) or 'none'}) cannot register businesses")
        if organisation_id is not None and organisation_id != principal.organisation_id:
            raise Forbidden("a business user registers only its own organisation")
        organisation_id = principal.organisation_id
    elif not (principal.is_regional or principal.country == wanted.country):
        raise Forbidden(f"an authority of {principal.country} cannot register businesses of {wanted.country}")
    if organisation_id is None:
        return None
    org = session.get(Organisation, organisation_id)
    if org is None or org.kind not in LINKABLE_KINDS:
        rule = f"must be an organisation of kind {' or '.join(sorted(LINKABLE_KINDS))}"
        raise ValidationFailed(
            "cannot link that organisation", errors=[FieldError("organisation_id", rule, organisation_id)]
        )
    if org.country != wanted.country:
        rule = f"the organisation is in {org.country}: a business registers in its own member state"
        raise ValidationFailed(
            "country differs from the organisation's", errors=[FieldError("country", rule, wanted.country)]
        )
    return org


def register(session: Session, principal: Principal, wanted: Registration) -> tuple[Business, bool]:
    """Register a business; the same national number of the same state again returns the first."""
    errors: list[FieldError] = []
    states = _member_states()
    if wanted.country not in states:
        errors.append(FieldError("country", f"must be a member state: {', '.join(states)}", wanted.country))
    name = " ".join(wanted.legal_name.split())
    if not name:
        errors.append(FieldError("legal_name", "must not be empty", wanted.legal_name))
    if errors:
        raise ValidationFailed("invalid registration", errors=errors)
    checked = check_national_number(wanted.country, wanted.national_number)
    org = _linked_organisation(session, principal, wanted)
    existing = _by_national_number(session, wanted.country, checked.number)
    if existing is not None:
        return _repeat(principal, existing), False
    row = Business(
        regional_id=_unused_id(session, wanted.country),
        country=wanted.country,
        national_number=checked.number,
        number_validator=checked.validator,
        format_checked=checked.format_checked,
        legal_name=name,
        organisation_id=None if org is None else org.id,
        registered_by=principal.actor,
        registered_at=utcnow(),
    )
    session.add(row)
    session.flush()  # a concurrent registration of the same number fails here; the API re-reads the winner
    session.add(BusinessChange(business_pk=row.id, actor=principal.actor, to_status=row.status, reason="registered"))
    audit.record(
        session,
        principal,
        "trust.business.register",
        "trust_business",
        row.regional_id,
        country=row.country,
        organisation_id=row.organisation_id,
        after=_state(row),
    )
    return row, True


def _unused_id(session: Session, country: str) -> str:
    for _ in range(_ID_ATTEMPTS):
        candidate = regional_id.generate(country)
        if find(session, candidate) is None:
            return candidate
    raise RuntimeError("could not draw an unused regional identifier")


def find_by_national_number(session: Session, country: str, number: str) -> Business | None:
    """The registration of a national number as given (checked and compacted first)."""
    try:
        compact = check_national_number(country, number).number
    except ValidationFailed:
        return None
    return _by_national_number(session, country, compact)


def _by_national_number(session: Session, country: str, number: str) -> Business | None:
    return session.execute(
        select(Business).where(Business.country == country, Business.national_number == number)
    ).scalar_one_or_none()


def _repeat(principal: Principal, existing: Business) -> Business:
    if not principal.can_see(existing.country, existing.organisation_id):
        raise Conflict(
            "already registered by another party",
            errors=[
                FieldError("national_number", f"is already registered in {existing.country}", existing.national_number)
            ],
        )
    if existing.status == BusinessStatus.deregistered.value:
        rule = (
            f"was registered as {existing.regional_id} and deregistered; a deregistered number is not registered again"
        )
        raise Conflict("deregistered business", errors=[FieldError("national_number", rule, existing.national_number)])
    return existing


def parse_regional_id(value: str, path: str = "regional_id") -> str:
    try:
        return regional_id.validate(value)
    except regional_id.InvalidRegionalId as exc:
        raise ValidationFailed(
            "not a regional business identifier", errors=[FieldError(path, str(exc), value)]
        ) from None


def find(session: Session, value: str) -> Business | None:
    """The register's row for a valid regional id, whatever its status; no scope (for services)."""
    return session.execute(select(Business).where(Business.regional_id == value)).scalar_one_or_none()


def get(session: Session, principal: Principal, value: str) -> Business:
    wanted = parse_regional_id(value)
    row = find(session, wanted)
    if row is None or not principal.can_see(row.country, row.organisation_id):
        raise NotFound(f"no business {wanted}", errors=[FieldError("regional_id", "not in the register", value)])
    return row


def list_businesses(
    session: Session, principal: Principal, country: str | None = None, q: str | None = None, limit: int = 50
) -> list[Business]:
    query = select(Business).where(principal.scope_filter(Business.country, Business.organisation_id))
    if country:
        query = query.where(Business.country == country)
    if q:
        text = q.strip().lower()
        query = query.where(
            or_(
                func.lower(Business.legal_name).contains(text, autoescape=True),
                func.lower(Business.national_number).contains(text, autoescape=True),
                func.lower(Business.regional_id).contains(regional_id.compact(text).lower(), autoescape=True),
            )
        )
    return list(session.execute(query.order_by(Business.legal_name, Business.id).limit(limit)).scalars())


def deregister(session: Session, principal: Principal, value: str, reason: str) -> Business:
    """Final: the business stays in the register, marked deregistered; no new credential names it."""
    row = get(session, principal, value)
    is_authority = bool(principal.roles & _AUTHORITY_ROLES)  # get() already confined it to their state
    if not is_authority and not (principal.roles & _SELF_ROLES and row.organisation_id == principal.organisation_id):
        raise Forbidden(
            f"your roles ({', '.join(sorted(principal.roles)) or 'none'}) cannot deregister {row.regional_id}"
        )
    if row.status != BusinessStatus.registered.value:
        raise Conflict(
            f"{row.regional_id} is already {row.status}",
            errors=[FieldError("status", "must be registered to deregister", row.status)],
        )
    before, before_status = _state(row), row.status
    row.status = BusinessStatus.deregistered.value
    row.deregistered_at = utcnow()
    row.deregistration_reason = reason
    session.add(
        BusinessChange(
            business_pk=row.id, actor=principal.actor, from_status=before_status, to_status=row.status, reason=reason
        )
    )
    audit.record(
        session,
        principal,
        "trust.business.deregister",
        "trust_business",
        row.regional_id,
        country=row.country,
        organisation_id=row.organisation_id,
        before=before,
        after=_state(row),
        detail=reason,
    )
    return row


def for_credential(session: Session, business_id: str, subject_country: str) -> Business | None:
    """When a credential names a regional id, it must be valid and registered in the subject's state;
    any other business id is the issuer's own (None)."""
    if not regional_id.looks_regional(business_id):
        return None
    wanted = parse_regional_id(business_id, "business_id")
    row = find(session, wanted)
    if row is None:
        raise ValidationFailed(
            "unregistered business", errors=[FieldError("business_id", "must be in the business register", business_id)]
        )
    if row.status != BusinessStatus.registered.value:
        rule = f"must be a registered business: it was deregistered on {row.deregistered_at:%Y-%m-%d}"
        raise ValidationFailed("deregistered business", errors=[FieldError("business_id", rule, business_id)])
    if row.country != subject_country:
        rule = f"must be the business's member state ({row.country}) in the register"
        raise ValidationFailed("wrong subject country", errors=[FieldError("subject_country", rule, subject_country)])
    return row


def registered_for_organisation(session: Session, organisation_id: int) -> Business | None:
    """The organisation's registration in force (the first, if it registered several numbers)."""
    return session.execute(
        select(Business)
        .where(Business.organisation_id == organisation_id, Business.status == BusinessStatus.registered.value)
        .order_by(Business.id)
        .limit(1)
    ).scalar_one_or_none()
