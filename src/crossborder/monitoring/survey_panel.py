"""The survey panel: businesses followed year to year under a pseudonymous panel id, with only what
the segments need (member state, size segment, optional sector). No name, e-mail or person is kept:
the secretariat keeps its own contact list outside this platform and hands each business its link."""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.errors import Conflict, FieldError, ValidationFailed
from crossborder.monitoring.access import require_secretariat
from crossborder.monitoring.survey_models import SEGMENTS, SurveyPanelMember
from crossborder.reference.service import member_states

PANEL_ID = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,31}$")
SECTOR = re.compile(r"^[a-z0-9][a-z0-9_ -]{0,63}$")
CSV_COLUMNS = ("panel_id", "country", "segment", "sector")
MAX_CSV_ROWS = 20_000


@dataclass(frozen=True)
class MemberIn:
    country: str
    segment: str
    sector: str | None = None
    panel_id: str | None = None


def new_panel_id() -> str:
    return "P-" + secrets.token_hex(5).upper()


def check(member: MemberIn, where: str = "") -> list[FieldError]:
    """Every rule a panel member breaks, each naming the field, the rule and the value."""
    errors = []
    if member.country not in member_states():
        errors.append(
            FieldError(f"{where}country", f"must be a member state ({', '.join(member_states())})", member.country)
        )
    if member.segment not in SEGMENTS:
        errors.append(FieldError(f"{where}segment", f"must be one of {', '.join(SEGMENTS)}", member.segment))
    if member.sector is not None and not SECTOR.match(member.sector):
        errors.append(
            FieldError(f"{where}sector", "lower-case letters, digits, spaces, - or _, up to 64", member.sector)
        )
    if member.panel_id is not None and not PANEL_ID.match(member.panel_id):
        errors.append(FieldError(f"{where}panel_id", f"must match {PANEL_ID.pattern} (pseudonymous, no names)",
                                 member.panel_id))  # fmt: skip
    return errors


def _taken(session: Session, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    return set(session.scalars(select(SurveyPanelMember.panel_id).where(SurveyPanelMember.panel_id.in_(ids))))


def _store(session: Session, principal: Principal, members: list[MemberIn], demo: bool) -> list[SurveyPanelMember]:
    now = utcnow()
    rows = [SurveyPanelMember(panel_id=m.panel_id or new_panel_id(), country=m.country, segment=m.segment,
                              sector=m.sector, demo=demo, active=True, created_at=now) for m in members]  # fmt: skip
    session.add_all(rows)
    session.flush()
    for row in rows:
        audit.record(session, principal, "monitoring.survey.panel.add", "survey_panel_member", row.panel_id,
                     country=row.country, after={"panel_id": row.panel_id, "country": row.country,
                                                 "segment": row.segment, "sector": row.sector})  # fmt: skip
    return rows


def add(session: Session, principal: Principal, member: MemberIn, *, demo: bool = False) -> SurveyPanelMember:
    require_secretariat(principal)
    errors = check(member)
    if errors:
        raise ValidationFailed("the panel member has errors", errors=errors)
    if member.panel_id and _taken(session, [member.panel_id]):
        raise Conflict("panel id already in the panel", errors=[FieldError("panel_id", "must be new", member.panel_id)])
    return _store(session, principal, [member], demo)[0]


def import_csv(session: Session, principal: Principal, content: bytes) -> list[SurveyPanelMember]:
    """All or nothing: every row is checked first; one bad row rejects the file, naming row, field and value.
    Header: panel_id,country,segment,sector (panel_id and sector may be blank)."""
    require_secretariat(principal)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(
            "the file is not UTF-8", errors=[FieldError("file", "must be UTF-8 CSV", None)]
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
        raise ValidationFailed("bad CSV header", errors=[FieldError("row 1", f"header must be {','.join(CSV_COLUMNS)}",
                                                                     ",".join(reader.fieldnames or ()))])  # fmt: skip
    members: list[MemberIn] = []
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        if len(members) >= MAX_CSV_ROWS:
            errors.append(FieldError(f"row {line}", f"at most {MAX_CSV_ROWS} rows per file", None))
            break
        if None in row:
            errors.append(FieldError(f"row {line}", f"has more than {len(CSV_COLUMNS)} fields", row[None]))
            continue
        m = MemberIn(
            country=(row["country"] or "").strip().upper(),
            segment=(row["segment"] or "").strip().lower(),
            sector=(row["sector"] or "").strip() or None,
            panel_id=(row["panel_id"] or "").strip() or None,
        )
        errors += check(m, f"row {line}.")
        if m.panel_id is not None:
            if m.panel_id in seen:
                errors.append(FieldError(f"row {line}.panel_id", f"repeats row {seen[m.panel_id]}", m.panel_id))
            seen[m.panel_id] = line
        members.append(m)
    for pid in sorted(_taken(session, list(seen))):
        errors.append(FieldError(f"row {seen[pid]}.panel_id", "already in the panel", pid))
    if not members and not errors:
        errors.append(FieldError("file", "has no rows", None))
    if errors:
        raise ValidationFailed(f"the file was rejected: {len(errors)} error(s), nothing imported", errors=errors)
    return _store(session, principal, members, False)


def sizes(session: Session, countries: list[str] | None = None) -> dict[tuple[str, str], int]:
    """Active panel members per (member state, segment)."""
    q = select(SurveyPanelMember.country, SurveyPanelMember.segment, func.count()).where(SurveyPanelMember.active)
    if countries is not None:
        q = q.where(SurveyPanelMember.country.in_(countries))
    q = q.group_by(SurveyPanelMember.country, SurveyPanelMember.segment)
    return {(c, s): int(n) for c, s, n in session.execute(q)}
