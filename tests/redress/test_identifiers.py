"""Identifier normalisation: table-driven cases for each kind, clear errors, and properties
(normalising is idempotent; equivalent spellings normalise equal)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossborder.core.errors import ValidationFailed
from crossborder.redress.identifiers import normalise
from crossborder.trust import regional_id

REGIONAL = regional_id.make("VN", "7K3M9Q2X")


@pytest.mark.parametrize(
    ("kind", "value", "region", "expected"),
    [
        ("phone", "081-234-5678", "TH", "+66812345678"),
        ("phone", "+66 81 234 5678", None, "+66812345678"),
        ("phone", "(+84) 912 345 678", "TH", "+84912345678"),
        ("domain", "HTTPS://user@www.Shop.Example:8443/path?q=1#x", None, "shop.example"),
        ("domain", "shop.example.", None, "shop.example"),
        ("domain", "www.www.shop.example", None, "shop.example"),
        ("domain", "www.com", None, "www.com"),  # "www" is the whole name here, not a prefix
        ("domain", "m.shop.example", None, "m.shop.example"),  # other subdomains are kept
        ("domain", "https://Bücher.example/", None, "xn--bcher-kva.example"),
        ("domain", "例え.テスト。", None, "xn--r8jz45g.xn--zckzah"),
        ("domain", "http://[2001:DB8::1]:80/", None, "2001:db8::1"),
        ("email", "John.Doe+promo@Bücher.Example", None, "john.doe+promo@xn--bcher-kva.example"),
        ("email", "x@www.shop.example", None, "x@www.shop.example"),
        ("bank_account", "123-4-56789-0", "TH", "TH:1234567890"),
        ("bank_account", "my: 5140 1234 5678", "TH", "MY:514012345678"),
        ("bank_account", "gb82 west 1234 5698 7654 32", None, "GB:GB82WEST12345698765432"),
        ("ewallet", "TrueMoney Wallet:081 234 5678", "TH", "truemoney-wallet:+66812345678"),
        ("ewallet", "GCash: AbC 12", None, "gcash:abc12"),
        ("business", REGIONAL.lower(), None, REGIONAL),
        ("business", "0105536092641", "TH", "TH:0105536092641"),
        ("business", "kh:00012345", None, "KH:00012345"),  # no format known for KH: as written
    ],
)
def test_normalises(kind: str, value: str, region: str | None, expected: str) -> None:
    assert normalise(kind, value, region=region) == expected
    assert normalise(kind, expected, region=region) == expected


@pytest.mark.parametrize(
    ("kind", "value", "region", "rule_part"),
    [
        ("phone", "12", "TH", "too short"),
        ("phone", "0812345678", None, "international format"),
        ("phone", "call me", "TH", "not a phone number"),
        ("domain", "ex_ample.com", None, "label 'ex_ample'"),
        ("domain", "localhost", None, "at least two labels"),
        ("domain", "http://shop.example:http/", None, "port"),
        ("domain", "xn--zz.example", None, "punycode"),
        ("email", "no-at-sign.example", None, "'@'"),
        ("email", "a..b@shop.example", None, "before '@'"),
        ("email", "a@shop.example/x", None, "after '@'"),
        ("bank_account", "GB82WEST12345698765431", None, "IBAN"),
        ("bank_account", "1234567890", None, "country is needed"),
        ("bank_account", "XX:1234567890", None, "ISO 3166-1"),
        ("bank_account", "TH:12", None, "4 to 34"),
        ("ewallet", "0812345678", "TH", "provider:wallet id"),
        ("business", REGIONAL[:-1] + ("0" if REGIONAL[-1] != "0" else "1"), None, "ISO 7064"),
        ("business", "TH:123", None, "MOA"),
        ("nickname", "x", None, "one of"),
    ],
)
def test_refuses_naming_field_value_and_rule(kind: str, value: str, region: str | None, rule_part: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        normalise(kind, value, region=region, path="identifiers[3]")
    [error] = caught.value.errors
    assert error.path in ("identifiers[3].value", "identifiers[3].kind")
    assert error.value == (kind if error.path.endswith("kind") else value)
    assert rule_part in error.rule


def test_script_is_just_an_invalid_identifier() -> None:
    with pytest.raises(ValidationFailed) as caught:
        normalise("domain", "<script>alert(1)</script>.example")
    assert caught.value.errors[0].value == "<script>alert(1)</script>.example"


# ---- properties ----------------------------------------------------------------------------------

_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True).filter(lambda s: s[2:4] != "--")
_host = st.lists(_label, min_size=1, max_size=3).map(lambda labels: ".".join([*labels, "example"]))
_thai_mobile = st.integers(min_value=0, max_value=9_999_999).map(lambda n: f"08{n % 10}{n:07d}")


def _mixed_case(draw: st.DrawFn, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if flip else c for c, flip in zip(text, flips, strict=True))


@st.composite
def _spelt_domain(draw: st.DrawFn) -> tuple[str, str]:
    host = draw(_host)
    scheme = draw(st.sampled_from(["", "http://", "HTTPS://"]))
    www = draw(st.sampled_from(["", "www.", "WWW."]))
    tail = draw(st.sampled_from(["", "/", ":8080", "/path?q=1", "."]))
    return host, f"{scheme}{www}{_mixed_case(draw, host)}{tail}"


@settings(max_examples=200, deadline=None)
@given(_spelt_domain())
def test_domain_spellings_normalise_equal(spelt: tuple[str, str]) -> None:
    host, written = spelt
    canonical = normalise("domain", host)
    assert normalise("domain", written) == canonical
    assert normalise("domain", canonical) == canonical


@settings(max_examples=200, deadline=None)
@given(_thai_mobile, st.sampled_from(["{0}{1}{2}", "{0}-{1}-{2}", "+66 {3} {1} {2}", "(+66) {3}-{1}{2}"]))
def test_phone_spellings_normalise_equal(number: str, pattern: str) -> None:
    written = pattern.format(number[:3], number[3:6], number[6:], number[1:3])
    try:
        canonical = normalise("phone", number, region="TH")
    except ValidationFailed:
        return  # not every generated number is in an allocated range
    assert normalise("phone", written, region="TH") == canonical
    assert normalise("phone", canonical, region="VN") == canonical  # E.164 reads the same anywhere


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["phone", "domain", "email", "bank_account", "ewallet", "business"]),
    st.text(min_size=1, max_size=40),
    st.sampled_from([None, "TH", "VN", "SG"]),
)
def test_normalising_twice_changes_nothing(kind: str, value: str, region: str | None) -> None:
    try:
        once = normalise(kind, value, region=region)
    except ValidationFailed:
        return
    assert normalise(kind, once, region=region) == once


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(r"[A-Za-z0-9._%+-]{1,20}", fullmatch=True).filter(lambda s: ".." not in s and s.strip(".") == s),
    _host,
)
def test_email_is_case_insensitive_and_idempotent(local: str, host: str) -> None:
    canonical = normalise("email", f"{local}@{host}")
    assert normalise("email", f"{local.upper()}@{host.upper()}") == canonical
    assert normalise("email", canonical) == canonical


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[0-9]{4,20}", fullmatch=True), st.sampled_from(["-", " ", ".", ""]))
def test_bank_account_separators_do_not_matter(digits: str, separator: str) -> None:
    written = separator.join(digits[i : i + 3] for i in range(0, len(digits), 3))
    assert (
        normalise("bank_account", written, region="TH") == normalise("bank_account", f"th:{digits}") == f"TH:{digits}"
    )
