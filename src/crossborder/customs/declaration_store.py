"""The statements a single declaration costs, built once as Core statements (no ORM unit of work,
no statement building per request): the watch-list check, one query for both the client
reference and the consignee's recent parcels, and the inserts of the row, its first events and its
links to stored trade documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

from sqlalchemy import Table, and_, bindparam, insert, or_, select
from sqlalchemy.orm import DeclarativeBase, Session, configure_mappers

from crossborder.customs.models import Declaration, DeclarationDocuments, DeclarationEvent, WatchListEntry

_DECLARATIONS = cast(Table, Declaration.__table__)
_EVENTS = cast(Table, DeclarationEvent.__table__)
_DOCUMENTS = cast(Table, DeclarationDocuments.__table__)
_WATCH = cast(Table, WatchListEntry.__table__)

_WATCHED = select(_WATCH.c.label).where(
    _WATCH.c.destination == bindparam("destination"),
    _WATCH.c.party_key.in_([bindparam("consignor"), bindparam("consignee")]),
)


def _history(same_submitter: Any) -> Any:
    d = _DECLARATIONS.c
    return select(d.id, d.client_reference, d.submitter_org_id, d.customs_value).where(
        or_(
            and_(same_submitter, d.client_reference == bindparam("reference")),
            and_(
                d.destination == bindparam("destination"),
                d.consignee_key == bindparam("consignee"),
                d.submitted_at >= bindparam("since"),
            ),
        )
    )


_HISTORY = _history(_DECLARATIONS.c.submitter_org_id == bindparam("org"))
_HISTORY_NO_ORG = _history(_DECLARATIONS.c.submitter_org_id.is_(None))
_ADD_DECLARATION = insert(_DECLARATIONS).returning(_DECLARATIONS.c.id)
_ADD_EVENTS = insert(_EVENTS)
_ADD_DOCUMENTS = insert(_DOCUMENTS)

Model = TypeVar("Model", bound=DeclarativeBase)


def written(cls: type[Model], values: dict[str, Any]) -> Model:
    """A detached ORM object holding VALUES as its loaded state: the answer to a request is built
    from the values a Core insert just wrote, and setting each attribute through the ORM's
    instrumentation (change tracking that nothing here uses) cost six times as much. Never add
    the object to a session: it has no pending changes to flush."""
    mapper = cls.__mapper__
    if not mapper.configured:  # a constructor would configure the mappers first; this must too
        configure_mappers()
    obj = cast(Model, mapper.class_manager.new_instance())
    obj.__dict__.update(values)
    return obj


def watched(session: Session, destination: str, consignor_key: str, consignee_key: str) -> tuple[str, ...]:
    """Labels of the watch-list entries of DESTINATION matching either party."""
    found = session.connection().execute(
        _WATCHED, {"destination": destination, "consignor": consignor_key, "consignee": consignee_key}
    )
    return tuple(str(label) for (label,) in found)


@dataclass(frozen=True)
class History:
    existing_id: int | None  # the declaration already stored under this submitter and client reference
    recent: tuple[Decimal, ...]  # customs values of the consignee's parcels since the window opened


def history(
    session: Session,
    org_id: int | None,
    reference: str,
    destination: str,
    consignee_key: str,
    since: datetime,
) -> History:
    """One query (both conditions are indexed) for what the client reference and the split-shipment
    rule need; read inside the write lock, so it includes every declaration committed before."""
    params: dict[str, Any] = {
        "reference": reference,
        "destination": destination,
        "consignee": consignee_key,
        "since": since,
    }
    if org_id is not None:
        params["org"] = org_id
    rows = session.connection().execute(_HISTORY if org_id is not None else _HISTORY_NO_ORG, params).all()
    existing: int | None = None
    recent: list[Decimal] = []
    for row_id, row_reference, row_org, value in rows:
        if row_reference == reference and row_org == org_id:
            existing = int(row_id)
        else:
            recent.append(Decimal(value))
    return History(existing, tuple(recent))


def add(
    session: Session, values: dict[str, Any], events: list[dict[str, Any]], documents: dict[str, Any] | None = None
) -> int:
    """Insert the declaration, then its events and its document links (which need its id); returns the id."""
    connection = session.connection()  # Core on the session's connection: same transaction, no ORM layer
    declaration_id = int(connection.execute(_ADD_DECLARATION, values).scalar_one())
    connection.execute(_ADD_EVENTS, [{**e, "declaration_id": declaration_id} for e in events])
    if documents is not None:
        connection.execute(_ADD_DOCUMENTS, {**documents, "declaration_id": declaration_id})
    return declaration_id
