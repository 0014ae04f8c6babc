"""Customs pages: the public landed-cost calculator, the officer workbench and the merchant's
declarations. This module holds what both halves share (translatable labels for the values the
customs services return, and the signed-in caller); the pages themselves live in
`customs_calculator` and `customs_declarations`. Every rule stays in the customs services."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from crossborder.core.access.models import User
from crossborder.core.access.principal import Principal
from crossborder.core.access.service import principal_for_user
from crossborder.core.errors import Unauthorized
from crossborder.web.labels import N_, PARAMETER_LABELS
from crossborder.web.templating import PageUser

STATUS_LABELS: dict[str, str] = {
    "submitted": N_("Submitted"),
    "document_check": N_("Document check"),
    "inspection": N_("Physical inspection"),
    "held": N_("Held"),
    "released": N_("Released"),
    "refused": N_("Refused"),
    "returned": N_("Returned"),
}

LANE_LABELS: dict[str, str] = {"green": N_("Green"), "yellow": N_("Yellow"), "red": N_("Red")}

ACTION_LABELS: dict[str, str] = {
    "release": N_("Release"),
    "hold": N_("Hold"),
    "refuse": N_("Refuse"),
    "return": N_("Return (refund duty and tax)"),
    "override_lane": N_("Change lane"),
    "respond": N_("Respond"),
}

RISK_RULES: dict[str, str] = {
    "watch_list": N_("Watch list"),
    "value_band": N_("Value band"),
    "hs_chapter": N_("HS chapter of interest"),
    "undervaluation": N_("Possible undervaluation"),
    "split_shipment": N_("Possible split shipment"),
    "random": N_("Random selection"),
}

# The names the landed-cost engine gives its trace steps; a name not listed here (a regime's
# own name from the reference data) is shown as the data spells it.
TRACE_RULES: dict[str, str] = {
    "valuation": N_("Customs value"),
    "duty de minimis": N_("Customs duty de minimis"),
    "import tax de minimis": N_("Import tax de minimis"),
    "flat duty band": N_("Flat duty band"),
    "duty": N_("Customs duty"),
    "import tax base": N_("Import tax base"),
    "import tax": N_("Import tax"),
    "collected at sale": N_("Tax collected at sale"),
}

# The engine states who collects as sentences; these are their translations.
COLLECTION: dict[str, str] = {
    "seller pays customs (DDP)": N_("The seller pays customs duty and tax (DDP)."),
    "buyer pays customs on delivery (DAP)": N_("The buyer pays customs duty and tax on delivery (DAP)."),
    "nothing to collect at the border": N_("Nothing is collected at the border."),
    "seller collects at checkout and remits under its registration": N_(
        "The seller collects the tax at checkout and pays it to the tax authority under its registration."
    ),
}

DUTY_BASIS: dict[str, str] = {
    "de_minimis": N_("under the de minimis threshold"),
    "ATIGA": N_("ATIGA preferential rate"),
    "MFN": N_("MFN rate"),
    "flat_rate": N_("flat rate for low-value consignments"),
    "flat_rate_excluded_group": N_("fixed rate for an excluded group"),
}

COLLECTED_BY: dict[str, str] = {
    "customs_at_border": N_("by customs at the border"),
    "seller_at_checkout": N_("by the seller at checkout"),
}

INCOTERM_LABELS: dict[str, str] = {
    "DAP": N_("DAP: the buyer pays customs duty and tax on delivery"),
    "DDP": N_("DDP: the seller pays customs duty and tax"),
}

MODE_LABELS: dict[str, str] = {"air": N_("Air"), "post": N_("Post"), "sea": N_("Sea"), "land": N_("Land")}

LABELS: dict[str, dict[str, str]] = {
    "statuses": STATUS_LABELS,
    "lanes": LANE_LABELS,
    "actions": ACTION_LABELS,
    "risk": RISK_RULES,
    "trace": TRACE_RULES,
    "collection": COLLECTION,
    "duty_basis": DUTY_BASIS,
    "collected_by": COLLECTED_BY,
    "incoterms": INCOTERM_LABELS,
    "modes": MODE_LABELS,
    "parameters": PARAMETER_LABELS,
}


def signin_redirect(request: Request, target: str | None = None) -> RedirectResponse:
    """Send a visitor who is not signed in to the sign-in page, and back here afterwards."""
    if target is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/signin?next={quote(target, safe='/')}", status_code=303)


def principal_of(session: Session, page_user: PageUser) -> Principal:
    user = session.get(User, page_user.id)
    if user is None or not user.active:
        raise Unauthorized("your account is no longer active: sign in again")
    return principal_for_user(user)
