"""The e-mails of a complaint, in the recipient's language. Message ids are extracted for the Babel
catalogues through the N_ marker (babel.cfg); placeholders are filled after translation."""

from __future__ import annotations

from crossborder.core.i18n import translations


def N_(message: str) -> str:
    return message


SUBJECTS: dict[str, str] = {
    "verify": N_("Confirm your complaint {reference}"),
    "seller_notice": N_("A consumer has filed complaint {reference} about your shop"),
    "update": N_("Complaint {reference}: {event}"),
}
BODIES: dict[str, str] = {
    "verify": N_(
        "You filed a complaint against {seller}. Open this link within {days} days to confirm it; until then "
        "nothing is sent to the seller.\n\n{link}\n\nIf you did not file it, ignore this e-mail."
    ),
    "seller_notice": N_(
        "A consumer in {country} has filed complaint {reference} about an order from your shop. Answer it on "
        "the platform by {due}. A seller holding a trust mark who does not answer is reported to its "
        "trust-mark operator.\n\n{link}"
    ),
    "update": N_("{event}\n\nOpen the complaint:\n{link}"),
}
EVENTS: dict[str, str] = {
    "message": N_("new message"),
    "offer": N_("new settlement offer"),
    "settled": N_("settled"),
    "escalated": N_("moved to facilitated settlement"),
    "neutral_appointed": N_("a neutral was appointed"),
    "final_stage": N_("moved to the final stage"),
    "recommendation": N_("the neutral issued a recommendation"),
    "withdrawn": N_("withdrawn by the consumer"),
    "closed": N_("closed by the authority"),
    "transferred": N_("transferred to another authority"),
}


def render(kind: str, language: str, **values: str) -> tuple[str, str]:
    """(subject, body) of mail `kind` in `language`, placeholders filled."""
    translate = translations(language).gettext  # not named gettext: Babel would extract its arguments
    if "event" in values:
        values = {**values, "event": translate(EVENTS[values["event"]])}
    return translate(SUBJECTS[kind]).format(**values), translate(BODIES[kind]).format(**values)
