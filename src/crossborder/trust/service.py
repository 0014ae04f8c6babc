"""The trust capability's domain: issue credentials, change their status, verify them here, and
answer other capabilities' question "is this business trusted?". No HTTP, no CLI."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, or_, select
from sqlalchemy.orm import Session

from crossborder.core.access.models import Organisation
from crossborder.core.access.principal import SYSTEM, Principal
from crossborder.core.access.roles import OrgKind
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from crossborder.core.keys import keys_from_jwks
from crossborder.trust import business, keys, status
from crossborder.trust.credentials import build_credential, new_credential_id, sign, status_entries, vc_time
from crossborder.trust.models import CredentialStatus, CredentialStatusChange, IssuedCredential, StatusPurpose
from crossborder.trust.schemas import IssueIn
from crossborder.trust.settings import schemes, trust_list_document, trust_list_version, trust_settings
from crossborder.trust.trustlist import parse_arrangements, trust_list_for
from crossborder.trust.verify import IssuerKeys, StatusList, Verification, verify_credential

# Which status changes are allowed, and the bit each one sets: revocation is final.
TRANSITIONS: dict[str, tuple[frozenset[str], str, str, bool]] = {
    "suspend": (frozenset({"active"}), "suspended", StatusPurpose.suspension.value, True),
    "reinstate": (frozenset({"suspended"}), "active", StatusPurpose.suspension.value, False),
    "revoke": (frozenset({"active", "suspended"}), "revoked", StatusPurpose.revocation.value, True),
}


def _subject_uri(country: str, business_id: str) -> str:
    return f"urn:crossborder:business:{country}:{business_id}"


def issue(
    session: Session, principal: Principal, organisation_id: int, body: IssueIn, now: datetime | None = None
) -> tuple[IssuedCredential, bool]:
    """Issue a scheme credential to a business; repeating a client reference returns the first.

    A business id that is a regional identifier must be valid and registered (not deregistered) in the
    subject's member state; the register's legal name is then the subject's name, whatever the request
    says (the register is the authority on who the business is), and the audit entry notes the change."""
    org = keys.operator(session, organisation_id)
    keys.require_operator_of(principal, org)
    existing = session.execute(
        select(IssuedCredential).where(
            IssuedCredential.issuer_org_id == org.id, IssuedCredential.client_reference == body.client_reference
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing, False
    scheme = schemes().get(body.scheme)
    if scheme is None:
        raise ValidationFailed(
            "unknown scheme", errors=[FieldError("scheme", f"one of {sorted(schemes())}", body.scheme)]
        )
    registered = business.for_credential(session, body.business_id, body.subject_country)
    if registered is None and scheme.includes_registration:
        rule = f"must be the regional identifier of a registered business: {scheme.id} vouches for a registration"
        raise ValidationFailed("unregistered business", errors=[FieldError("business_id", rule, body.business_id)])
    business_id, subject_name, why = body.business_id, body.subject_name, "issued"
    if registered is not None:
        business_id, subject_name = registered.regional_id, registered.legal_name
        if body.subject_name != subject_name:
            why = f"issued; subject_name taken from the register (request said {body.subject_name!r})"
    at = now or utcnow()
    valid_from = body.valid_from or at
    valid_until = body.valid_until or valid_from + timedelta(days=scheme.validity_days)
    if valid_until <= valid_from:
        raise ValidationFailed(
            "empty validity", errors=[FieldError("valid_until", "must be after valid_from", valid_until)]
        )
    index = status.allocate_index(session, org.id)
    urls = {p.value: status.list_url(org.id, p.value) for p in StatusPurpose}
    credential_id = new_credential_id()
    subject: dict[str, Any] = {
        "id": _subject_uri(body.subject_country, business_id),
        "businessId": business_id,
        "name": subject_name,
        "country": body.subject_country,
    }
    if registered is not None and scheme.includes_registration:
        subject["registration"] = {
            "nationalNumber": registered.national_number,
            "numberFormat": registered.number_validator,
            "formatChecked": registered.format_checked,
            "registeredAt": vc_time(registered.registered_at),
        }
    claims = build_credential(
        credential_id=credential_id,
        issuer=keys.issuer_url(org.id),
        issuer_name=org.name,
        credential_type=scheme.credential_type,
        scheme=scheme.id,
        scheme_title=scheme.title,
        operator_country=org.country,
        subject=subject,
        valid_from=valid_from,
        valid_until=valid_until,
        status=status_entries(urls, index),
    )
    kid, key = keys.signing_key(session, principal, org)
    row = IssuedCredential(
        credential_id=credential_id,
        client_reference=body.client_reference,
        issuer_org_id=org.id,
        country=org.country,
        scheme=scheme.id,
        subject_id=business_id,
        subject_name=subject_name,
        subject_country=body.subject_country,
        status_index=index,
        kid=kid,
        valid_from=valid_from,
        valid_until=valid_until,
        token=sign(claims, kid, key),
        issued_at=at,
    )
    session.add(row)
    session.flush()
    _history(session, principal, row, None, why)
    for purpose in StatusPurpose:
        status.published(session, SYSTEM, org, purpose.value)  # lists exist before anyone looks
    return row, True


def _history(session: Session, principal: Principal, row: IssuedCredential, before: str | None, why: str) -> None:
    session.add(
        CredentialStatusChange(
            credential_pk=row.id, actor=principal.actor, from_status=before, to_status=row.status, reason=why
        )
    )
    audit.record(
        session,
        principal,
        "trust.credential.issue" if before is None else f"trust.credential.{row.status}",
        "trust_credential",
        row.credential_id,
        country=row.country,
        organisation_id=row.issuer_org_id,
        before=None if before is None else {"status": before},
        after={"status": row.status, "scheme": row.scheme, "subject": row.subject_id},
        detail=why,
    )


def get(session: Session, principal: Principal, credential_id: str) -> IssuedCredential:
    row = session.execute(
        select(IssuedCredential).where(IssuedCredential.credential_id == credential_id)
    ).scalar_one_or_none()
    if row is None or not principal.can_see(row.country, row.issuer_org_id):
        raise NotFound(f"no credential {credential_id}", errors=[FieldError("credential_id", "unknown", credential_id)])
    return row


def change_status(
    session: Session, principal: Principal, credential_id: str, action: str, reason: str
) -> IssuedCredential:
    row = get(session, principal, credential_id)
    org = keys.operator(session, row.issuer_org_id)
    keys.require_operator_of(principal, org)
    allowed_from, to, purpose, bit = TRANSITIONS[action]
    if row.status not in allowed_from:
        raise Conflict(
            f"cannot {action} a credential that is {row.status}",
            errors=[FieldError("status", f"must be one of {sorted(allowed_from)} to {action}", row.status)],
        )
    before = row.status
    row.status = to
    status.set_bit(session, principal, org, purpose, row.status_index, bit)
    _history(session, principal, row, before, reason)
    return row


def rotate_key(session: Session, principal: Principal, organisation_id: int) -> str:
    row = keys.rotate(session, principal, organisation_id)
    status.resign_all(session, principal, keys.operator(session, organisation_id))
    return row.kid


def withdraw_key(session: Session, principal: Principal, organisation_id: int, kid: str) -> None:
    keys.withdraw(session, principal, organisation_id, kid)
    status.resign_all(session, principal, keys.operator(session, organisation_id))


# ---- verification here ----------------------------------------------------------------------------


def issuer_material(session: Session) -> dict[str, IssuerKeys]:
    """Every trust-mark operator on this node, with its published keys, as a verifier caches them."""
    found: dict[str, IssuerKeys] = {}
    orgs = session.execute(select(Organisation).where(Organisation.kind == OrgKind.trust_mark_operator.value))
    for org in orgs.scalars():
        document = keys.jwks(session, org.id)
        found[keys.issuer_url(org.id)] = IssuerKeys(
            keys.issuer_url(org.id), org.country, keys_from_jwks(document), frozenset(document["withdrawn_kids"])
        )
    return found


def bundle(session: Session) -> dict[str, Any]:
    """What an offline verifier caches: issuers with their JWKS, and every signed status list."""
    issuers, lists = [], []
    orgs = session.execute(select(Organisation).where(Organisation.kind == OrgKind.trust_mark_operator.value))
    for org in orgs.scalars():
        document = keys.jwks(session, org.id)
        if not document["keys"] and not document["withdrawn_kids"]:
            continue  # never issued anything
        issuers.append({"id": keys.issuer_url(org.id), "name": org.name, "country": org.country, "jwks": document})
        lists += [status.published(session, SYSTEM, org, p.value) for p in StatusPurpose]
    return {"issuers": issuers, "status_lists": lists}


def material_from_bundle(document: Any, now: datetime) -> tuple[dict[str, IssuerKeys], dict[str, StatusList]]:
    """Issuers and verified status lists from a cached bundle; a list that fails its own check is left
    out, so credentials pointing to it come out 'status_unknown'."""
    issuers: dict[str, IssuerKeys] = {}
    for raw in document.get("issuers", []) if isinstance(document, dict) else []:
        jwks = raw.get("jwks") or {}
        withdrawn = frozenset(str(k) for k in jwks.get("withdrawn_kids", []))
        issuers[str(raw["id"])] = IssuerKeys(str(raw["id"]), raw.get("country"), keys_from_jwks(jwks), withdrawn)
    lists: dict[str, StatusList] = {}
    for token in document.get("status_lists", []) if isinstance(document, dict) else []:
        found = status.read_list_credential(token, issuers, now)
        if isinstance(found, StatusList):
            lists[found.url] = found
    return issuers, lists


def verify(
    session: Session | None, token: Any, here: str | None, now: datetime | None = None, offline: Any = None
) -> Verification:
    """Verify with this node's keys and lists (or an offline bundle); with `here`, recognition in that
    member state is part of the answer."""
    at = now or utcnow()
    # Status lists say what holds now, so their own freshness is judged by the clock, while `now`
    # (an "as of" instant) only moves the credential's validity window.
    if offline is not None:
        issuers, lists = material_from_bundle(offline, utcnow())
    else:
        assert session is not None
        issuers, lists = material_from_bundle(bundle(session), utcnow())
    settings = trust_settings()
    trust = trust_list_for(here, at.date(), parse_arrangements(trust_list_document())) if here else None
    return verify_credential(
        token,
        issuers,
        lists,
        at,
        trust=trust,
        skew_seconds=settings.clock_skew_seconds,
        max_bytes=settings.max_token_bytes,
    )


# ---- what other capabilities ask -----------------------------------------------------------------


@lru_cache(maxsize=256)
def _trust_for(country: str, on: date, _trust_list_version: int) -> tuple[Any, tuple[str, ...]]:
    """The day's trust list as seen from `country`, and the states whose issuers may count there:
    pure functions of the trust-list file, so kept until it changes (customs asks per declaration)."""
    arrangements = parse_arrangements(trust_list_document())
    return trust_list_for(country, on, arrangements), tuple(_partners(arrangements, country))


_CREDENTIALS = cast(Table, IssuedCredential.__table__)


@lru_cache(maxsize=64)
def _holders_query(partners: tuple[str, ...], one_business: bool) -> Select[Any]:
    """Built once per set of partner states (a pure function of the trust list) and kept, so a
    per-declaration call does no statement building, and no rewrite of the SQL per call (which
    an IN list costs: SQLAlchemy renders it as an "expanding" parameter)."""
    c = _CREDENTIALS.c
    # Only the columns the answer needs: no ORM objects on a per-declaration path.
    query = select(c.subject_id, c.issuer_org_id, c.country, c.subject_country, c.valid_from, c.valid_until).where(
        c.scheme == bindparam("scheme"),
        c.status == CredentialStatus.active.value,
        or_(c.country == bindparam("country"), *(c.country == p for p in partners)),
    )
    return query.where(c.subject_id == bindparam("business_id")) if one_business else query


def _holders(session: Session, scheme: str, country: str, on: date, business_id: str | None = None) -> set[str]:
    trust, partners = _trust_for(country, on, trust_list_version())
    params: dict[str, Any] = {"scheme": scheme, "country": country}
    if business_id is not None:
        params["business_id"] = business_id
    if session.autoflush:
        session.flush()  # as session.execute would: a credential added in this session counts
    rows = session.connection().execute(_holders_query(partners, business_id is not None), params)
    day_starts = datetime.combine(on, time.min, UTC)
    day_ends = day_starts + timedelta(days=1)
    found = set()
    for subject_id, issuer_org_id, issuer_country, subject_country, valid_from, valid_until in rows:
        if not (valid_from < day_ends and valid_until > day_starts):
            continue  # valid for no moment of that (UTC) day
        recognised = trust.recognise(keys.issuer_url(issuer_org_id), issuer_country, scheme, subject_country)
        if recognised.reason is None:
            found.add(subject_id)
    return found


def _partners(arrangements: Any, country: str) -> list[str]:
    return sorted({p for a in arrangements if country in a.parties for p in a.parties})


def is_trusted_trader(session: Session, business_id: str | None, country: str, on: date) -> bool:
    """Is the business a trusted trader in `country` on `on`: an active credential of that state's
    operator, or of a partner's under an arrangement in force that covers it, valid that day."""
    return bool(business_id) and bool(_holders(session, "trusted_trader", country, on, business_id))


def is_trust_marked(session: Session, business_id: str | None, country: str, on: date) -> bool:
    """The same question for the e-commerce trust mark."""
    return bool(business_id) and bool(_holders(session, "trust_mark", country, on, business_id))


def trusted_traders(session: Session, country: str, on: date) -> frozenset[str]:
    """Every business that is a trusted trader in `country` on `on`, in one query: for bulk callers
    (a manifest of millions of lines) that preload instead of asking per line."""
    return frozenset(_holders(session, "trusted_trader", country, on))
