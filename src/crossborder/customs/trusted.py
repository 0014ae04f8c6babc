"""Is a business a trusted trader for a destination on a day? One seam over the trust
capability's verifiable credentials and the interim flag table."""

from __future__ import annotations

from datetime import date
from typing import cast

from sqlalchemy import Table, bindparam, or_, select
from sqlalchemy.orm import Session

from crossborder.customs.models import TrustedTraderFlag
from crossborder.trust import service as trust

_FLAGS = cast(Table, TrustedTraderFlag.__table__)
# Built once: a declaration asks this, and a prepared Core statement skips per-call statement building.
_FLAGGED = (
    select(_FLAGS.c.id)
    .where(
        _FLAGS.c.destination == bindparam("destination"),
        _FLAGS.c.business_id == bindparam("business_id"),
        _FLAGS.c.valid_from <= bindparam("on"),
        or_(_FLAGS.c.valid_to.is_(None), _FLAGS.c.valid_to >= bindparam("on")),
    )
    .limit(1)
)


def is_trusted_trader(session: Session, business_id: str | None, destination: str, on: date) -> bool:
    """A trusted-trader credential of the trust capability (issued or recognised there), or the
    interim flag a customs administrator set before credentials existed."""
    if not business_id:
        return False
    if trust.is_trusted_trader(session, business_id, destination, on):
        return True
    found = (
        session.connection()
        .execute(_FLAGGED, {"destination": destination, "business_id": business_id, "on": on})
        .first()
    )
    return found is not None


def flag_trusted_trader(
    session: Session, business_id: str, destination: str, valid_from: date, valid_to: date | None = None
) -> TrustedTraderFlag:
    row = TrustedTraderFlag(destination=destination, business_id=business_id, valid_from=valid_from, valid_to=valid_to)
    session.add(row)
    session.flush()
    return row
