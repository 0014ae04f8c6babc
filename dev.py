#!/usr/bin/env python3
"""Bootstrap for a fresh machine that has only python3.

    python3 dev.py serve   # venv + install + migrate + demo data + http://127.0.0.1:8000
    python3 dev.py test    # venv + install (with test tools) + the whole test suite
    python3 dev.py openapi # regenerate the committed API contract (docs/openapi.json)

Installs are pinned by constraints.txt and skipped when nothing changed."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
CHROMIUM = Path("/usr/bin/chromium")
NOTO_FONT = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, env=env)


def ensure_venv(extras: str) -> None:
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + (ROOT / "constraints.txt").read_bytes())
    if stamp.exists() and stamp.read_text() == wanted.hexdigest():
        return
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    run(PY, "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "-e", target)
    stamp.write_text(wanted.hexdigest())


def ensure_system_packages() -> None:
    """Browser tests drive Debian's Chromium and PDF rendering needs Unicode fonts (Thai, Khmer,
    Lao, Burmese, Vietnamese); install what is missing when we can (root with apt)."""
    wanted = {CHROMIUM: "chromium", NOTO_FONT: "fonts-noto-core"}
    missing = [package for path, package in wanted.items() if not path.exists()]
    if not missing:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        run("apt-get", "update", "-q")
        run("apt-get", "install", "-y", "-q", *missing)
    else:
        print(f"note: {', '.join(missing)} missing and cannot be installed here; tests that need them are skipped")


def serve(extra: list[str]) -> None:
    ensure_venv("")
    os.execv(str(VENV / "bin" / "crossborder"), ["crossborder", "serve", *extra])


def test(extra: list[str]) -> None:
    ensure_venv("test")
    ensure_system_packages()
    run(VENV / "bin" / "ruff", "check", "src", "tests", "bench", "dev.py")
    run(VENV / "bin" / "mypy", "src")
    run(PY, "-m", "pytest", "-q", *extra)


def openapi(extra: list[str]) -> None:
    """Regenerate the committed API contract docs/openapi.json."""
    ensure_venv("")
    code = (
        "import json, sys; from crossborder.app import create_app; "
        "sys.stdout.write(json.dumps(create_app().openapi(), indent=2, sort_keys=True) + chr(10))"
    )
    env = {**os.environ, "CROSSBORDER_VAR_DIR": str(ROOT / "var"), "CROSSBORDER_LOG_LEVEL": "WARNING"}
    out = subprocess.run([str(PY), "-c", code], check=True, cwd=ROOT, env=env, capture_output=True, text=True)
    (ROOT / "docs" / "openapi.json").write_text(out.stdout, encoding="utf-8")
    print("wrote docs/openapi.json")


def main() -> None:
    commands = {"serve": serve, "test": test, "openapi": openapi}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(commands)}}} [args…]")
    try:
        commands[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main()
