"""Stage 6: entities from rules, gazetteers and a statistical model, linked within the article.

Precedence when mentions overlap: rules and gazetteers first, the longer span
winning and, at equal length, a rule mention (kind word, Latin name, acronym)
beating a gazetteer hit, because the rule saw the name's context; the NER model
(pipeline.ner, chosen with KHABAR_NER or ``--ner``) only adds names nothing else
found, such as persons without a title or a known first name.  Mentions of one referent are merged into one
entity with every surface form as an alias: acronyms bound in parentheses,
Latin names glued to an Arabic name, quoted short names, and any later
occurrence of an alias already known.
"""
from __future__ import annotations

import os
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, count
from typing import Optional

import regex

from ..data import load_tsv, load_yaml
from ..document import Doc
from ..gazetteer import _demonym_forms, gazetteer
from ..lexicon import PROCLITICS, positions, strip_clitic, with_clitics
from ..normalize import TATWEEL, key, name_key, remove_diacritics
from . import over_many

QUOTES_OPEN = {'"', "«", "“", "'", "”"}
QUOTES_CLOSE = {'"', "»", "”", "'", "“"}
# ANERcorp's LOC covers countries and cities (our GPE) as well as regions and
# landforms; a model LOC the gazetteer did not know is kept as LOC.
MODEL_TYPES = {"PERS": "PERSON", "ORG": "ORG", "LOC": "LOC"}
CLUSTER_KINDS = {"مدينه", "منطقه", "مجمع", "تجمع", "واحه", "المدينه", "المنطقه", "المجمع"}
TYPE_RANK = {"CLUSTER": 6, "EVENT": 5, "ORG": 4, "PERSON": 3, "GPE": 2, "LOC": 1}

LATIN_NAME_RE = regex.compile(
    r"""
    (?<![\p{Latin}\d])
    (?:[\p{Lu}][\p{Latin}\d&'’.-]*|[\p{Latin}]*\d[\p{Latin}\d]*)   # a capitalised word or an alphanumeric code (H2, COP26)
    (?:
      (?:\ |,\ )                                  # a space, or ', ' before Inc./Ltd.
      (?:[\p{Lu}][\p{Latin}\d&'’.-]*|[\p{Latin}]*\d[\p{Latin}\d]*|of|the|and|for|de|du|la|des|le|&)
    ){0,7}                                         # names are short: a cap keeps a wall of Latin linear
    """,
    regex.VERBOSE,
)


@dataclass
class Mention:
    start: int  # text offsets
    end: int
    type: str
    name: str
    rule: str
    country: Optional[str] = None
    region: Optional[str] = None
    aliases: list[str] = field(default_factory=list)
    level: str = ""


@lru_cache(maxsize=1)
def rules() -> dict:
    cfg = load_yaml("entity_rules")
    return {
        "kinds": {key(k): v for k, v in cfg["kinds"].items()},
        "cluster_markers": {key(w) for w in cfg["cluster_markers"]},
        "group_cluster_markers": {key(w) for w in cfg["group_cluster_markers"]},
        "generic": {key(w) for w in cfg["generic_words"]},
        "stops": {key(w) for w in cfg["name_stops"]},
        "lineage": frozenset(key(w) for w in cfg["lineage_words"]),
        "name_joins": frozenset(key(w) for w in cfg["lineage_words"] + cfg["name_particles"]),
        "person_cues": {key(w) for w in cfg["person_cues"]},
        "event_bases": {key(w) for w in cfg["event_bases"]},
        "not_family_names": {key(w) for w in cfg["not_family_names"]},
        "kind_idioms": {key(k): key(v) for k, v in cfg["kind_idioms"].items()},
        "latin_joiners": set(cfg["latin_joiners"]),
        "person_names": _person_names(),
        "facility_kinds": {key(w) for w in cfg["facility_kinds"]},
        "kind_forms": with_clitics({key(k) for k in cfg["kinds"]}, ("و", "ب", "ل", "ف", "ك", "وب", "ول")),
        "facility_forms": with_clitics({key(w) for w in cfg["facility_kinds"]} | {"ال" + key(w) for w in cfg["facility_kinds"]}
                                       | {key(w) + "ا" for w in cfg["facility_kinds"]},  # مشروعا لإنتاج ...
                                       ("و", "ب", "ل", "ف", "وب", "ول", "ال", "وال", "بال", "لل")),
        "verbs": {key(w) for w in cfg["name_ending_verbs"]},
        "facility_generic": {key(w) for w in cfg["facility_generic_words"]},
        "attribution_cues": {key(w) for w in cfg["attribution_cues"]},
        "trailing_adjectives": {key(w) for w in cfg["trailing_adjectives"]},
        "kingdom_words": {key(w) for w in cfg["kingdom_words"]},
        "place_heads": {key(w) for w in cfg["place_heads"]},
        "outlet_cues": {key(w) for w in cfg["outlet_cues"]},
        "deal_nouns": {key(w) for w in cfg["deal_nouns"]},
        "company_kinds": {key(w) for w in cfg["company_kinds"]},
        "royal_titles": {key(w) for w in cfg["royal_titles"]},
        "speech_verbs": {key(w) for w in cfg["speech_verbs"]},
        "function_words": {key(w) for w in cfg["function_words"]},
        "model_not_name_words": with_clitics({key(w) for w in cfg["model_not_name_words"]}, ("و", "ب", "ل", "ال", "وال", "بال")),
        "geo_heads": {key(w) for w in cfg["geo_features"]["heads"] + cfg["geo_features"]["heads_need_place"]},
        "geo_head_forms": with_clitics({key(w) for w in cfg["geo_features"]["heads"] + cfg["geo_features"]["heads_need_place"]},
                                       ("و", "ب", "ل", "ف", "وب", "ول")),
        "geo_heads_need_place": {key(w) for w in cfg["geo_features"]["heads_need_place"]},
        "geo_trailing": {key(w) for w in cfg["geo_features"]["trailing"]},
        "described_heads": {key(w) for w in cfg["described_cluster"]["heads"]},
        "described_adjectives": {key(w) for w in cfg["described_cluster"]["adjectives"]},
        "described_openers": {key(w) for w in cfg["described_cluster"]["openers"]},
        "kingdoms": list(cfg["kingdoms"]),
        "default_kingdom": cfg["default_kingdom"],
        "kingdom_continuations": {key(w) for w in cfg["kingdom_continuations"]},
    }


def _person_names() -> frozenset:
    try:
        return frozenset(key(r["name"]) for r in load_tsv("person_names"))
    except FileNotFoundError:
        return frozenset()


_BRACKETS_RE = regex.compile(r"[\"«»“”()\[\]]")
_COP_RE = regex.compile(r"COP\s?\d+")
_ACRONYM_RE = regex.compile(r"\s*\(\s*([\p{Lu}][\p{Lu}\d&-]{1,9})\s*(?:[،,]\s*([^()\n]{2,30}?))?\s*\)")
_YEAR_RE = regex.compile(r"(19|20)\d\d")
_PLACE_GAP_RE = regex.compile(r"[\s،,(]*(?:في|ب|،|\()?\s*(?:ال)?")


# an Arabic word, then a bracket or quote opens (the word: group 1)
_GLOSS_OPEN_RE = regex.compile(r"(\p{Arabic}+)\s*[(«\"“]\s*$")


def _glosses_a_term(text: str, m: "Mention", named: list) -> bool:
    """نظام المنتج المستقل "IPP"، محطات شمسية ضوئية (PV)، مادة ال"MDI": a short acronym in brackets or
    quotes right after Arabic words no rule named spells out a term, not an organisation (after a
    kind word, لمنظمة (OECD), it is the organisation's own)."""
    if not (2 <= len(m.name) <= 5 and m.name.isalpha() and m.name.isupper()):
        return False
    before = _GLOSS_OPEN_RE.search(text, max(0, m.start - 40), m.start)
    if not before or any(0 <= m.start - n.end <= 4 for n in named):
        return False
    kinds = rules()["kinds"]
    return not any(rest in kinds for _, rest in strip_clitic(key(before.group(1)), ("و", "ب", "ل", "ف", "ك", "")))


def clean_name(s: str) -> str:
    """A name without quotes, brackets and doubled spaces."""
    s = _BRACKETS_RE.sub(" ", s)
    return " ".join(s.split()).strip(" ،,:؛.-")


@lru_cache(maxsize=1)
def _person_openers() -> frozenset:
    """Keys that may open a person's name: a cue (قال، الرئيس), a first name, و + a first name."""
    r = rules()
    return frozenset(r["person_cues"]) | r["person_names"] | {"و" + n for n in r["person_names"]}


