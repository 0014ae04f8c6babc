"""A registered business's credentials: the business identity credential its member state's
trust-mark operator issues, and every credential naming its regional identifier."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access.principal import Principal
from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.trust import business, keys, service
from crossborder.trust.business_models import Business
from crossborder.trust.business_schemas import IdentityCredentialIn
from crossborder.trust.models import IssuedCredential
from crossborder.trust.schemas import IssueIn

SCHEME = "business_identity"


def issue_identity(
    session: Session, principal: Principal, value: str, body: IdentityCredentialIn
) -> tuple[IssuedCredential, bool]:
    """Issued by a trust-mark operator of the business's own member state, with the usual machinery
    (issuer keys, status lists); the subject is the regional identifier."""
    row = business.get(session, principal, value)
    issuer_org_id = body.issuer_org_id or principal.organisation_id
    if issuer_org_id is None:
        raise ValidationFailed(
            "no issuer", errors=[FieldError("issuer_org_id", "required when the caller has no organisation", None)]
        )
    org = keys.operator(session, issuer_org_id)
    if org.country != row.country:
        rule = f"must be a trust-mark operator of {row.country}, the business's member state"
        raise ValidationFailed("wrong issuer", errors=[FieldError("issuer_org_id", rule, issuer_org_id)])
    wanted = IssueIn(
        client_reference=body.client_reference,
        scheme=SCHEME,
        business_id=row.regional_id,
        subject_name=row.legal_name,
        subject_country=row.country,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
    )
    return service.issue(session, principal, org.id, wanted)


def credentials_of(session: Session, principal: Principal, value: str) -> tuple[Business, list[IssuedCredential]]:
    """Every credential (all schemes, all issuers) whose subject is this business, for whoever may see it."""
    row = business.get(session, principal, value)
    found = session.execute(
        select(IssuedCredential)
        .where(IssuedCredential.subject_id == row.regional_id)
        .order_by(IssuedCredential.issued_at, IssuedCredential.id)
    )
    return row, list(found.scalars())
