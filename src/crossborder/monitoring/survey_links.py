"""Anonymous response links: one per panel member and survey year. The token is random and shown
once; only its SHA-256 is stored, so a copy of the database opens no questionnaire. A link is single
use and expires; opening it needs no account."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.errors import CrossborderError, NotFound
from crossborder.monitoring.access import require_secretariat
from crossborder.monitoring.survey_models import SurveyLink, SurveyPanelMember
from crossborder.monitoring.survey_questionnaires import questionnaire, survey_settings

MAX_TOKEN = 200


class LinkClosed(CrossborderError):
    """The link was valid once but no longer takes answers."""

    status = 410
    title = "Gone"


@dataclass(frozen=True)
class IssuedLink:
    panel_id: str
    country: str
    segment: str
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class OpenLink:
    link: SurveyLink
    member: SurveyPanelMember
    state: str  # "open", "used" or "expired"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, principal: Principal, year: int, now: datetime | None = None) -> list[IssuedLink]:
    """A link for every active panel member who has none for `year` yet (a lost token cannot be shown
    again: it was never stored). The tokens are returned once, for the secretariat to hand out."""
    require_secretariat(principal)
    questionnaire(year)  # no questionnaire, no links
    now = now or utcnow()
    expires = now + timedelta(days=survey_settings().link_valid_days)
    has_link = select(SurveyLink.member_id).where(SurveyLink.year == year)
    members = session.scalars(
        select(SurveyPanelMember)
        .where(SurveyPanelMember.active, SurveyPanelMember.id.not_in(has_link))
        .order_by(SurveyPanelMember.id)
    ).all()
    issued = []
    for m in members:
        token = secrets.token_urlsafe(32)
        session.add(
            SurveyLink(year=year, member_id=m.id, token_sha256=digest(token), issued_at=now, expires_at=expires)
        )
        issued.append(IssuedLink(m.panel_id, m.country, m.segment, token, expires))
    session.flush()
    audit.record(session, principal, "monitoring.survey.links.issue", "survey_year", year, country=None,
                 after={"year": year, "issued": len(issued), "expires_at": expires.isoformat()})  # fmt: skip
    return issued


def open_link(session: Session, token: str, now: datetime | None = None, *, lock: bool = False) -> OpenLink:
    """The link a token opens, and whether it still takes answers. An unknown token is 404."""
    if not token or len(token) > MAX_TOKEN:
        raise NotFound("this survey link is not valid")
    q = select(SurveyLink, SurveyPanelMember).join(SurveyPanelMember, SurveyPanelMember.id == SurveyLink.member_id)
    found = session.execute(q.where(SurveyLink.token_sha256 == digest(token)).with_for_update(of=SurveyLink)
                            if lock else q.where(SurveyLink.token_sha256 == digest(token))).one_or_none()  # fmt: skip
    if found is None:
        raise NotFound("this survey link is not valid")
    link, member = found
    state = "used" if link.used_at is not None else "expired" if (now or utcnow()) >= link.expires_at else "open"
    return OpenLink(link, member, state)


def counts(session: Session, year: int, countries: list[str] | None = None) -> dict[str, int]:
    """Links issued, used and expired unused for a year."""
    now = utcnow()
    q = select(
        func.count(),
        func.count(SurveyLink.used_at),
        func.count().filter(SurveyLink.used_at.is_(None), SurveyLink.expires_at <= now),
    ).where(SurveyLink.year == year)
    if countries is not None:
        q = q.join(SurveyPanelMember, SurveyPanelMember.id == SurveyLink.member_id).where(
            SurveyPanelMember.country.in_(countries)
        )
    issued, used, expired = session.execute(q).one()
    return {"issued": int(issued), "used": int(used), "expired": int(expired)}
