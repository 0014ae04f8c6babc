"""Exact matching over the stored, normalised identifiers: two statements, each one probe of the
covering index `ix_redress_incident_identifiers_match` (kind, value, country, incident_id).

They are fixed text run on the session's own DBAPI connection (so inside its transaction): this is
the hot path of every report and public check, and SQLAlchemy's statement layer costs about five
times the lookup itself (bench/redress_identifiers.py). SQLite takes the named `:name` style as
written; PostgreSQL's driver gets the same text in its `%(name)s` style. The bench times exactly
these statements and this function."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

# Reports of other member states naming the identifier, newest first.
MATCH_SQL = (
    "SELECT country, incident_id FROM redress_incident_identifiers"
    " WHERE kind = :kind AND value = :value AND country <> :country"
    " ORDER BY incident_id DESC LIMIT :limit"
)
# The member states whose authorities reported the identifier (the public check counts them).
REPORTING_STATES_SQL = "SELECT DISTINCT country FROM redress_incident_identifiers WHERE kind = :kind AND value = :value"


def _pyformat(sql: str) -> str:
    return re.sub(r":([a-z]+)", r"%(\1)s", sql)


_BY_DIALECT = {
    "sqlite": {MATCH_SQL: MATCH_SQL, REPORTING_STATES_SQL: REPORTING_STATES_SQL},
    "postgresql": {MATCH_SQL: _pyformat(MATCH_SQL), REPORTING_STATES_SQL: _pyformat(REPORTING_STATES_SQL)},
}


@dataclass(frozen=True)
class Match:
    country: str
    incident_id: int


def _rows(session: Session, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    connection = session.connection()
    statement = _BY_DIALECT[connection.dialect.name][sql]
    # sqlite3 and psycopg 3 connections both execute directly (an implicit cursor)
    return list(connection.connection.dbapi_connection.execute(statement, params).fetchall())  # type: ignore[union-attr]


def matches(session: Session, kind: str, value: str, *, excluding_country: str, limit: int) -> list[Match]:
    found = _rows(session, MATCH_SQL, {"kind": kind, "value": value, "country": excluding_country, "limit": limit})
    return [Match(str(row[0]), int(row[1])) for row in found]


def reporting_states(session: Session, kind: str, value: str) -> list[str]:
    return sorted(str(row[0]) for row in _rows(session, REPORTING_STATES_SQL, {"kind": kind, "value": value}))
