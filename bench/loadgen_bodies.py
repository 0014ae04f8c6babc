"""Variants of loadgen.run_open_loop / run_closed_loop that send a different body with every
request (`body_for(i) -> bytes`), e.g. a unique client reference per declaration.

Same rules as loadgen.py: loopback only, bounded by count and time, open-loop latency measured
from the *scheduled* send time (no coordinated omission). Also counts responses by status and
keeps the first non-2xx body, so a benchmark can show why requests failed."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from loadgen import Result, _request


@dataclass
class BodyResult(Result):
    statuses: Counter[int] = field(default_factory=Counter)
    first_error: str = ""


async def _read(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return status, body


def _check_loopback(host: str) -> None:
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("benchmarks target loopback only")


async def run_open_loop_bodies(
    host: str,
    port: int,
    path: str,
    body_for: Callable[[int], bytes],
    *,
    rate: float,
    seconds: float,
    connections: int = 32,
    method: str = "POST",
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
    prebuild: bool = True,
) -> BodyResult:
    """Send `rate` requests/s for `seconds`, request i carrying body_for(i). Bodies are built
    before the clock starts (prebuild) so building them adds no jitter."""
    _check_loopback(host)
    total = int(rate * seconds)
    bodies = [body_for(i) for i in range(total)] if prebuild else None
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection(host, port))
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    first_error = ""
    start = time.perf_counter()

    async def one(i: int, scheduled: float) -> None:
        nonlocal errors, first_error
        reader, writer = await pool.get()
        try:
            body = bodies[i] if bodies is not None else body_for(i)
            writer.write(_request(method, path, f"{host}:{port}", body, headers))
            status, text = await asyncio.wait_for(_read(reader), timeout)
            statuses[status] += 1
            if 200 <= status < 300:
                latencies.append((time.perf_counter() - scheduled) * 1000)
            else:
                errors += 1
                first_error = first_error or f"{status} {text[:400].decode('utf-8', 'replace')}"
            pool.put_nowait((reader, writer))
        except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError) as exc:
            errors += 1
            statuses[0] += 1
            first_error = first_error or f"{type(exc).__name__}: {exc}"
            writer.close()
            pool.put_nowait(await asyncio.open_connection(host, port))

    tasks = []
    for i in range(total):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, scheduled)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    while not pool.empty():
        _, writer = pool.get_nowait()
        writer.close()
    return BodyResult(total, len(latencies), errors, elapsed, latencies, statuses, first_error)


async def run_closed_loop_bodies(
    host: str,
    port: int,
    path: str,
    body_for: Callable[[int], bytes],
    *,
    seconds: float,
    connections: int = 16,
    method: str = "POST",
    headers: dict[str, str] | None = None,
    offset: int = 0,
) -> BodyResult:
    """As fast as the server answers, `connections` requests in flight; request numbers start
    at `offset` (so successive runs can keep references unique)."""
    _check_loopback(host)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    sent = 0
    first_error = ""
    deadline = time.perf_counter() + seconds

    async def worker(c: int) -> None:
        nonlocal errors, sent, first_error
        reader, writer = await asyncio.open_connection(host, port)
        i = offset + c
        while time.perf_counter() < deadline:
            body = body_for(i)
            t0 = time.perf_counter()
            writer.write(_request(method, path, f"{host}:{port}", body, headers))
            sent += 1
            status, text = await _read(reader)
            statuses[status] += 1
            if 200 <= status < 300:
                latencies.append((time.perf_counter() - t0) * 1000)
            else:
                errors += 1
                first_error = first_error or f"{status} {text[:400].decode('utf-8', 'replace')}"
            i += connections
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in range(connections)))
    return BodyResult(sent, len(latencies), errors, time.perf_counter() - start, latencies, statuses, first_error)
