"""Offline verification of trust credentials in bulk, next to PyJWT in the same run.

    .venv/bin/python bench/trust_verify.py [--credentials 100000] [--issuers 50] [--revoked 0.01] [--workers N]

Builds N credentials (VC 2.0, vc+jwt, Ed25519) from M issuers, revokes a share of them in the
issuers' status lists, then times, all in this process and offline:
  ours        crossborder.trust.verify.verify_many: header, key by issuer and kid, Ed25519 signature,
              VC shape, validity window, both status lists (revocation, suspension)
  PyJWT       jwt.decode(token, key, algorithms=["EdDSA"]) with the key picked by the header's kid:
              signature and JSON only (PyJWT 2.x does not know the RFC 9864 name "Ed25519", so its
              tokens carry the legacy "EdDSA" header: same keys, same claims)
Prints figures; never passes or fails."""

from __future__ import annotations

import argparse
import os
import random
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from crossborder.core.keys import public_jwk
from crossborder.trust.credentials import build_credential, sign, status_entries
from crossborder.trust.status import flip, list_credential, read_list_credential
from crossborder.trust.verify import IssuerKeys, StatusList, verify_many

NOW = datetime.now(UTC)
LIST_BYTES = 131072 // 8
TARGET_RATIO, TARGET_SECONDS = 1.5, 6.0