class EntityFinder:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.r = rules()
        self.toks = doc.tokens
        self.keys = doc.columns().keys
        self.n = len(self.toks)

    def where(self, forms, lo: int = 0, hi: Optional[int] = None) -> list[int]:
        """Indexes i in [lo, hi) whose key is in ``forms`` (a set): the rules' loops visit only those."""
        if self.doc.vocabulary().isdisjoint(forms):  # most tables: a few set lookups, no scan
            return []
        return positions(self.keys, forms, lo, hi)

    def span(self, i: int, j: int, clitic: str = "") -> tuple[int, int]:
        s, e = self.doc.text_span(i, j)
        if clitic:
            s = self.doc.norm.to_text[self.toks[i].start + len(clitic)]
        return s, e

    def gap(self, i: int) -> str:
        """Key text between token i and i+1."""
        return self.doc.norm.key[self.toks[i].end:self.toks[i + 1].start] if i + 1 < self.n else ""

    # -- gazetteer ----------------------------------------------------------
    def gazetteer_mentions(self) -> list[Mention]:
        out = []
        for i, j, kstart, e in gazetteer().find(self.doc):
            s = self.doc.norm.to_text[kstart]
            _, end = self.doc.text_span(i, j)
            surface = clean_name(self.doc.text[s:end])
            # للصين: the span is صين, the alias is the gazetteer's الصين
            name = surface if key(surface) == key(e.name) else e.name
            out.append(Mention(s, end, e.type, name, f"gazetteer:{e.source}",
                               country=e.country, region=e.region, level=e.level))
        return out

    # -- kind word + name ---------------------------------------------------
    def kind_mentions(self) -> list[Mention]:
        out = []
        r = self.r
        cluster_talk = not {"صناعيه", "الصناعيه"}.isdisjoint(self.keys) and any(
            k.endswith("مجموعات") or k.endswith("تجمعات") or k.endswith("المجموعات") for k in self.keys)
        for i in self.where(r["kind_forms"]):
            if i > 0 and self.toks[i - 1].kind == "num" and not _YEAR_RE.fullmatch(self.keys[i - 1]):
                continue  # 58 شركة سجلت، 13 مجموعة مختلفة: a counted noun, not a name
            for clitic, rest in strip_clitic(self.keys[i], ("و", "ب", "ل", "ف", "ك", "وب", "ول")):
                kind = r["kinds"].get(rest)
                if kind and self._idiom(i, clitic, rest):
                    break
                if kind:
                    m = self.name_after(i, clitic, rest, kind, cluster_talk)
                    if m:
                        out.append(m)
                    break
        return out

    def written(self, j: int) -> str:
        """Token j as the text writes it, without marks or tatweel: ة and ه apart, which its key merges."""
        s, e = self.span(j, j + 1)
        return remove_diacritics(self.doc.text[s:e]).replace(TATWEEL, "")

    def _feminine_noun(self, j: int) -> bool:
        """نجاح التجربة، كرم الضيافة: a definite word written with ة (not ـية, which nisba family
        names share: العطية) is a noun, not a family name (unless listed, or after a lineage)."""
        written = self.written(j)
        return written.endswith("ة") and not written.endswith("ية")

    def _place_ends_at(self, k: int) -> bool:
        """Is the word before token k a one-word place the gazetteer knows (نجران، إنكلترا)?"""
        m = gazetteer().table.match_clitic(self.keys, k - 1)
        return bool(m) and m[0] == k and m[1].type == "GPE"

    def _place_end(self, k: int) -> int:
        """Where the place the gazetteer knows that starts at token k ends (سان فرانسيسكو، باريس), or -1."""
        m = gazetteer().table.match(self.keys, k)
        return m[0] if m and m[1].type in ("GPE", "LOC") else -1

    def _tanween(self, j: int) -> bool:
        """تركي محتجزًا: a word written with tanween is an indefinite common word, never a name."""
        s, e = self.span(j, j + 1)
        return any(c in "\u064b\u064c\u064d" for c in self.doc.text[s:e])

    def _idiom(self, i: int, clitic: str, kind_word: str) -> bool:
        """في معرض حديثه: the kind word in an idiom (kind_idioms), before a noun with a possessive pronoun."""
        before = self.r["kind_idioms"].get(kind_word)
        if before is None or clitic or i == 0 or self.keys[i - 1] != before or i + 1 >= self.n:
            return False
        # the written word: ه is a pronoun, ة (keyed ه) is not
        return self.toks[i + 1].kind == "word" and self.written(i + 1).endswith(("ه", "ها", "هم", "هما", "كم"))

    def name_after(self, i: int, clitic: str, kind_word: str, kind: str, cluster_talk: bool) -> Optional[Mention]:
        r = self.r
        j = i + 1
        if j >= self.n or "\n" in self.gap(i):
            return None
        parts_end = j
        quoted = None
        place_at = (-1, -1)  # the last place named inside the name: its first token and its end
        # a quoted name: مجموعة "دونكيرك"
        if self.keys[j] in QUOTES_OPEN:
            k = j + 1
            while k < self.n and self.keys[k] not in QUOTES_CLOSE and k - j < 8 and "\n" not in self.gap(k - 1):
                k += 1
            if k < self.n and self.keys[k] in QUOTES_CLOSE and k > j + 1:
                quoted = (j + 1, k)
                parts_end = k + 1
            else:
                return None
        else:
            k = j
            # (a name holding a lineage runs longer: مجمع الشيخ محمد بن راشد آل مكتوم للطاقة الشمسية)
            while k < self.n and (k - j < 7 or k - j < 10 and not r["lineage"].isdisjoint(self.keys[j:k])):
                t = self.toks[k]
                kk = self.keys[k]
                if t.kind == "latin" or t.kind == "num":
                    break
                # غرفة تجارة باريس اتفاقية: a bare word after the place that closes the name starts anew
                if k == place_at[1] and not kk.startswith(("ال", "لل", "وال")):
                    break
                if k > j and k >= place_at[1]:
                    end = self._place_end(k)
                    if end > 0:
                        place_at = (k, end)
                if t.kind != "word" or (k > j and kk in r["kinds"]):
                    break
                if kk in r["stops"] and not (k == j and kk in r["royal_titles"]):
                    break  # (a royal title opens a name: مجمع الشيخ محمد بن راشد، مركز الملك فيصل)
                # a verb or a بـ/كـ phrase ends a name (بالتعاون، كأكبر; يقوم، تعد)
                # (a short word in با- is a name's own: أكوا باور)
                if k > j and (kk.startswith(("بال", "كال", "لت", "لا", "لإ"))
                              or kk.startswith("با") and len(kk) >= 5 and place_at[1] <= k
                              or kk in ("لديها", "لديه", "لها", "له")
                              or kk.startswith("ي") and len(kk) >= 4 or kk in r["verbs"] or kk in r["speech_verbs"]):
                    break  # (شركة أبل قالت إن: a speech verb too)
                # شركة توتال الفرنسية: a nationality after a bare proper name is not part of it
                if k > j and kk.startswith("ال") and kk.endswith(("يه", "ي")) and not self.keys[j].startswith(("ال", "لل")) \
                        and not any(kk.endswith(mk) for mk in r["cluster_markers"]) \
                        and all(not x.startswith(("ال", "لل", "ل")) for x in self.keys[j:k]):
                    break
                # شركة صدارة والمواد: a definite conjunct after a bare proper name starts a new phrase
                # (not after a definite word: وزارة البترول والثروة المعدنية)
                if k > j and kk.startswith("وال") and not self.keys[k - 1].startswith(("ال", "لل", "وال", "بال")):
                    break
                # (right after the kind word و is a root letter: مدينة وعد الشمال)
                if k > j and kk.startswith("و") and not kk.startswith("وال"):
                    # للجبيل وينبع: a place coordinated with a genitive place stays in the name
                    genitive_places = self.keys[k - 1].startswith("لل") and gazetteer().table.could_start(kk[1:]) \
                        and gazetteer().table.match(self.keys, k, kk[1:])
                    # هيئة كهرباء ومياه دبي، غرفة تجارة وصناعة الرياض: bare nouns joined in a construct
                    # that a place's name closes
                    construct = k + 1 < self.n and self._place_end(k + 1) > 0 \
                        and not any(x.startswith(("ال", "لل", "ل")) for x in self.keys[j:k + 1])
                    if not (genitive_places or construct):
                        break
                if k > j and "\n" in self.gap(k - 1):
                    break
                # غرفة نجران عبدالله الصقري، بنك إنكلترا مارك كارني: a first name after the place an
                # organisation is named for starts the person who speaks for it
                if k > j and kk in r["person_names"] and self._place_ends_at(k):
                    break
                prev = self.keys[k - 1]
                # an accusative (دعما، مطورا) is not part of a name, unless it is a known place
                if k > j and kk.endswith("ا") and len(kk) >= 4 and not gazetteer().table.match(self.keys, k):
                    break
                # a cluster name ends at its industrial adjective: مدينة جازان الاقتصادية | للهيئة الملكية
                if k > j and kind == "CLUSTER" and kk.startswith("لل") and prev.startswith("ال") \
                        and any(prev.endswith(mk) for mk in r["cluster_markers"]):
                    break
                # after a genitive (للطاقة) only adjectives continue: للطاقة الشمسية، not … الدين
                if k > j and any(x.startswith("لل") for x in self.keys[j:k]) and (
                        kk.startswith("ال") and not kk.endswith(("يه", "ي"))
                        or kk.startswith("ل") and not kk.startswith("لل")):  # … التعدينية لمشروعات: a purpose
                    break
                if k > j and kk in r["trailing_adjectives"]:
                    break
                # an indefinite word after a definite one starts a new phrase (… الصناعية ميزانية;
                # not وينبع after للجبيل, checked above)
                if k > j and prev.startswith(("ال", "لل", "وال")) and not kk.startswith(("ال", "لل", "ل", "وال")) \
                        and not (kk.startswith("و") and prev.startswith("لل")) \
                        and kk not in r["person_names"] and kk not in r["name_joins"] \
                        and prev not in ("الشيخ", "الملك", "الامير", "الامام"):
                    break
                k += 1
                if k < self.n and (self.gap(k - 1).strip() or self.keys[k] in "،,:؛.()"):
                    break
            parts_end = k
        # a Latin name glued after the Arabic one: "دونكيرك" Dunkerque
        latin_span = None
        if parts_end < self.n and self.toks[parts_end].kind == "latin" and "\n" not in self.gap(parts_end - 1):
            k = parts_end
            while k < self.n and self.toks[k].kind in ("latin", "num") and "\n" not in self.gap(k - 1):
                k += 1
            latin_span = (parts_end, k)
            parts_end = k
        # a trailing nisba adjective belongs to the name: مجموعة "دونكيرك" Dunkerque الصناعية
        if (quoted or latin_span) and parts_end < self.n and self.keys[parts_end].startswith("ال") \
                and self.keys[parts_end].endswith(("يه", "ي")) and "\n" not in self.gap(parts_end - 1):
            parts_end += 1
        if parts_end <= j:
            return None
        name_keys = [k for k in self.keys[j:parts_end] if self.toks[self.keys.index(k, j)].kind == "word"]
        content = [k for k in self.keys[j:parts_end] if k not in QUOTES_OPEN | QUOTES_CLOSE]
        # مؤتمر الجمعية، بلدية المدينة، اللجنة العلمية للمؤتمر: a kind word whose genitive is another
        # kind word, definite, refers to that one (the association's conference) and names nothing
        # (an adjective may look like a kind word: للانتخابات البلدية)
        last = content[-1] if content and not quoted and not latin_span else ""
        if last[2:] in r["kinds"] and (len(content) == 1 and last.startswith("ال") or last.startswith("لل")):
            return None
        # هيئة كهرباء ومياه دبي: bare nouns that a place's name closes are a name, generic or not
        closed_by_place = place_at[1] == parts_end and place_at[0] > j \
            and not any(x.startswith(("ال", "لل", "ل")) for x in self.keys[j:place_at[0]])
        if not content or (content[0] in r["generic"] and not latin_span and not quoted and not closed_by_place):
            return None  # منطقة صناعية رئيسية، مبادرة تابعة ل...: a description, not a name
        if not latin_span and not quoted and content[0].startswith(("لا", "لت")) and len(content[0]) >= 5:
            return None  # استراتيجيات منظمة لإرساء بنية تحتية، صندوق لتمويل: a purpose, not a name
        nisba = [k.endswith(("ي", "يه")) and not k.startswith("ال") for k in content]
        if kind != "CLUSTER" and not latin_span and not quoted and not kind_word.startswith("ال") and (
                content[0].startswith("لل")
                or (nisba[0] and len(content) > 1 and (nisba[1] or content[1].startswith("ل"))
                    and content[0] not in r["person_names"] and not gazetteer().table.could_start(content[0]))):
            # مركز إقليمي للتميز، تحالف تقني صناعي، مركز للتعليم البحري: what it is, not its name
            # (a lone word in -ي may be a foreign name: شركة إيني)
            return None
        if not latin_span and not quoted and len(content) == 1 and content[0].startswith("ال") and kind_word.startswith("ال"):
            return None  # الشركة السعودية: a reference, not a name
        if kind_word.startswith("ال") and not quoted and not latin_span:
            # الشركة السعودية للكهرباء: a definite kind word names only with a definite genitive;
            # otherwise it refers back (الشركة تولي أهمية، الهيئة الملكية الهائلة)
            run = []
            for k in content:
                if not k.startswith(("ال", "لل")) and not (run and run[-1].startswith("لل") and k.startswith("و")):
                    break
                run.append(k)
            if not any(k.startswith("لل") for k in run):
                return None
            parts_end = j + len(run)
        etype = kind
        all_keys = set(content)
        if kind == "CLUSTER" and kind_word in CITY_WORDS and content and content[0] in r["royal_titles"]:
            # the name runs on through its genitive and its conjuncts (للعلوم والتقنية)
            k = parts_end
            while k < self.n and k - j < 9 and self.toks[k].kind == "word" and "\n" not in self.gap(k - 1) \
                    and (self.keys[k].startswith("وال") or self.keys[k].startswith("لل") and self.keys[k - 1] not in ("،", ",")) \
                    and not self.gap(k - 1).strip():
                k += 1
            if k > parts_end:
                parts_end = k
                content = [x for x in self.keys[j:parts_end] if x not in QUOTES_OPEN | QUOTES_CLOSE]
                all_keys = set(content)
        if kind == "CLUSTER" and not quoted:  # مجمع "بلاسكيم": a quoted proper name needs no marker
            if not any(any(k.endswith(mk) or k == mk for mk in r["cluster_markers"]) for k in all_keys):
                # مدينة الملك عبدالعزيز للعلوم والتقنية، مدينة الملك فهد الطبية: a city named after a
                # royal for a purpose other than industry is an institution
                if kind_word in CITY_WORDS and content[0] in r["royal_titles"] and len(content) >= 3:
                    etype = "ORG"
                else:
                    return None
        if kind_word in ("مجموعه",):
            if any(k in r["group_cluster_markers"] for k in all_keys) or cluster_talk:
                etype = "CLUSTER"
        s, e = self.span(i, parts_end, clitic)
        m = Mention(s, e, etype, clean_name(self.doc.text[s:e]), f"kind:{kind_word}")
        if quoted:
            qs, qe = self.span(*quoted)
            m.aliases.append(clean_name(self.doc.text[qs:qe]))
            m.aliases.append(clean_name(self.doc.text[s:e].replace(self.doc.text[qs - 1:qe + 1], self.doc.text[qs:qe])))
        if latin_span:
            ls, le = self.span(*latin_span)
            m.aliases.append(clean_name(self.doc.text[ls:le]))
            # the Arabic name without the Latin gloss (not the bare kind word: شركة Accenture)
            arabic = clean_name(self.doc.text[s:ls] + self.doc.text[le:e])
            if arabic and arabic != m.name and len(arabic.split()) > 1:
                m.aliases.append(arabic)
        return m

    # -- Latin names ----------------------------------------------------------
    def latin_mentions(self) -> list[Mention]:
        out = []
        text = self.doc.text
        for mt in LATIN_NAME_RE.finditer(text):
            s, e = mt.span()
            name = mt.group().rstrip(" ,.-")
            e = s + len(name)
            # trailing lower-case joiners are not part of the name
            words = name.split()
            while words and words[-1] in self.r["latin_joiners"]:
                words.pop()
            if not words:
                continue
            name = " ".join(words)
            e = s + len(name) if text[s:s + len(name)] == name else e
            if name.endswith(" Inc") and text[e:e + 1] == ".":
                e += 1
                name += "."
            if len(name) < 2 or name.isdigit():
                continue
            etype = "EVENT" if _COP_RE.fullmatch(name) else "ORG"
            out.append(Mention(s, e, etype, text[s:e], "latin"))
        return out

    # -- NAME (ACRONYM) and NAME (ACRONYM، COUNTRY) ------------------------------
    def acronym_links(self, mentions: list[Mention]) -> None:
        text = self.doc.text
        for m in mentions:
            if m.rule == "latin":
                continue
            after = text[m.end:m.end + 60]
            mt = _ACRONYM_RE.match(after)
            if mt:
                m.aliases.append(mt.group(1))
                if mt.group(2):
                    c = _country_of(mt.group(2).strip())
                    if c:
                        m.country = m.country or c[0]
                        m.region = m.region or c[1]

    # -- persons ---------------------------------------------------------------
    def person_mentions(self) -> list[Mention]:
        """A known first name (ANERcorp/ANERGazet) and what follows it, or a name after a cue (وقال فلان،)."""
        out = []
        r = self.r
        known, cues = r["person_names"], r["person_cues"]
        # only a cue or a first name (maybe behind و) opens a name
        candidates = list(compress(count(), map(_person_openers().__contains__, self.keys)))
        i = 0  # the first token not yet inside a name
        for c in candidates:
            if c < i:
                continue
            i = c
            k = self.keys[i]
            if self.toks[i].kind != "word":
                continue
            cue = k in cues
            start = i + 1 if cue else i
            if cue:
                # للرئيس الأمريكي دونالد ترامب: a nationality or office adjective after the cue
                while start < self.n and start - i <= 2 and self.keys[start].startswith("ال") \
                        and self.keys[start].endswith("ي") and len(self.keys[start]) >= 5 \
                        and start + 1 < self.n and self.keys[start + 1] in known:
                    start += 1
            clitic = ""
            if not cue:
                # a first name, maybe with و (ومحمد)
                # ومحمد: the conjunction first. The names table also holds و+name forms as ANERcorp
                # tags them (وأحمد), and read bare they took the و into the name.
                for pre, rest in reversed(strip_clitic(k, ("و",), min_rest=3)):
                    if rest in known:
                        clitic = pre
                        break
                else:
                    continue
            j = start
            # (a lineage runs longer: تركي بن سعود بن محمد آل سعود)
            while j < self.n and (j - start < 6 or j - start < 9 and self.keys[j - 1] in r["lineage"]):
                t, kk = self.toks[j], self.keys[j]
                if t.kind != "word" or kk in r["stops"] or kk in r["kinds"] or kk in r["person_cues"]:
                    break
                if j == start and kk in r["function_words"]:
                    break  # اهتمامه الرئيس هذه السنة: the cue word was an adjective, a demonstrative follows
                if j > start and self.gap(j - 1).strip():
                    break
                after_link = j > start and self.keys[j - 1] in r["name_joins"]
                if kk in r["name_joins"] or after_link or (kk in known and not kk.startswith("ال")):
                    j += 1
                    continue
                if j == start and clitic == "" and cue and not kk.startswith(("ل", "و", "ب", "ال")):
                    j += 1
                    continue
                if j > start and kk.startswith("ال") and len(kk) >= 5 and not kk.startswith("لل") \
                        and kk not in r["not_family_names"] and not _country_word(self.keys, j) \
                        and (kk in known or not self._feminine_noun(j)
                             or not r["lineage"].isdisjoint(self.keys[start:j])):  # after a lineage: الربيعة
                    j += 1  # a family name (النعيمي) closes the name (not الدولي، not السعودية)
                elif j == start + 1 and not cue and self.keys[start] in known and len(self.keys[start]) >= 3 \
                        and _foreign_family_name(kk, r) and not self._tanween(j):
                    j += 1  # دونالد ترامب، جون مور: an unknown word after a first name is its family name
                break
            if j - start >= 2 or (cue and j - start >= 1 and j < self.n and self.keys[j] in ("،", ",")):
                place = gazetteer().table.match_clitic(self.keys, start)
                if place and place[0] == j and place[1].type in ("GPE", "LOC"):
                    continue  # أبو ظبي: a place the gazetteer knows whole, not a kunya
                s_, e_ = self.span(start, j, clitic if not cue else "")
                out.append(Mention(s_, e_, "PERSON", clean_name(self.doc.text[s_:e_]),
                                   "person_cue" if cue else "person_name"))
                i = j
        return out

    # -- news outlets ------------------------------------------------------------
    def outlet_mentions(self) -> list[Mention]:
        """قال لـ"الاقتصادية"، وفقا لصحيفة "الوطن": a quoted name after a reporting cue is an outlet;
        so is the dateline's bracketed Latin name: دبي، الإمارات (CNN)- ..."""
        out = []
        for i in self.where({"("}, 1, self.n - 2):
            if self.toks[i + 1].kind == "latin" and self.keys[i + 2] == ")" \
                    and i + 3 < self.n and self.keys[i + 3] in ("-", "–", "—"):
                s_, e_ = self.span(i + 1, i + 2)
                out.append(Mention(s_, e_, "ORG", clean_name(self.doc.text[s_:e_]), "outlet"))
        for i in self.where(QUOTES_OPEN, 1, self.n - 2):
            if self.keys[i - 1] not in self.r["outlet_cues"]:
                continue
            j = i + 1
            while j < self.n and j - i <= 3 and self.toks[j].kind in ("word", "latin"):
                j += 1
            if j == i + 1 or j >= self.n or self.keys[j] not in QUOTES_CLOSE or j - i > 3:
                continue
            s_, e_ = self.span(i + 1, j)
            out.append(Mention(s_, e_, "ORG", clean_name(self.doc.text[s_:e_]), "outlet"))
        return out

    def speaker_mentions(self) -> list[Mention]:
        """قال مدير الجمعية التنفيذي مايك هاوز إن ...: two unknown words between a speaker's title
        and إن/أن, after a speech verb in the same sentence, are the speaker's name."""
        out = []
        r = self.r
        verbs = r["speech_verbs"]
        for p in range(3, self.n):
            if self.keys[p] != "ان":
                continue
            a = p - 2
            words = self.keys[a:p]
            if any(self.toks[t].kind != "word" or "\n" in self.gap(t) for t in range(a - 1, p)):
                continue
            if not all(_foreign_family_name(w, r) and w not in r["person_cues"] and not gazetteer().table.could_start(w)
                       for w in words):
                continue
            title = self.keys[a - 1]
            if not (title.startswith("ال") or title.endswith(("ي", "يه"))) or title in r["function_words"]:
                continue  # the name follows its title (مدير الجمعية التنفيذي)
            if not any(any(v in verbs for _, v in strip_clitic(k, ("و", "ف"), min_rest=2)) for k in self.keys[max(0, a - 10):a]):
                continue
            s_, e_ = self.span(a, p)
            out.append(Mention(s_, e_, "PERSON", clean_name(self.doc.text[s_:e_]), "speaker"))
        return out

    def deal_party_mentions(self) -> list[Mention]:
        """مذكرة تفاهم بين وزارة الصحة و"جنرال إلكتريك"، شراكة بين "التجمعات الصناعية" و...:
        a quoted name that is a party to a deal (after بين, or after و/مع joining the parties)."""
        out = []
        for i in range(self.n - 2):
            if self.keys[i] != "بين" or not self.r["deal_nouns"] & set(self.keys[max(0, i - 3):i]):
                continue
            j, slot = i + 1, 1  # the first party follows بين, the second و or مع
            while j < min(self.n, i + 16) and slot <= 2 and "\n" not in self.gap(j - 1):
                opener = self.keys[j - 1] in ("بين", "و", "مع")
                if self.keys[j] in QUOTES_OPEN and opener:
                    k = j + 1
                    while k < self.n and k - j <= 5 and self.toks[k].kind in ("word", "latin", "num"):
                        k += 1
                    if k < self.n and k > j + 1 and self.keys[k] in QUOTES_CLOSE:
                        s_, e_ = self.span(j + 1, k)
                        out.append(Mention(s_, e_, "ORG", clean_name(self.doc.text[s_:e_]), "deal_party"))
                        j = k + 1
                        continue
                if self.keys[j] in ("و", "مع"):
                    slot += 1
                j += 1
        return out

    # -- described clusters ------------------------------------------------------
    def described_clusters(self) -> list[Mention]:
        """مدينة صناعية متخصصة في صناعة الأمصال، منطقة صناعية للتعبئة والتغليف: a cluster named by
        what it is for."""
        r = self.r
        out = []
        for i in [a - 1 for a in self.where(r["described_adjectives"], 1, self.n - 2)]:
            clitic = next((c for c, rest in strip_clitic(self.keys[i], ("و", "ب", "ل", "ف", "وب"), min_rest=3)
                           if rest in r["described_heads"]), None)
            if clitic is None:
                continue
            j = i + 2
            if self.keys[j] in r["described_openers"]:
                j += 1
                if j < self.n and self.keys[j] == "في":
                    j += 1
            elif not self.keys[j].startswith("لل"):
                continue
            k = j
            while k < self.n and k - j < 7 and self.toks[k].kind == "word" and self.keys[k] not in r["stops"] \
                    and not (k > j and self.gap(k - 1).strip()) and self.keys[k] not in DESCRIPTION_ENDS \
                    and not (self.keys[k].startswith("و") and self.keys[k][1:] in r["described_heads"]):
                k += 1  # (ومدينة starts the next one; به، فيها refer back)
            if k == j:
                continue
            s_, e_ = self.span(i, k, clitic)
            out.append(Mention(s_, e_, "CLUSTER", clean_name(self.doc.text[s_:e_]), "described_cluster"))
        return out

    # -- المملكة ------------------------------------------------------------------
    def kingdom_mentions(self) -> list[Mention]:
        """المملكة alone: the kingdom the article names most (Saudi Arabia when it names none)."""
        from ..gazetteer import country_mention_counts

        r = self.r
        out = []
        code = None
        # only the tokens where the word occurs at all (one str.find pass over the key)
        text_key = self.doc.norm.key
        positions = set()
        for w in r["kingdom_words"]:
            at = text_key.find(w[1:])
            while at >= 0:
                positions.add(_tok_at_key(self.doc, at))
                at = text_key.find(w[1:], at + 1)
        for i in sorted(positions):
            if self.toks[i].kind != "word":
                continue
            clitic = next((c for c, rest in strip_clitic(self.keys[i], ("و", "ب", "ل", "ف", "وب", "ول", "لل"), min_rest=4)
                           if rest in r["kingdom_words"] or (c == "لل" and "ال" + rest in r["kingdom_words"])), None)
            if clitic is None or (i + 1 < self.n and self.keys[i + 1] in r["kingdom_continuations"]):
                continue
            if code is None:
                counts = country_mention_counts(self.doc)
                named = [k for k in r["kingdoms"] if counts.get(k)]
                code = max(named, key=lambda k: counts[k]) if named else r["default_kingdom"]
            s_, e_ = self.span(i, i + 1, clitic)
            name = clean_name(self.doc.text[s_:e_])
            if clitic == "لل":
                name = "ال" + name
            out.append(Mention(s_, e_, "GPE", name, "kingdom", country=code, level="country"))
        return out

    # -- events ------------------------------------------------------------------
    def event_mentions(self) -> list[Mention]:
        out = []
        for i in self.where(self.r["event_bases"], 0, self.n - 1):
            if self.toks[i + 1].kind == "num" \
                    and _YEAR_RE.fullmatch(self.keys[i + 1]):
                s, e = self.span(i, i + 2)
                out.append(Mention(s, e, "EVENT", self.doc.text[s:e], "event_year"))
        return out


