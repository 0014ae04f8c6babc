"""Envelope-level refusals as domain errors. `core/problems.py` maps every CrossborderError to
problem+json by its status, so this subclass only chooses the status per reason code; each error's
rule starts with the reason code (e.g. "bad_signature: ...") so a sending node can act on it."""

from __future__ import annotations

from crossborder.core.errors import CrossborderError, FieldError
from crossborder.exchange.envelope import Failure

STATUS = {
    "malformed": 400,
    "wrong_algorithm": 400,
    "expired": 400,
    "from_the_future": 400,
    "unknown_sender": 403,
    "unknown_key": 403,
    "bad_signature": 403,
    "wrong_receiver": 403,
    "replayed": 409,
    "too_large": 413,
    "digest_mismatch": 422,
}
# Refusals that no retry can turn into a delivery: the sender dead-letters the message at once.
# The others may heal (the receiver's operator registers the sender or its rotated key; clocks
# converge; each attempt is signed afresh), so they are retried with backoff up to the limit.
PERMANENT = frozenset({"malformed", "wrong_algorithm", "wrong_receiver", "replayed", "too_large", "digest_mismatch"})


class EnvelopeRefused(CrossborderError):
    title = "Envelope refused"

    def __init__(self, failures: tuple[Failure, ...]) -> None:
        errors = [FieldError(f.path, f"{f.reason}: {f.detail}", f.value) for f in failures]
        super().__init__(f"the message was not accepted for processing: {failures[0].reason}", errors=errors)
        self.status = STATUS.get(failures[0].reason, 400)
        self.reasons = tuple(f.reason for f in failures)


def reason_of(rule: str) -> str:
    """The reason code a refusal's rule starts with."""
    return rule.split(":", 1)[0].strip()
