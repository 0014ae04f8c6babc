"""A small HTTP/1.1 load generator for loopback benchmarks (stdlib asyncio only): one open loop and
one closed loop, each sending request i as `request_for(i) -> (path, body)`.

Open loop: requests are scheduled at a fixed rate and latency is measured from each request's
*scheduled* send time, so a stalled server cannot hide its queueing delay (no coordinated
omission); it is bounded by count, so an overloaded server makes it last longer, never forever.
Closed loop: `connections` requests in flight, as fast as the server answers (the ceiling).
Both count responses by status and keep the first non-2xx body. Loopback only."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

RequestFor = Callable[[int], tuple[str, bytes | None]]
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class Result:
    sent: int
    ok: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    statuses: Counter[int] = field(default_factory=Counter)
    first_error: str = ""

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]

    def line(self, label: str) -> str:
        return (
            f"{label}: {self.ok}/{self.sent} ok, {self.rps:.0f} req/s, p50 {self.pct(50):.2f} ms, "
            f"p99 {self.pct(99):.2f} ms, max {max(self.latencies_ms, default=float('nan')):.2f} ms, "
            f"mean {statistics.fmean(self.latencies_ms) if self.latencies_ms else float('nan'):.2f} ms"
        )


class _Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.errors = 0
        self.first_error = ""

    def answer(self, status: int, body: bytes, since: float) -> None:
        self.statuses[status] += 1
        if 200 <= status < 300:
            self.latencies.append((time.perf_counter() - since) * 1000)
        else:
            self.errors += 1
            self.first_error = self.first_error or f"{status} {body[:400].decode('utf-8', 'replace')}"

    def failure(self, exc: BaseException) -> None:
        self.errors += 1
        self.statuses[0] += 1
        self.first_error = self.first_error or f"{type(exc).__name__}: {exc}"

    def result(self, sent: int, seconds: float) -> Result:
        return Result(sent, len(self.latencies), self.errors, seconds, self.latencies, self.statuses, self.first_error)


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


def _request(method: str, target: tuple[str, bytes | None], host: str, headers: dict[str, str] | None) -> bytes:
    path, body = target
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    lines.extend(f"{k}: {v}" for k, v in (headers or {}).items())
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


def _check_loopback(host: str) -> None:
    if host not in LOOPBACK:
        raise ValueError("benchmarks target loopback only")


async def open_loop(
    host: str,
    port: int,
    request_for: RequestFor,
    *,
    rate: float,
    seconds: float,
    connections: int = 32,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
) -> Result:
    """Send `rate` requests/s for `seconds` over a pool of keep-alive connections. Requests are
    encoded before the clock starts, so building them adds no jitter."""
    _check_loopback(host)
    total = int(rate * seconds)
    wire = [_request(method, request_for(i), f"{host}:{port}", headers) for i in range(total)]
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection(host, port))
    tally = _Tally()
    start = time.perf_counter()

    async def one(i: int, scheduled: float) -> None:
        reader, writer = await pool.get()
        try:
            writer.write(wire[i])
            status, body = await asyncio.wait_for(_read(reader), timeout)
            tally.answer(status, body, scheduled)
            pool.put_nowait((reader, writer))
        except (TimeoutError, OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
            tally.failure(exc)
            writer.close()
            pool.put_nowait(await asyncio.open_connection(host, port))

    # The dispatcher starts each request at its scheduled instant (tasks are created lazily,
    # so the generator itself stays small and does not add jitter of its own).
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
    return tally.result(total, elapsed)


async def closed_loop(
    host: str,
    port: int,
    request_for: RequestFor,
    *,
    seconds: float,
    connections: int = 16,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    offset: int = 0,
) -> Result:
    """As fast as the server answers, `connections` requests in flight: the throughput ceiling.
    Request numbers start at `offset` (so successive runs can keep them unique)."""
    _check_loopback(host)
    tally = _Tally()
    sent = 0
    deadline = time.perf_counter() + seconds

    async def worker(c: int) -> None:
        nonlocal sent
        reader, writer = await asyncio.open_connection(host, port)
        i = offset + c
        while time.perf_counter() < deadline:
            wire = _request(method, request_for(i), f"{host}:{port}", headers)
            t0 = time.perf_counter()
            writer.write(wire)
            sent += 1
            status, body = await _read(reader)
            tally.answer(status, body, t0)
            i += connections
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in range(connections)))
    return tally.result(sent, time.perf_counter() - start)


def bodies(path: str, body_for: Callable[[int], bytes]) -> RequestFor:
    """Request i: POST-style, one path, body_for(i) (e.g. a unique client reference per request)."""
    return lambda i: (path, body_for(i))


def rotating(paths: Sequence[str], body: bytes | None = None) -> RequestFor:
    """Request i: paths[i % len(paths)], the same body every time."""
    return lambda i: (paths[i % len(paths)], body)


async def run_open_loop(
    host: str,
    port: int,
    paths: Sequence[str],
    *,
    rate: float,
    seconds: float,
    connections: int = 32,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Result:
    """`open_loop` over rotating paths (the shape of GET benchmarks)."""
    request_for = rotating(paths, body)
    return await open_loop(
        host, port, request_for, rate=rate, seconds=seconds, connections=connections, method=method, headers=headers
    )


async def run_closed_loop(
    host: str,
    port: int,
    paths: Sequence[str],
    *,
    seconds: float,
    connections: int = 16,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Result:
    """`closed_loop` over rotating paths."""
    request_for = rotating(paths, body)
    return await closed_loop(
        host, port, request_for, seconds=seconds, connections=connections, method=method, headers=headers
    )
