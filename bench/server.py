"""Starts the platform in a child process on a free loopback port for a benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_platform(
    workers: int = 1, app: str = "crossborder.app:create_app"
) -> Iterator[tuple[str, int, dict[str, str]]]:
    tmp = Path(tempfile.mkdtemp(prefix="crossborder-bench-"))
    env = {**os.environ, "CROSSBORDER_VAR_DIR": str(tmp), "CROSSBORDER_LOG_LEVEL": "WARNING"}
    env.setdefault("CROSSBORDER_DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    subprocess.run(
        [sys.executable, "-m", "crossborder.cli", "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("platform did not start") from None
                time.sleep(0.2)
        yield "127.0.0.1", port, env
    finally:
        proc.terminate()
        proc.wait(timeout=20)
