"""Is a business a trusted trader for a destination on a day? One seam: today a flag table,
later the trust capability's verifiable credentials."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crossborder.customs.models import TrustedTraderFlag


def is_trusted_trader(session: Session, business_id: str | None, destination: str, on: date) -> bool:
    if not business_id:
        return False
    found = session.execute(
        select(TrustedTraderFlag.id).where(
            TrustedTraderFlag.destination == destination,
            TrustedTraderFlag.business_id == business_id,
            TrustedTraderFlag.valid_from <= on,
            or_(TrustedTraderFlag.valid_to.is_(None), TrustedTraderFlag.valid_to >= on),
        )
    ).first()
    return found is not None


def flag_trusted_trader(
    session: Session, business_id: str, destination: str, valid_from: date, valid_to: date | None = None
) -> TrustedTraderFlag:
    row = TrustedTraderFlag(destination=destination, business_id=business_id, valid_from=valid_from, valid_to=valid_to)
    session.add(row)
    session.flush()
    return row
