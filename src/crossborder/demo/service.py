"""Seeds demo organisations and users. Idempotent: running it twice adds nothing.

The demo password is public on purpose (README): a demo install is for trying the
platform on 127.0.0.1, never for production data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.access import service as access
from crossborder.core.access.models import Organisation, User
from crossborder.core.access.principal import SYSTEM
from crossborder.core.access.roles import REGIONAL, OrgKind, Role
from crossborder.monitoring import demo as monitoring_demo
from crossborder.reference import get_registry

DEMO_PASSWORD = "crossborder-demo"  # noqa: S105 - documented demo credential, see module docstring


def _org(session: Session, name: str, kind: OrgKind, country: str) -> Organisation:
    existing = session.execute(
        select(Organisation).where(Organisation.name == name, Organisation.country == country)
    ).scalar_one_or_none()
    return existing or access.create_organisation(session, SYSTEM, name=name, kind=kind.value, country=country)


def _user(session: Session, email: str, name: str, org: Organisation, roles: list[Role]) -> bool:
    if session.execute(select(User.id).where(User.email == email)).first():
        return False
    access.create_user(
        session,
        SYSTEM,
        email=email,
        password=DEMO_PASSWORD,
        display_name=name,
        organisation_id=org.id,
        roles=[r.value for r in roles],
    )
    return True


def seed_customs_data(session: Session) -> int:
    """Sample tariff lines and exchange rates (clearly flagged as sample where not real) so the
    calculator and declarations work on a fresh install. Real deployments import their own."""
    from crossborder.customs import rates
    from crossborder.customs.settings import DATA_DIR

    count = rates.import_file(session, SYSTEM, DATA_DIR / "sample_tariff.csv", "tariff")
    count += rates.import_file(session, SYSTEM, DATA_DIR / "sample_rates.csv", "rates")
    return count + rates.import_file(session, SYSTEM, DATA_DIR / "sdr_rates.csv", "rates")


def seed_trust_mark(session: Session, business: Organisation, operator: Organisation) -> None:
    """A granted trust mark for the demo business, through the real workflow (apply, answer,
    submit, review, grant), so the public registry, badge and verification pages show something."""
    from crossborder.core.access.principal import Principal
    from crossborder.trust import applications as workflow
    from crossborder.trust import business as register
    from crossborder.trust.application_schemas import ApplicationIn
    from crossborder.trust.settings import schemes

    session.flush()
    registrar = Principal("demo", operator.id, operator.country, frozenset({Role.trust_operator}))
    # A made-up tax code that passes Vietnam's check digit (python-stdnum vn.mst): demo data, not a real firm.
    register.register(session, registrar, register.Registration("VN", "0100000010", business.name, business.id))
    applicant = Principal("demo", business.id, business.country, frozenset({Role.business_user}))
    auditor = Principal("demo", operator.id, operator.country, frozenset({Role.trust_auditor}))
    areas = schemes()["trust_mark"].criteria_areas
    body = ApplicationIn(
        client_reference="demo-trust-mark",
        operator_org_id=operator.id,
        scheme="trust_mark",
        answers=dict.fromkeys(areas, "Demo answer: see the evidence on file."),
    )
    row, created = workflow.create(session, applicant, body)
    if not created:
        return
    workflow.submit(session, applicant, row.reference, annual_declaration=False)
    for area in areas:
        workflow.review(session, auditor, row.reference, area, "met", "Demo review")
    workflow.decide(session, auditor, row.reference, "grant", "Demo: all criteria met")


def seed_complaint(session: Session) -> None:
    """Arif in Kuala Lumpur complains that Linh Batik's parcel never came (journey 2): confirmed and in
    negotiation, so the seller's and both authorities' pages have a case to show."""
    from datetime import timedelta

    from crossborder.core.dates import today, utcnow
    from crossborder.redress import complaints
    from crossborder.redress.schemas import ComplaintIn
    from crossborder.trust import business as register

    linh = register.find_by_national_number(session, "VN", "0100000010")
    body = ComplaintIn(
        client_reference="demo-complaint-1", language="ms", consumer_name="Arif (demo)",
        consumer_email="arif@demo.crossborder.asia", consumer_country="MY",
        seller_business_id=linh.regional_id if linh else None, seller_name=None if linh else "Linh Batik",
        seller_country=None if linh else "VN", seller_url="https://linhbatik.example.vn",
        order_date=today() - timedelta(days=20), amount="59.90", currency="MYR", category="non_delivery",
        remedy="refund", description="Demo data: a batik scarf ordered three weeks ago never arrived.",
    )  # fmt: skip
    case, created = complaints.file(session, body)
    if created:
        complaints.open_negotiation(session, case, utcnow())


def is_seeded(session: Session) -> bool:
    return session.execute(select(User.id).limit(1)).first() is not None


def seed(session: Session) -> int:
    """Create the demo organisations and users; return how many users were added."""
    added = 0
    node = _org(session, "crossborder regional node", OrgKind.node_operator, REGIONAL)
    added += _user(session, "admin@demo.crossborder.asia", "Node administrator", node, [Role.admin])
    accec = _org(session, "ACCEC Secretariat", OrgKind.accec_secretariat, REGIONAL)
    added += _user(session, "secretariat@demo.crossborder.asia", "ACCEC analyst", accec, [Role.secretariat])
    for code in get_registry().member_states():
        country = get_registry().country(code)
        lower = code.lower()
        customs = _org(session, f"{country.name} customs authority", OrgKind.customs_authority, code)
        added += _user(
            session,
            f"customs.{lower}@demo.crossborder.asia",
            f"Customs officer ({code})",
            customs,
            [Role.customs_officer],
        )
        cpa = _org(
            session, f"{country.name} consumer protection authority", OrgKind.consumer_protection_authority, code
        )
        added += _user(
            session,
            f"consumer.{lower}@demo.crossborder.asia",
            f"Consumer-protection officer ({code})",
            cpa,
            [Role.consumer_protection_officer],
        )
        operator = _org(session, f"{country.name} trust-mark operator", OrgKind.trust_mark_operator, code)
        added += _user(
            session,
            f"trust.{lower}@demo.crossborder.asia",
            f"Trust-mark operator ({code})",
            operator,
            [Role.trust_operator, Role.trust_auditor],
        )
        ministry = _org(session, f"{country.name} e-commerce focal point", OrgKind.ecommerce_focal_point, code)
        added += _user(session, f"focal.{lower}@demo.crossborder.asia", f"ACCEC focal point ({code})", ministry,
                       [Role.focal_point])  # fmt: skip
    if "VN" in get_registry().member_states():
        linh = _org(session, "Linh Batik (Hanoi)", OrgKind.business, "VN")
        added += _user(session, "linh@demo.crossborder.asia", "Linh", linh, [Role.business_user])
        operator = _org(session, f"{get_registry().country('VN').name} trust-mark operator",
                        OrgKind.trust_mark_operator, "VN")  # fmt: skip
        seed_trust_mark(session, linh, operator)
        if "MY" in get_registry().member_states():
            seed_complaint(session)
    if "MY" in get_registry().member_states():
        cpa = _org(session, f"{get_registry().country('MY').name} consumer protection authority",
                   OrgKind.consumer_protection_authority, "MY")  # fmt: skip
        added += _user(session, "neutral.my@demo.crossborder.asia", "Neutral (MY)", cpa,
                       [Role.consumer_protection_officer])  # fmt: skip
    seed_customs_data(session)
    monitoring_demo.seed(session)  # last: its KPIs are computed from the records above
    return added
