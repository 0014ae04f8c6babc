"""The public registry of trust credentials: search the businesses certified now, a business's public
record with every credential it holds or held, and live verification of a stored credential.

Read-only and public, so it returns only what anyone may see: never client references, status-list
indexes or key ids, and never the token of a revoked credential."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from crossborder.core.access.models import Organisation
from crossborder.core.access.roles import OrgKind
from crossborder.core.dates import utcnow
from crossborder.core.errors import FieldError, NotFound, ValidationFailed
from crossborder.reference import get_registry
from crossborder.trust import keys, service
from crossborder.trust.models import CredentialStatus, IssuedCredential
from crossborder.trust.settings import schemes
from crossborder.trust.verify import Verification

# Hard caps of a public, unauthenticated search: no request may page through more than this at once.
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
MAX_PAGE = 10_000
MAX_NAME = 200  # as long as a stored subject name
BUSINESS_ID = re.compile(r"^[A-Za-z0-9._/-]{1,100}$")  # the identifiers issue() accepts
COUNTRY = re.compile(r"^[A-Z]{2}$")
LIKE_ESCAPE = "!"  # not a backslash: its quoting differs between SQLite and PostgreSQL


class Standing(StrEnum):
    """What a consumer is told about a credential now."""

    certified = "certified"
    suspended = "suspended"
    revoked = "revoked"
    expired = "expired"
    not_yet_valid = "not_yet_valid"


def standing(status: str, valid_from: datetime, valid_until: datetime, now: datetime) -> Standing:
    # A withdrawal outranks the calendar: a revoked mark that has also expired is shown as revoked.
    if status == CredentialStatus.revoked.value:
        return Standing.revoked
    if status == CredentialStatus.suspended.value:
        return Standing.suspended
    if now >= valid_until:
        return Standing.expired
    if now < valid_from:
        return Standing.not_yet_valid
    return Standing.certified


@dataclass(frozen=True)
class PublicCredential:
    credential_id: str
    scheme: str
    scheme_title: str
    business_id: str
    subject_name: str
    subject_country: str
    issuer_name: str
    issuer_country: str
    issuer: str  # the issuer id in the credential (its public document's URL)
    valid_from: datetime
    valid_until: datetime
    status: str  # as stored: active, suspended or revoked
    standing: Standing
    token: str | None  # for offline verification; None in lists and for a revoked credential


@dataclass(frozen=True)
class RegistryQuery:
    name: str = ""
    business_id: str = ""
    country: str = ""
    scheme: str = ""
    page: int = 1
    per_page: int = DEFAULT_PAGE_SIZE

    @property
    def empty(self) -> bool:
        return not (self.name or self.business_id or self.country or self.scheme)


@dataclass(frozen=True)
class RegistryPage:
    query: RegistryQuery
    entries: list[PublicCredential]
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


@dataclass(frozen=True)
class BusinessRecord:
    country: str
    business_id: str
    name: str  # as on its newest credential
    credentials: list[PublicCredential]


def _number(raw: Mapping[str, str], key: str, default: int, low: int, high: int, errors: list[FieldError]) -> int:
    text = (raw.get(key) or "").strip()
    if not text:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        errors.append(FieldError(key, f"must be a whole number from {low} to {high}", text))
        return default
    return int(text)


def parse_query(raw: Mapping[str, str]) -> RegistryQuery:
    """A search from untrusted form fields; every field that breaks a rule is named at once."""
    errors: list[FieldError] = []
    name = (raw.get("name") or "").strip()
    if len(name) > MAX_NAME:
        errors.append(FieldError("name", f"must be at most {MAX_NAME} characters", name))
    business_id = (raw.get("business_id") or "").strip()
    if business_id and not BUSINESS_ID.match(business_id):
        errors.append(
            FieldError("business_id", "must be 1 to 100 letters, digits or . _ / - (the exact identifier)", business_id)
        )
    country = (raw.get("country") or "").strip().upper()
    if country and country not in get_registry().member_states():
        errors.append(FieldError("country", f"must be one of {', '.join(get_registry().member_states())}", country))
    scheme = (raw.get("scheme") or "").strip()
    if scheme and scheme not in schemes():
        errors.append(FieldError("scheme", f"must be one of {', '.join(sorted(schemes()))}", scheme))
    page = _number(raw, "page", 1, 1, MAX_PAGE, errors)
    per_page = _number(raw, "per_page", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, errors)
    if errors:
        raise ValidationFailed("the registry search has invalid fields", errors=errors)
    return RegistryQuery(name, business_id, country, scheme, page, per_page)


def _like_escaped(text: str) -> str:
    return text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def _public(
    row: IssuedCredential, issuer_name: str, issuer_country: str, now: datetime, *, token: bool
) -> PublicCredential:
    known = schemes().get(row.scheme)
    state = standing(row.status, row.valid_from, row.valid_until, now)
    return PublicCredential(
        credential_id=row.credential_id,
        scheme=row.scheme,
        scheme_title=known.title if known else row.scheme,
        business_id=row.subject_id,
        subject_name=row.subject_name,
        subject_country=row.subject_country,
        issuer_name=issuer_name,
        issuer_country=issuer_country,
        issuer=keys.issuer_url(row.issuer_org_id),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        status=row.status,
        standing=state,
        token=row.token if token and state != Standing.revoked else None,
    )


def _with_issuer() -> Select[IssuedCredential, str, str]:
    return select(IssuedCredential, Organisation.name, Organisation.country).join(
        Organisation, Organisation.id == IssuedCredential.issuer_org_id
    )


def search(session: Session, query: RegistryQuery, now: datetime | None = None) -> RegistryPage:
    """Credentials active and valid now matching every given criterion, a page at a time."""
    at = now or utcnow()
    stmt = _with_issuer().where(
        IssuedCredential.status == CredentialStatus.active.value,
        IssuedCredential.valid_from <= at,
        IssuedCredential.valid_until > at,
    )
    if query.name:
        pattern = f"%{_like_escaped(query.name)}%"
        stmt = stmt.where(IssuedCredential.subject_name.ilike(pattern, escape=LIKE_ESCAPE))
    if query.business_id:
        stmt = stmt.where(IssuedCredential.subject_id == query.business_id)
    if query.country:
        stmt = stmt.where(IssuedCredential.subject_country == query.country)
    if query.scheme:
        stmt = stmt.where(IssuedCredential.scheme == query.scheme)
    else:
        # The registry lists certifications; an identity record alone certifies nothing (it shows on the
        # business's page, and is found when asked for by scheme).
        stmt = stmt.where(IssuedCredential.scheme != "business_identity")
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    ordered = stmt.order_by(
        func.lower(IssuedCredential.subject_name),
        IssuedCredential.subject_country,
        IssuedCredential.subject_id,
        IssuedCredential.scheme,
        IssuedCredential.credential_id,
    )
    rows = session.execute(ordered.limit(query.per_page).offset((query.page - 1) * query.per_page)).all()
    entries = [_public(row, name, country, at, token=False) for row, name, country in rows]
    return RegistryPage(query, entries, int(total))


def business(session: Session, country: str, business_id: str, now: datetime | None = None) -> BusinessRecord:
    """Every credential issued to one business, newest first, withdrawn ones included and shown as such."""
    unknown = NotFound(
        f"no certified business {business_id} in {country}",
        errors=[FieldError("business_id", f"no credential was issued to this business in {country}", business_id)],
    )
    if not COUNTRY.match(country) or not BUSINESS_ID.match(business_id):
        raise unknown
    at = now or utcnow()
    rows = session.execute(
        _with_issuer()
        .where(IssuedCredential.subject_country == country, IssuedCredential.subject_id == business_id)
        .order_by(IssuedCredential.issued_at.desc(), IssuedCredential.id.desc())
    ).all()
    if not rows:
        raise unknown
    credentials = [_public(row, name, issuer_country, at, token=True) for row, name, issuer_country in rows]
    return BusinessRecord(country, business_id, credentials[0].subject_name, credentials)


def credential(session: Session, credential_id: str, now: datetime | None = None) -> PublicCredential:
    found = session.execute(_with_issuer().where(IssuedCredential.credential_id == credential_id)).first()
    if found is None:
        raise NotFound(
            f"no credential {credential_id}",
            errors=[FieldError("credential_id", "no credential with this id was issued here", credential_id)],
        )
    row, name, country = found
    return _public(row, name, country, now or utcnow(), token=True)


def verify_stored(
    session: Session, credential_id: str, here: str | None = None
) -> tuple[PublicCredential, Verification]:
    """Live verification of a credential issued here: its own token through the full check (signature,
    validity, status lists, and recognition in `here` if given), never just the stored status."""
    public = credential(session, credential_id)
    token = session.execute(
        select(IssuedCredential.token).where(IssuedCredential.credential_id == credential_id)
    ).scalar_one()
    return public, service.verify(session, token, here)


def issuer_names(session: Session) -> dict[str, tuple[str, str]]:
    """Issuer id -> (operator name, member state), to name the issuer of a pasted credential."""
    orgs = session.execute(select(Organisation).where(Organisation.kind == OrgKind.trust_mark_operator.value))
    return {keys.issuer_url(org.id): (org.name, org.country) for org in orgs.scalars()}
