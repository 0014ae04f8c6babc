"""Who is acting, and the single place that decides what they may read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, false, true

from crossborder.core.access.roles import REGIONAL, ROLE_PERMISSIONS, ROLE_SCOPE, Permission, Role, Scope
from crossborder.core.errors import Forbidden


@dataclass(frozen=True)
class Principal:
    actor: str  # "user:12", "apikey:ab12…", "cli", "system" — what the audit log records
    organisation_id: int | None
    country: str | None  # the organisation's member state, or REGIONAL
    roles: frozenset[Role] = field(default_factory=frozenset)

    @property
    def is_regional(self) -> bool:
        return self.country == REGIONAL

    def permissions(self) -> frozenset[Permission]:
        granted: set[Permission] = set()
        for role in self.roles:
            granted |= ROLE_PERMISSIONS[role]
        return frozenset(granted)

    def require(self, permission: Permission) -> None:
        if permission not in self.permissions():
            raise Forbidden(f"your roles ({', '.join(sorted(self.roles)) or 'none'}) do not allow {permission.value}")

    def widest_scope(self) -> Scope:
        return Scope.country if any(ROLE_SCOPE[r] is Scope.country for r in self.roles) else Scope.organisation

    def can_see(self, country: str | None, organisation_id: int | None) -> bool:
        """Row-level check for one record (used where a query filter cannot be)."""
        if self.widest_scope() is Scope.country:
            return self.is_regional or country == self.country
        return organisation_id is not None and organisation_id == self.organisation_id

    def scope_filter(self, country_col: Any, organisation_col: Any) -> ColumnElement[bool]:
        """The same rule as `can_see`, as a SQL filter, so lists never leak by pagination."""
        if self.widest_scope() is Scope.country:
            return true() if self.is_regional else country_col == self.country
        if self.organisation_id is None:
            return false()
        return organisation_col == self.organisation_id  # type: ignore[no-any-return]


SYSTEM = Principal(actor="system", organisation_id=None, country=REGIONAL, roles=frozenset({Role.admin}))
CLI = Principal(actor="cli", organisation_id=None, country=REGIONAL, roles=frozenset({Role.admin}))
