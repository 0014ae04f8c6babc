"""Tables of the application and audit workflow: a business applies to a trust-mark operator under a
scheme, answers each criterion area with evidence, an auditor reviews each criterion and decides.
Reviews are append-only (the latest per criterion counts) so the audit trail of a decision stays whole."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crossborder.core.dates import utcnow
from crossborder.core.db import Base, UTCDateTime


class ApplicationStatus(StrEnum):
    draft = "draft"  # the applicant is still answering
    submitted = "submitted"  # waiting for an auditor
    under_review = "under_review"  # an auditor has started
    information_requested = "information_requested"  # back with the applicant, then resubmitted
    granted = "granted"  # final: a credential was issued
    refused = "refused"  # final
    withdrawn = "withdrawn"  # final, by the applicant


FINAL = frozenset({ApplicationStatus.granted, ApplicationStatus.refused, ApplicationStatus.withdrawn})


class ApplicationKind(StrEnum):
    initial = "initial"
    renewal = "renewal"  # with the annual declaration, continues an earlier credential


class ReviewOutcome(StrEnum):
    met = "met"
    not_met = "not_met"
    more_information_needed = "more_information_needed"


class TrustApplication(Base):
    __tablename__ = "trust_applications"
    __table_args__ = (
        UniqueConstraint("applicant_org_id", "client_reference", name="uq_trust_applications_client_reference"),
        Index("ix_trust_applications_queue", "operator_org_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)  # public, e.g. APP-7Q2K9X4M3T
    client_reference: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))
    scheme: Mapped[str] = mapped_column(String(40))
    operator_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    country: Mapped[str] = mapped_column(String(8))  # the operator's member state: whose authorities see it
    applicant_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    business_id: Mapped[str] = mapped_column(String(100))
    business_name: Mapped[str] = mapped_column(String(200))
    business_country: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(24), default=ApplicationStatus.draft.value)
    renews_credential_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    annual_declaration: Mapped[bool] = mapped_column(Boolean, default=False)
    credential_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # set when granted
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApplicationAnswer(Base):
    __tablename__ = "trust_application_answers"
    __table_args__ = (UniqueConstraint("application_id", "criterion", name="uq_trust_application_answers"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("trust_applications.id"))
    criterion: Mapped[str] = mapped_column(String(60))
    answer: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApplicationEvidence(Base):
    """An uploaded file, kept with its SHA-256 so what the auditor saw can be proven later."""

    __tablename__ = "trust_application_evidence"
    __table_args__ = (UniqueConstraint("application_id", "criterion", "sha256", name="uq_trust_application_evidence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("trust_applications.id"), index=True)
    criterion: Mapped[str] = mapped_column(String(60))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(60))  # as sniffed from the bytes, not as claimed
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CriterionReview(Base):
    __tablename__ = "trust_application_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("trust_applications.id"), index=True)
    criterion: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(100))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
