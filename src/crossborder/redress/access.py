"""Who acts on a case, and who sees it. A consumer or a seller without an account acts through the
e-mailed link of their party; a seller's own users act as the seller; the consumer-protection
officers of both member states (consumer's and seller's, and the handling state after a transfer)
act as authorities; the appointed neutral acts as neutral. Anyone else gets 404."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.core.dates import utcnow
from crossborder.core.errors import Forbidden, NotFound
from crossborder.redress.models import Party, PartyLink, RedressCase, Stage

AUTHORITY_ROLES = frozenset({Role.consumer_protection_officer})
SELLER_ROLES = frozenset({Role.business_user, Role.platform_operator})


@dataclass(frozen=True)
class Actor:
    kind: str  # consumer | seller | authority | neutral | system
    actor: str  # what the timeline and the audit log record
    country: str | None = None
    principal: Principal | None = None


SYSTEM_ACTOR = Actor("system", "system")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_id(principal: Principal) -> int | None:
    kind, _, number = principal.actor.partition(":")
    return int(number) if kind == "user" and number.isdigit() else None


def is_authority_for(principal: Principal, case: RedressCase) -> bool:
    if not principal.roles & AUTHORITY_ROLES:
        return False
    return principal.is_regional or principal.country in {
        case.consumer_country,
        case.seller_country,
        case.handling_country,
    }


def roles_on(case: RedressCase, principal: Principal | None, party: str | None) -> set[str]:
    """Every capacity the caller holds on this case. Until the consumer confirms, the complaint is
    the consumer's alone. The neutral acts as neutral only, never also as an authority on the case
    (they would read notes about objections to themselves, or replace themselves)."""
    found: set[str] = set()
    pending = case.stage == Stage.pending_verification.value
    if party is not None and not (pending and party != Party.consumer.value):
        found.add(party)
    if principal is not None and not pending:
        if case.neutral_user_id is not None and user_id(principal) == case.neutral_user_id:
            found.add("neutral")
        elif is_authority_for(principal, case):
            found.add("authority")
        if (
            principal.roles & SELLER_ROLES
            and case.seller_org_id is not None
            and principal.organisation_id == case.seller_org_id
        ):
            found.add(Party.seller.value)
    return found


def party_of(session: Session, case: RedressCase, token: str | None) -> str | None:
    """The party an access link speaks for on this case, or None (unknown, other case, expired)."""
    if not token:
        return None
    link = session.execute(select(PartyLink).where(PartyLink.token_hash == token_hash(token))).scalar_one_or_none()
    if link is None or link.case_id != case.id or link.expires_at <= utcnow():
        return None
    return link.party


def visible(session: Session, reference: str, principal: Principal | None, party_token: str | None) -> RedressCase:
    case = session.execute(select(RedressCase).where(RedressCase.reference == reference)).scalar_one_or_none()
    if case is None or not roles_on(case, principal, party_of(session, case, party_token)):
        raise NotFound(f"no complaint {reference} that you may see")
    return case


def act_as(
    session: Session, case: RedressCase, kind: str, principal: Principal | None, party_token: str | None
) -> Actor:
    """The caller acting in capacity `kind`, or Forbidden naming the capacity needed."""
    held = roles_on(case, principal, party_of(session, case, party_token))
    if kind not in held:
        raise Forbidden(f"only the case's {kind} may do this (you act here as: {', '.join(sorted(held)) or 'nobody'})")
    if kind in (Party.consumer.value, Party.seller.value) and (
        principal is None or kind not in _principal_roles(case, principal)
    ):
        return Actor(kind, kind)
    assert principal is not None
    return Actor(kind, principal.actor, principal.country, principal)


def _principal_roles(case: RedressCase, principal: Principal) -> set[str]:
    return roles_on(case, principal, None)


def locked(session: Session, case: RedressCase) -> RedressCase:
    """The case re-read under a row lock (PostgreSQL; SQLite callers hold `write_lock()`), so two
    steps on one case never interleave: a double click, both parties accepting at once, the sweep."""
    return session.execute(
        select(RedressCase).where(RedressCase.id == case.id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()


def list_filter(principal: Principal) -> ColumnElement[bool]:
    """Cases the principal sees in lists: the same rule as `roles_on`, as SQL."""
    confirmed = RedressCase.stage != Stage.pending_verification.value
    clauses: list[ColumnElement[bool]] = []
    if principal.roles & AUTHORITY_ROLES:
        if principal.is_regional:
            return confirmed
        country = principal.country
        clauses.append(
            and_(
                confirmed,
                or_(
                    RedressCase.consumer_country == country,
                    RedressCase.seller_country == country,
                    RedressCase.handling_country == country,
                ),
            )
        )
    uid = user_id(principal)
    if uid is not None:
        clauses.append(RedressCase.neutral_user_id == uid)
    if principal.roles & SELLER_ROLES and principal.organisation_id is not None:
        clauses.append(and_(confirmed, RedressCase.seller_org_id == principal.organisation_id))
    return or_(*clauses) if clauses else false()
