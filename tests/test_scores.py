"""Regression floors on the dev corpus, scored by ``khabar eval``'s function."""
import json
from pathlib import Path

import pytest

from pipeline.evaluate import evaluate

from .conftest import GOLD

FLOORS = json.loads((Path(__file__).parent / "floors.json").read_text())


@pytest.fixture(scope="module")
def scores(dev_records):
    return evaluate(dev_records, GOLD)


@pytest.mark.parametrize("layer", ["quantities", "entities", "facts", "clusters"])
def test_layer_f1_floor(scores, layer):
    assert scores["layers"][layer]["f1"] >= FLOORS[layer], scores["layers"][layer]


def test_approximate_accuracy(scores):
    assert scores["accuracy"]["approximate"] >= 0.95
