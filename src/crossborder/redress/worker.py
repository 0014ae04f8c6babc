"""The redress worker: a daemon thread of the serving process that, every poll interval, moves cases
whose deadline passed (sweep.py) and sends the mail outbox (core/mail.py). On by default under
`crossborder serve`; CROSSBORDER_REDRESS_WORKER=0 turns it off (e.g. when a separate process runs
`crossborder redress sweep` and `crossborder mail send` from cron)."""

from __future__ import annotations

import logging
import os
import threading

from crossborder.core import mail
from crossborder.core.db import get_sessionmaker
from crossborder.redress import sweep

log = logging.getLogger(__name__)


def enabled() -> bool:
    return os.environ.get("CROSSBORDER_REDRESS_WORKER", "0") == "1"


def poll_seconds() -> float:
    return float(os.environ.get("CROSSBORDER_REDRESS_POLL_SECONDS", "30"))


class RedressWorker:
    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="redress-worker", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                factory = get_sessionmaker()
                sweep.sweep(factory)
                mail.deliver_due(factory)
            except Exception:  # the loop must survive a bad round; the next one retries
                log.exception("redress worker round failed")
            self._stop.wait(poll_seconds())

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)
