"""Offline verification is pure: every way a credential can be bad has its own reason code, it
never raises and never says valid on doubt."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import warnings
from datetime import timedelta
from typing import Any

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc import jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey

from crossborder.core.keys import b64url_encode, public_jwk
from crossborder.trust.credentials import sign
from crossborder.trust.status import decode_list, encode_list, flip, list_credential, read_list_credential
from crossborder.trust.verify import IssuerKeys, StatusList, verify_credential, verify_many
from tests.trust.material import NOW, Issuer

VN = Issuer("https://vn.example/api/v1/trust/issuers/1", "VN")
MY = Issuer("https://my.example/api/v1/trust/issuers/2", "MY")


def check(token: Any, issuers: list[Issuer] | None = None, *, at: Any = NOW, **kwargs: Any) -> tuple[str, ...]:
    issuers = [VN, MY] if issuers is None else issuers
    keys = {i.id: i.keys() for i in issuers}
    lists = {url: found for i in issuers for url, found in i.lists().items()}
    return verify_credential(token, keys, lists, at, **kwargs).reasons


def forge(header: dict[str, Any], claims: dict[str, Any], signer: Any) -> str:
    signing_input = f"{b64url_encode(json.dumps(header).encode())}.{b64url_encode(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64url_encode(signer(signing_input.encode()))}"


GOOD_HEADER = {"alg": "Ed25519", "kid": VN.kid, "typ": "vc+jwt", "cty": "vc"}


def test_valid_and_the_fields_reported() -> None:
    result = verify_credential(VN.token(), {VN.id: VN.keys()}, VN.lists(), NOW)
    assert result.valid and result.as_dict() == {
        "valid": True,
        "issuer": VN.id,
        "subject": "urn:crossborder:business:VN:B7",
        "scheme": "trust_mark",
        "status": "active",
        "recognised_under": None,
        "reasons": ["valid"],
        "credential_id": "urn:uuid:00000000-0000-4000-8000-000000000007",
        "kid": VN.kid,
    }


def test_tampered_payload_and_impostor_signature() -> None:
    header, _, signature = VN.token().split(".")
    claims = VN.credential(subject_country="SG")
    tampered = f"{header}.{b64url_encode(json.dumps(claims, separators=(',', ':')).encode())}.{signature}"
    assert check(tampered) == ("bad_signature",)
    assert check(forge(GOOD_HEADER, VN.credential(), MY.key.sign)) == ("bad_signature",)


def test_unknown_issuer_unknown_key_and_key_rotated_away() -> None:
    token = VN.token()
    assert check(token, [MY]) == ("unknown_issuer",)
    stranger = Issuer(VN.id, "VN")  # same issuer id, another key: the kid is not published
    assert check(token, [stranger]) == ("unknown_key",)
    keys = {VN.id: IssuerKeys(VN.id, "VN", {}, frozenset({VN.kid}))}
    assert verify_credential(token, keys, VN.lists(), NOW).reasons == ("key_rotated_away",)


def test_rotated_but_published_key_still_verifies() -> None:
    old, new = VN.key, Issuer(VN.id, "VN").key
    keys = {
        VN.id: IssuerKeys(VN.id, "VN", {public_jwk(old)[0]: old.public_key(), public_jwk(new)[0]: new.public_key()})
    }
    for key in (old, new):
        token = sign(VN.credential(), public_jwk(key)[0], key)
        assert verify_credential(token, keys, VN.lists(), NOW).valid


def test_algorithm_none_and_hs256_confusion_are_refused() -> None:
    claims = VN.credential()
    assert check(forge({**GOOD_HEADER, "alg": "none"}, claims, lambda _: b"")) == ("wrong_algorithm",)
    public = VN.key.public_key().public_bytes_raw()
    jwk = json.dumps(public_jwk(VN.key)[1]).encode()
    for secret in (public, jwk, b64url_encode(public).encode()):
        token = forge(
            {**GOOD_HEADER, "alg": "HS256"}, claims, lambda d, s=secret: hmac.new(s, d, hashlib.sha256).digest()
        )
        assert check(token) == ("wrong_algorithm",)
    for alg in ("RS256", "ES256", "EdDSA448", ["Ed25519"], None):
        assert check(forge({**GOOD_HEADER, "alg": alg}, claims, VN.key.sign)) == ("wrong_algorithm",)


def test_legacy_eddsa_header_verifies() -> None:
    assert check(sign(VN.credential(), VN.kid, VN.key, alg="EdDSA")) == ("valid",)
    with pytest.raises(ValueError, match="not an Ed25519"):
        sign(VN.credential(), VN.kid, VN.key, alg="HS256")


def test_validity_window_with_clock_skew() -> None:
    token = VN.token(days=10)
    start, end = NOW - timedelta(days=1), NOW + timedelta(days=9)
    skew = timedelta(seconds=120)
    assert check(token, at=start - skew - timedelta(seconds=1)) == ("not_yet_valid",)
    assert check(token, at=start - skew) == ("valid",)
    assert check(token, at=end + skew - timedelta(seconds=1)) == ("valid",)
    assert check(token, at=end + skew) == ("expired",)


def test_revoked_suspended_and_unknown_status() -> None:
    issuer = Issuer("https://th.example/issuers/3", "TH")
    issuer.set("suspension", 5)
    issuer.set("revocation", 6)
    issuer.set("suspension", 6)
    assert check(issuer.token(4), [issuer]) == ("valid",)
    assert check(issuer.token(5), [issuer]) == ("suspended",)
    assert check(issuer.token(6), [issuer]) == ("revoked", "suspended")
    keys = {issuer.id: issuer.keys(), MY.id: MY.keys()}
    token = issuer.token(5)
    assert verify_credential(token, keys, {}, NOW).reasons == ("status_unknown", "status_unknown")
    # Another issuer's list at the right URL, or a list for the other purpose, vouches for nothing.
    swapped = {
        issuer.url(p): StatusList(issuer.url(p), MY.id, p, bytes(16384)) for p in ("revocation", "suspension")
    } | {issuer.url("suspension"): StatusList(issuer.url("suspension"), issuer.id, "revocation", bytes(16384))}
    result = verify_credential(token, keys, swapped, NOW)
    assert result.reasons == ("status_unknown", "status_unknown") and result.status == "unknown"
    assert verify_credential(issuer.token(200000), keys, issuer.lists(), NOW).reasons == ("status_unknown",) * 2


def test_status_list_credential_checks() -> None:
    bits = flip(bytes(16384), 0, True)
    assert bits[0] == 0x80 and decode_list(encode_list(bits)) == bits  # bit 0 is the first byte's MSB
    url = VN.url("revocation")
    good = sign(list_credential(VN.id, url, "revocation", bits, NOW), VN.kid, VN.key)
    keys = {VN.id: VN.keys()}
    assert isinstance(read_list_credential(good, keys, NOW), StatusList)
    assert read_list_credential(good, keys, NOW + timedelta(days=8)) == "expired"
    assert read_list_credential(good, {MY.id: MY.keys()}, NOW) == "unknown_issuer"
    impostor = sign(list_credential(VN.id, url, "revocation", bytes(16384), NOW), VN.kid, MY.key)
    assert read_list_credential(impostor, keys, NOW) == "bad_signature"
    bomb = "u" + b64url_encode(gzip.compress(bytes(64 * 1024 * 1024)))
    with pytest.raises(ValueError, match="too large"):
        decode_list(bomb)
    for bad in ("z" + encode_list(bits)[1:], "u!!", "u" + b64url_encode(b"not gzip")):
        with pytest.raises(ValueError):
            decode_list(bad)


@pytest.mark.parametrize(
    ("header", "claims"),
    [
        ({**GOOD_HEADER, "jku": "https://attacker.example/jwks"}, {}),
        ({**GOOD_HEADER, "typ": "JWT"}, {}),
        ({**GOOD_HEADER, "cty": "json"}, {}),
        ({k: v for k, v in GOOD_HEADER.items() if k != "kid"}, {}),
        (GOOD_HEADER, {"vc": {"type": ["VerifiableCredential"]}}),
        (GOOD_HEADER, {"@context": ["https://www.w3.org/2018/credentials/v1"]}),
        (GOOD_HEADER, {"type": ["TrustMarkCredential"]}),
        (GOOD_HEADER, {"validUntil": "2027-01-01T00:00:00"}),
        (GOOD_HEADER, {"validFrom": 1735689600}),
        (GOOD_HEADER, {"iss": "https://someone.else.example"}),
        (GOOD_HEADER, {"credentialStatus": [{"type": "StatusList2021Entry"}]}),
        (GOOD_HEADER, {"credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                                            "statusListIndex": 3, "statusListCredential": "x"}}),
        (GOOD_HEADER, {"credentialSubject": {"id": "urn:x"}}),
    ],
)  # fmt: skip
def test_malformed_headers_and_claims(header: dict[str, Any], claims: dict[str, Any]) -> None:
    assert check(forge(header, {**VN.credential(), **claims}, VN.key.sign)) == ("malformed",)


def test_malformed_tokens() -> None:
    good = VN.token()
    header, payload, signature = good.split(".")
    cases = [
        "", "abc", "a.b", "a.b.c.d", None, 42, b"bytes", "!!!.???.###", good + "=", f"{header}.{payload}.{signature}==",
        f"{header}.{payload}.{signature[:-2]}", f"{header}.{payload}.", f"{header}.{payload}.{signature}x",
        b64url_encode(b'{"alg":"Ed25519","alg":"none"}') + f".{payload}.{signature}",
        f"{header}." + b64url_encode(b'{"issuer":"a","issuer":"b"}') + f".{signature}",
        f"{header}." + b64url_encode(b"[1]") + f".{signature}", "x" * 20000,
    ]  # fmt: skip
    for token in cases:
        assert check(token) == ("malformed",), token
    assert check(good) == ("valid",)


def test_recognition_is_part_of_validity_with_a_trust_list() -> None:
    from crossborder.trust.trustlist import Arrangement, trust_list_for

    mra = Arrangement(
        "mra", "MRA", frozenset({"VN", "MY"}), frozenset(), frozenset({"trust_mark"}), frozenset({"MY"}), NOW.date()
    )
    trust = trust_list_for("VN", NOW.date(), (mra,))
    keys = {i.id: i.keys() for i in (VN, MY)}
    lists = MY.lists() | VN.lists()

    def run(token: str, trust_list: Any = trust) -> tuple[tuple[str, ...], str | None]:
        result = verify_credential(token, keys, lists, NOW, trust=trust_list)
        return result.reasons, result.recognised_under

    assert run(MY.token(subject_country="MY")) == (("valid",), "mra")
    assert run(MY.token(subject_country="SG")) == (("outside_scope",), None)
    assert run(MY.token(scheme="trusted_trader", subject_country="MY")) == (("outside_scope",), None)
    assert run(VN.token()) == (("valid",), "domestic")
    assert run(MY.token(subject_country="MY"), trust_for_la := trust_list_for("LA", NOW.date(), (mra,))) == (
        ("not_recognised",),
        None,
    )
    assert trust_for_la.arrangements == (mra,)
    assert trust_list_for("VN", NOW.date() - timedelta(days=1), (mra,)).arrangements == ()


def test_interoperates_with_joserfc_and_pyjwt() -> None:
    token = VN.token()
    key = OKPKey.import_key(VN.key.public_key())
    assert json.loads(jws.deserialize_compact(token, key, algorithms=["Ed25519"]).payload)["issuer"]["id"] == VN.id
    legacy = sign(VN.credential(), VN.kid, VN.key, alg="EdDSA")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        decoded = jwt.decode(legacy, VN.key.public_key(), algorithms=["EdDSA"], options={"verify_aud": False})
    assert decoded["credentialSubject"]["scheme"] == "trust_mark"


def test_verify_many_keeps_order() -> None:
    issuer = Issuer("https://sg.example/issuers/4", "SG")
    issuer.set("revocation", 11)
    tokens = [issuer.token(i) for i in range(300)] + ["junk"]
    results = verify_many(tokens, {issuer.id: issuer.keys()}, issuer.lists(), NOW, workers=3)
    assert [r.reasons for r in results] == [("revoked",) if i == 11 else ("valid",) for i in range(300)] + [
        ("malformed",)
    ]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300), st.integers(), st.none(), st.lists(st.text())))
def test_arbitrary_input_never_raises_and_is_never_valid(token: Any) -> None:
    assert check(token, [VN]) != ("valid",)


_GOOD = VN.token()


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(_GOOD) - 1), st.characters(codec="ascii"))
def test_any_changed_character_is_never_valid(position: int, char: str) -> None:
    mutated = _GOOD[:position] + char + _GOOD[position + 1 :]
    if mutated != _GOOD:
        assert check(mutated, [VN]) != ("valid",)