def build(n: int, issuers: int, revoked_share: float, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    per = -(-n // issuers)
    keys, lists, ours, legacy, pyjwt_keys = {}, {}, [], [], {}
    revoked_total = 0
    jobs = []
    for i in range(issuers):
        key = Ed25519PrivateKey.generate()
        kid = public_jwk(key)[0]
        issuer = f"https://node{i % 10}.example/api/v1/trust/issuers/{i + 1}"
        urls = {p: f"{issuer.replace('/issuers/', '/status/')}/{p}" for p in ("revocation", "suspension")}
        indexes = rng.sample(range(LIST_BYTES * 8), per)
        revoked = set(rng.sample(indexes, round(per * revoked_share)))
        revoked_total += len(revoked)
        bits = bytes(LIST_BYTES)
        for index in revoked:
            bits = flip(bits, index, True)
        keys[issuer] = IssuerKeys(issuer, "VN", {kid: key.public_key()})
        pyjwt_keys[kid] = key.public_key()
        lists[issuer] = [
            sign(list_credential(issuer, urls[p], p, bits if p == "revocation" else bytes(LIST_BYTES), NOW), kid, key)
            for p in urls
        ]
        for index in indexes:
            claims = build_credential(
                credential_id=f"urn:uuid:{rng.getrandbits(128):032x}",
                issuer=issuer,
                issuer_name=f"Trust-mark operator {i + 1}",
                credential_type="TrustMarkCredential",
                scheme="trust_mark",
                scheme_title="ASEAN e-commerce trust mark",
                operator_country="VN",
                subject={"id": f"urn:crossborder:business:VN:{index}", "name": f"Seller {index}", "country": "VN"},
                valid_from=NOW - timedelta(days=30),
                valid_until=NOW + timedelta(days=335),
                status=status_entries(urls, index),
            )
            jobs.append((claims, kid, key))
    jobs = jobs[:n]
    token_keys = [key.public_key() for _, _, key in jobs]

    def make(job: tuple[Any, str, Ed25519PrivateKey]) -> tuple[str, str]:
        claims, kid, key = job
        return sign(claims, kid, key), sign(claims, kid, key, alg="EdDSA")

    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        for token, old in pool.map(make, jobs, chunksize=1000):
            ours.append(token)
            legacy.append(old)
    return {
        "keys": keys,
        "list_tokens": lists,
        "ours": ours,
        "legacy": legacy,
        "pyjwt_keys": pyjwt_keys,
        "token_keys": token_keys,
    }


class SodiumKey:
    """The verifier's key seam (`verify.PublicKey`) over libsodium, for `--sodium`: PyNaCl is not a
    dependency of the project; install it by hand to compare Ed25519 implementations."""

    def __init__(self, raw: bytes) -> None:
        import nacl.bindings

        self._open, self._raw = nacl.bindings.crypto_sign_open, raw

    def verify(self, signature: bytes, data: bytes) -> None:
        from cryptography.exceptions import InvalidSignature

        try:
            self._open(signature + data, self._raw)
        except Exception as exc:  # nacl's BadSignatureError, as cryptography's exception
            raise InvalidSignature from exc


def with_sodium(keys: dict[str, IssuerKeys]) -> dict[str, IssuerKeys]:
    return {
        name: IssuerKeys(k.issuer, k.country, {kid: SodiumKey(pk.public_bytes_raw()) for kid, pk in k.keys.items()})  # type: ignore[attr-defined]
        for name, k in keys.items()
    }


def load_lists(keys: dict[str, IssuerKeys], list_tokens: dict[str, list[str]]) -> dict[str, StatusList]:
    found: dict[str, StatusList] = {}
    for tokens in list_tokens.values():
        for token in tokens:
            read = read_list_credential(token, keys, NOW)
            assert isinstance(read, StatusList), read
            found[read.url] = read
    return found


def time_ours(material: dict[str, Any], tokens: list[str], workers: int) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()
    lists = load_lists(material["keys"], material["list_tokens"])  # fetched lists are checked in the run
    results = verify_many(tokens, material["keys"], lists, NOW, workers=workers)
    elapsed = time.perf_counter() - start
    counts: dict[str, int] = {}
    for r in results:
        counts[r.reasons[0]] = counts.get(r.reasons[0], 0) + 1
    return elapsed, counts


def time_pyjwt(material: dict[str, Any], tokens: list[str], workers: int, *, lookup: bool = True) -> float:
    keys = material["pyjwt_keys"]
    known = material["token_keys"]  # lookup=False: each token's key handed over, no header read

    def run(chunk: list[tuple[int, str]]) -> int:
        ok = 0
        for i, token in chunk:
            key = keys[jwt.get_unverified_header(token)["kid"]] if lookup else known[i]
            jwt.decode(token, key, algorithms=["EdDSA"])
            ok += 1
        return ok

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyJWT flags EdDSA as deprecated in favour of Ed25519
        start = time.perf_counter()
        numbered = list(enumerate(tokens))
        if workers <= 1:
            done = run(numbered)
        else:
            size = -(-len(tokens) // (workers * 8))
            with ThreadPoolExecutor(workers) as pool:
                done = sum(pool.map(run, [numbered[i : i + size] for i in range(0, len(tokens), size)]))
        elapsed = time.perf_counter() - start
    assert done == len(tokens)
    return elapsed


def time_signatures_only(material: dict[str, Any], workers: int) -> float:
    """Only the Ed25519 verifications of the same tokens (signing input and signature decoded
    beforehand): the hardware's floor for any verifier of these credentials on this machine."""
    import base64

    jobs = []
    for token, key in zip(material["ours"], material["token_keys"], strict=True):
        head, _, sig = token.rpartition(".")
        jobs.append((key, base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)), head.encode()))

    def run(chunk: list[tuple[Any, bytes, bytes]]) -> None:
        for key, signature, data in chunk:
            key.verify(signature, data)

    size = -(-len(jobs) // max(workers, 1))
    start = time.perf_counter()
    with ThreadPoolExecutor(max(workers, 1)) as pool:
        list(pool.map(run, [jobs[i : i + size] for i in range(0, len(jobs), size)]))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--credentials", type=int, default=100_000)
    parser.add_argument("--issuers", type=int, default=50)
    parser.add_argument("--revoked", type=float, default=0.01)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, default=20260102)
    parser.add_argument("--sodium", action="store_true", help="also time ours with libsodium (needs PyNaCl)")
    args = parser.parse_args()
    n = args.credentials
    print(f"building {n:,} credentials from {args.issuers} issuers, {args.revoked:.0%} revoked ...", flush=True)
    t0 = time.perf_counter()
    material = build(n, args.issuers, args.revoked, args.seed)
    print(f"  built in {time.perf_counter() - t0:.1f} s (both header variants); cpus={os.cpu_count()}", flush=True)

    rows = []
    for label, tokens, workers in (
        ("ours, Ed25519 header, 1 thread", material["ours"], 1),
        (f"ours, Ed25519 header, {args.workers} threads", material["ours"], args.workers),
        (f"ours, EdDSA header (PyJWT's tokens), {args.workers} threads", material["legacy"], args.workers),
    ):
        elapsed, counts = time_ours(material, tokens, workers)
        rows.append((label, elapsed))
        print(f"  {label:<52} {n / elapsed:>9,.0f} credentials/s  {elapsed:6.2f} s  {counts}", flush=True)
    for workers in (1, args.workers):
        elapsed = time_pyjwt(material, material["legacy"], workers)
        rows.append((f"PyJWT {workers}", elapsed))
        label = f"PyJWT decode, EdDSA header, {workers} thread{'s' if workers > 1 else ''}"
        print(f"  {label:<52} {n / elapsed:>9,.0f} credentials/s  {elapsed:6.2f} s", flush=True)
    # PyJWT's kid lookup reads the header a second time; without it (key known in advance) it does less.
    elapsed = time_pyjwt(material, material["legacy"], 1, lookup=False)
    rows.append(("PyJWT known key", elapsed))
    label = "PyJWT decode, key known in advance, 1 thread"
    print(f"  {label:<52} {n / elapsed:>9,.0f} credentials/s  {elapsed:6.2f} s", flush=True)

    if args.sodium:
        sodium = {**material, "keys": with_sodium(material["keys"])}
        for workers in (1, args.workers):
            elapsed, counts = time_ours(sodium, material["ours"], workers)
            label = f"ours, libsodium Ed25519 (PyNaCl), {workers} thread{'s' if workers > 1 else ''}"
            rows.append((f"sodium {workers}", elapsed))
            print(f"  {label:<52} {n / elapsed:>9,.0f} credentials/s  {elapsed:6.2f} s  {counts}", flush=True)

    floor = time_signatures_only(material, args.workers)
    print(
        f"  {'floor: Ed25519 signature checks alone, ' + str(args.workers) + ' threads':<52} "
        f"{n / floor:>9,.0f} signatures/s    {floor:6.2f} s  (no parsing, no status: the least any verifier pays)",
        flush=True,
    )

    timing = dict(rows)
    best = timing[f"ours, Ed25519 header, {args.workers} threads"]
    print()
    print(
        f"ours ({args.workers} threads) vs PyJWT (1 thread):  {timing['PyJWT 1'] / best:.2f}x"
        f"  (target >= {TARGET_RATIO}x)"
    )
    print(
        f"ours ({args.workers} threads) vs PyJWT ({args.workers} threads): "
        f"{timing[f'PyJWT {args.workers}'] / best:.2f}x  (same parallelism)"
    )
    print(f"ours 1 thread vs PyJWT 1 thread:           {timing['PyJWT 1'] / rows[0][1]:.2f}x")
    print(f"ours ({args.workers} threads) vs PyJWT, key known:   {timing['PyJWT known key'] / best:.2f}x")
    print(f"{n:,} credentials in {best:.2f} s  (target <= {TARGET_SECONDS} s for 100,000)")


if __name__ == "__main__":
    main()
