#!/usr/bin/env python3
"""Set-up and everyday commands; needs only Python 3.10+ and pip.

    python3 tasks.py extract   # build .venv if needed, run the pipeline on corpus/ -> out/
    python3 tasks.py test      # build .venv if needed, run the test suite
"""
from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("KHABAR_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".khabar-installed"


def ensure_env() -> None:
    """Create the virtual environment and install Khabar with its pinned CPU torch."""
    deps = (ROOT / "pyproject.toml").read_bytes() + (ROOT / "constraints.txt").read_bytes()
    if STAMP.exists() and STAMP.read_bytes() == deps:
        return
    if not (BIN / "python").exists():
        print(f"tasks: creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("tasks: installing khabar and its dependencies (torch pinned to the CPU build)", flush=True)
    subprocess.check_call([str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                           "-c", str(ROOT / "constraints.txt"), "-e", f"{ROOT}[dev,dask,duckdb]"])
    STAMP.write_bytes(deps)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("extract", "test", "env"):
        print(__doc__)
        return 2
    ensure_env()
    cmd, rest = argv[0], argv[1:]
    if cmd == "extract":
        return subprocess.call([str(BIN / "khabar"), "extract", str(ROOT / "corpus"), "-o", str(ROOT / "out"), *rest])
    if cmd == "test":
        return subprocess.call([str(BIN / "python"), "-m", "pytest", *rest], cwd=ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
