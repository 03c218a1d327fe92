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


def test_error_lists_are_the_unmatched_items(scores):
    """``khabar eval --errors`` lists, per article and layer, one line per miss and per wrong item."""
    for article, layers in scores["articles"].items():
        for layer, counts in layers.items():
            errors = scores["errors"][article][layer]
            assert (len(errors["missed"]), len(errors["wrong"])) == (counts["fn"], counts["fp"]), (article, layer)


def test_error_listing_names_a_changed_fact(corpus_records):
    """A fact whose value is off shows as the gold fact missed and the output's fact wrong."""
    import copy

    from pipeline.evaluate import format_errors

    rec = copy.deepcopy(next(r for r in corpus_records if r["article_id"] == "davos2024-tic"))
    fact = rec["facts"][0]
    fact["value"] = fact["value"] * 10 + 1
    listing = format_errors(evaluate([rec], GOLD), ["facts"])
    lines = listing.splitlines()
    assert lines[0] == "davos2024-tic" and len(lines) == 3, listing
    assert lines[1].startswith(f"  facts: - {fact['type']} ") and lines[2].startswith(f"  facts: + {fact['type']} ")
    assert f"«{fact['evidence']['text']}»" in lines[2]
