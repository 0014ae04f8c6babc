"""The plans as a living document in the database: version 1 of each document is the shipped YAML
(imported on first use, idempotently); each amendment by the secretariat is a new version, validated
by the same loader as the YAML (`plans.plans_from_documents`) and carrying, like the YAML `history`
rule (data/README.md), the old value of every key path it changed. Versions are never rewritten."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import date
from functools import lru_cache
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.db import insert_ignoring
from crossborder.core.errors import FieldError, NotFound, ReferenceDataError, ValidationFailed
from crossborder.monitoring.access import require_reader, require_secretariat
from crossborder.monitoring.plan_versions_diff import value_at
from crossborder.monitoring.plans import DATA_DIR, Plans, load_plans, plans_from_documents
from crossborder.monitoring.tracking_models import PlanDocument, PlanVersion
from crossborder.monitoring.tracking_schemas import AmendmentIn

DOCUMENTS = tuple(d.value for d in PlanDocument)
AMENDABLE = ("text", "target_timeline", "due", "lead_body", "kpi", "note")
NEW_ACTIVITY_KEYS = ("text", "rationale", "outcomes", "target_timeline", "due", "lead_body", "kpi", "note", "source")
_parsed: dict[tuple[str, ...], Plans] = {}  # by the contents' hashes: a version never changes

DB_INT_MAX = 2**31 - 1  # the largest value of an INTEGER column (PostgreSQL)


def jsonable(value: Any) -> Any:
    """YAML's dates as YYYY-MM-DD, so a document is stored as JSON and read back by the same loader."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def digest(content: Any) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@lru_cache(maxsize=1)
def _shipped() -> dict[str, Any]:
    return {d: jsonable(yaml.safe_load((DATA_DIR / f"{d}.yaml").read_text(encoding="utf-8"))) for d in DOCUMENTS}


def shipped(document: str) -> dict[str, Any]:
    """The shipped YAML of one document, as JSON-safe data (a copy)."""
    return copy.deepcopy(_shipped()[document])


def import_plans(session: Session, principal: Principal) -> list[PlanVersion]:
    """Version 1 of each document from the shipped YAML, where the document has no version yet.
    Returns the versions created (none the second time). In the caller's transaction."""
    require_secretariat(principal)
    return _import(session, principal.actor)


def _import(session: Session, actor: str) -> list[PlanVersion]:
    created = []
    for document in DOCUMENTS:
        if _latest(session, document) is not None:
            continue
        content = shipped(document)
        # ON CONFLICT DO NOTHING: a concurrent import may have won; its version 1 is the same file.
        inserted = session.execute(
            insert_ignoring(session, PlanVersion.__table__).values(  # type: ignore[arg-type]
                document=document, version=1, effective_from=_day(content["meta"].get("effective_from")),
                content=content, content_sha256=digest(content), changed={},
                change_note="Version 1: the shipped plan file", created_by=actor, created_at=utcnow(),
            ).returning(PlanVersion.__table__.c.id)
        )  # fmt: skip
        # RETURNING names the row this statement wrote (none when a concurrent import won): the
        # driver's rowcount cannot tell, psycopg answers -1 for an INSERT ... RETURNING.
        row = _latest(session, document)
        if inserted.scalar_one_or_none() is not None and row is not None:
            created.append(row)
    return created


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value if isinstance(value, date) else None


def _latest(session: Session, document: str) -> PlanVersion | None:
    return session.execute(
        select(PlanVersion).where(PlanVersion.document == document).order_by(PlanVersion.version.desc()).limit(1)
    ).scalar_one_or_none()


def current_plans(session: Session) -> Plans:
    """The latest version of each document, validated; the shipped YAML while the table is empty."""
    heads = session.execute(
        select(PlanVersion.document, PlanVersion.version, PlanVersion.content_sha256).order_by(PlanVersion.version)
    ).all()
    latest = {document: sha for document, _version, sha in heads}  # ascending: the last one wins
    if not latest:
        return load_plans()
    key = tuple(latest.get(d, "shipped") for d in DOCUMENTS)
    found = _parsed.get(key)
    if found is None:
        contents = [_content(session, d) for d in DOCUMENTS]
        found = plans_from_documents(*contents, shown="stored")
        if len(_parsed) > 16:
            _parsed.clear()
        _parsed[key] = found
    return found


def _content(session: Session, document: str) -> dict[str, Any]:
    row = _latest(session, document)
    return copy.deepcopy(row.content) if row is not None else shipped(document)


def versions(session: Session, principal: Principal, document: str | None = None) -> list[PlanVersion]:
    """Every stored version, newest first (of one document, or all)."""
    require_reader(principal)
    query = select(PlanVersion).order_by(PlanVersion.document, PlanVersion.version.desc())
    if document is not None:
        query = query.where(PlanVersion.document == _document(document))
    return list(session.execute(query).scalars())


