"""The regional business identifier this platform assigns to every registered business (ADR 0004):

    XB  VN  7K3M9Q2X  4F
    |   |   |         └ two ISO 7064 MOD 1271-36 check characters over everything before them
    |   |   └ eight random characters (Crockford base32: no I, L, O, U to misread)
    |   └ the member state that registered it (ISO 3166-1 alpha-2)
    └ the platform's prefix: not the proposed ASEAN UBIN, which does not exist yet

Pure: generate, compact, validate. MOD 1271-36 is a pure ISO 7064 system whose modulus (31 x 41) shares
no factor with any difference of two characters' values or of adjacent weights, so every single
substitution and every adjacent transposition changes the checksum."""

from __future__ import annotations

import re
import secrets

PREFIX = "XB"
BASE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
BASE_LENGTH = 8
LENGTH = len(PREFIX) + 2 + BASE_LENGTH + 2
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # what the checksum reads, and check characters use
_VALUE = {c: i for i, c in enumerate(_ALPHABET)}
_MODULUS = 1271
_RADIX = 36
# Anything that starts like a regional id is one, and must validate: a mistyped id never slips
# through as a free-form business id.
_RESERVED = re.compile(rf"^{PREFIX}[A-Z]{{2}}")
_SHAPE = re.compile(rf"^{PREFIX}[A-Z]{{2}}[{BASE_ALPHABET}]{{{BASE_LENGTH}}}[0-9A-Z]{{2}}$")


class InvalidRegionalId(ValueError):
    """Names the rule the value broke, for an error message."""


def compact(value: str) -> str:
    """Upper case, without the spaces and hyphens people write for readability."""
    return value.upper().replace(" ", "").replace("-", "")


def _checksum(text: str) -> int:
    total = 0
    for char in text:
        total = (total * _RADIX + _VALUE[char]) % _MODULUS
    return total


def check_characters(body: str) -> str:
    """The two characters that make `body + them` checksum to 1 (ISO 7064 pure system)."""
    needed = (1 - _checksum(body) * _RADIX * _RADIX) % _MODULUS
    return _ALPHABET[needed // _RADIX] + _ALPHABET[needed % _RADIX]


def make(country: str, base: str) -> str:
    return f"{PREFIX}{country}{base}" + check_characters(f"{PREFIX}{country}{base}")


def generate(country: str) -> str:
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise InvalidRegionalId(f"country must be two capital letters, got {country!r}")
    return make(country, "".join(secrets.choice(BASE_ALPHABET) for _ in range(BASE_LENGTH)))


def looks_regional(value: str) -> bool:
    """Does the value claim to be a regional id (prefix and two letters)? Then it must validate."""
    return bool(_RESERVED.match(compact(value)))


def validate(value: str) -> str:
    """The compact id, or InvalidRegionalId naming what is wrong."""
    text = compact(value)
    if not _SHAPE.match(text):
        raise InvalidRegionalId(
            f"{LENGTH} characters: {PREFIX}, a member-state code, {BASE_LENGTH} of {BASE_ALPHABET}, 2 check characters"
        )
    if _checksum(text) != 1:
        raise InvalidRegionalId("check characters do not match (ISO 7064 MOD 1271-36): mistyped?")
    return text


def country_of(value: str) -> str:
    return validate(value)[len(PREFIX) : len(PREFIX) + 2]


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except InvalidRegionalId:
        return False
    return True
