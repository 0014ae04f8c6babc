"""W3C Verifiable Credentials 2.0 secured with JOSE (VC-JOSE-COSE): the VC JSON is itself the JWS
payload (no v1.1 `vc` wrapper), signed as a compact JWS with `typ: vc+jwt` and the fully specified
`Ed25519` algorithm (RFC 9864). Building and signing only; reading is in `verify`."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from crossborder.core.keys import ACCEPTED_ALGS, SIGN_ALG, b64url_encode

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_TYPE = "vc+jwt"  # application/vc+jwt
STATUS_ENTRY = "BitstringStatusListEntry"
STATUS_LIST_CREDENTIAL = "BitstringStatusListCredential"
STATUS_LIST = "BitstringStatusList"


def vc_time(at: datetime) -> str:
    """XML Schema dateTimeStamp in UTC to the second, the form VCDM 2.0 examples use."""
    return at.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def new_credential_id() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def status_entries(list_urls: dict[str, str], index: int) -> list[dict[str, Any]]:
    """One entry per purpose, same index in each list (revocation and suspension)."""
    return [
        {
            "id": f"{url}#{index}",
            "type": STATUS_ENTRY,
            "statusPurpose": purpose,
            "statusListIndex": str(index),  # the spec writes the integer as a string
            "statusListCredential": url,
        }
        for purpose, url in list_urls.items()
    ]


def build_credential(
    *,
    credential_id: str,
    issuer: str,
    issuer_name: str,
    credential_type: str,
    scheme: str,
    scheme_title: str,
    operator_country: str,
    subject: dict[str, Any],
    valid_from: datetime,
    valid_until: datetime,
    status: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "@context": [VC_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", credential_type],
        "issuer": {"id": issuer, "name": issuer_name},
        "validFrom": vc_time(valid_from),
        "validUntil": vc_time(valid_until),
        "credentialSubject": {
            **subject,
            "scheme": scheme,
            "schemeTitle": scheme_title,
            "schemeOperatorCountry": operator_country,
        },
        "credentialStatus": status,
    }


def sign(claims: dict[str, Any], kid: str, key: Ed25519PrivateKey, *, alg: str = SIGN_ALG) -> str:
    """Compact JWS of the credential. `alg` other than Ed25519 exists only for tests and the
    benchmark's legacy-header baseline: the platform itself always signs with `Ed25519`."""
    if alg not in ACCEPTED_ALGS:
        raise ValueError(f"{alg} is not an Ed25519 JOSE algorithm")
    # Written by hand (RFC 7515 §7.1) rather than through a JOSE library: issuing a status list or a
    # bulk of credentials is then one Ed25519 signature each; tests check joserfc and PyJWT read it.
    header = json.dumps({"alg": alg, "kid": kid, "typ": VC_TYPE, "cty": "vc"}, separators=(",", ":"))
    payload = json.dumps(claims, separators=(",", ":"), ensure_ascii=False)
    signing_input = f"{b64url_encode(header.encode())}.{b64url_encode(payload.encode())}"
    return f"{signing_input}.{b64url_encode(key.sign(signing_input.encode()))}"
