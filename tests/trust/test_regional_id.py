"""The regional business identifier: every generated id validates, and every single-character
substitution and adjacent transposition is caught by its ISO 7064 MOD 1271-36 check characters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossborder.trust import regional_id as rid

CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
countries = st.sampled_from(["BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "VN"])
bases = st.text(alphabet=rid.BASE_ALPHABET, min_size=rid.BASE_LENGTH, max_size=rid.BASE_LENGTH)


@given(countries, bases)
def test_every_made_id_validates(country: str, base: str) -> None:
    made = rid.make(country, base)
    assert len(made) == rid.LENGTH and made.startswith(f"XB{country}{base}")
    assert rid.validate(made) == made and rid.country_of(made) == country
    # People write it with spaces, hyphens and in lower case; it is the same id.
    spaced = f"{made[:2]}-{made[2:4]} {made[4:12]}-{made[12:]}".lower()
    assert rid.validate(spaced) == made and rid.looks_regional(spaced)


@given(countries)
def test_generated_ids_validate(country: str) -> None:
    assert rid.is_valid(rid.generate(country))


@given(countries, bases, st.data())
def test_any_single_substitution_is_detected(country: str, base: str, data: st.DataObject) -> None:
    made = rid.make(country, base)
    at = data.draw(st.integers(0, len(made) - 1))
    other = data.draw(st.sampled_from(CHARS).filter(lambda c: c != made[at]))
    changed = made[:at] + other + made[at + 1 :]
    with pytest.raises(rid.InvalidRegionalId):
        rid.validate(changed)


@given(countries, bases, st.data())
def test_any_adjacent_transposition_is_detected(country: str, base: str, data: st.DataObject) -> None:
    made = rid.make(country, base)
    at = data.draw(st.integers(0, len(made) - 2).filter(lambda i: made[i] != made[i + 1]))
    swapped = made[:at] + made[at + 1] + made[at] + made[at + 2 :]
    with pytest.raises(rid.InvalidRegionalId):
        rid.validate(swapped)


def test_checksum_alone_catches_every_substitution_and_transposition_of_the_check_part() -> None:
    # Exhaustive over the check characters and the last base character: these are the positions a
    # shape check cannot help with, so the checksum must catch them on its own.
    made = rid.make("VN", "7K3M9Q2X")
    for at in (11, 12, 13):
        for other in CHARS.replace(made[at], ""):
            assert not rid.is_valid(made[:at] + other + made[at + 1 :]), (at, other)
    for at in (11, 12):
        if made[at] != made[at + 1]:
            assert not rid.is_valid(made[:at] + made[at + 1] + made[at] + made[at + 2 :])


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("XBVN7K3M9Q2X", "14 characters"),  # check characters missing
        ("XBVN7K3M9Q2XAAA", "14 characters"),
        ("XBVN7K3M9QIXAA", "14 characters"),  # I is not in the base alphabet
        ("XBVN7K3M9Q2X00", "check characters do not match"),
    ],
)
def test_invalid_ids_name_the_rule(value: str, rule: str) -> None:
    with pytest.raises(rid.InvalidRegionalId, match=rule):
        rid.validate(value)


def test_only_ids_with_the_prefix_and_a_country_claim_to_be_regional() -> None:
    assert rid.looks_regional("XBVN") and rid.looks_regional("xb-sg-123")
    assert not rid.looks_regional("VN-0101234567") and not rid.looks_regional("XB1") and not rid.looks_regional("B1")
    with pytest.raises(rid.InvalidRegionalId):
        rid.generate("vn")
