"""Platform KPI from the exchange records: documents a member state's node exchanged in a month, per
document type. Sent = outbox messages of the state whose receiver's verified receipt accepted them,
counted in the month of delivery; received = inbox messages of the state accepted, counted in the
month of receipt. Rejected, failed and queued messages are not exchanges (read-only queries)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.exchange.models import InboxMessage, InStatus, OutboxMessage, OutStatus
from crossborder.exchange.settings import exchange_settings
from crossborder.monitoring import kpis
from crossborder.monitoring.kpi_platform_common import RULE_VERSION, Outcome, in_state, window_text


def counts(session: Session, country: str, since: datetime, until: datetime) -> dict[str, tuple[int, int]]:
    """document type -> (sent, received) in [since, until)."""
    out, inb = OutboxMessage, InboxMessage
    sent = session.execute(
        select(out.document_type, func.count())
        .where(in_state(out.country, country), out.status == OutStatus.accepted.value,
               out.delivered_at >= since, out.delivered_at < until)
        .group_by(out.document_type)
    )  # fmt: skip
    received = session.execute(
        select(inb.document_type, func.count())
        .where(in_state(inb.country, country), inb.status == InStatus.accepted.value,
               inb.received_at >= since, inb.received_at < until)
        .group_by(inb.document_type)
    )  # fmt: skip
    found: dict[str, tuple[int, int]] = {}
    for kind, n in sent:
        found[kind] = (int(n), 0)
    for kind, n in received:
        found[kind] = (found.get(kind, (0, 0))[0], int(n))
    return dict(sorted(found.items()))


def documents_exchanged(
    session: Session, kpi: kpis.Kpi, period: kpis.Period, country: str, as_of: datetime
) -> list[Outcome]:
    """One outcome per document type and one over all types (breakdown empty)."""
    window = window_text(period, as_of)
    node = exchange_settings().node_id
    by_type = counts(session, country, period.since, min(period.until, as_of))
    if not by_type:
        return [Outcome(None, 0, f"no records: no document of {country} sent or received {window} on node {node}")]
    found = []
    for kind, (sent, received) in by_type.items():
        detail = (
            f"{sent} sent (outbox, receipt accepted) + {received} received (inbox, accepted) of type {kind} by "
            f"{country} {window} on node {node}; {RULE_VERSION}"
        )
        found.append(Outcome(Decimal(sent + received), sent + received, detail, kind))
    sent = sum(s for s, _ in by_type.values())
    received = sum(r for _, r in by_type.values())
    detail = (
        f"{sent} sent + {received} received, all {len(by_type)} document types, by {country} {window} on node "
        f"{node}; {RULE_VERSION}"
    )
    return [*found, Outcome(Decimal(sent + received), sent + received, detail)]
