"""The database-backed fixed-window limiter: counts per client and scope, resets with the window,
refuses with the seconds left, and keeps no client address in clear."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crossborder.core.ratelimit import Limit, RateLimited, RateLimitWindow, hit

LIMIT = Limit("test.scope", hits=2, window_seconds=60)


def test_counts_refuses_and_resets_with_the_window(db: Session) -> None:
    start = 1_800_000_000 - 1_800_000_000 % 60
    assert hit(db, LIMIT, "198.51.100.7", now=start + 1) == 1
    assert hit(db, LIMIT, "198.51.100.7", now=start + 2) == 0
    with pytest.raises(RateLimited) as caught:
        hit(db, LIMIT, "198.51.100.7", now=start + 50)
    assert caught.value.status == 429 and caught.value.retry_after == 10
    assert hit(db, LIMIT, "203.0.113.9", now=start + 50) == 1  # another client has its own count
    assert hit(db, Limit("other.scope", 2, 60), "198.51.100.7", now=start + 50) == 1  # and another scope
    assert hit(db, LIMIT, "198.51.100.7", now=start + 61) == 1  # the next window starts afresh
    db.commit()
    buckets = db.execute(select(RateLimitWindow.bucket)).scalars().all()
    assert buckets and all("198.51" not in b for b in buckets)


def test_a_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Limit("x", 0, 60)
