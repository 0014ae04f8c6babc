"""The application and audit workflow: a business applies to a trust-mark operator under a scheme,
answers every criterion area with evidence, an auditor of that operator reviews each criterion
(met / not met / more information needed) and decides; a grant issues the credential. Renewals carry
the annual declaration and continue the earlier credential without a gap. Every change is audited."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crossborder.core.access.models import Organisation
from crossborder.core.access.principal import Principal
from crossborder.core.access.roles import OrgKind, Role
from crossborder.core.audit import service as audit
from crossborder.core.dates import utcnow
from crossborder.core.db import savepoint
from crossborder.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from crossborder.trust import business as business_register
from crossborder.trust import evidence as files
from crossborder.trust import keys
from crossborder.trust import service as credentials
from crossborder.trust.application_models import (
    FINAL,
    ApplicationAnswer,
    ApplicationEvidence,
    ApplicationKind,
    ApplicationStatus,
    CriterionReview,
    ReviewOutcome,
    TrustApplication,
)
from crossborder.trust.application_settings import application_settings
from crossborder.trust.models import CredentialStatus, IssuedCredential
from crossborder.trust.schemas import IssueIn
from crossborder.trust.settings import Scheme, schemes

APPLICANT_ROLES = frozenset({Role.business_user, Role.platform_operator})
AUDITOR_ROLES = frozenset({Role.trust_auditor, Role.admin})
EDITABLE = frozenset({ApplicationStatus.draft, ApplicationStatus.information_requested})
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U to misread


def _new_reference() -> str:
    return "APP-" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def _scheme(value: str | None) -> Scheme:
    found = schemes().get(value or "")
    if found is None:
        raise ValidationFailed("unknown scheme", errors=[FieldError("scheme", f"one of {sorted(schemes())}", value)])
    return found


def _criterion(row: TrustApplication, criterion: str) -> str:
    areas = _scheme(row.scheme).criteria_areas
    if criterion not in areas:
        raise ValidationFailed(
            "unknown criterion", errors=[FieldError("criterion", f"one of {list(areas)}", criterion)]
        )
    return criterion


def _audit(session: Session, principal: Principal, row: TrustApplication, action: str, **kwargs: Any) -> None:
    audit.record(
        session,
        principal,
        f"trust.application.{action}",
        "trust_application",
        row.reference,
        country=row.country,
        organisation_id=row.applicant_org_id,
        **kwargs,
    )


def _move(session: Session, principal: Principal, row: TrustApplication, to: ApplicationStatus, why: str) -> None:
    before = row.status
    row.status = to.value
    row.updated_at = utcnow()
    _audit(session, principal, row, to.value, before={"status": before}, after={"status": to.value}, detail=why)


def _require_status(row: TrustApplication, allowed: frozenset[ApplicationStatus], action: str) -> None:
    if row.status not in allowed:
        raise Conflict(
            f"cannot {action} an application that is {row.status}",
            errors=[FieldError("status", f"must be one of {sorted(allowed)} to {action}", row.status)],
        )


def _require_reason(field: str, text: str) -> None:
    """Every decision is explained: the reason goes to the applicant and the audit log."""
    if not text.strip():
        raise ValidationFailed("say why", errors=[FieldError(field, "required, not blank", text)])


def _require_applicant(principal: Principal, row: TrustApplication) -> None:
    if not (principal.roles & APPLICANT_ROLES and principal.organisation_id == row.applicant_org_id):
        raise Forbidden("only the applying organisation's users act on its application")


def _require_auditor(principal: Principal, row: TrustApplication) -> None:
    """An auditor (or admin) of the operator applied to; a regional admin (the CLI) may act for any."""
    if not principal.roles & AUDITOR_ROLES:
        raise Forbidden(f"your roles ({', '.join(sorted(principal.roles)) or 'none'}) cannot review applications")
    if not (principal.is_regional or principal.organisation_id == row.operator_org_id):
        raise Forbidden("only auditors of the operator applied to review its applications")


# ---- the applicant --------------------------------------------------------------------------------


def create(session: Session, principal: Principal, body: Any) -> tuple[TrustApplication, bool]:
    """Open an application (or a renewal); repeating a client reference returns the first."""
    if not principal.roles & APPLICANT_ROLES or principal.organisation_id is None:
        raise Forbidden("only a business or platform applies for a trust credential")
    existing = session.execute(
        select(TrustApplication).where(
            TrustApplication.applicant_org_id == principal.organisation_id,
            TrustApplication.client_reference == body.client_reference,
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing, False
    applicant = session.get(Organisation, principal.organisation_id)
    assert applicant is not None
    now = utcnow()
    if body.renews_credential_id:
        row, answers = _renewal(session, principal, body, applicant, now)
    else:
        row, answers = _initial(session, body, applicant, now), {}
    answers.update(body.answers)
    for criterion in answers:
        _criterion(row, criterion)
    row.client_reference = body.client_reference
    row.reference = _new_reference()
    session.add(row)
    try:
        with savepoint(session):
            session.flush()
    except IntegrityError:
        # A concurrent request with the same client reference won: answer with its application.
        winner = session.execute(
            select(TrustApplication).where(
                TrustApplication.applicant_org_id == principal.organisation_id,
                TrustApplication.client_reference == body.client_reference,
            )
        ).scalar_one()
        return winner, False
    for criterion, text in answers.items():
        _check_answer(text)
        session.add(ApplicationAnswer(application_id=row.id, criterion=criterion, answer=text, updated_at=now))
    _audit(session, principal, row, "create", after={"status": row.status, "scheme": row.scheme, "kind": row.kind})
    return row, True


def _initial(session: Session, body: Any, applicant: Organisation, now: datetime) -> TrustApplication:
    # A business in the register applies under its regional identifier unless it names another.
    registered = business_register.registered_for_organisation(session, applicant.id)
    business_id = body.business_id or (registered.regional_id if registered else None)
    missing = []
    if body.operator_org_id is None:
        missing.append(FieldError("operator_org_id", "required for a new application", None))
    if business_id is None:
        missing.append(FieldError("business_id", "required unless your organisation is in the business register", None))
    if missing:
        raise ValidationFailed("incomplete application", errors=missing)
    scheme = _scheme(body.scheme)
    try:
        operator = keys.operator(session, body.operator_org_id)
    except NotFound:
        raise ValidationFailed(
            "unknown operator",
            errors=[FieldError("operator_org_id", "must be a trust-mark operator", body.operator_org_id)],
        ) from None
    return TrustApplication(
        kind=ApplicationKind.initial.value,
        scheme=scheme.id,
        operator_org_id=operator.id,
        country=operator.country,
        applicant_org_id=applicant.id,
        business_id=business_id,
        business_name=body.business_name or (registered.legal_name if registered else applicant.name),
        business_country=applicant.country,
        status=ApplicationStatus.draft.value,
        created_at=now,
        updated_at=now,
    )


def _renewal(
    session: Session, principal: Principal, body: Any, applicant: Organisation, now: datetime
) -> tuple[TrustApplication, dict[str, str]]:
    """A renewal continues a credential this organisation was granted through an application."""
    for name in ("operator_org_id", "scheme", "business_id"):
        if getattr(body, name) is not None:
            raise ValidationFailed(
                "a renewal takes these from the credential",
                errors=[FieldError(name, "must be left out of a renewal", getattr(body, name))],
            )
    original = session.execute(
        select(TrustApplication).where(
            TrustApplication.credential_id == body.renews_credential_id,
            TrustApplication.applicant_org_id == principal.organisation_id,
        )
    ).scalar_one_or_none()
    credential = session.execute(
        select(IssuedCredential).where(IssuedCredential.credential_id == body.renews_credential_id)
    ).scalar_one_or_none()
    if original is None or credential is None:
        raise NotFound(
            "no credential of yours to renew",
            errors=[
                FieldError(
                    "renews_credential_id",
                    "must be a credential granted to your organisation",
                    body.renews_credential_id,
                )
            ],
        )
    if credential.status != CredentialStatus.active.value or credential.valid_until <= now:
        raise Conflict(
            "only an active, unexpired credential is renewed; apply anew",
            errors=[FieldError("renews_credential_id", "must be active and not expired", credential.status)],
        )
    window = timedelta(days=application_settings().renewal_window_days)
    if credential.valid_until - now > window:
        raise Conflict(
            "too early to renew",
            errors=[
                FieldError(
                    "renews_credential_id",
                    f"renewal opens {window.days} days before the end",
                    credential.valid_until.isoformat(),
                )
            ],
        )
    answers = {
        a.criterion: a.answer
        for a in session.execute(
            select(ApplicationAnswer).where(ApplicationAnswer.application_id == original.id)
        ).scalars()
    }
    row = TrustApplication(
        kind=ApplicationKind.renewal.value,
        scheme=original.scheme,
        operator_org_id=original.operator_org_id,
        country=original.country,
        applicant_org_id=applicant.id,
        business_id=original.business_id,
        business_name=body.business_name or original.business_name,
        business_country=applicant.country,
        status=ApplicationStatus.draft.value,
        renews_credential_id=credential.credential_id,
        created_at=now,
        updated_at=now,
    )
    return row, answers


def _check_answer(text: str) -> None:
    limit = application_settings().answer_max_chars
    if not text.strip() or len(text) > limit:
        raise ValidationFailed(
            "bad answer", errors=[FieldError("answer", f"1 to {limit} characters, not blank", text[:80])]
        )


def get(session: Session, principal: Principal, reference: str) -> TrustApplication:
    row = session.execute(select(TrustApplication).where(TrustApplication.reference == reference)).scalar_one_or_none()
    if row is None or not principal.can_see(row.country, row.applicant_org_id):
        raise NotFound(f"no application {reference}", errors=[FieldError("reference", "unknown", reference)])
    return row


def set_answer(session: Session, principal: Principal, reference: str, criterion: str, text: str) -> TrustApplication:
    row = get(session, principal, reference)
    _require_applicant(principal, row)
    _require_status(row, EDITABLE, "answer")
    _criterion(row, criterion)
    _check_answer(text)
    found = session.execute(
        select(ApplicationAnswer).where(
            ApplicationAnswer.application_id == row.id, ApplicationAnswer.criterion == criterion
        )
    ).scalar_one_or_none()
    if found is None:
        session.add(ApplicationAnswer(application_id=row.id, criterion=criterion, answer=text, updated_at=utcnow()))
    else:
        found.answer, found.updated_at = text, utcnow()
    row.updated_at = utcnow()
    _audit(session, principal, row, "answer", after={"criterion": criterion}, detail=f"{len(text)} characters")
    return row


def add_evidence(
    session: Session, principal: Principal, reference: str, criterion: str, filename: str | None, content: bytes
) -> tuple[ApplicationEvidence, bool]:
    """Store one evidence file; the same bytes for the same criterion again return the first."""
    row = get(session, principal, reference)
    _require_applicant(principal, row)
    _require_status(row, EDITABLE, "add evidence to")
    _criterion(row, criterion)
    checked = files.check(filename, content)
    existing = session.execute(
        select(ApplicationEvidence).where(
            ApplicationEvidence.application_id == row.id,
            ApplicationEvidence.criterion == criterion,
            ApplicationEvidence.sha256 == checked.sha256,
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing, False
    count = len(
        session.execute(select(ApplicationEvidence.id).where(ApplicationEvidence.application_id == row.id)).all()
    )
    limit = application_settings().max_files
    if count >= limit:
        raise ValidationFailed(
            "too many files", errors=[FieldError("file", f"at most {limit} files per application", count + 1)]
        )
    stored = ApplicationEvidence(
        application_id=row.id,
        criterion=criterion,
        filename=checked.filename,
        media_type=checked.media_type,
        size=checked.size,
        sha256=checked.sha256,
        content=checked.content,
        uploaded_by=principal.actor,
        uploaded_at=utcnow(),
    )
    session.add(stored)
    session.flush()
    row.updated_at = utcnow()
    _audit(
        session,
        principal,
        row,
        "evidence",
        after={
            "criterion": criterion,
            "sha256": checked.sha256,
            "media_type": checked.media_type,
            "size": checked.size,
        },
    )
    return stored, True


def evidence_file(session: Session, principal: Principal, reference: str, evidence_id: int) -> ApplicationEvidence:
    row = get(session, principal, reference)
    found = session.get(ApplicationEvidence, evidence_id)
    if found is None or found.application_id != row.id:
        raise NotFound(f"no evidence {evidence_id}", errors=[FieldError("evidence_id", "unknown", evidence_id)])
    return found


def submit(session: Session, principal: Principal, reference: str, annual_declaration: bool) -> TrustApplication:
    row = get(session, principal, reference)
    _require_applicant(principal, row)
    _require_status(row, EDITABLE, "submit")
    answered = set(
        session.execute(select(ApplicationAnswer.criterion).where(ApplicationAnswer.application_id == row.id)).scalars()
    )
    missing = [c for c in _scheme(row.scheme).criteria_areas if c not in answered]
    if missing:
        raise ValidationFailed(
            "every criterion needs an answer",
            errors=[FieldError(f"answers.{c}", "required before submitting", None) for c in missing],
        )
    if row.kind == ApplicationKind.renewal.value and not annual_declaration:
        raise ValidationFailed(
            "a renewal needs the annual declaration",
            errors=[FieldError("annual_declaration", "must be true for a renewal", annual_declaration)],
        )
    row.annual_declaration = row.annual_declaration or annual_declaration
    row.submitted_at = utcnow()
    _move(session, principal, row, ApplicationStatus.submitted, "submitted by the applicant")
    return row


def withdraw(session: Session, principal: Principal, reference: str, reason: str) -> TrustApplication:
    row = get(session, principal, reference)
    _require_applicant(principal, row)
    _require_reason("reason", reason)
    _require_status(row, frozenset(ApplicationStatus) - FINAL, "withdraw")
    row.decided_at, row.decided_by, row.decision_reason = utcnow(), principal.actor, reason
    _move(session, principal, row, ApplicationStatus.withdrawn, reason)
    return row


# ---- the operator's auditor -----------------------------------------------------------------------


def review(
    session: Session, principal: Principal, reference: str, criterion: str, outcome: str, comment: str
) -> CriterionReview:
    row = get(session, principal, reference)
    _require_auditor(principal, row)
    _require_status(row, frozenset({ApplicationStatus.submitted, ApplicationStatus.under_review}), "review")
    _criterion(row, criterion)
    ReviewOutcome(outcome)
    if outcome != ReviewOutcome.met and not comment.strip():
        raise ValidationFailed(
            "say why", errors=[FieldError("comment", f"required when the outcome is {outcome}", comment)]
        )
    made = CriterionReview(
        application_id=row.id,
        criterion=criterion,
        outcome=outcome,
        comment=comment,
        reviewer=principal.actor,
        reviewed_at=utcnow(),
    )
    session.add(made)
    session.flush()
    if row.status != ApplicationStatus.under_review:
        _move(session, principal, row, ApplicationStatus.under_review, "review started")
    _audit(session, principal, row, "review", after={"criterion": criterion, "outcome": outcome}, detail=comment)
    return made


def latest_reviews(session: Session, row: TrustApplication) -> dict[str, CriterionReview]:
    found: dict[str, CriterionReview] = {}
    query = select(CriterionReview).where(CriterionReview.application_id == row.id).order_by(CriterionReview.id)
    for item in session.execute(query).scalars():
        found[item.criterion] = item
    return found


def request_information(session: Session, principal: Principal, reference: str, comment: str) -> TrustApplication:
    """Send the application back to the applicant for the criteria marked 'more information needed'."""
    row = get(session, principal, reference)
    _require_auditor(principal, row)
    _require_reason("comment", comment)
    _require_status(row, frozenset({ApplicationStatus.submitted, ApplicationStatus.under_review}), "send back")
    _move(session, principal, row, ApplicationStatus.information_requested, comment)
    return row


def decide(
    session: Session, principal: Principal, reference: str, decision: str, reason: str, now: datetime | None = None
) -> TrustApplication:
    """Grant (every criterion's latest review is 'met'; the credential is issued) or refuse, with a reason."""
    row = get(session, principal, reference)
    _require_auditor(principal, row)
    _require_reason("reason", reason)
    _require_status(row, frozenset({ApplicationStatus.submitted, ApplicationStatus.under_review}), decision)
    at = now or utcnow()
    if decision == "grant":
        latest = latest_reviews(session, row)
        open_items = [
            c for c in _scheme(row.scheme).criteria_areas if c not in latest or latest[c].outcome != ReviewOutcome.met
        ]
        if open_items:
            raise Conflict(
                "every criterion must be reviewed as met before a grant",
                errors=[
                    FieldError(f"reviews.{c}", "must be met", latest[c].outcome if c in latest else "not reviewed")
                    for c in open_items
                ],
            )
        row.credential_id = _issue(session, principal, row, at)
        row.decided_at, row.decided_by, row.decision_reason = at, principal.actor, reason
        _move(session, principal, row, ApplicationStatus.granted, reason)
    elif decision == "refuse":
        row.decided_at, row.decided_by, row.decision_reason = at, principal.actor, reason
        _move(session, principal, row, ApplicationStatus.refused, reason)
    else:
        raise ValidationFailed("unknown decision", errors=[FieldError("decision", "grant or refuse", decision)])
    return row


def _issue(session: Session, principal: Principal, row: TrustApplication, at: datetime) -> str:
    """The grant is the operator's act: its auditor's decision issues under the operator's key."""
    operator = keys.operator(session, row.operator_org_id)
    on_behalf = Principal(
        actor=principal.actor,
        organisation_id=operator.id,
        country=operator.country,
        roles=frozenset({Role.trust_operator}),
    )
    valid_from = at
    if row.renews_credential_id:
        previous = session.execute(
            select(IssuedCredential).where(IssuedCredential.credential_id == row.renews_credential_id)
        ).scalar_one()
        valid_from = max(at, previous.valid_until)  # no gap, no overlap: the renewal starts where it ends
    body = IssueIn(
        client_reference=f"application:{row.reference}",
        scheme=row.scheme,
        business_id=row.business_id,
        subject_name=row.business_name,
        subject_country=row.business_country,
        valid_from=valid_from,
    )
    issued, _created = credentials.issue(session, on_behalf, operator.id, body, now=at)
    return issued.credential_id


# ---- reading --------------------------------------------------------------------------------------


def listing(
    session: Session,
    principal: Principal,
    *,
    status: str | None = None,
    scheme: str | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[TrustApplication]:
    """An auditor's queue (their member state) or a business's own applications, newest first."""
    query = select(TrustApplication).where(
        principal.scope_filter(TrustApplication.country, TrustApplication.applicant_org_id)
    )
    if status:
        query = query.where(TrustApplication.status == status)
    if scheme:
        query = query.where(TrustApplication.scheme == scheme)
    if before_id:
        query = query.where(TrustApplication.id < before_id)
    return list(session.execute(query.order_by(TrustApplication.id.desc()).limit(limit)).scalars())


def detail(session: Session, row: TrustApplication) -> dict[str, Any]:
    """Answers, evidence (metadata) and reviews per criterion, in the scheme's order."""
    answers = {
        a.criterion: a
        for a in session.execute(select(ApplicationAnswer).where(ApplicationAnswer.application_id == row.id)).scalars()
    }
    evidence = list(
        session.execute(
            select(ApplicationEvidence)
            .where(ApplicationEvidence.application_id == row.id)
            .order_by(ApplicationEvidence.id)
        ).scalars()
    )
    reviews = list(
        session.execute(
            select(CriterionReview).where(CriterionReview.application_id == row.id).order_by(CriterionReview.id)
        ).scalars()
    )
    return {"answers": answers, "evidence": evidence, "reviews": reviews}


def operators(session: Session) -> list[Organisation]:
    """Trust-mark operators a business may apply to."""
    query = select(Organisation).where(Organisation.kind == OrgKind.trust_mark_operator.value)
    return list(session.execute(query.order_by(Organisation.country, Organisation.name)).scalars())
