"""The exchange capability's settings: this node's identity from the environment (CROSSBORDER_NODE_*),
operational choices from data/settings.yaml, each overridable by its CROSSBORDER_EXCHANGE_* variable."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from crossborder.core.errors import ReferenceDataError

DATA_DIR = Path(__file__).resolve().parent / "data"
NODE_ID_PATTERN = r"^[a-z0-9][a-z0-9.-]{1,62}$"
INBOX_PATH = "/api/v1/exchange/messages"  # fixed: peers post here, and it has its own body limit
# Several small messages in one post (the node's ordinary body limit applies): a sender that finds no
# such route (an older node) posts them one by one.
INBOX_BATCH_PATH = INBOX_PATH + "/batch"


@dataclass(frozen=True)
class ExchangeSettings:
    node_id: str
    country: str
    endpoint: str
    replay_window_seconds: int
    clock_skew_seconds: int
    max_payload_bytes: int
    max_token_bytes: int
    retry_base_seconds: float
    retry_max_seconds: float
    attempt_limit: int
    lease_seconds: int
    batch_size: int
    concurrency: int
    batches_in_flight: int
    post_batch: int
    timeout_seconds: float
    poll_seconds: float
    loopback_only: bool
    key_cache_seconds: int
    registry_cache_seconds: float
    worker_enabled: bool

    @property
    def max_body_bytes(self) -> int:
        """The inbox's request limit: the payload in base64 (4/3) plus the envelope and JSON around it."""
        return self.max_payload_bytes * 4 // 3 + self.max_token_bytes + 4096

    @property
    def posts_in_flight(self) -> int:
        """Posts one worker has in flight: `concurrency` counts messages, which travel `post_batch` to a
        post, so the receiver sees the same load, and each message waits behind as few others."""
        return max(1, -(-self.concurrency // max(1, self.post_batch)))


def _env(name: str, default: Any) -> str:
    return os.environ.get(name) or str(default)


@lru_cache(maxsize=1)
def exchange_settings() -> ExchangeSettings:
    raw = yaml.safe_load((DATA_DIR / "settings.yaml").read_text(encoding="utf-8"))
    try:
        envelope, delivery = raw["envelope"], raw["delivery"]
        made = ExchangeSettings(
            node_id=_env("CROSSBORDER_NODE_ID", "node.local"),
            country=_env("CROSSBORDER_NODE_COUNTRY", "ASEAN"),
            endpoint=_env("CROSSBORDER_NODE_URL", raw["node"]["endpoint"]).rstrip("/"),
            replay_window_seconds=int(envelope["replay_window_seconds"]),
            clock_skew_seconds=int(envelope["clock_skew_seconds"]),
            max_payload_bytes=int(_env("CROSSBORDER_EXCHANGE_MAX_PAYLOAD_BYTES", envelope["max_payload_bytes"])),
            max_token_bytes=int(envelope["max_token_bytes"]),
            retry_base_seconds=float(_env("CROSSBORDER_EXCHANGE_RETRY_BASE_SECONDS", delivery["retry_base_seconds"])),
            retry_max_seconds=float(_env("CROSSBORDER_EXCHANGE_RETRY_MAX_SECONDS", delivery["retry_max_seconds"])),
            attempt_limit=int(_env("CROSSBORDER_EXCHANGE_ATTEMPT_LIMIT", delivery["attempt_limit"])),
            lease_seconds=int(delivery["lease_seconds"]),
            batch_size=int(delivery["batch_size"]),
            concurrency=int(delivery["concurrency"]),
            batches_in_flight=int(delivery["batches_in_flight"]),
            # Messages per post to a receiver's batch inbox (1: every message alone).
            post_batch=int(_env("CROSSBORDER_EXCHANGE_POST_BATCH", delivery.get("post_batch", 8))),
            timeout_seconds=float(delivery["timeout_seconds"]),
            poll_seconds=float(_env("CROSSBORDER_EXCHANGE_POLL_SECONDS", delivery["poll_seconds"])),
            loopback_only=_env("CROSSBORDER_EXCHANGE_LOOPBACK_ONLY", "1" if delivery["loopback_only"] else "0") == "1",
            key_cache_seconds=int(raw["keys"]["cache_seconds"]),
            registry_cache_seconds=float(raw["registry"]["cache_seconds"]),
            worker_enabled=os.environ.get("CROSSBORDER_EXCHANGE_WORKER", "0") == "1",
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ReferenceDataError("exchange/data/settings.yaml (or CROSSBORDER_EXCHANGE_*)", "", str(exc)) from None
    if not re.match(NODE_ID_PATTERN, made.node_id):
        raise ReferenceDataError("CROSSBORDER_NODE_ID", "", f"{made.node_id!r} must match {NODE_ID_PATTERN}")
    if made.post_batch < 1:
        raise ReferenceDataError("exchange/data/settings.yaml", "delivery", "post_batch must be at least 1")
    if made.attempt_limit < 1 or made.retry_base_seconds <= 0 or made.retry_max_seconds < made.retry_base_seconds:
        raise ReferenceDataError("exchange/data/settings.yaml", "delivery", "need limit >= 1 and 0 < base <= max")
    return made
