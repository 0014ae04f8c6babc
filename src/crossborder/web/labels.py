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
