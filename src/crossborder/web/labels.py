"""Translatable labels for the country guide. The strings are message ids for the Babel
catalogues (extracted through the N_ marker); a parameter added to the data without a label
here falls back to the description written in its reference file."""

from __future__ import annotations


def N_(message: str) -> str:
    return message


SECTION_TITLES: dict[str, str] = {
    "taxes": N_("Taxes on imported goods"),
    "thresholds": N_("De minimis thresholds"),
    "regimes": N_("Low-value goods and special regimes"),
    "trade": N_("Customs, documents and trade facilitation"),
    "laws": N_("Laws for online sellers"),
    "international": N_("International instruments"),
    "payments": N_("Payments"),
    "other": N_("Other facts"),
}

PARAMETER_LABELS: dict[str, str] = {
    "time_zone": N_("Time zone"),
    "indirect_tax.standard_rate": N_("Standard rate of tax on imports"),
    "indirect_tax.statutory_rate": N_("Statutory rate in the tax code"),
    "indirect_tax.effective_rate_non_luxury": N_("Effective rate for non-luxury goods"),
    "indirect_tax.temporary_reduced_rate": N_("Temporary reduced rate"),
    "indirect_tax.applies_at_import": N_("Charged at import"),
    "de_minimis.customs_duty": N_("Customs duty de minimis"),
    "de_minimis.indirect_tax": N_("Import tax de minimis"),
    "special_regimes": N_("Special regimes"),
    "laws.electronic_transactions": N_("Electronic transactions"),
    "laws.electronic_signatures": N_("Electronic signatures"),
    "laws.personal_data_protection": N_("Personal data protection"),
    "laws.consumer_protection": N_("Consumer protection"),
    "laws.e_commerce": N_("E-commerce"),
    "laws.cybersecurity": N_("Cybersecurity"),
    "international.uncitral_mlec": N_("UNCITRAL Model Law on Electronic Commerce"),
    "international.uncitral_mles": N_("UNCITRAL Model Law on Electronic Signatures"),
    "international.uncitral_mletr": N_("UNCITRAL Model Law on Electronic Transferable Records"),
    "international.un_ecc": N_("UN Electronic Communications Convention"),
    "international.escap_fa_pt": N_("ESCAP Framework Agreement on Paperless Trade"),
    "trade_facilitation.national_single_window": N_("National single window"),
    "trade_facilitation.aeo_programme": N_("Authorised Economic Operator programme"),
    "payments.national_qr": N_("National QR payment scheme"),
    "payments.qr_linkages": N_("Cross-border QR payment links"),
    "payments.regional_payment_connectivity": N_("Regional Payment Connectivity"),
}

WORDS: dict[str, str] = {
    "consignment": N_("per consignment"),
    "item": N_("per item"),
    "order": N_("per order"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
}

# ---- trust registry and verification ----------------------------------------------------------------

SCHEME_TITLES: dict[str, str] = {
    "trust_mark": N_("ASEAN e-commerce trust mark"),
    "trusted_trader": N_("Trusted trader scheme for ASEAN e-commerce"),
    "business_identity": N_("Business identity credential"),
}

# What a consumer is told about a credential now (trust.registry.Standing).
STANDINGS: dict[str, str] = {
    "certified": N_("Certified"),
    "suspended": N_("Suspended"),
    "revoked": N_("Revoked"),
    "expired": N_("Expired"),
    "not_yet_valid": N_("Not yet valid"),
}

# The status a verification read from the issuer's status lists.
CREDENTIAL_STATUSES: dict[str, str] = {
    "active": N_("Active"),
    "suspended": N_("Suspended"),
    "revoked": N_("Revoked"),
    "unknown": N_("Unknown: the status list could not be checked"),
}

# Verification reason codes (trust.verify.REASONS) in plain language.
REASONS: dict[str, str] = {
    "valid": N_("Valid: the signature, dates and status all check out."),
    "malformed": N_("This is not a readable credential: check that it was copied whole."),
    "wrong_algorithm": N_("The credential is signed with an algorithm that is not accepted."),
    "unknown_issuer": N_("The issuer is not a trust-mark operator known to this node."),
    "unknown_key": N_("The issuer never published the key that signed this credential."),
    "key_rotated_away": N_("The key that signed this credential has been withdrawn by its issuer."),
    "bad_signature": N_("The signature does not match: the credential was altered or forged."),
    "not_yet_valid": N_("The credential is not valid yet."),
    "expired": N_("The credential has expired."),
    "revoked": N_("The issuer has revoked this credential."),
    "suspended": N_("The issuer has suspended this credential."),
    "status_unknown": N_("Its current status could not be checked, so it cannot be trusted now."),
    "not_recognised": N_("The issuer is not recognised in the member state chosen."),
    "outside_scope": N_("The issuer is recognised there, but not for this scheme or this business's country."),
}

BADGE_VERIFY = N_("verify live")  # the badge's call to action, after its standing

# ---- paperless trade: documents and exchanged messages ----------------------------------------------

DOCUMENT_TYPES: dict[str, str] = {
    "ubl-invoice": N_("E-invoice (UBL 2.1)"),
    "acdd": N_("ASEAN Customs Declaration Document (ACDD)"),
    "form-d": N_("ATIGA e-Form D (certificate of origin)"),
}

SEVERITIES: dict[str, str] = {"fatal": N_("Error"), "warning": N_("Warning")}

# Outbox and inbox statuses (exchange.models.OutStatus, InStatus).
MESSAGE_STATUSES: dict[str, str] = {
    "queued": N_("Queued"),
    "sent": N_("Sending"),
    "delivered": N_("Delivered"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "failed": N_("Failed"),
}

# Why a receipt did not verify (exchange.receipts.REASONS) in plain language.
RECEIPT_REASONS: dict[str, str] = {
    "malformed": N_("The receipt is not readable."),
    "wrong_algorithm": N_("The receipt is signed with an algorithm that is not accepted."),
    "unknown_key": N_("The key that signed the receipt is not registered for that node."),
    "bad_signature": N_("The signature does not match: the receipt was altered or forged."),
    "not_this_message": N_("The receipt answers another message, party or payload."),
}
