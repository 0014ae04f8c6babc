"""Organisations, users and API keys: create, read within scope, authenticate."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from crossborder.core.access import secrets as sec
from crossborder.core.access.models import ApiKey, Organisation, User, WebSession
from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import REGIONAL, ROLES_BY_KIND, OrgKind, Permission, Role
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.errors import Conflict, FieldError, Forbidden, NotFound, Unauthorized, ValidationFailed

SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def known_countries() -> list[str]:
    from crossborder.reference import get_registry

    return [*get_registry().member_states(), REGIONAL]


def check_country(code: str, path: str = "country") -> str:
    allowed = known_countries()
    if code not in allowed:
        raise ValidationFailed(
            f"unknown country {code!r}",
            errors=[
                FieldError(
                    path, f"must be a member-state code in the reference data or {REGIONAL}: {', '.join(allowed)}", code
                )
            ],
        )
    return code


def _org_state(org: Organisation) -> dict[str, object]:
    return {"id": org.id, "name": org.name, "kind": org.kind, "country": org.country}


def _user_state(user: User) -> dict[str, object]:
    return {
        "id": user.id,
        "email": user.email,
        "organisation_id": user.organisation_id,
        "roles": sorted(user.roles),
        "active": user.active,
    }


# --- organisations -------------------------------------------------------------------


def create_organisation(session: Session, principal: Principal, *, name: str, kind: str, country: str) -> Organisation:
    principal.require(Permission.org_manage)
    errors: list[FieldError] = []
    if kind not in OrgKind.__members__:
        errors.append(FieldError("kind", f"must be one of {', '.join(OrgKind)}", kind))
    if not name.strip():
        errors.append(FieldError("name", "must not be empty", name))
    try:
        check_country(country)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    if errors:
        raise ValidationFailed("invalid organisation", errors=errors)
    if not principal.is_regional and country != principal.country:
        raise Forbidden(f"an administrator of {principal.country} cannot create organisations in {country}")
    org = Organisation(name=name.strip(), kind=kind, country=country)
    session.add(org)
    session.flush()
    audit.record(
        session,
        principal,
        "organisation.create",
        "organisation",
        org.id,
        country=org.country,
        organisation_id=org.id,
        after=_org_state(org),
    )
    return org


def get_organisation(session: Session, principal: Principal, org_id: int) -> Organisation:
    principal.require(Permission.org_read)
    org = session.get(Organisation, org_id)
    # Out of scope looks exactly like absent: no oracle for other states' records.
    if org is None or not principal.can_see(org.country, org.id):
        raise NotFound(f"no organisation {org_id}", errors=[FieldError("id", "no such organisation", org_id)])
    return org


def list_organisations(session: Session, principal: Principal, country: str | None = None) -> list[Organisation]:
    principal.require(Permission.org_read)
    query = select(Organisation).where(principal.scope_filter(Organisation.country, Organisation.id))
    if country:
        query = query.where(Organisation.country == country)
    return list(session.execute(query.order_by(Organisation.id)).scalars())


# --- users ---------------------------------------------------------------------------


def _check_roles(org: Organisation, roles: Iterable[str]) -> list[Role]:
    allowed = ROLES_BY_KIND[OrgKind(org.kind)]
    result: list[Role] = []
    errors: list[FieldError] = []
    for i, role in enumerate(roles):
        if role not in Role.__members__ or Role(role) not in allowed:
            errors.append(
                FieldError(
                    f"roles[{i}]",
                    f"an organisation of kind {org.kind} may grant only: {', '.join(sorted(allowed))}",
                    role,
                )
            )
        else:
            result.append(Role(role))
    if errors:
        raise ValidationFailed("invalid roles", errors=errors)
    if not result:
        raise ValidationFailed("no role", errors=[FieldError("roles", "must list at least one role", [])])
    return result


def create_user(
    session: Session,
    principal: Principal,
    *,
    email: str,
    password: str,
    display_name: str,
    organisation_id: int,
    roles: list[str],
) -> User:
    principal.require(Permission.user_manage)
    org = get_organisation(session, principal, organisation_id)
    errors: list[FieldError] = []
    if not _EMAIL.match(email):
        errors.append(FieldError("email", "must be an e-mail address", email))
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("password", f"must be at least {MIN_PASSWORD_LENGTH} characters", "***"))
    if errors:
        raise ValidationFailed("invalid user", errors=errors)
    granted = _check_roles(org, roles)
    email = email.strip().lower()
    if session.execute(select(User.id).where(User.email == email)).first():
        raise Conflict("e-mail already registered", errors=[FieldError("email", "must be unique", email)])
    user = User(
        email=email,
        display_name=display_name.strip() or email,
        password_hash=sec.hash_password(password),
        organisation_id=org.id,
        roles=[r.value for r in granted],
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        principal,
        "user.create",
        "user",
        user.id,
        country=org.country,
        organisation_id=org.id,
        after=_user_state(user),
    )
    return user


def get_user(session: Session, principal: Principal, user_id: int) -> User:
    principal.require(Permission.user_read)
    user = session.get(User, user_id)
    if user is None or not principal.can_see(user.organisation.country, user.organisation_id):
        raise NotFound(f"no user {user_id}", errors=[FieldError("id", "no such user", user_id)])
    return user


def list_users(session: Session, principal: Principal) -> list[User]:
    principal.require(Permission.user_read)
    query = (
        select(User)
        .join(Organisation)
        .where(principal.scope_filter(Organisation.country, Organisation.id))
        .order_by(User.id)
    )
    return list(session.execute(query).unique().scalars())


def principal_for_user(user: User) -> Principal:
    return Principal(
        actor=f"user:{user.id}",
        organisation_id=user.organisation_id,
        country=user.organisation.country,
        roles=frozenset(Role(r) for r in user.roles),
    )


def authenticate_password(session: Session, email: str, password: str) -> User:
    user = session.execute(select(User).where(User.email == email.strip().lower())).unique().scalar_one_or_none()
    if user is None:
        sec.hash_password(password)  # same cost either way: no timing oracle for which e-mails exist
        raise Unauthorized("wrong e-mail or password")
    if not user.active or not sec.verify_password(user.password_hash, password):
        raise Unauthorized("wrong e-mail or password")
    return user


# --- API keys ------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    token: str  # shown once, never stored


def create_api_key(session: Session, principal: Principal, *, organisation_id: int, name: str, role: str) -> IssuedKey:
    principal.require(Permission.apikey_manage)
    org = get_organisation(session, principal, organisation_id)
    if principal.widest_scope().value == "organisation" and org.id != principal.organisation_id:
        raise Forbidden("you may create keys only for your own organisation")
    (granted,) = _check_roles(org, [role])
    key_id, secret, token = sec.new_api_key()
    key = ApiKey(
        key_id=key_id,
        secret_hash=sec.token_digest(secret),
        name=name.strip() or key_id,
        organisation_id=org.id,
        role=granted.value,
        created_by=principal.actor,
    )
    session.add(key)
    session.flush()
    audit.record(
        session,
        principal,
        "apikey.create",
        "api_key",
        key.key_id,
        country=org.country,
        organisation_id=org.id,
        after={"key_id": key.key_id, "role": key.role, "name": key.name},
    )
    return IssuedKey(key, token)


def revoke_api_key(session: Session, principal: Principal, key_id: str) -> ApiKey:
    principal.require(Permission.apikey_manage)
    key = session.execute(select(ApiKey).where(ApiKey.key_id == key_id)).unique().scalar_one_or_none()
    if key is None or not principal.can_see(key.organisation.country, key.organisation_id):
        raise NotFound(f"no API key {key_id}", errors=[FieldError("key_id", "no such API key", key_id)])
    if key.revoked_at is None:
        before = {"key_id": key.key_id, "revoked": False}
        key.revoked_at = utcnow()
        audit.record(
            session,
            principal,
            "apikey.revoke",
            "api_key",
            key.key_id,
            country=key.organisation.country,
            organisation_id=key.organisation_id,
            before=before,
            after={"key_id": key.key_id, "revoked": True},
        )
    return key


_KEYS = cast(Table, ApiKey.__table__)
_ORGS = cast(Table, Organisation.__table__)
# Every API request passes here: built once as a Core statement (no statement building, no ORM
# objects per request), executed on the session's connection, so in the request's transaction.
_KEY_BY_ID = (
    select(_KEYS.c.secret_hash, _KEYS.c.revoked_at, _KEYS.c.organisation_id, _KEYS.c.role, _ORGS.c.country)
    .join_from(_KEYS, _ORGS, _ORGS.c.id == _KEYS.c.organisation_id)
    .where(_KEYS.c.key_id == bindparam("key_id"))
)


def authenticate_api_key(session: Session, token: str) -> Principal:
    parts = sec.split_api_key(token)
    if parts is None:
        raise Unauthorized("malformed API key")
    # Read on every request, never cached: a revoked key is refused on the very next request,
    # by every worker process.
    found = session.connection().execute(_KEY_BY_ID, {"key_id": parts[0]}).first()
    if found is None:
        raise Unauthorized("unknown or revoked API key")
    secret_hash, revoked_at, organisation_id, role, country = found
    if revoked_at is not None or not sec.digests_equal(secret_hash, sec.token_digest(parts[1])):
        raise Unauthorized("unknown or revoked API key")
    return _principal(parts[0], organisation_id, country, role)


@lru_cache(maxsize=1024)
def _principal(key_id: str, organisation_id: int, country: str, role: str) -> Principal:
    """A key's principal, a pure function of the row's values just read (so never stale)."""
    return Principal(
        actor=f"apikey:{key_id}", organisation_id=organisation_id, country=country, roles=frozenset({Role(role)})
    )


# --- web sessions --------------------------------------------------------------------


def open_session(session: Session, user: User) -> str:
    token = sec.new_token()
    session.add(WebSession(token_hash=sec.token_digest(token), user_id=user.id, expires_at=utcnow() + SESSION_LIFETIME))
    audit.record(
        session,
        principal_for_user(user),
        "session.open",
        "user",
        user.id,
        country=user.organisation.country,
        organisation_id=user.organisation_id,
    )
    return token


def user_for_session(session: Session, token: str) -> User | None:
    row = session.execute(
        select(WebSession).where(WebSession.token_hash == sec.token_digest(token))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def close_session(session: Session, token: str) -> None:
    row = session.execute(
        select(WebSession).where(WebSession.token_hash == sec.token_digest(token))
    ).scalar_one_or_none()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
