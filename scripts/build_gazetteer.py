"""Rebuild pipeline/data/ar/cities.tsv, orgs_anergazet.tsv and person_names.tsv from ../shared.

Run from the repo root: python scripts/build_gazetteer.py [SHARED_DIR]
The output is committed (a fresh clone has no ../shared); attribution is in
pipeline/data/ar/SOURCES.md.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import pycountry

MIN_POPULATION = 100_000  # smaller places collide with common words far more often than they are news


def common_words(shared: Path) -> set[str]:
    """Keys of words ANERcorp (train part) tags O more often than LOC.

    A city list from Wikidata contains names that are everyday words
    (صافي، الجديدة); the annotated corpus tells which ones they usually are.
    """
    from collections import Counter

    sys.path.insert(0, ".")
    from pipeline.normalize import key

    as_loc, as_o = anercorp_counts(shared, "LOC")
    common = {k for k, n in as_o.items() if n >= 2 and n > as_loc[k]}
    # The 3,000 most frequent words of two weeks of Saudi news: a town called
    # صافي loses to صافي الأرباح every time.
    import json
    import zipfile

    freq = Counter()
    for zp in sorted((shared / "bulk/saudinewsnet").glob("*.zip"))[:14]:
        with zipfile.ZipFile(zp) as z:
            for name in z.namelist():
                for art in json.loads(z.read(name)):
                    freq.update(key(w) for w in art.get("content", "").split())
    frequent = {w for w, _ in freq.most_common(3000)}
    return common, frequent


def anercorp_counts(shared: Path, tag: str):
    """How often each word key is tagged ``tag`` (B-/I-) and anything else in ANERcorp's train part."""
    from collections import Counter

    sys.path.insert(0, ".")
    from pipeline.normalize import key

    tagged, other = Counter(), Counter()
    path = shared / "ner/anercorp_camel_style_reconstructed/ANERCorp_CamelStyle_train.txt"
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if len(parts) == 2:
            (tagged if parts[1].endswith(tag) else other)[key(parts[0])] += 1
    return tagged, other


# Titles that stand right before a first name in news (الأمير فيصل، المهندس خالد ...).
# (Not العميد, الفريق: in sports pages they are a club's nickname and "the team".)
TITLES = ["الأمير", "الأميرة", "الشيخ", "الشيخة", "الدكتور", "الدكتورة", "المهندس", "المهندسة", "الأستاذ",
          "الأستاذة", "السيد", "السيدة", "اللواء", "العقيد", "المستشار", "معالي", "سمو", "د."]


# Role and event nouns that also follow a title (الأمير ولي العهد، الدكتور وزير الصحة).
NOT_FIRST_NAMES = {"وزير", "محافظ", "امير", "ولي", "نائب", "رئيس", "مدير", "امانات", "حادثه", "ساعد", "فخر",
                   "عمر"}  # عمر is a name and, far more often, "the age of"


def title_names(shared: Path, min_count: int = 3, min_share: float = 0.02) -> set[str]:
    """First names read off the bulk news: words that follow a title and are followed by
    another word, kept when at least ``min_share`` of all their uses are after a title
    (فهد or سطام are in no ANERcorp-derived list)."""
    import json
    import zipfile
    from collections import Counter

    from pipeline.normalize import key

    titles = {key(t) for t in TITLES}
    after, total = Counter(), Counter()
    for zp in sorted((shared / "bulk/saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(zp) as z:
            for name in z.namelist():
                for art in json.loads(z.read(name)):
                    words = [key(w) for w in art.get("content", "").split()]
                    total.update(words)
                    for a, b, c in zip(words, words[1:], words[2:]):
                        # title + name + بن/family name: الأمير فيصل بن سلمان، المهندس خالد الفالح
                        if a in titles and b.isalpha() and len(b) >= 3 and not b.startswith("ال") \
                                and (c == "بن" or c.startswith("ال") and len(c) >= 5):
                            after[b] += 1
    return {w for w, n in after.items() if n >= min_count and n >= min_share * total[w]
            and not w.startswith(("بال", "بم", "وال", "لل")) and w not in NOT_FIRST_NAMES}


def person_names(shared: Path) -> list[str]:
    from collections import Counter

    from pipeline.normalize import key, remove_diacritics

    as_pers, other = anercorp_counts(shared, "PERS")
    names = set()
    for line in open(shared / "gazetteers/anergazet/AlignedPersGazetteer.txt", encoding="utf-8"):
        n = line.strip()
        if n and " " not in n and other[key(n)] <= as_pers[key(n)]:
            names.add(remove_diacritics(n))
    for k, n in as_pers.items():
        if n >= other[k] and len(k) >= 3 and k.isalpha():
            names.add(k)
    names |= title_names(shared)
    return sorted(names)


def main(shared: Path) -> None:
    out_dir = Path("pipeline/data/ar")
    common, frequent = common_words(shared)
    from pipeline.normalize import key, remove_diacritics
    rows = []
    seen = set()
    with open(shared / "gazetteers/world_cities_ar/world-cities.csv", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            try:
                pop = int(r["Population"] or 0)
            except ValueError:
                pop = 0
            name = remove_diacritics(r["CityNameAr"].strip())
            if pop < MIN_POPULATION or len(name) < 3 or name in seen or not any("\u0621" <= c <= "\u064a" for c in name):
                continue
            try:
                cc = pycountry.countries.lookup(r["CountryNameEn"]).alpha_2
            except LookupError:
                try:
                    cc = pycountry.countries.search_fuzzy(r["CountryNameEn"])[0].alpha_2
                except LookupError:
                    continue
            if " " not in name and (key(name) in common or (key(name) in frequent and pop < 1_000_000)):
                continue
            seen.add(name)
            rows.append((name, cc, r["CityNameEn"], pop))
    with open(out_dir / "cities.tsv", "w", encoding="utf-8") as f:
        f.write("# Wikidata-derived world cities with Arabic labels (CC BY 4.0,\n")
        f.write("# jamsshhayd/world-cities-translations), population >= %d.\n" % MIN_POPULATION)
        f.write("name\tcountry\tname_en\tpopulation\n")
        for name, cc, en, pop in sorted(rows):
            f.write(f"{name}\t{cc}\t{en}\t{pop}\n")
    orgs = []
    for line in open(shared / "gazetteers/anergazet/AlignedOrgGazetteer.txt", encoding="utf-8"):
        name = line.strip()
        # single words in ANERGazet's ORG list are mostly newspaper titles that
        # double as city or common nouns (الرياض، الوطن، اليوم): too ambiguous.
        if len(name.split()) >= 2 and name not in orgs:
            orgs.append(name)
    with open(out_dir / "orgs_anergazet.tsv", "w", encoding="utf-8") as f:
        f.write("# Multi-word organisation names from ANERGazet (Benajiba; research use).\n")
        f.write("name\n")
        for name in orgs:
            f.write(name + "\n")
    persons = person_names(shared)
    with open(out_dir / "person_names.tsv", "w", encoding="utf-8") as f:
        f.write("# Tokens of person names: ANERGazet PERS list and the PERS tokens of ANERcorp's\n")
        f.write("# train part, kept when the corpus tags them PERS at least as often as anything else,\n")
        f.write("# and first names read off SaudiNewsNet after titles (see title_names).\n")
        f.write("name\n")
        for name in persons:
            f.write(name + "\n")
    print(f"{len(rows)} cities, {len(orgs)} organisations, {len(persons)} person-name tokens")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared"))
