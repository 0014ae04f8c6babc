"""The public check, "has this seller been reported?": one identifier in, a coarse answer out (in
how many member states an authority reported it), never a report's content, reference or which
states. Only states whose sharing rules allow it are counted. Rate-limited per client, in windows
shared by every worker process, so the store cannot be walked through it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from crossborder.core import ratelimit
from crossborder.redress import incident_settings as settings
from crossborder.redress.identifiers import normalise
from crossborder.redress.incident_match import reporting_states


@dataclass(frozen=True)
class PublicAnswer:
    kind: str
    value: str  # as normalised: shows the caller what was looked up
    member_states: int  # 0: no report that may be disclosed

    @property
    def reported(self) -> bool:
        return self.member_states > 0

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "value": self.value, "reported": self.reported, "member_states": self.member_states}


def count_request(session: Session, client: str) -> int:
    """Count one check for `client` (an address); raises ratelimit.RateLimited over the limit. The
    caller commits either way, so refused requests count too."""
    return ratelimit.hit(session, settings.incident_settings().public_check, client)


def check(session: Session, kind: str, value: str, country: str | None = None) -> PublicAnswer:
    """`country` reads national phone, account and business numbers; errors name kind or value."""
    canonical = normalise(kind, value, region=country, path="check")
    rules = settings.sharing_rules()
    states = [s for s in reporting_states(session, kind, canonical) if rules.rule(s).public_check]
    return PublicAnswer(kind, canonical, len(states))
