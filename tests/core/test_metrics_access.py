"""/metrics is answered to a scraper on this host, or anywhere to one presenting the configured
metrics token; to nobody else."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from crossborder.core import metrics

PROBLEM = "application/problem+json"


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("CROSSBORDER_METRICS_TOKEN", "scrape-me-7f3a")
    metrics.reset()
    yield "scrape-me-7f3a"
    monkeypatch.delenv("CROSSBORDER_METRICS_TOKEN")
    metrics.reset()


def test_without_a_token_only_this_host_reads_the_metrics(client: TestClient) -> None:
    remote = client.get("/metrics")  # TestClient's peer is "testclient", not a loopback address
    assert remote.status_code == 403 and remote.headers["content-type"] == PROBLEM
    assert "crossborder_http_requests_total" not in remote.text
    for host in ("127.0.0.1", "::1"):
        with TestClient(client.app, client=(host, 50000)) as local:
            assert "crossborder_http_requests_total" in local.get("/metrics").text


def test_with_a_token_the_scraper_must_present_it(client: TestClient, token: str) -> None:
    assert client.get("/metrics", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    for header in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": token}, {"Authorization": "Basic x"}):
        refused = client.get("/metrics", headers=header)
        assert refused.status_code == 401 and refused.headers["content-type"] == PROBLEM, header
    with TestClient(client.app, client=("127.0.0.1", 50000)) as local:
        assert local.get("/metrics").status_code == 401  # a token set: this host presents it too
