from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DEV = CORPUS / "dev"
GOLD = DEV / "gold"


@pytest.fixture(autouse=True)
def _collector_on():
    """A batch worker turns the cyclic collector off (pipeline.batch._warm); the test process
    that ran one gets it back after each test."""
    yield
    gc.enable()


@pytest.fixture(scope="session")
def corpus_records():
    """Every shipped article (dev and wild) through the pipeline once, as JSON dicts."""
    from pipeline.run import ErrorRow, run
    from pipeline.stages.write import dumps

    out = []
    for item in run([str(CORPUS)]):
        assert not isinstance(item, ErrorRow), item
        out.append(json.loads(dumps(item)))
    return out


@pytest.fixture(scope="session")
def dev_records(corpus_records):
    ids = {p.stem for p in GOLD.glob("*.json")}
    return [r for r in corpus_records if r["article_id"] in ids]


def gold(article_id: str) -> dict:
    return json.loads((GOLD / f"{article_id}.json").read_text(encoding="utf-8"))