def get(session: Session, principal: Principal, document: str, version: int) -> PlanVersion:
    require_reader(principal)
    document = _document(document)
    if not 0 < version <= DB_INT_MAX:  # no INTEGER column holds it (PostgreSQL would refuse the query)
        raise NotFound(f"no version {version} of {document}")
    row = session.execute(
        select(PlanVersion).where(PlanVersion.document == document, PlanVersion.version == version)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no version {version} of {document}")
    return row


def _document(document: str) -> str:
    if document not in DOCUMENTS:
        raise ValidationFailed(
            "unknown plan document", errors=[FieldError("document", f"one of {', '.join(DOCUMENTS)}", document)]
        )
    return document


def amend(session: Session, principal: Principal, body: AmendmentIn) -> PlanVersion:
    """A new version of the Work Plan with one activity amended or added. Nothing is stored unless
    the whole new document passes the loader. In the caller's transaction (call inside write_lock)."""
    require_secretariat(principal)
    _import(session, principal.actor)
    base = _latest(session, PlanDocument.work_plan.value)
    assert base is not None  # imported just above
    content = copy.deepcopy(base.content)
    if body.activity_id is not None and body.set is not None and body.objective_id is None and body.add is None:
        changed = _amend_activity(content, body.activity_id, body.set)
    elif body.objective_id is not None and body.add is not None and body.activity_id is None and body.set is None:
        changed = _add_activity(content, body.objective_id, body.add)
    else:
        raise ValidationFailed(
            "nothing to amend",
            errors=[FieldError("activity_id", "give activity_id with set, or objective_id with add (one of the two)")],
        )
    if base.effective_from is not None and body.effective_from < base.effective_from:
        raise ValidationFailed(
            "the amendment takes effect before the version it replaces",
            errors=[
                FieldError("effective_from", f"must be on or after {base.effective_from}", str(body.effective_from))
            ],
        )
    new_version = base.version + 1
    content["meta"]["version"] = new_version
    content["meta"]["effective_from"] = body.effective_from.isoformat()
    content.setdefault("history", []).append(
        {"version": base.version, "effective_from": jsonable(base.effective_from),
         "superseded": body.effective_from.isoformat(), "reason": body.reason.strip(), "changed": changed}
    )  # fmt: skip
    try:
        plans_from_documents(
            content,
            _content(session, PlanDocument.work_programme.value),
            _content(session, PlanDocument.frameworks.value),
            shown="amended",
        )
    except ReferenceDataError as exc:
        raise ValidationFailed(
            f"the amended plan is not valid: {exc.key_path}: {exc.reason}",
            errors=[FieldError(exc.key_path, exc.reason, value_at(content, exc.key_path))],
        ) from None
    row = PlanVersion(
        document=base.document, version=new_version, effective_from=body.effective_from, content=content,
        content_sha256=digest(content), changed=changed, change_note=body.reason.strip(), created_by=principal.actor,
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(
        session, principal, "monitoring.plan.amend", "monitoring_plan_version", f"{row.document}/{row.version}",
        country=None, before=changed, after={p: value_at(content, p) for p in changed}, detail=row.change_note,
    )  # fmt: skip
    return row


def _locate(content: dict[str, Any], activity_id: str) -> tuple[str, dict[str, Any]] | None:
    for i, t in enumerate(content.get("topics") or []):
        for j, o in enumerate(t.get("objectives") or []):
            for k, a in enumerate(o.get("activities") or []):
                if isinstance(a, dict) and a.get("id") == activity_id:
                    return f"topics[{i}].objectives[{j}].activities[{k}]", a
    return None


def _amend_activity(content: dict[str, Any], activity_id: str, values: dict[str, Any]) -> dict[str, Any]:
    found = _locate(content, activity_id)
    if found is None:
        raise ValidationFailed(
            "unknown activity",
            errors=[FieldError("activity_id", "no activity with this id in the Work Plan", activity_id)],
        )
    path, activity = found
    bad = [k for k in values if k not in AMENDABLE]
    if bad:
        raise ValidationFailed(
            "this field cannot be amended",
            errors=[FieldError(f"set.{k}", f"may amend only {', '.join(AMENDABLE)}", values[k]) for k in bad],
        )
    changed: dict[str, Any] = {}
    for key, value in values.items():
        new = jsonable(value.strip() if isinstance(value, str) else value)
        if activity.get(key) != new:
            changed[f"{path}.{key}"] = activity.get(key)
            activity[key] = new
    if not changed:
        raise ValidationFailed(
            "nothing changes", errors=[FieldError("set", "every value equals the current one", values)]
        )
    return changed


def _add_activity(content: dict[str, Any], objective_id: str, values: dict[str, Any]) -> dict[str, Any]:
    bad = [k for k in values if k not in NEW_ACTIVITY_KEYS]
    if bad:
        raise ValidationFailed(
            "unknown field of an activity",
            errors=[FieldError(f"add.{k}", f"allowed: {', '.join(NEW_ACTIVITY_KEYS)}", values[k]) for k in bad],
        )
    for i, t in enumerate(content.get("topics") or []):
        for j, o in enumerate(t.get("objectives") or []):
            if o.get("id") != objective_id:
                continue
            activities = o["activities"]
            numbers = [int(str(a.get("id", "")).rsplit(".", 1)[-1]) for a in activities if isinstance(a, dict)]
            new = {"id": f"{objective_id}.{max(numbers, default=0) + 1}"}
            new |= {k: jsonable(values.get(k)) for k in NEW_ACTIVITY_KEYS if k != "note" or "note" in values}
            activities.append(new)
            return {f"topics[{i}].objectives[{j}].activities[{len(activities) - 1}]": None}
    raise ValidationFailed(
        "unknown objective",
        errors=[FieldError("objective_id", "no objective with this id in the Work Plan", objective_id)],
    )