def _country_word(keys: list[str], j: int) -> bool:
    """Is keys[j] a country's name (زين السعودية: a company and its country, not a family name)?"""
    m = gazetteer().table.match(keys, j)
    return bool(m) and m[0] == j + 1 and m[1].type == "GPE" and m[1].level == "country"


def _foreign_family_name(k: str, r: dict) -> bool:
    """Could this unknown word be a family name after a first name? Not a clitic phrase,
    a verb, a relative pronoun or a kind word."""
    return (len(k) >= 3 and not k.startswith(("ال", "و", "ب", "ل", "ف", "ك", "س"))
            and not (k.startswith(("ي", "ن", "ا")) and len(k) <= 5)  # يعمل، أكسيد (ترامب، توماس are names)
            and not (k.endswith("ا") and len(k) <= 5)  # مرورا: an accusative adverb (أوباما is a name)
            and k not in r["stops"] and k not in r["kinds"] and k not in r["verbs"] and k not in r["function_words"]
            and not k.endswith(("ه", "ات", "ها")))


@lru_cache(maxsize=256)
def _country_of(place: str) -> Optional[tuple[str, Optional[str]]]:
    from ..lexicon import form_tokens

    toks = list(form_tokens(place))
    if not toks:
        return None
    m = gazetteer().table.match_clitic(toks, 0, PROCLITICS)
    if m and m[1].country:
        return m[1].country, m[1].region
    return None


