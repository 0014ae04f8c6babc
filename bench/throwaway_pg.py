"""A throw-away PostgreSQL cluster for benches: Debian's binaries, run as the postgres user (it
refuses root), on a loopback port, in a temporary directory removed afterwards. fsync is off: the
benches measure queries, not durability."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def throwaway_cluster(port: int, shared_buffers: str = "256MB") -> Iterator[str]:
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    data = Path(tempfile.mkdtemp(prefix="cb-bench-pg."))
    shutil.chown(data, "postgres", "postgres")
    run = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*run, str(pgbin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    subprocess.run([*run, str(pgbin / "pg_ctl"), "-D", str(data), "-w", "-l", str(data / "log"), "-o",
                    f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={data} -c fsync=off "
                    f"-c shared_buffers={shared_buffers} -c work_mem=64MB", "start"],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    try:
        subprocess.run(
            [*run, str(pgbin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "bench"], check=True
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/bench"
    finally:
        subprocess.run([*run, str(pgbin / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], stdout=subprocess.DEVNULL)
        shutil.rmtree(data, ignore_errors=True)
