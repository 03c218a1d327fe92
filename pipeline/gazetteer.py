"""Place and organisation gazetteers, matched clitic-aware and longest first.

Sources, in precedence order (the first entry for a key wins):
  places_extra.tsv (news forms and subdivisions), Babel/CLDR Arabic territory
  names, pycountry's Arabic names, orgs.tsv, Wikidata world cities
  (cities.tsv), ANERGazet organisations.
"""
from __future__ import annotations

import gettext
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .data import load_tsv
from .document import Doc
from .lexicon import PROCLITICS, PhraseTable, form_tokens, positions
from .normalize import remove_diacritics

# CLDR territory codes that are organisations, and the world itself.
_CLDR_ORGS = {"EU": "ORG", "UN": "ORG", "EZ": None, "001": None, "QO": None, "ZZ": None}


@dataclass(frozen=True)
class GazEntry:
    name: str
    type: str  # GPE | LOC | ORG
    country: Optional[str]
    region: Optional[str]
    source: str
    level: str = ""  # country | region | city | area: countries merge by ISO code within an article


def _entries() -> list[GazEntry]:
    from babel import Locale

    out: list[GazEntry] = []
    for r in load_tsv("places_extra"):
        out.append(GazEntry(r["name"], r["type"], r["country"] or None, r["region"] or None, "places_extra",
                            r["level"]))
    for code, name in Locale("ar").territories.items():
        if code in _CLDR_ORGS:
            if _CLDR_ORGS[code]:
                out.append(GazEntry(name, _CLDR_ORGS[code], None, None, "cldr"))
            continue
        if code.isdigit():
            out.append(GazEntry(name, "LOC", None, None, "cldr"))
        elif len(code) == 2:
            out.append(GazEntry(name, "GPE", code, None, "cldr", "country"))
    out.extend(_pycountry_entries())
    for r in load_tsv("orgs"):
        out.append(GazEntry(r["name"], r["type"] or "ORG", r["country"] or None, None, "orgs"))
    for r in load_tsv("cities"):
        out.append(GazEntry(r["name"], "GPE", r["country"], None, "wikidata_cities", "city"))
    for r in load_tsv("orgs_anergazet"):
        out.append(GazEntry(r["name"], "ORG", None, None, "anergazet"))
    return out


def _pycountry_entries() -> list[GazEntry]:
    import pycountry

    try:
        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    except OSError:
        return []
    out = []
    for c in pycountry.countries:
        name = remove_diacritics(tr.gettext(c.name))  # pycountry's Arabic carries shadda
        if name != c.name:
            out.append(GazEntry(name, "GPE", c.alpha_2, None, "pycountry", "country"))
    return out


class Gazetteer:
    def __init__(self) -> None:
        from .data import load_yaml
        from .normalize import key

        self.table: PhraseTable[GazEntry] = PhraseTable()
        excluded = {key(w) for w in load_yaml("entity_rules").get("not_places", [])}
        for e in _entries():
            if key(e.name) not in excluded:
                self.table.add(e.name, e)

    def find(self, doc: Doc) -> list[tuple[int, int, int, GazEntry]]:
        """(first token, end token, key start, entry) for every match, left to right (once per article)."""
        cached = getattr(doc, "_gazetteer_matches", None)
        if cached is not None and cached[0] is doc.tokens:
            return cached[1]
        out = self._find(doc)
        doc._gazetteer_matches = (doc.tokens, out)  # type: ignore[attr-defined]
        return out

    def _find(self, doc: Doc) -> list[tuple[int, int, int, GazEntry]]:
        keys = doc.columns().match_keys
        out = []
        i = 0  # the first token not yet inside a match
        for start in self.table.starts(keys):
            if start < i or doc.tokens[start].kind not in ("word", "latin"):
                continue
            i = start
            m = self.table.match_clitic(keys, i, PROCLITICS)
            if m and m[2].endswith("ك") and m[0] == i + 1 and len(keys[i]) - len(m[2]) < 5:
                m = None  # كبيرا is not ك + بيرا: كـ before a short one-word name is too often a word's own letter
            if m:
                end, entry, clitic = m
                # ال is part of many names (الصين): only cut it when the bare form matched
                out.append((i, end, doc.tokens[i].start + len(clitic), entry))
                i = end
        return out


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """Nationality adjectives derived from single-word country names: تونس -> التونسية، مصر -> المصري."""
    from .normalize import key

    out: dict[str, str] = {}
    for e in _entries():
        if e.type != "GPE" or not e.country or e.region or e.source not in ("places_extra", "cldr") \
                or getattr(e, "level", "country") not in ("country", "", None):
            continue  # countries only: العلا -> علي, جدة -> جدي are words, not nationalities
        k = key(e.name)
        if " " in k or len(k) < 3:
            continue
        base = k[2:] if k.startswith("ال") else k
        for suffix in ("يه", "ا", "ه"):
            if base.endswith(suffix) and len(base) - len(suffix) >= 2:
                base = base[: -len(suffix)]
                break
        for form in (base + "ي", base + "يه", "ال" + base + "ي", "ال" + base + "يه", base + "يون", base + "يين"):
            out.setdefault(form, e.country)
    return out


@lru_cache(maxsize=1)
def _demonym_forms() -> dict[str, str]:
    """Every written form of a nationality adjective behind a proclitic (والمصرية، للسعودي) -> ISO code."""
    out: dict[str, str] = {}
    for form, code in demonyms().items():
        for c in ("", "و", "ب", "ل", "لل", "وال"):
            if len(form) >= 2:
                out.setdefault(c + form, code)
    return out


def country_mention_counts(doc: Doc) -> Counter:
    """How often each country (by ISO code) is named in the article, or its nationality used."""
    cached = getattr(doc, "_country_counts", None)
    if cached is not None:
        return cached
    counts: Counter = Counter()
    for _, _, _, e in gazetteer().find(doc):
        if e.type == "GPE" and e.country:
            counts[e.country] += 1
    forms = _demonym_forms()
    cols = doc.columns()
    for i in positions(cols.keys, forms):
        if cols.kinds[i] == "word":
            counts[forms[cols.keys[i]]] += 1
    doc._country_counts = counts  # type: ignore[attr-defined]
    return counts