def _place_after(doc: Doc, mentions: list[Mention]) -> None:
    """A cluster without a country takes the place named right after it: مجموعة X الصناعية في فرنسا."""
    places = [m for m in mentions if m.type == "GPE" and m.country]
    for m in mentions:
        if m.type != "CLUSTER" or m.country:
            continue
        line_end = doc.text.find("\n", m.end)
        line_end = len(doc.text) if line_end < 0 else line_end
        for p in places:
            between = doc.text[m.end:p.start]
            if m.end <= p.start < line_end and len(between) <= 12 and _PLACE_GAP_RE.fullmatch(between.strip()) is not None:
                m.country, m.region = p.country, m.region or p.region
                break
            if m.start <= p.start and p.end <= m.end:
                m.country, m.region = p.country, m.region or p.region
                break


def _drop_described_orgs(mentions: list[Mention]) -> list[Mention]:
    """مبادرة المنتدى الاقتصادي العالمي: when a kind word is followed by a known
    organisation and nothing else, the organisation is the name."""
    orgs = [m for m in mentions if m.rule.startswith("gazetteer") and m.type == "ORG"]
    out = []
    for m in mentions:
        if m.rule.startswith("kind:") and any(o.end == m.end and o.start > m.start for o in orgs):
            continue
        out.append(m)
    return out


