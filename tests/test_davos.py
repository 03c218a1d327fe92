"""The model article: everything its gold says, from general rules."""
import pytest

from pipeline.evaluate import alias_keys, evaluate, value_match

from .conftest import GOLD, gold


@pytest.fixture(scope="module")
def davos(corpus_records):
    return next(r for r in corpus_records if r["article_id"] == "davos2024-tic")


def test_all_quantities(davos):
    res = evaluate([davos], GOLD)["layers"]["quantities"]
    assert res["fn"] == 0 and res["fp"] == 0, res


def test_all_facts_with_attributes(davos):
    g = gold("davos2024-tic")
    res = evaluate([davos], GOLD)
    assert res["layers"]["facts"]["tp"] == len(g["facts"]) == 15
    assert res["layers"]["facts"]["fp"] == 0
    # year, year_end, modality and scope of every gold fact
    for gf in g["facts"]:
        match = [f for f in davos["facts"] if f["type"] == gf["type"] and value_match(f["value"], gf["value"])
                 and f.get("scope") == gf["scope"] and f.get("year") == gf["year"]
                 and f.get("year_end") == gf["year_end"]]
        assert match, gf


def test_clusters(davos):
    g = gold("davos2024-tic")
    assert len(davos["clusters"]) == 3
    for gc in g["clusters"]:
        c = next(c for c in davos["clusters"] if alias_keys(c) & alias_keys(gc))
        assert c["country"] == gc["country"], c
        assert c["region"] == gc["region"], c
        assert sorted(t["year"] for t in c["targets"]) == sorted(t["year"] for t in gc["targets"])
        assert c["facts"], c


def test_watermark_and_footer_removed(davos):
    assert "aXA6" not in davos["text"] and "ام اند امز" not in davos["text"]
