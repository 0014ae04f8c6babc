"""Release times measured from the platform's own records (a time-release study)."""

from __future__ import annotations

from statistics import median
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.customs.models import Declaration


def release_times(session: Session, principal: Principal, destination: str | None = None) -> dict[str, Any]:
    query = select(Declaration.destination, Declaration.lane, Declaration.submitted_at, Declaration.decided_at).where(
        principal.scope_filter(Declaration.destination, Declaration.submitter_org_id),
        Declaration.status == "released",
        Declaration.decided_at.is_not(None),
    )
    if destination:
        query = query.where(Declaration.destination == destination)
    by_key: dict[str, list[float]] = {}
    for dest, lane, submitted, decided in session.execute(query):
        if decided is None:  # excluded by the query; keeps the type checker honest
            continue
        seconds = (decided - submitted).total_seconds()
        by_key.setdefault(dest, []).append(seconds)
        by_key.setdefault(f"{dest}:{lane}", []).append(seconds)
    return {
        key: {"released": len(values), "median_seconds": round(median(values), 3), "max_seconds": round(max(values), 3)}
        for key, values in sorted(by_key.items())
    }
