"""Run a few Python processes at once against the test database, the way uvicorn workers share it:
each gets this environment (so the same CROSSBORDER_DATABASE_URL), reports ready, and all start
their work together once every one is ready (imports take a while; overlap is the point)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRELUDE = """
import sys, time
from pathlib import Path
_start = Path(sys.argv[1])
(_start.parent / f"ready-{sys.argv[2]}").touch()
while not _start.exists():
    time.sleep(0.01)
"""


def run_together(script: str, names: list[str], folder: Path, *args: str) -> list[tuple[int, str, str]]:
    """Run SCRIPT once per name (argv: start file, name, *ARGS); returns (exit code, stdout, stderr)."""
    start = folder / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    procs = [
        subprocess.Popen(  # noqa: S603  (this interpreter, a script written by the test)
            [sys.executable, "-c", PRELUDE + script, str(start), name, *args],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    while not all((folder / f"ready-{n}").exists() or p.poll() is not None for n, p in zip(names, procs, strict=True)):
        time.sleep(0.05)
    start.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        results.append((proc.returncode, out, err))
    return results
