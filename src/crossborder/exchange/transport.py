"""The seam between the delivery worker and the network: a small Protocol, the real implementations
(keep-alive connections per sending thread, or httpx), and (in tests) a fake that plays a receiver
without sockets."""

from __future__ import annotations

import http.client
import threading
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

import httpx


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes


class TransportError(Exception):
    """The receiver could not be reached, or the connection broke before a full answer."""


class Transport(Protocol):
    def post(self, url: str, body: bytes, timeout: float) -> Reply: ...

    def close(self) -> None: ...


class HttpxTransport:
    """One pooled client shared by the worker's threads (httpx.Client is thread-safe). No proxy from
    the environment and no redirects: a message goes to the registered endpoint or nowhere."""

    def __init__(self, connections: int) -> None:
        self._client = httpx.Client(
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
            trust_env=False,
            follow_redirects=False,
        )

    def post(self, url: str, body: bytes, timeout: float) -> Reply:
        try:
            answer = self._client.post(url, content=body, headers={"content-type": "application/json"}, timeout=timeout)
        except httpx.HTTPError as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from None
        return Reply(answer.status_code, answer.headers.get("content-type", ""), answer.content)

    def close(self) -> None:
        self._client.close()


_Connection = http.client.HTTPConnection  # HTTPSConnection is a subclass
_BROKEN = (http.client.HTTPException, OSError)  # TimeoutError and ConnectionError are OSErrors


class KeepAliveTransport:
    """One persistent HTTP/1.1 connection per sending thread and receiver origin, on the standard
    library's http.client: a fraction of httpx's CPU per request, which matters because the worker
    signs, posts and verifies under one GIL. Like HttpxTransport: no proxy from the environment and
    no redirects (a 3xx is an answer like any other, so not a receipt).

    A connection the receiver closed while idle fails on reuse; the post is then sent once more on
    a fresh connection. Sending a message twice is safe: the receiver is idempotent on the message
    id and answers the first receipt."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._all: list[_Connection] = []
        self._lock = threading.Lock()

    def _connection(self, origin: tuple[str, str, int], timeout: float) -> _Connection:
        mine: dict[tuple[str, str, int], _Connection] = self._local.__dict__.setdefault("connections", {})
        conn = mine.get(origin)
        if conn is None:
            scheme, host, port = origin
            made = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            conn = mine[origin] = made(host, port, timeout=timeout)
            with self._lock:
                self._all.append(conn)
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn

    def _drop(self, origin: tuple[str, str, int]) -> None:
        conn = self._local.__dict__.get("connections", {}).pop(origin, None)
        if conn is not None:
            conn.close()
            with self._lock:
                if conn in self._all:
                    self._all.remove(conn)

    def post(self, url: str, body: bytes, timeout: float) -> Reply:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TransportError(f"InvalidURL: {url}")
        origin = (parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"content-type": "application/json", "accept": "application/json"}
        for attempt in (1, 2):
            conn = self._connection(origin, timeout)
            reused = conn.sock is not None
            try:
                conn.request("POST", target, body=body, headers=headers)
                answer = conn.getresponse()
                content = answer.read()
            except TimeoutError as exc:  # the receiver is slow, not gone: no second post now
                self._drop(origin)
                raise TransportError(f"ReadTimeout: {exc}") from None
            except _BROKEN as exc:
                self._drop(origin)
                if reused and attempt == 1:  # most likely closed by the receiver while idle
                    continue
                raise TransportError(f"{type(exc).__name__}: {exc}") from None
            if answer.will_close:
                self._drop(origin)
            return Reply(answer.status, answer.getheader("content-type", "") or "", content)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        with self._lock:
            connections, self._all = self._all, []
        for conn in connections:
            conn.close()