def _resolve_overlaps(mentions: list[Mention]) -> list[Mention]:
    def prio(m: Mention):
        rule_bonus = 0 if m.rule.startswith("gazetteer") else 1
        return (not m.rule.startswith("model:"), m.end - m.start, rule_bonus)

    chosen: list[Mention] = []
    taken: dict[int, Mention] = {}  # character -> the chosen mention covering it
    for m in sorted(mentions, key=prio, reverse=True):
        clash = next((taken[c] for c in range(m.start, m.end) if c in taken), None)
        if clash is None:
            chosen.append(m)
            for c in range(m.start, m.end):
                taken[c] = m
        elif m.rule.startswith("gazetteer") and clash.type in ("CLUSTER", "ORG", "EVENT") \
                and (m.type == "GPE" or m.type == "LOC" and m.country and clash.type == "CLUSTER") \
                and clash.start <= m.start and m.end <= clash.end:
            # a place inside a cluster/organisation name gives it a country and region
            clash.country = clash.country or m.country
            clash.region = clash.region or m.region
            # and still counts as a place mention of its own (لويزيانا in مجموعة لويزيانا ...)
            if m.region:
                chosen.append(Mention(m.start, m.end, m.type, m.name, m.rule, m.country, m.region))
    return sorted(chosen, key=lambda m: m.start)


def _short_form_of(short: str, rest: str) -> bool:
    """Is ``short`` the short form of ``short + ' ' + rest``?"""
    from ..gazetteer import demonyms

    first = rest.split()[0] if rest else ""
    if len(short.split()) >= 2 and first.startswith("ل"):
        return True  # الهيئة الملكية / الهيئة الملكية للجبيل وينبع
    return len(rest.split()) == 1 and first in demonyms()  # أرامكو / أرامكو السعودية


def _occurrences(text: str, word: str):
    """Key offsets where ``word`` stands as a whole word, possibly after a proclitic."""
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        ok_after = end >= len(text) or not (text[end].isalnum())
        # the word starts the token, or only a proclitic stands before it in the token
        tok_start = start
        while tok_start > 0 and start - tok_start < 4 and text[tok_start - 1].isalpha():
            tok_start -= 1
        prefix = text[tok_start:start]
        if ok_after and (prefix == "" or prefix in PROCLITICS) and (tok_start == 0 or not text[tok_start - 1].isalnum()):
            yield start
        start = text.find(word, start + 1)


def _merge_group(grp: dict, into: dict) -> None:
    """Move a linking group's mentions and names into another (the emptied one is dropped later)."""
    into["aliases"] += [a for a in grp["aliases"] if a not in into["aliases"]]
    into["mentions"] += grp["mentions"]
    into["types"] += grp["types"]
    into["rules"] += grp["rules"]
    into["country"] = into["country"] or grp["country"]
    grp["mentions"] = []


