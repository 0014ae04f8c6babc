"""Normalisation of the identifiers a fraud report names, so that two authorities writing the same
phone number, web address or account differently still match. Pure: a kind and a text in, the
canonical text out, or a ValidationFailed naming the field, the value and the rule.

Canonical forms (each is also accepted as input, so normalising twice changes nothing):

- phone: E.164 (+66812345678) by libphonenumber. A national number is read in the default member
  state (the reporting state); an invalid number is refused with the library's reason.
- domain: a URL or a host; scheme, user, port, path, query and the root's trailing dot are dropped;
  lower case; IDNA 2008 A-labels (UTS 46 mapping), e.g. xn--bcher-kva.example; leading "www." labels
  are dropped (a shop is advertised with and without them) but other subdomains are kept: matching is
  exact and no public-suffix list is guessed at. IP addresses are kept in their canonical form.
- email: the local part in NFC, lower case; the domain as above but with "www." kept. No
  provider-specific folding (dots, +tags): that is each provider's own rule.
- bank_account: "CC:NUMBER": the country (a "CC:" prefix or the default member state) and the number
  without spaces, dashes, dots or slashes. An IBAN is checked (ISO 13616 MOD 97-10 and its country's
  format, by python-stdnum) because that rule exists; national account numbers get no invented check.
- ewallet: "provider:id": the provider as a lower-case slug; an id that reads as a valid phone number
  becomes E.164 (wallets keyed by phone number), any other id is lower-cased without spaces.
- business: the platform's regional id (XB..., validated) or "CC:NUMBER" checked by the member
  state's national format where one is known (trust/business_formats).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable
from enum import StrEnum

import idna
import phonenumbers
from babel import Locale
from stdnum import iban
from stdnum.exceptions import ValidationError as StdnumError

from crossborder.core.errors import FieldError, ValidationFailed
from crossborder.redress import phone_fast
from crossborder.trust import regional_id
from crossborder.trust.business_formats import check_national_number


class IdentifierKind(StrEnum):
    phone = "phone"
    domain = "domain"
    email = "email"
    bank_account = "bank_account"
    ewallet = "ewallet"
    business = "business"


MAX_LENGTH = 400  # the stored column's width, for the input and the canonical form


class _Invalid(ValueError):
    """The rule a value broke; `normalise` turns it into a FieldError with path and value."""


# CLDR territories that are ISO 3166-1 countries (not "EU", "UN", "ZZ" and other groupings).
_GROUPINGS = frozenset({"EU", "EZ", "UN", "QO", "ZZ"})
_COUNTRIES = frozenset(c for c in map(str, Locale.parse("en").territories) if re.fullmatch(r"[A-Z]{2}", c)) - _GROUPINGS
_PREFIXED = re.compile(r"^\s*([A-Za-z]{2})\s*:\s*(.*)$", re.DOTALL)
_SEPARATORS = re.compile(r"[\s./-]+")


def _country(text: str | None, region: str | None, example: str) -> str:
    if text is not None:
        code = text.upper()
        if code not in _COUNTRIES:
            raise _Invalid(f"'{text}' is not an ISO 3166-1 alpha-2 country code")
        return code
    if region is None:
        raise _Invalid(f"the country is needed: write its ISO 3166 code first, e.g. {example}")
    return region


# ---- phone -----------------------------------------------------------------------------------------

_PHONE_REASONS = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "unknown country calling code",
    phonenumbers.ValidationResult.TOO_SHORT: "too short",
    phonenumbers.ValidationResult.TOO_LONG: "too long",
    phonenumbers.ValidationResult.INVALID_LENGTH: "a length no number of that country has",
}


def _phone(text: str, region: str | None) -> str:
    fast = phone_fast.e164(text, region)
    if fast is not None:
        return fast
    if region is None and not text.lstrip().startswith("+"):
        raise _Invalid("international format needed: + and the country calling code, e.g. +66 81 234 5678")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise _Invalid(f"not a phone number ({exc._msg})") from None
    if not phonenumbers.is_valid_number(number):
        why = _PHONE_REASONS.get(phonenumbers.is_possible_number_with_reason(number), "no such number range")
        where = phonenumbers.region_code_for_number(number) or f"+{number.country_code}"
        raise _Invalid(f"not a valid phone number for {where}: {why} (E.164, checked by libphonenumber)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# ---- domain ----------------------------------------------------------------------------------------

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_LDH = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_HOST_RULE = "a host name (letters, digits, hyphens; labels of 1 to 63 characters; at least two labels)"


_PLAIN_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+")
_URL_TAIL = re.compile(r"[/?#\\]")


def _ip(text: str) -> str | None:
    if not (text[-1:].isdigit() or ":" in text):  # spares the exception for every ordinary host name
        return None
    try:
        return str(ipaddress.ip_address(text.strip("[]")))
    except ValueError:
        return None


def _check_labels(host: str) -> None:
    if len(host) > 253:
        raise _Invalid(f"not a domain: {_HOST_RULE}, at most 253 characters")
    if _PLAIN_HOST.fullmatch(host) is None or "--" in host:  # the common case passes one regex
        labels = host.split(".")
        if len(labels) < 2:
            raise _Invalid(f"not a domain: {_HOST_RULE}")
        for label in labels:
            if label.startswith("xn--"):
                continue  # checked by idna
            if not _LDH.match(label) or label[2:4] == "--":
                raise _Invalid(f"label '{label}' is not valid: {_HOST_RULE}")
    if host[-1].isdigit() and host.rpartition(".")[2].isdigit():
        raise _Invalid("the last label is all digits: not a domain (write an IP address in full)")


def _ascii_host(host: str) -> str:
    """The host in IDNA 2008 A-label form, lower case, checked."""
    encoded = not host.isascii()
    if encoded:
        try:
            host = idna.encode(host, uts46=True, transitional=False).decode("ascii")
        except idna.IDNAError as exc:
            raise _Invalid(f"not a valid internationalised domain name (IDNA 2008: {exc})") from None
    host = host.lower()
    if host.endswith(".") and not host.endswith(".."):  # the root's dot: "shop.example." is "shop.example"
        host = host[:-1]
    _check_labels(host)
    if not encoded and "xn--" in host:
        try:  # an A-label must decode to a valid U-label, and encode back to itself
            host = idna.encode(idna.decode(host), uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise _Invalid(f"not a valid punycode label (IDNA 2008: {exc})") from None
    return host


def _domain(text: str, _region: str | None) -> str:
    host = text.strip()
    scheme = _SCHEME.match(host)
    if scheme is not None:
        host = host[scheme.end() :]
    host = _URL_TAIL.split(host, maxsplit=1)[0].rpartition("@")[2]
    if host.startswith("["):  # an IPv6 literal, perhaps with a port
        host = host.partition("]")[0] + "]"
    elif host.count(":") == 1:
        host, _, port = host.partition(":")
        if not port.isdigit():
            raise _Invalid(f"port '{port}' is not a number")
    found = _ip(host)
    if found is not None:
        return found
    host = _ascii_host(host)
    while host.startswith("www.") and host.count(".") > 1:
        host = host[4:]
    return host


# ---- e-mail ----------------------------------------------------------------------------------------

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\U0010ffff-]+"  # RFC 5322 atext, and UTF-8 (RFC 6531)
_ATOM = re.compile(rf"^{_ATEXT}(\.{_ATEXT})*$")
_NOT_IN_DOMAIN = re.compile(r"[/?#:\[\]\\\s]")


def _has_control_or_space(text: str) -> bool:
    return any(unicodedata.category(c)[0] in "CZ" for c in text)


def _email(text: str, _region: str | None) -> str:
    local, at, domain = text.strip().rpartition("@")
    if not at or not local:
        raise _Invalid("an e-mail address: local part, '@', domain")
    local = local.lower() if local.isascii() else unicodedata.normalize("NFC", local).lower()
    if len(local) > 64 or not _ATOM.match(local) or (not local.isascii() and _has_control_or_space(local)):
        raise _Invalid("the part before '@' must be 1 to 64 characters without spaces, quotes or '..'")
    if _NOT_IN_DOMAIN.search(domain) or _ip(domain) is not None:
        raise _Invalid(f"the part after '@' must be a domain name, got '{domain}'")
    return f"{local}@{_ascii_host(domain)}"


# ---- bank account ----------------------------------------------------------------------------------

_ACCOUNT = re.compile(r"^[0-9A-Z]{4,34}$")
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[0-9A-Z]{11,30}$")


def _bank_account(text: str, region: str | None) -> str:
    prefixed = _PREFIXED.match(text)
    number = _SEPARATORS.sub("", prefixed.group(2) if prefixed else text).upper()
    if _IBAN_SHAPE.match(number):
        try:
            number = iban.validate(number)
        except StdnumError as exc:
            raise _Invalid(f"not a valid IBAN ({exc}; ISO 13616 MOD 97-10)") from None
        country = _country(prefixed.group(1) if prefixed else number[:2], None, "")
        if country != number[:2]:
            raise _Invalid(f"the IBAN is from {number[:2]}, not {country}")
        return f"{country}:{number}"
    country = _country(prefixed.group(1) if prefixed else None, region, "TH:1234567890")
    if not _ACCOUNT.match(number):
        raise _Invalid("an account number of 4 to 34 letters or digits (spaces, dashes and dots are ignored)")
    return f"{country}:{number}"


# ---- e-wallet --------------------------------------------------------------------------------------

_SLUG_GAPS = re.compile(r"[\W_]+")
_PHONE_LIKE = re.compile(r"^\+?[0-9 ()./-]{6,}$")


def _ewallet(text: str, region: str | None) -> str:
    provider, colon, wallet = text.partition(":")
    slug = _SLUG_GAPS.sub("-", unicodedata.normalize("NFC", provider).lower()).strip("-")
    wallet = wallet.strip()
    if not colon or not slug or not wallet:
        raise _Invalid("'provider:wallet id', e.g. truemoney:0812345678")
    if len(slug) > 40:
        raise _Invalid("the provider name is longer than 40 characters")
    if _PHONE_LIKE.match(wallet):
        try:  # wallets keyed by phone number match whichever way the number was written
            return f"{slug}:{_phone(wallet, region)}"
        except _Invalid:
            pass
    compact = "".join(unicodedata.normalize("NFC", wallet).lower().split())
    if any(unicodedata.category(c)[0] == "C" for c in compact):
        raise _Invalid("the wallet id holds control characters")
    return f"{slug}:{compact}"


# ---- business --------------------------------------------------------------------------------------


def _business(text: str, region: str | None) -> str:
    if regional_id.looks_regional(text):
        try:
            return regional_id.validate(text)
        except regional_id.InvalidRegionalId as exc:
            raise _Invalid(f"not a valid regional business id: {exc}") from None
    prefixed = _PREFIXED.match(text)
    country = _country(prefixed.group(1) if prefixed else None, region, "TH:0105536092641")
    try:
        number = check_national_number(country, prefixed.group(2) if prefixed else text, "value").number
    except ValidationFailed as exc:
        raise _Invalid(exc.errors[0].rule if exc.errors else exc.detail) from None
    return f"{country}:{number}"


_NORMALISERS: dict[str, Callable[[str, str | None], str]] = {
    IdentifierKind.phone: _phone,
    IdentifierKind.domain: _domain,
    IdentifierKind.email: _email,
    IdentifierKind.bank_account: _bank_account,
    IdentifierKind.ewallet: _ewallet,
    IdentifierKind.business: _business,
}


def normalise(kind: str, value: str, *, region: str | None = None, path: str = "identifier") -> str:
    """The canonical form of `value` as an identifier of `kind`. `region` is the member state whose
    conventions a national phone, account or business number is read in (the reporting state);
    without it such numbers must carry their country. Errors name `path.kind` or `path.value`."""
    normaliser = _NORMALISERS.get(kind)
    if normaliser is None:
        raise ValidationFailed(
            "unknown identifier kind", errors=[FieldError(f"{path}.kind", f"one of {list(_NORMALISERS)}", kind)]
        )
    try:
        if not value.strip() or len(value) > MAX_LENGTH:
            raise _Invalid(f"1 to {MAX_LENGTH} characters")
        found = normaliser(value, region if region in _COUNTRIES else None)
        if len(found) > MAX_LENGTH:
            raise _Invalid(f"longer than {MAX_LENGTH} characters once normalised")
    except _Invalid as exc:
        raise ValidationFailed(
            f"not a valid {kind} identifier", errors=[FieldError(f"{path}.value", f"{kind}: {exc}", value)]
        ) from None
    return found
