"""Exact matching over the stored, normalised identifiers: two statements, each one probe of the
covering index `ix_redress_incident_identifiers_match` (kind, value, country, incident_id).

The SQL is plain text with named parameters, which SQLAlchemy (`text`) and Python's sqlite3 module
both take as written, so bench/redress_identifiers.py times exactly the statement the service runs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

# Reports of other member states naming the identifier, newest first.
MATCH_SQL = (
    "SELECT country, incident_id FROM redress_incident_identifiers"
    " WHERE kind = :kind AND value = :value AND country <> :country"
    " ORDER BY incident_id DESC LIMIT :limit"
)
# The member states whose authorities reported the identifier (the public check counts them).
REPORTING_STATES_SQL = "SELECT DISTINCT country FROM redress_incident_identifiers WHERE kind = :kind AND value = :value"

_MATCH = text(MATCH_SQL)
_REPORTING_STATES = text(REPORTING_STATES_SQL)


@dataclass(frozen=True)
class Match:
    country: str
    incident_id: int


def matches(session: Session, kind: str, value: str, *, excluding_country: str, limit: int) -> list[Match]:
    found = session.execute(_MATCH, {"kind": kind, "value": value, "country": excluding_country, "limit": limit}).all()
    return [Match(str(row[0]), int(row[1])) for row in found]


def reporting_states(session: Session, kind: str, value: str) -> list[str]:
    return sorted(str(row[0]) for row in session.execute(_REPORTING_STATES, {"kind": kind, "value": value}))
