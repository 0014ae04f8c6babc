"""Real nodes for multi-node tests and the bench: each a `crossborder serve` subprocess on a free
loopback port with its own SQLite database, var dir and secret, and helpers to run the CLI
against a node and wait (by polling, with a deadline) for its health."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Node:
    node_id: str
    country: str
    home: Path
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    credentials: dict[str, str] = field(default_factory=dict)  # API keys made by `setup`
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.home / "node.sqlite3"

    def env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith("CROSSBORDER_")}
        return {
            **keep,
            "CROSSBORDER_VAR_DIR": str(self.home),
            "CROSSBORDER_DATABASE_URL": f"sqlite:///{self.database}",
            "CROSSBORDER_SECRET_KEY": f"secret-of-{self.node_id}-for-tests-only",
            "CROSSBORDER_NODE_ID": self.node_id,
            "CROSSBORDER_NODE_COUNTRY": self.country,
            "CROSSBORDER_NODE_URL": self.url,
            "CROSSBORDER_LOG_LEVEL": "WARNING",
            **self.extra_env,
        }

    def start(self, workers: int = 1) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        log = (self.home / "server.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line: this interpreter, our own CLI
            [
                sys.executable,
                "-m",
                "crossborder.cli",
                "serve",
                "--port",
                str(self.port),
                "--no-demo",
                "--workers",
                str(workers),
            ],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_healthy(self, deadline_seconds: float = 90.0) -> None:
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.node_id} exited: {(self.home / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"{self.node_id} not healthy within {deadline_seconds} s")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=15)
        self.process = None

    def make_credentials(self) -> None:
        """An authority of the node's member state with an admin key (registry) and a customs officer
        key (outbox, status), written straight into the node's database (migrated by `serve`):
        another CLI process per key would cost seconds of start-up each."""
        from sqlalchemy.orm import Session

        from crossborder.core.access import service as access
        from crossborder.core.access.principal import CLI
        from crossborder.core.db import make_engine

        engine = make_engine(f"sqlite:///{self.database}")
        try:
            with Session(engine) as session:
                org = access.create_organisation(
                    session, CLI, name=f"Customs {self.country}", kind="customs_authority", country=self.country
                )
                admin = access.create_api_key(session, CLI, organisation_id=org.id, name="registry", role="admin")
                officer = access.create_api_key(
                    session, CLI, organisation_id=org.id, name="exchange", role="customs_officer"
                )
                session.commit()
        finally:
            engine.dispose()
        self.credentials = {"admin": admin.token, "officer": officer.token}
