"""A small open-loop HTTP/1.1 load generator for loopback benchmarks (stdlib asyncio only).

Requests are scheduled at a fixed rate and latency is measured from the *scheduled* send
time, so a stalled server cannot hide its queueing delay (no coordinated omission).
Bounded by count and time; it stops by itself."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass


@dataclass
class Result:
    sent: int
    ok: int
    errors: int
    seconds: float
    latencies_ms: list[float]

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


async def _read_response(reader: asyncio.StreamReader) -> int:
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
    if length:
        await reader.readexactly(length)
    return status


def _request(method: str, path: str, host: str, body: bytes | None, headers: dict[str, str] | None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


async def run_open_loop(
    host: str,
    port: int,
    paths: list[str],
    *,
    rate: float,
    seconds: float,
    connections: int = 32,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
) -> Result:
    """Send `rate` requests/s for `seconds`, spread over a pool of keep-alive connections."""
    total = int(rate * seconds)
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection(host, port))
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()

    async def one(i: int, scheduled: float) -> None:
        nonlocal errors
        reader, writer = await pool.get()
        try:
            writer.write(_request(method, paths[i % len(paths)], f"{host}:{port}", body, headers))
            status = await asyncio.wait_for(_read_response(reader), timeout)
            if 200 <= status < 300:
                latencies.append((time.perf_counter() - scheduled) * 1000)
            else:
                errors += 1
            pool.put_nowait((reader, writer))
        except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError):
            errors += 1
            writer.close()
            pool.put_nowait(await asyncio.open_connection(host, port))

    # A dispatcher starts each request at its scheduled instant (tasks are created lazily,
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
    return Result(total, len(latencies), errors, elapsed, latencies)


async def run_closed_loop(
    host: str,
    port: int,
    paths: list[str],
    *,
    seconds: float,
    connections: int = 16,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Result:
    """As fast as the server answers, `connections` requests in flight: the throughput ceiling."""
    latencies: list[float] = []
    errors = 0
    sent = 0
    deadline = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal errors, sent
        reader, writer = await asyncio.open_connection(host, port)
        i = offset
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            writer.write(_request(method, paths[i % len(paths)], f"{host}:{port}", body, headers))
            sent += 1
            status = await _read_response(reader)
            if 200 <= status < 300:
                latencies.append((time.perf_counter() - t0) * 1000)
            else:
                errors += 1
            i += connections
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in range(connections)))
    return Result(sent, len(latencies), errors, time.perf_counter() - start, latencies)
