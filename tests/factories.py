"""Builders of valid objects with keyword overrides, committed so the app sees them."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from crossborder.core.access import service as access
from crossborder.core.access.models import Organisation, User
from crossborder.core.access.principal import SYSTEM
from crossborder.core.access.roles import ROLES_BY_KIND, OrgKind, Role

_n = itertools.count(1)
PASSWORD = "correct horse battery staple"

# For each role, an organisation kind that may grant it.
KIND_FOR_ROLE: dict[Role, OrgKind] = {
    Role.admin: OrgKind.customs_authority,
    Role.customs_officer: OrgKind.customs_authority,
    Role.consumer_protection_officer: OrgKind.consumer_protection_authority,
    Role.trust_operator: OrgKind.trust_mark_operator,
    Role.trust_auditor: OrgKind.trust_mark_operator,
    Role.secretariat: OrgKind.accec_secretariat,
    Role.focal_point: OrgKind.ecommerce_focal_point,
    Role.business_user: OrgKind.business,
    Role.platform_operator: OrgKind.platform,
    Role.logistics_operator: OrgKind.logistics_operator,
}
assert all(role in ROLES_BY_KIND[kind] for role, kind in KIND_FOR_ROLE.items())


def org(db: Session, *, kind: OrgKind = OrgKind.business, country: str = "VN", name: str | None = None) -> Organisation:
    made = access.create_organisation(db, SYSTEM, name=name or f"Org {next(_n)}", kind=kind.value, country=country)
    db.commit()
    return made


def user(
    db: Session, *, organisation: Organisation, roles: list[Role], email: str | None = None, password: str = PASSWORD
) -> User:
    made = access.create_user(
        db,
        SYSTEM,
        email=email or f"user{next(_n)}@example.org",
        password=password,
        display_name="Test user",
        organisation_id=organisation.id,
        roles=[r.value for r in roles],
    )
    db.commit()
    return made


def api_key(db: Session, *, organisation: Organisation, role: Role) -> str:
    issued = access.create_api_key(db, SYSTEM, organisation_id=organisation.id, name="test", role=role.value)
    db.commit()
    return issued.token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def caller(db: Session, role: Role, country: str = "VN") -> tuple[Organisation, str]:
    """An organisation of the right kind for ROLE in COUNTRY, and an API key acting as ROLE."""
    made = org(db, kind=KIND_FOR_ROLE[role], country=country)
    return made, api_key(db, organisation=made, role=role)
