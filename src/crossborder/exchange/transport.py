"""The seam between the delivery worker and the network: a small Protocol, the real httpx
implementation, and (in tests) a fake that plays a receiver without sockets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

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