def _link(doc: Doc, mentions: list[Mention]):
    """Merge mentions into entities by shared alias keys; return contract Entities."""
    from ..models import Entity, Span

    groups: list[dict] = []
    by_key: dict[str, int] = {}
    # the merges below compare every pair of groups' aliases: each alias keyed once
    name_key_ = lru_cache(maxsize=None)(name_key)

    def find_group(keys: set[str]) -> Optional[int]:
        # the earliest group any key points to: set order varies between processes
        found = [by_key[k] for k in keys if k in by_key]
        return min(found) if found else None

    for m in mentions:
        names = [m.name] + m.aliases
        keys = {name_key_(n) for n in names if n}
        if m.type == "GPE" and m.level == "country" and m.country:
            keys.add(f"country:{m.country}")  # السعودية and المملكة العربية السعودية are one referent
        if m.type == "CLUSTER":
            # مدينة جازان الاقتصادية and جازان الاقتصادية are one referent, and so is جازان
            # when a list of industrial cities names it
            for n in names:
                words = name_key_(n).split()
                if len(words) > 2 and key(words[0]) in CLUSTER_KINDS:
                    keys.add(" ".join(words[1:]))
                    if len(words) == 3 and words[2] in INDUSTRIAL_ADJ | {"الصناعيه", "الاقتصاديه"}:
                        keys.add("cluster_core:" + words[1])
                elif len(words) == 2 and words[1] in {"الصناعيه", "الاقتصاديه"}:
                    keys.add("cluster_core:" + words[0])
            if m.rule in ("listed_industrial_city", "industrial_city") and len(name_key_(m.name).split()) == 1:
                keys.add("cluster_core:" + name_key_(m.name))
        g = find_group(keys)
        if g is None:
            groups.append({"mentions": [], "aliases": [], "types": [], "country": None, "region": None, "rules": []})
            g = len(groups) - 1
        grp = groups[g]
        grp["mentions"].append(m)
        for n in names:
            if n and n not in grp["aliases"]:
                grp["aliases"].append(n)
        grp["types"].append(m.type)
        grp["rules"].append(m.rule)
        grp["country"] = grp["country"] or m.country
        grp["region"] = grp["region"] or m.region
        for k in keys:
            by_key.setdefault(k, g)

    # الهيئة الملكية after الهيئة الملكية للجبيل وينبع: a shorter organisation name that begins
    # a longer one in the same article is its short form
    orgs = [g for g, grp in enumerate(groups) if grp["types"][0] == "ORG"]
    for g in orgs:
        names_g = {name_key_(a) for a in groups[g]["aliases"]}
        short = min(names_g, key=lambda n: (len(n), n))
        if not groups[g]["mentions"]:
            continue
        for h in orgs:
            if h == g or not groups[h]["mentions"]:
                continue
            # only when the longer name goes on with a genitive (للجبيل) or a nationality
            # (أرامكو السعودية), not with an ordinal (الثانية)
            if any(n.startswith(short + " ") and _short_form_of(short, n[len(short) + 1:])
                   for n in (name_key_(a) for a in groups[h]["aliases"])):
                _merge_group(groups[g], groups[h])
                break
    # شركة الكهرباء after الشركة السعودية للكهرباء: a company named by its kind word and part of
    # the other's words (للكهرباء is الكهرباء) is that company
    def company_core(name: str):
        words = name_key_(name).split()
        if len(words) < 2:
            return None
        kind = words[0][2:] if words[0].startswith("ال") else words[0]
        if kind not in rules()["company_kinds"]:
            return None
        return kind, {"ال" + w[2:] if w.startswith("لل") else w for w in words[1:]}

    orgs = [g for g, grp in enumerate(groups) if grp["types"][0] == "ORG" and grp["mentions"]]
    cores = {g: [c for c in (company_core(a) for a in groups[g]["aliases"]) if c] for g in orgs}
    for g in orgs:
        for kind, core in cores[g]:
            into_g = next((h for h in orgs if h != g and groups[h]["mentions"] and any(
                k2 == kind and core < c2 for k2, c2 in cores[h])), None)
            if into_g is not None and groups[g]["mentions"]:
                _merge_group(groups[g], groups[into_g])
    # تركي بن سعود after تركي بن سعود بن محمد آل سعود: a person's name that begins a longer
    # person's name in the same article is the same person, named short
    persons = [g for g, grp in enumerate(groups) if grp["types"][0] == "PERSON" and grp["mentions"]]
    for g in persons:
        short = min((name_key_(a).split() for a in groups[g]["aliases"]), key=len)
        if len(short) < 2:
            continue
        for h in persons:
            if h == g or not groups[h]["mentions"] or not groups[g]["mentions"]:
                continue
            if any(len(w) > len(short) and w[:len(short)] == short
                   for w in (name_key_(a).split() for a in groups[h]["aliases"])):
                _merge_group(groups[g], groups[h])
                break
    groups = [grp for grp in groups if grp["mentions"]]
    # later plain occurrences of a known alias (an acronym, a quoted short name) are mentions too
    text_key = doc.norm.key.lower()
    for g, grp in enumerate(groups):
        for alias in list(grp["aliases"]):
            ak = name_key_(alias)
            if not 3 <= len(ak) <= 120 or grp["types"][0] in ("GPE", "LOC"):
                continue
            covered = {t for x in grp["mentions"] for t in range(x.start, x.end)} if len(grp["mentions"]) < 64 else None
            starts = {x.start for x in grp["mentions"]}
            for ks in _occurrences(text_key, ak):
                s, e = doc.norm.span(ks, ks + len(ak))
                if (s not in covered) if covered is not None else (s not in starts):
                    grp["mentions"].append(Mention(s, e, grp["types"][0], alias, "alias"))
                    starts.add(s)
                    if covered is not None:
                        covered.update(range(s, e))

    entities, regions = [], []
    for grp in groups:
        etype = max(grp["types"], key=lambda t: TYPE_RANK[t])
        aliases = grp["aliases"]
        if etype == "ORG":
            aliases = aliases + [b for b in (_bare_company_name(a) for a in aliases) if b and b not in aliases]
        arabic = [a for a in aliases if not a.isascii()]
        name = max(arabic or aliases, key=lambda a: (len(a.split()), len(a)))
        country = grp["country"]
        spans = sorted({(m.start, m.end) for m in grp["mentions"]})
        entities.append(Entity(id="", type=etype, name=name, aliases=aliases, country=country,
                               mentions=[Span(start=s, end=e) for s, e in spans],
                               rule=",".join(sorted(set(grp["rules"])))))
        regions.append(grp["region"])
    order = sorted(range(len(entities)), key=lambda n: entities[n].mentions[0].start if entities[n].mentions else 0)
    entities = [entities[n] for n in order]
    regions = [regions[n] for n in order]
    for n, e in enumerate(entities, 1):
        e.id = f"e{n}"
    doc.entity_regions = {e.id: r for e, r in zip(entities, regions) if r}
    return entities


def _bare_company_name(name: str) -> Optional[str]:
    """شركة أكوا باور -> أكوا باور: a company is also called by its own name without the kind word
    (not شركة الكهرباء, شركة وطنية: a description without its kind word names nothing)."""
    words = name.split()
    if len(words) < 2 or key(words[0]) not in rules()["company_kinds"]:
        return None
    first = key(words[1])
    if first.startswith(("ال", "لل")) or first in rules()["generic"] or first.endswith(("يه", "ي")) and len(words) == 2:
        return None
    return " ".join(words[1:])


INDUSTRIAL_ADJ = {"الصناعيه", "الصناعيتين", "الصناعيتان", "الاقتصاديه", "الاقتصاديتين"}
CITY_WORDS = {"مدينه", "مدينتي", "مدينتا", "مدن", "المدينه"}
ORDINAL_ADJ = {"الاولي", "الثانيه", "الثالثه", "الرابعه", "الخامسه", "الاول", "الثاني", "الثالث"}


def industrial_cities(doc: Doc, f: "EntityFinder", gaz: list[Mention]) -> list[Mention]:
    """Cities named as industrial cities become clusters: مدينتي الجبيل وينبع الصناعيتين،
    الجبيل الصناعية، صناعية جدة الأولى، الجبيل2."""
    out = []
    by_start = {}
    for m in gaz:
        if m.type == "GPE":
            i = _tok_at(doc, m.start)
            by_start[i] = m
    keys = f.keys
    out += _listed_cities(doc, f, by_start)
    for i, m in sorted(by_start.items()):
        j = _tok_at(doc, m.end - 1) + 1
        # the run of coordinated cities this one belongs to (مدينتي الجبيل وينبع الصناعيتين)
        k = j
        while k in by_start or (k < f.n and keys[k] in ("و",)):
            k = _tok_at(doc, by_start[k].end - 1) + 1 if k in by_start else k + 1
        nxt = keys[k] if k < f.n else ""
        nxt_j = keys[j] if j < f.n else ""
        prev = keys[i - 1] if i > 0 else ""
        name = None
        if nxt_j in INDUSTRIAL_ADJ or nxt in INDUSTRIAL_ADJ and (prev in CITY_WORDS or keys[i - 2:i - 1] == ["و"]):
            name = m.name
            if nxt_j in INDUSTRIAL_ADJ:
                _, e_ = f.span(i, j + 1)
                name = f.doc.text[m.start:e_]
        elif i > 0 and any(r == "صناعيه" for _, r in strip_clitic(prev, ("و", "ب", "ل", "ف", "وب"))):
            # صناعية جدة الأولى، بصناعية الدمام الثانية (MODON's industrial cities)
            end = j + 1 if nxt_j in ORDINAL_ADJ else j
            clitic = next(c for c, r in strip_clitic(prev, ("و", "ب", "ل", "ف", "وب")) if r == "صناعيه")
            s_, e_ = f.span(i - 1, end, clitic)
            out.append(Mention(s_, e_, "CLUSTER", clean_name(doc.text[s_:e_]), "industrial_city", m.country, m.region))
            continue
        elif j < f.n and f.toks[j].kind == "num" and f.toks[j].start == f.toks[j - 1].end:
            s_, e_ = f.span(i, j + 1)
            out.append(Mention(s_, e_, "CLUSTER", clean_name(doc.text[s_:e_]), "industrial_city", m.country, m.region))
            continue
        if name:
            out.append(Mention(m.start, m.end, "CLUSTER", m.name, "industrial_city", m.country, m.region,
                               aliases=[clean_name(name)] if name != m.name else []))
    return out


DESCRIPTION_ENDS = {"التي", "الذي", "به", "بها", "فيه", "فيها", "له", "لها", "بمسمي", "وليست", "وليس"}
PLURAL_CLUSTER_NOUNS = {"المدن", "مدن", "المناطق", "مناطق", "والمدن", "بالمدن", "للمدن"}
PLURAL_CLUSTER_ADJ = {"الصناعيه", "الاقتصاديه", "صناعيه", "اقتصاديه"}


