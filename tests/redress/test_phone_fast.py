"""The phone fast path answers exactly as libphonenumber's full parse, or steps aside."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossborder.redress import phone_fast

REGIONS = ["TH", "VN", "MY", "SG", "ID", "PH", "BN", "KH", "LA", "MM", "US", "GB", "IT", "AR", "MX", "BR", "CN", "IN"]


def _library(text: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("081 234 5678", "TH", "+66812345678"),
        ("+66 (81) 234-5678", None, "+66812345678"),
        ("0912 345 678", "VN", "+84912345678"),
        ("9123 4567", "SG", "+6591234567"),
    ],
)
def test_takes_the_fast_path_for_plain_numbers(text: str, region: str | None, expected: str) -> None:
    assert phone_fast.e164(text, region) == expected == _library(text, region)


@pytest.mark.parametrize(
    ("text", "region"), [("001 66 81 234 5678", "TH"), ("66812345678", "TH"), ("1-800-FLOWERS", "US")]
)
def test_steps_aside_when_parse_might_read_it_differently(text: str, region: str) -> None:
    assert phone_fast.e164(text, region) is None


@settings(max_examples=3000, deadline=None)
@given(
    st.sampled_from(REGIONS),
    st.booleans(),
    st.from_regex(r"0?[0-9]{5,13}", fullmatch=True),
    st.sampled_from(["", " ", "-", ".", "(", ")"]),
)
def test_agrees_with_the_library(region: str, international: bool, digits: str, separator: str) -> None:
    code = phonenumbers.country_code_for_region(region)
    body = separator.join(digits[i : i + 3] for i in range(0, len(digits), 3))
    text = f"+{code} {body}" if international else body
    fast = phone_fast.e164(text, region)
    if fast is not None:
        assert fast == _library(text, region)
