"""Adding a fact trigger or a sector key is a one-line table change."""
from __future__ import annotations

import copy

import pytest

import pipeline.data as data
from pipeline.run import extract_text


def _reset_caches():
    from pipeline.stages import clusters, facts

    facts.tables.cache_clear()
    clusters.taxonomy.cache_clear()


@pytest.fixture()
def patched_tables(monkeypatch):
    original = data.load_yaml

    def patch(edit):
        def load(name):
            d = copy.deepcopy(original(name))
            edit(name, d)
            return d

        monkeypatch.setattr("pipeline.stages.facts.load_yaml", load)
        monkeypatch.setattr("pipeline.stages.clusters.load_yaml", load)
        _reset_caches()

    yield patch
    _reset_caches()


TEXT = ("أولاً: مدينة الملك سلمان للطاقة الصناعية:\n"
        "وقعت مدينة الملك سلمان للطاقة الصناعية عقدا بقيمة 5 مليارات ريال لمصانع الزجاج.")


def test_a_new_investment_trigger(patched_tables):
    assert not [f for f in extract_text(TEXT).facts if f.type == "investment"]
    patched_tables(lambda name, d: d["types"]["investment"]["triggers"].append("عقدا") if name == "facts" else None)
    facts = [f for f in extract_text(TEXT).facts if f.type == "investment"]
    assert len(facts) == 1 and facts[0].rule.startswith("investment:عقدا")


def test_a_new_sector_key(patched_tables):
    rec = extract_text(TEXT)
    assert rec.clusters and "glass" not in rec.clusters[0].sectors
    patched_tables(lambda name, d: d["sectors"].__setitem__("glass", ["الزجاج"]) if name == "taxonomy" else None)
    rec = extract_text(TEXT)
    assert "glass" in rec.clusters[0].sectors