def geo_features(doc: Doc, f: "EntityFinder", gaz: list[Mention]) -> list[Mention]:
    """نهر النيل، خليج السويس، جبل الزيت، قناة بنما: a geographic head noun and the name after it is
    a location (a canal only with a known place: قناة العربية is a channel)."""
    out = []
    r = f.r
    place_at = {_tok_at(doc, m.start): m for m in gaz if m.type in ("GPE", "LOC")}
    for i in f.where(r["geo_head_forms"], 0, f.n - 1):
        head = next((rest for c, rest in strip_clitic(f.keys[i], ("و", "ب", "ل", "ف", "وب", "ول"), min_rest=3)
                     if rest in r["geo_heads"]), None)
        if head is None or "\n" in f.gap(i):
            continue
        s_, e_ = f.span(i, i + 1)
        if head == "وادي" and not doc.text[s_:e_].endswith("وادي"):
            continue  # وأدى (led) keys like وادي
        j = i + 1
        place = place_at.get(j)
        if place is not None:
            end = _tok_at(doc, place.end - 1) + 1
        elif head in r["geo_heads_need_place"] or f.toks[j].kind != "word" or f.keys[j] in r["function_words"] \
                or f.keys[j] in r["stops"] or f.keys[j] in r["kinds"] or f.keys[j].endswith(("يه", "ي")) \
                or f.keys[j].startswith(("لل", "بال", "وال", "ل", "ب")):
            continue
        else:
            end = j + 1
        if end < f.n and f.keys[end] in r["geo_trailing"] and "\n" not in f.gap(end - 1):
            end += 1  # قناة السويس الجديدة
        clitic = f.keys[i][:len(f.keys[i]) - len(head)]
        s_, e_ = f.span(i, end, clitic)
        out.append(Mention(s_, e_, "LOC", clean_name(doc.text[s_:e_]), "geo_feature"))
    return out


def _listed_cities(doc: Doc, f: "EntityFinder", by_start: dict) -> list[Mention]:
    """المدن الصناعية "الجبيل وينبع ورأس الخير": the cities listed after a plural cluster noun are clusters."""
    out = []
    keys = f.keys
    for i in f.where(PLURAL_CLUSTER_NOUNS, 0, f.n - 2):
        if keys[i + 1] not in PLURAL_CLUSTER_ADJ:
            continue
        k = i + 2
        # an adjective or an opening quote may stand between: المدن الصناعية العالمية "الجبيل ...
        while k < f.n and k - i < 5 and k not in by_start and (keys[k] in QUOTES_OPEN or keys[k].startswith("ال")):
            k += 1
        while k in by_start:
            m = by_start[k]
            out.append(Mention(m.start, m.end, "CLUSTER", m.name, "listed_industrial_city", m.country, m.region))
            k = _tok_at(doc, m.end - 1) + 1
            if k < f.n and keys[k] == "و":
                k += 1
            elif k < f.n and keys[k].startswith("و") and (k + 1) not in by_start:
                # ورأس الخير: the clitic is glued to the next city; its mention starts after و
                nxt = next((x for x in by_start if f.toks[x].start == f.toks[k].start), None)
                if nxt is None:
                    break
                k = nxt
    return out


def _tok_at_key(doc: Doc, key_pos: int) -> int:
    """Index of the token holding key offset ``key_pos``."""
    return max(bisect_right(doc.columns().starts, key_pos) - 1, 0)


def _tok_at(doc: Doc, text_pos: int) -> int:
    """Index of the token holding text offset ``text_pos``."""
    return max(bisect_right(doc.columns().starts, bisect_left(doc.norm.to_text, text_pos)) - 1, 0)


def facility_phrases(doc: Doc) -> list[tuple[int, int, str]]:
    """(text start, end, name) of facilities and projects: محطة بوكبورت، مشروع "نور 1"."""
    f = EntityFinder(doc)
    out = []
    kinds = f.r["facility_kinds"]
    for i in f.where(f.r["facility_forms"]):
        for clitic, rest in strip_clitic(f.keys[i], ("و", "ب", "ل", "ف", "وب", "ول", "ال", "وال", "بال", "لل")):
            if rest not in kinds and rest.endswith("ا") and rest[:-1] in kinds:
                # the accusative names a facility (تدرس مشروعا لإنتاج ...), but after a number
                # it is the counted noun (23 مشروعا، 80 مشروعا صناعيا)
                if i > 0 and (f.toks[i - 1].kind == "num" or f.keys[i - 1] == ")"):
                    break
                rest = rest[:-1]
            if rest in kinds:
                if clitic.endswith(("ال", "لل")) and not (i + 1 < f.n and f.keys[i + 1] in QUOTES_OPEN):
                    break  # المشروع، المحطة الجديدة: refers back to a facility named before
                m = f.name_after(i, clitic, rest, "ORG", False)
                # محطة طاقة شمسية: a description, not a named facility
                if m and not (m.aliases or any(key(w) not in f.r["facility_generic"] for w in m.name.split()[1:])):
                    m = None
                if m:
                    quoted = [a for a in m.aliases if a and a in m.name and a != m.name and len(a) < len(m.name)]
                    name = quoted[0] if quoted and f.keys[i + 1] in QUOTES_OPEN else m.name
                    out.append((m.start, m.end, name))
                break
    return out


def _sentence_of(doc: Doc) -> list[int]:
    """Token index -> sentence index."""
    sent_of = [0] * len(doc.tokens)
    for si, (a, b) in enumerate(doc.sentences):
        sent_of[a:b] = [si] * (b - a)
    return sent_of


def _nearest_in_sentence(sent_of: list[int], at: int, candidates: list[tuple[int, str]]) -> Optional[str]:
    """The value of the (token, value) candidate nearest token ``at`` in its sentence, the earlier on a tie."""
    same = [(abs(i - at), i > at, v) for i, v in candidates if sent_of[i] == sent_of[at]]
    return min(same)[2] if same else None


def _cluster_country_from_sentence(doc: Doc) -> None:
    """إقليم قناة السويس سيشهد ... مدينة صناعية متخصصة في ...: a cluster with no country of its
    own is in the country of the nearest place or nationality named in its first sentence."""
    sent_of = _sentence_of(doc)
    places = []  # (token, country)
    for e in doc.entities:
        if e.type in ("GPE", "LOC") and e.country:
            places += [(_tok_at(doc, m.start), e.country) for m in e.mentions]
    forms = _demonym_forms()
    cols = doc.columns()
    places += [(i, forms[cols.keys[i]]) for i in positions(cols.keys, forms) if cols.kinds[i] == "word"]
    for e in doc.entities:
        if e.type == "CLUSTER" and not e.country and e.mentions:
            e.country = _nearest_in_sentence(sent_of, _tok_at(doc, e.mentions[0].start), places) or e.country


def _cluster_country_from_article(doc: Doc) -> None:
    """A cluster with no country of its own is in the country the article is about, when one
    country has at least half of the article's country mentions."""
    from ..gazetteer import country_mention_counts

    if not any(e.type == "CLUSTER" and not e.country for e in doc.entities):
        return
    _cluster_country_from_sentence(doc)
    counts = country_mention_counts(doc)
    if not counts:
        return
    code, n = counts.most_common(1)[0]
    if n * 2 < sum(counts.values()):
        return
    for e in doc.entities:
        if e.type == "CLUSTER" and not e.country:
            e.country = code


def active_recognizer():
    """The NER backend this process runs (KHABAR_NER: one of pipeline.ner.BACKENDS; KHABAR_NER_MODEL: a path)."""
    from ..ner import DEFAULT_BACKEND, recognizer

    return recognizer(os.environ.get("KHABAR_NER", DEFAULT_BACKEND), os.environ.get("KHABAR_NER_MODEL") or None)


_ARTICLE_CLITICS = ("وبال", "ولل", "وال", "فال", "بال", "كال", "لل")


def _model_clitic(f: EntityFinder, i: int) -> str:
    """The proclitic before a model-tagged name: the corpus tags وفرنسا whole, we
    start the name after و.  Only stripped when it is certain: the rest is a
    known name, or the clitic is glued to the article (بالصين، وال...)."""
    first = f.keys[i]
    if f.toks[i].kind != "word" or first in f.r["person_names"]:
        return ""
    m = gazetteer().table.match_clitic(f.keys, i, ("و", "ب", "ل", "ف", "ك", "وب", "ول"))
    if m and m[2]:
        return m[2]
    for c in _ARTICLE_CLITICS:
        if first.startswith(c) and len(first) - len(c) >= 3:
            return c if c.endswith("لل") else c[:-2]
    if first[:1] == "و" and (first[1:] in f.r["person_names"] or first[1:] in f.r["place_heads"]):
        return "و"
    if first[:1] in ("و", "ب", "ك", "ل", "ف") and first[1:] in f.r["name_joins"]:
        return first[:1]  # بأبو ثامر، كآل شاليش: a clitic before a name's particle
    return ""


def _plausible_model_name(f: EntityFinder, words: list[str], etype: str, clitic: str, i: int, j: int,
                          in_quantity: bytearray) -> bool:
    """Vetoes for model spans the rules know better about (each one a class of dev-corpus noise)."""
    if any(in_quantity[i:j]):
        return False
    # a lone word the tables do not know (حسن، جاذبة، الصفر) was the model's most common error on
    # the dev corpus (45 of 54 wrong); two or more words were right about half the time
    if j - i < 2 or any(w in f.r["model_not_name_words"] for w in words):
        return False
    # هاورد أو، أحمد هو: a function word is in no name (علي and ام are: they key على and أم too)
    if any(w in f.r["function_words"] and w not in ("علي", "ام") for w in words):
        return False
    first = words[0]
    known = first in f.r["person_names"] or bool(clitic)
    # بتحسين، لتوليد الكهرباء، وهنالك: a clitic the name tables cannot explain starts a phrase, not a name
    if not known and f.toks[i].kind == "word" and first[:1] in ("ب", "ل", "و") and len(first) > 3 \
            and not gazetteer().table.could_start(first):
        return False
    # الاحتباس الحراري، الصعيد الإقليمي، الحكيم: Arabic personal names do not open with the article
    if etype == "PERSON" and first.startswith("ال") and not (i > 0 and f.keys[i - 1] in f.r["person_cues"]):
        return False
    # الشركة العالمية، المصرف المركزي: a definite kind word with an adjective refers back; the rules
    # read it when a genitive (للكهرباء) makes it a name
    if etype == "ORG" and first.startswith("ال") and first[2:] in f.r["kinds"] and not any(w.startswith("لل") for w in words):
        return False
    return True


