"""Which step may happen at which stage (UNCITRAL Technical Notes on ODR: negotiation, facilitated
settlement, final stage). One table, so a refusal can say exactly why."""

from __future__ import annotations

from crossborder.core.errors import Conflict, FieldError
from crossborder.redress.models import Outcome, Stage

_OPEN = frozenset({Stage.negotiation, Stage.facilitation, Stage.final})
_ANY_OPEN = _OPEN | {Stage.pending_verification}

ALLOWED: dict[str, frozenset[Stage]] = {
    "verify": frozenset({Stage.pending_verification}),
    "message": _OPEN,
    "evidence": _OPEN,
    "offer": frozenset({Stage.negotiation, Stage.facilitation}),
    "accept_offer": frozenset({Stage.negotiation, Stage.facilitation}),
    "escalate": frozenset({Stage.negotiation}),  # a party asks for a neutral before the deadline
    "appoint_neutral": frozenset({Stage.facilitation, Stage.final}),
    "object_to_neutral": frozenset({Stage.facilitation, Stage.final}),
    "move_to_final": frozenset({Stage.facilitation}),
    "recommend": frozenset({Stage.final}),
    "withdraw": _ANY_OPEN,
    "close": _ANY_OPEN,  # the authority closes without pursuing it, with a reason
    "transfer": _OPEN,
    "request_cooperation": _ANY_OPEN,
    "note": frozenset(Stage),
    "report_not_honoured": frozenset({Stage.closed}),
}
# Stages a missed deadline moves a case on to.
NEXT_ON_DEADLINE: dict[Stage, Stage] = {Stage.negotiation: Stage.facilitation, Stage.facilitation: Stage.final}
HONOURABLE = frozenset({Outcome.settled.value, Outcome.recommendation_issued.value})


def require(action: str, stage: str) -> None:
    """Refuse a step the case's stage does not allow, naming the stages that would."""
    allowed = ALLOWED[action]
    if Stage(stage) not in allowed:
        names = ", ".join(sorted(s.value for s in allowed))
        raise Conflict(
            f"'{action}' is not allowed at stage {stage}",
            errors=[FieldError("stage", f"'{action}' is allowed only at: {names}", stage)],
        )
