"""Roles, organisation kinds and what each role may do.

Scope is the heart of it: an authority's role is scoped to its organisation's member
state; a business's role to its own organisation; only a regional organisation
(country "ASEAN") sees across states."""

from __future__ import annotations

from enum import StrEnum

REGIONAL = "ASEAN"


class OrgKind(StrEnum):
    node_operator = "node_operator"
    customs_authority = "customs_authority"
    consumer_protection_authority = "consumer_protection_authority"
    trust_mark_operator = "trust_mark_operator"
    accec_secretariat = "accec_secretariat"
    # The member state's ACCEC focal point (the ministry for e-commerce): reports its national plans,
    # activity status and KPI figures to the secretariat.
    ecommerce_focal_point = "ecommerce_focal_point"
    business = "business"
    platform = "platform"
    logistics_operator = "logistics_operator"


class Role(StrEnum):
    admin = "admin"
    customs_officer = "customs_officer"
    consumer_protection_officer = "consumer_protection_officer"
    trust_operator = "trust_operator"
    trust_auditor = "trust_auditor"
    secretariat = "secretariat"
    focal_point = "focal_point"
    business_user = "business_user"
    platform_operator = "platform_operator"
    logistics_operator = "logistics_operator"


class Scope(StrEnum):
    """How far a role reads restricted records."""

    country = "country"  # records of the organisation's member state (all, if regional)
    organisation = "organisation"  # only the organisation's own records


ROLE_SCOPE: dict[Role, Scope] = {
    Role.admin: Scope.country,
    Role.customs_officer: Scope.country,
    Role.consumer_protection_officer: Scope.country,
    Role.trust_operator: Scope.country,
    Role.trust_auditor: Scope.country,
    Role.secretariat: Scope.country,
    Role.focal_point: Scope.country,
    Role.business_user: Scope.organisation,
    Role.platform_operator: Scope.organisation,
    Role.logistics_operator: Scope.organisation,
}

# Which roles an organisation of each kind may hand out: a business cannot mint customs officers.
ROLES_BY_KIND: dict[OrgKind, frozenset[Role]] = {
    OrgKind.node_operator: frozenset({Role.admin}),
    OrgKind.customs_authority: frozenset({Role.admin, Role.customs_officer}),
    OrgKind.consumer_protection_authority: frozenset({Role.admin, Role.consumer_protection_officer}),
    OrgKind.trust_mark_operator: frozenset({Role.admin, Role.trust_operator, Role.trust_auditor}),
    OrgKind.accec_secretariat: frozenset({Role.admin, Role.secretariat}),
    OrgKind.ecommerce_focal_point: frozenset({Role.admin, Role.focal_point}),
    OrgKind.business: frozenset({Role.business_user}),
    OrgKind.platform: frozenset({Role.platform_operator}),
    OrgKind.logistics_operator: frozenset({Role.logistics_operator}),
}


class Permission(StrEnum):
    org_read = "org.read"
    org_manage = "org.manage"
    user_read = "user.read"
    user_manage = "user.manage"
    apikey_manage = "apikey.manage"
    audit_read = "audit.read"


_AUTHORITY_READ = frozenset({Permission.org_read, Permission.user_read, Permission.audit_read})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    Role.customs_officer: _AUTHORITY_READ,
    Role.consumer_protection_officer: _AUTHORITY_READ,
    Role.trust_operator: _AUTHORITY_READ,
    Role.trust_auditor: frozenset({Permission.org_read}),
    Role.secretariat: _AUTHORITY_READ,
    Role.focal_point: _AUTHORITY_READ,
    Role.business_user: frozenset({Permission.org_read, Permission.user_read, Permission.apikey_manage}),
    Role.platform_operator: frozenset({Permission.org_read, Permission.user_read, Permission.apikey_manage}),
    Role.logistics_operator: frozenset({Permission.org_read, Permission.user_read, Permission.apikey_manage}),
}
