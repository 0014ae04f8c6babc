"""A fast path for plainly written phone numbers, giving exactly what libphonenumber's parse gives.

`phonenumbers.parse` costs 40-90 us a number in pure Python, most of it on inputs that need none of
its generality (letters, extensions, carrier codes, prefix transforms). Here a number written only
with digits, spaces and ( ) . - / is read directly: the country code from "+", or the default
region's trunk prefix "0" dropped; then libphonenumber's own `is_valid_number` decides. Anything
that parse might read differently (an international dialling prefix, a national number starting
with the country code, a national significant number starting with 0, a region whose prefix rules
are more than a plain "0") returns None, and the caller takes the full parse. Tests compare both
paths on generated numbers (tests/redress/test_phone_fast.py)."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers.phonemetadata import PhoneMetadata

_PLAIN = re.compile(r"\s*(\+?)\s*([0-9][0-9 ().\-/]*)\s*")
_NOT_DIGIT = re.compile(r"[^0-9]")


@lru_cache(maxsize=512)
def _simple(country_code: int) -> bool:
    """Does parse strip at most a literal "0" trunk prefix for this country code's main region?"""
    region = phonenumbers.region_code_for_country_code(country_code)
    meta = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    if meta is None or meta.national_prefix_transform_rule is not None:
        return False
    return meta.national_prefix_for_parsing in (None, "0")


@lru_cache(maxsize=512)
def _region(region: str) -> tuple[int, re.Pattern[str] | None, bool] | None:
    """The region's country code, its international dialling prefix and whether "0" is its trunk prefix."""
    meta = PhoneMetadata.metadata_for_region(region)
    if meta is None or meta.country_code is None or not _simple(meta.country_code):
        return None
    idd = re.compile(meta.international_prefix) if meta.international_prefix else None
    return meta.country_code, idd, meta.national_prefix_for_parsing == "0"


def _country_code(digits: str) -> tuple[int, str] | None:
    for length in (1, 2, 3):  # calling codes are prefix-free: the first known one is the one
        code = int(digits[:length])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return code, digits[length:]
    return None


def e164(text: str, region: str | None) -> str | None:
    """The E.164 form if `text` is a plainly written valid number; None: ask the full parse."""
    plain = _PLAIN.fullmatch(text)
    if plain is None:
        return None
    digits = _NOT_DIGIT.sub("", plain.group(2))
    if plain.group(1):
        found = _country_code(digits)
        if found is None or not _simple(found[0]):
            return None
        code, national = found
    else:
        known = _region(region) if region else None
        if known is None:
            return None
        code, idd, trunk_zero = known
        if (idd is not None and idd.match(digits)) or digits.startswith(str(code)):
            return None  # parse would read a dialling prefix or a country code here
        national = digits[1:] if trunk_zero and digits.startswith("0") else digits
    if not national or national[0] == "0" or len(national) > 17:
        return None
    number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
    return f"+{code}{national}" if phonenumbers.is_valid_number(number) else None