MODEL_SIGNALS = frozenset({"P", "PL", "C"})  # a known first name, a title or a speech verb (kind words: the rules read those names)
MODEL_WINDOW = 5  # tokens each side: the model's receptive field is 4 (depth 4, window 1)


def _model_windows(doc: Doc, f: EntityFinder, covered: Optional[bytearray] = None) -> list[tuple[int, int]]:
    """Token ranges the model reads: around words that signal a name, inside one sentence.

    The spaCy model costs about three times the rest of the pipeline per token (the CRF about
    a third of that); names it adds (persons, organisations) sit next to such words. Windows
    around first names, titles and speech verbs hold about 15% of a news article's tokens (with
    organisation kind words too, 23%, for one more right entity on the dev corpus); the CRF
    over every sentence found 2 more right entities and 11 more wrong ones on dev.
    """
    from ..ner import words_of_class

    signals = words_of_class(MODEL_SIGNALS)
    keys, toks = f.keys, f.toks
    covered = covered or bytearray(len(keys))
    hits = [i for i in compress(count(), map(signals.__contains__, keys)) if toks[i].kind == "word" and not covered[i]]
    out = []
    h = 0
    for a, b in doc.sentences:
        while h < len(hits) and hits[h] < a:
            h += 1
        start = end = None
        while h < len(hits) and hits[h] < b:
            i = hits[h]
            h += 1
            lo, hi = max(a, i - MODEL_WINDOW), min(b, i + MODEL_WINDOW + 1)
            if start is not None and lo <= end:
                end = max(end, hi)
            else:
                if start is not None:
                    out.append((start, end))
                start, end = lo, hi
        if start is not None:
            out.append((start, end))
    return out


def _tokens_under(doc: Doc, spans) -> bytearray:
    """A mark (1) for each token inside one of ``spans`` (with character start and end)."""
    marks = bytearray(len(doc.tokens))
    to_text, starts = doc.norm.to_text, doc.columns().starts  # _tok_at, inlined: this runs for every span
    for x in spans:
        a = max(bisect_right(starts, bisect_left(to_text, x.start)) - 1, 0)
        b = min(max(bisect_right(starts, bisect_left(to_text, max(x.end - 1, x.start))) - 1, 0) + 1, len(marks))
        marks[a:b] = b"\x01" * max(b - a, 0)
    return marks


def model_mentions(doc: Doc, f: EntityFinder, windows: list[tuple[int, int]], spans: list[list[tuple[int, int, str]]],
                   model_name: str) -> list[Mention]:
    """Persons, organisations and places from the statistical model's ``spans`` over the token
    ``windows`` it read, past the vetoes of the rules."""
    r = f.r
    out = []
    in_quantity = _tokens_under(doc, doc.quantities)  # ريال، هللة، ملياران: units and numbers are never names
    for (a, _), sent_spans in zip(windows, spans):
        for i, j, label in sent_spans:
            etype = MODEL_TYPES.get(label)
            i, j = a + i, a + j
            if etype is None or any(f.toks[t].kind not in ("word", "latin") for t in (i, j - 1)):
                continue
            words = f.keys[i:j]
            if all(w in r["generic"] or w in r["stops"] or len(w) < 2 for w in words):
                continue
            clitic = _model_clitic(f, i)
            if etype == "PERSON" and j - i >= 3 and f.keys[i][len(clitic):] in _demonym_forms() \
                    and f.keys[i][len(clitic):].startswith("ال"):
                # والبرازيلي نيمار دا سيلفا: the nationality before a name is not part of it
                i, clitic, words = i + 1, "", f.keys[i + 1:j]
            if not _plausible_model_name(f, words, etype, clitic, i, j, in_quantity):
                continue
            s_, e_ = f.span(i, j, clitic)
            name = clean_name(doc.text[s_:e_])
            if clitic.endswith("لل"):
                name = "ال" + name  # للأمم المتحدة names الأمم المتحدة
            if name:
                out.append(Mention(s_, e_, etype, name, f"model:{model_name}"))
    return out


def entities(doc: Doc) -> Doc:
    """Find people, organisations, places, events and clusters by the rules and gazetteers, and
    mark the windows the statistical model is to read."""
    f = EntityFinder(doc)
    rule_mentions = (f.kind_mentions() + f.person_mentions() + f.event_mentions() + f.described_clusters()
                     + f.outlet_mentions() + f.deal_party_mentions() + f.speaker_mentions())
    kingdom = f.kingdom_mentions()
    f.acronym_links(rule_mentions)
    latin = f.latin_mentions()
    # a Latin name already glued to an Arabic name is that name's alias
    latin = [m for m in latin if not any(r.start <= m.start and m.end <= r.end for r in rule_mentions)]
    f.acronym_links(latin)
    gaz = f.gazetteer_mentions()
    rule_mentions += industrial_cities(doc, f, gaz) + geo_features(doc, f, gaz)
    _place_after(doc, rule_mentions + gaz)
    latin = [m for m in latin if not _glosses_a_term(doc.text, m, rule_mentions + gaz)]
    found = _drop_described_orgs(rule_mentions + latin + gaz) + kingdom
    # a name signal inside a rule's mention needs no model (the rules win)
    asks_model = doc.sentences and active_recognizer() is not None
    windows = _model_windows(doc, f, _tokens_under(doc, found)) if asks_model else []
    doc._names_work = NamesWork(f, found, windows)  # released with the doc
    return doc


@dataclass
class NamesWork:
    """What ``entities`` leaves for ``tag_names`` and ``link``: the rules' mentions, the token
    windows the model is to read, and what it tagged there."""

    finder: EntityFinder
    found: list[Mention]
    windows: list[tuple[int, int]]
    spans: list[list[tuple[int, int, str]]] = field(default_factory=list)  # per window, window offsets
    model: str = ""  # the backend's name, for the mentions' rule


LONG_WINDOW = 256  # tokens; on 900 Saudi news articles windows held 11 on average, 107 at most


@over_many
def tag_names(docs: list[Doc]) -> list[Doc]:
    """Tag names with the statistical model in the windows ``entities`` marked, many articles in one call."""
    asked = [d._names_work for d in docs if d._names_work.windows]  # none without a model
    if not asked:
        return docs
    ner = active_recognizer()
    # one call for many articles: the BiLSTM steps through all their sentences at once (called
    # per article it spent most of its time in numpy's per-step overhead); the CRF's document
    # features and both passes' name bonuses stay within an article.  An article with a very
    # long window goes alone: the models' arrays are windows x longest window
    short, calls = [], []
    for w in asked:
        if max(b - a for a, b in w.windows) <= LONG_WINDOW:
            short.append(w)
        else:
            calls.append([w])
    for group in ([short] if short else []) + calls:
        sentences = [w.finder.keys[a:b] for w in group for a, b in w.windows]
        article = [k for k, w in enumerate(group) for _ in w.windows]
        spans = iter(ner.predict(sentences, article))
        for w in group:
            w.spans, w.model = [next(spans) for _ in w.windows], ner.name
    return docs


def link(doc: Doc) -> Doc:
    """Add the model's names below the rules' and link all mentions into entities with countries."""
    w = doc._names_work
    model = model_mentions(doc, w.finder, w.windows, w.spans, w.model) if any(w.spans) else []
    mentions = _resolve_overlaps(w.found + model)
    # acronyms that were bound to a name are that name's mentions, not new ORGs
    doc.entities = _link(doc, mentions)
    _cluster_country_from_article(doc)
    _cluster_region_from_sentence(doc)
    return doc


def _cluster_region_from_sentence(doc: Doc) -> None:
    """... مجمع محمد بن راشد للطاقة الشمسية في دبي: a cluster with no region of its own is in the
    subdivision named nearest to it in its first sentence (the contract's region is one the text
    names; a city's province is not inferred)."""
    subdivisions = [(_tok_at(doc, m.start), e.country, doc.entity_regions[e.id]) for e in doc.entities
                    if e.type == "GPE" and e.id in doc.entity_regions for m in e.mentions]
    if not subdivisions:
        return
    sent_of = _sentence_of(doc)
    for e in doc.entities:
        if e.type != "CLUSTER" or e.id in doc.entity_regions or not e.mentions or not e.country:
            continue
        region = _nearest_in_sentence(sent_of, _tok_at(doc, e.mentions[0].start),
                                      [(i, r) for i, c, r in subdivisions if c == e.country])
        if region:
            doc.entity_regions[e.id] = region
