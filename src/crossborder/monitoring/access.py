"""Who may do what in monitoring: one place, so every service asks the same question.

- The secretariat (a regional organisation) reads everything, reviews national plans, edits the plans
  and runs surveys and indices.
- A member state's focal point (and its admin) reports for its own member state only: national plans,
  activity status, KPI measurements.
- Authorities of a member state read their own state's monitoring records."""

from __future__ import annotations

from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import Role
from crossborder.core.errors import Forbidden

REPORTER_ROLES = frozenset({Role.focal_point, Role.admin})
READER_ROLES = frozenset(
    {Role.secretariat, Role.focal_point, Role.admin, Role.customs_officer, Role.consumer_protection_officer,
     Role.trust_operator, Role.trust_auditor}
)  # fmt: skip


def require_secretariat(principal: Principal) -> None:
    """Regional secretariat (or a regional admin) only."""
    if not (principal.is_regional and principal.roles & {Role.secretariat, Role.admin}):
        raise Forbidden("only the ACCEC secretariat may do this")


def require_reporter(principal: Principal, country: str) -> None:
    """A focal point or admin of `country`, or the secretariat acting for any member state."""
    if principal.is_regional and principal.roles & {Role.secretariat, Role.admin}:
        return
    if not principal.roles & REPORTER_ROLES or principal.country != country:
        raise Forbidden(f"only the focal point of {country} or the secretariat may report for {country}")


def require_reader(principal: Principal, country: str | None = None) -> None:
    """Anyone with an authority role reads its own member state's records; the secretariat reads all."""
    if not principal.roles & READER_ROLES:
        raise Forbidden("your roles do not allow reading monitoring records")
    if country is not None and not principal.is_regional and principal.country != country:
        raise Forbidden(f"records of {country} are not in your scope")


def visible_countries(principal: Principal, member_states: list[str]) -> list[str]:
    """The member states whose monitoring records this principal reads."""
    require_reader(principal)
    if principal.is_regional:
        return member_states
    return [c for c in member_states if c == principal.country]
