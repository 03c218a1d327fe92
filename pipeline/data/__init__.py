"""Language data tables under ``pipeline/data/ar``: loaded once, read-only."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "ar"
# libyaml's parser when PyYAML was built with it: the same data, several times faster (every
# worker reads the tables at start-up)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def load_yaml(name: str):
    """Parse ``data/ar/<name>.yaml``."""
    with open(DATA_DIR / f"{name}.yaml", encoding="utf-8") as f:
        return yaml.load(f, Loader=_LOADER)  # noqa: S506 - a safe loader


@lru_cache(maxsize=None)
def load_tsv(name: str) -> tuple[dict, ...]:
    """Rows of ``data/ar/<name>.tsv`` (header row, '#' comment lines skipped)."""
    with open(DATA_DIR / f"{name}.tsv", encoding="utf-8", newline="") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    return tuple(dict(r) for r in csv.DictReader(lines, delimiter="\t"))
