"""The language tables: keyed without collisions, no presentation forms, no diacritics."""
import csv
from pathlib import Path

import pytest
import yaml

from pipeline.data import DATA_DIR, load_tsv, load_yaml
from pipeline.normalize import is_presentation_form, key, remove_diacritics

FILES = sorted(DATA_DIR.glob("*.yaml")) + sorted(DATA_DIR.glob("*.tsv"))


def strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from strings(v)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_presentation_forms_or_diacritics(path):
    text = path.read_text(encoding="utf-8")
    bad = [c for c in text if is_presentation_form(c)]
    assert not bad, f"{path.name}: presentation-form glyphs {bad[:5]}"
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        assert remove_diacritics(line) == line, f"{path.name}: diacritics in {line!r}"
        assert "\u0640" not in line, f"{path.name}: tatweel in {line!r}"


@pytest.mark.parametrize("name", ["units", "currencies", "places_extra", "orgs", "cities"])
def test_tsv_forms_unique_after_keying(name):
    rows = load_tsv(name)
    col = "form" if "form" in rows[0] else "name"
    keys = [key(r[col]) for r in rows]
    dups = {k for k in keys if keys.count(k) > 1}
    assert not dups, f"{name}: forms that collide once normalized: {sorted(dups)[:10]}"


def test_numbers_tables_unique_after_keying():
    nums = load_yaml("numbers")
    for section in ("cardinals", "scales", "fractions"):
        keys = [key(k) for k in nums[section]]
        values = {}
        for k, v in zip(keys, nums[section].values()):
            assert values.setdefault(k, v) == v, f"{section}: {k} has two values"
    for section in ("hedges_before", "hedges_after", "time_nouns", "not_counted"):
        keys = [key(k) for k in nums[section]]
        assert len(keys) == len(set(keys)), f"{section}: duplicates {[k for k in keys if keys.count(k) > 1]}"


@pytest.mark.parametrize("name", ["entity_rules", "facts", "furniture"])
def test_yaml_word_lists_unique_after_keying(name):
    """A word list read as a set of keys: a second form with the same key is dead weight."""
    for section, words in load_yaml(name).items():
        if isinstance(words, list) and words and all(isinstance(w, str) for w in words):
            keys = [key(w) for w in words]
            dups = sorted({k for k in keys if keys.count(k) > 1})
            assert not dups, f"{name}.{section}: forms that collide once normalized: {dups}"


def test_taxonomy_keys_are_snake_case():
    import re

    tx = load_yaml("taxonomy")
    for group in ("sectors", "energy_sources"):
        for k in tx[group]:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", k), k
