"""Declaration statuses and the transitions allowed between them (an object with a status
enum and explicit transitions, so no code path can skip a step)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    submitted = "submitted"
    document_check = "document_check"  # yellow lane
    inspection = "inspection"  # red lane
    held = "held"  # waiting for the trader's documents or answer
    released = "released"
    refused = "refused"
    returned = "returned"  # sent back after release: duty and tax refund due (drawback)


LANE_STATUS = {"green": Status.released, "yellow": Status.document_check, "red": Status.inspection}

# action -> (statuses it may start from, status it leads to, who may do it)
OFFICER, TRADER = "officer", "trader"
TRANSITIONS: dict[str, tuple[frozenset[Status], Status | None, str]] = {
    "release": (frozenset({Status.document_check, Status.inspection, Status.held}), Status.released, OFFICER),
    "hold": (frozenset({Status.document_check, Status.inspection}), Status.held, OFFICER),
    "refuse": (frozenset({Status.document_check, Status.inspection, Status.held}), Status.refused, OFFICER),
    "return": (frozenset({Status.released}), Status.returned, OFFICER),
    # Changing the lane puts the declaration in the new lane's status (audited, with a reason).
    "override_lane": (frozenset({Status.document_check, Status.inspection, Status.held}), None, OFFICER),
    "respond": (frozenset({Status.held}), Status.document_check, TRADER),
}
FINAL = frozenset({Status.refused, Status.returned})
