"""Stage 7: facts — a quantity said about a subject, with year, modality and scope.

Typing, gas, modality, year cues and scopes come from ``data/ar/facts.yaml``.
Subjects are read from discourse: the best entity of the clause before the
figure (clusters and organisations over places), a demonstrative (هذه المجموعة)
or a sentence without a named subject continuing the section's or the
paragraph's last subject, and non-named subjects in relative clauses
(القطاع الصناعي، الذي يمثل 30٪).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Optional

import regex

from ..data import load_yaml
from ..document import Doc
from ..lexicon import PhraseTable, form_tokens, positions, strip_clitic, with_clitics
from ..normalize import key

SUBJECT_RANK = {"CLUSTER": 6, "FACILITY": 5, "ORG": 4, "EVENT": 1, "PERSON": 2, "GPE": 3, "LOC": 2}


@dataclass(frozen=True)
class Phrase:
    """A subject that is not a contract entity: a facility or project phrase."""

    name: str
    type: str = "FACILITY"
    id: Optional[str] = None
_YEAR_RE = regex.compile(r"(19|20)\d\d")
_CODE_RE = regex.compile(r"[A-Z]{3}")
CLAUSE_PUNCT = {"،", ",", "؛", ";", ":"}
STRONG_PUNCT = {"؛", ";"}
CLITICS = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "وال", "بال", "لل", "ال")


@lru_cache(maxsize=1)
def tables() -> dict:
    cfg = load_yaml("facts")
    types = {}
    for t, spec in cfg["types"].items():
        triggers = list(spec.get("triggers", []))
        if t == "share":  # نسبة النساء: the share of a group of people
            triggers += [f"{cue} {g}" for g in cfg["people_groups"] for cue in ("نسبة", "حصة")]
        types[t] = {
            "units": set(spec["units"]),
            "triggers": PhraseTable((w, w) for w in triggers),
            "negative": PhraseTable((w, w) for w in spec.get("negative", [])),
            "requires_after": {key(w) for w in spec.get("requires_after", [])},
        }
    return {
        "types": types,
        "gases": PhraseTable((w, g) for g, ws in cfg["gases"].items() for w in ws),
        "net_zero": PhraseTable((w, w) for w in cfg["net_zero_phrases"]),
        "modality": PhraseTable((w, m) for m, ws in cfg["modality"].items() for w in ws),
        "not_future_verbs": {key(w) for w in cfg["not_future_verbs"]},
        "year_cues": {key(w) for w in cfg["year_cues"]},
        "scopes": PhraseTable((w, s) for s, ws in cfg["scopes"].items() for w in ws),
        "ordinals": {key(w) for w in cfg["heading_ordinals"]},
        "demonstratives": {key(w) for w in cfg["demonstratives"]},
        "attr_cues": PhraseTable((w, w) for w in cfg["attribute_subject"]["cues"]),
        "attr_bridges": {key(w) for w in cfg["attribute_subject"]["bridges"]},
        "attr_stops": {key(w) for w in cfg["attribute_subject"]["stops"]},
        "attr_generic": {key(w) for w in cfg["attribute_subject"]["generic"]},
        "subject_verbs": {key(w) for w in cfg["subject_verbs"] if " " not in w},
        "not_subject_heads": {key(w) for w in cfg["not_subject_heads"]},
        "measure_nouns": {key(w) for w in cfg["measure_nouns"]},
        "sector_heads": {key(w) for w in cfg["sector_heads"]},
        "energy_heads": {key(w) for w in cfg["energy_heads"]},
        "not_energy_sources": {key(w) for w in cfg["not_energy_sources"]},
        "attr_places": {key(w) for w in cfg["attribute_subject"]["places"]},
        "attr_b_nouns": {key(w) for w in cfg["attribute_subject"]["b_initial_nouns"]},
        "deal_nouns": PhraseTable((w, w) for w in cfg["deal_nouns"]),
        "mix_totals": {key(w) for w in cfg["energy_mix"]["totals"]},
        "mix_energy": {key(w) for w in cfg["energy_mix"]["energy"]},
        "not_mix_sources": set(cfg["energy_mix"]["not_sources"]),
        "intent_verbs": {key(w) for w in cfg["intent_verbs"]},
        "attraction_verbs": {key(w) for w in cfg["attraction_verbs"]},
        "government_forms": with_clitics({key(w) for w in cfg["government_nouns"]}, ("و", "ف", "ل", "ب")),
        "possessed_attributes": {key(w) for w in cfg["possessed_attributes"]},
        "possessed_attribute_verbs": {key(w) for w in cfg["possessed_attribute_verbs"]},
        "facility_plurals": {key(w) for w in cfg["facility_plurals"]},
        "count_words": {key(w) for w in cfg["count_words"]},
        "deal_value_cues": {key(w) for w in cfg["deal_value_cues"]},
        "funding_words": {key(w) for w in cfg["funding_words"]},
        "project_nouns": {key(w) for w in cfg["project_nouns"]},
        "people_groups": {key(w) for w in cfg["people_groups"] if " " not in w},
        "people_group_phrases": PhraseTable((w, w) for w in cfg["people_groups"]),
        "people_group_continuations": PhraseTable((w, w) for w in cfg["people_group_continuations"]),
    }


def unit_family(unit: str) -> str:
    """money for currency amounts (and per-year flows); prices per unit (SAR/kWh) are not money totals."""
    base, _, per = unit.partition("/")
    if _CODE_RE.fullmatch(base):
        return "money" if per in ("", "year") else "price"
    return base


@dataclass
class Ctx:
    """Token-level view of the article for fact reading."""

    doc: Doc
    keys: list[str]
    sent_of: list[int]  # token -> sentence index
    line_of: list[int]
    q_tok: list[tuple[int, int]]  # quantity -> token range
    ent_at: list[tuple[int, int, object]]  # (token start, token end, entity) sorted
    sections: list[tuple[int, int, Optional[object]]]  # (token start, token end, subject entity)
    n_entities: int = 0
    n_quantities: int = 0
    facilities: list = field(default_factory=list)  # (token, Phrase) named or described
    last_fact: Optional[tuple] = None  # (subject, sentence) of the figure read last


def build_ctx(doc: Doc) -> Ctx:
    """The token view of an article, built once and shared by the facts and clusters stages."""
    cached = getattr(doc, "_fact_ctx", None)
    if cached is not None and cached.n_entities == len(doc.entities) and cached.n_quantities == len(doc.quantities):
        return cached
    ctx = _build_ctx(doc)
    ctx.n_entities, ctx.n_quantities = len(doc.entities), len(doc.quantities)
    doc._fact_ctx = ctx  # type: ignore[attr-defined]
    return ctx


def _build_ctx(doc: Doc) -> Ctx:
    import bisect

    n = len(doc.tokens)
    sent_of = [0] * n
    for si, (a, b) in enumerate(doc.sentences):
        sent_of[a:b] = [si] * (b - a)
    line_of = [0] * n
    for li, (a, b) in enumerate(doc.lines):
        line_of[a:b] = [li] * (b - a)
    starts, ends = doc.columns().starts, doc.columns().ends
    to_text = doc.norm.to_text

    def tok_range(s: int, e: int) -> tuple[int, int]:
        ks = bisect.bisect_left(to_text, s)
        ke = bisect.bisect_left(to_text, e)
        a = bisect.bisect_right(starts, ks) - 1
        b = bisect.bisect_left(ends, ke) + 1
        return max(a, 0), min(max(b, a + 1), n)

    q_tok = [tok_range(q.start, q.end) for q in doc.quantities]
    ent_at = []
    for e in doc.entities:
        for m in e.mentions:
            a, b = tok_range(m.start, m.end)
            ent_at.append((a, b, e))
    ent_at.sort(key=lambda x: x[0])
    keys = doc.columns().keys
    ent_at = sorted(ent_at + kind_anaphors(keys, ent_at), key=lambda x: x[0])
    from .entities import facility_phrases, rules as entity_rules

    first_named: dict[str, Phrase] = {}
    for s, e, name in facility_phrases(doc):
        a, b = tok_range(s, e)
        if not any(x[0] <= a and b <= x[1] for x in ent_at):
            # محطة بوكبورت ... مشروع بوكبورت للطاقة الشمسية: one facility under its first name
            core = facility_core(name)
            phrase = first_named.setdefault(core, Phrase(name)) if core else Phrase(name)
            ent_at.append((a, b, phrase))
    described = described_facilities(doc, keys, entity_rules()["facility_kinds"])
    ent_at = sorted(ent_at + facility_anaphors(keys, line_of, ent_at, described) + government_anaphors(doc, keys),
                    key=lambda x: x[0])
    ctx = Ctx(doc, keys, sent_of, line_of, q_tok, ent_at, [])
    ctx.facilities = sorted([(a, x) for a, _, x in ent_at if isinstance(x, Phrase)]
                            + [(a, x) for a, _, x in described], key=lambda c: c[0])
    ctx.sections = find_sections(ctx)
    return ctx


@lru_cache(maxsize=1)
def _anaphoric_kinds() -> tuple[frozenset, frozenset]:
    """(organisation and cluster kind nouns, their definite forms behind و/ب/ل/ف/ك)."""
    from .entities import rules as entity_rules

    kinds = frozenset(k for k, v in entity_rules()["kinds"].items() if v in ("ORG", "CLUSTER") and not k.startswith("ال"))
    return kinds, with_clitics({"ال" + k for k in kinds}, ("و", "ب", "ل", "ف", "ك"))


def kind_anaphors(keys: list[str], ent_at: list) -> list:
    """المبادرة، الشركة، المجموعة: a definite kind noun names the last entity of that kind."""
    kinds, forms = _anaphoric_kinds()
    first_word = {}
    for _, _, e in ent_at:
        if id(e) not in first_word:
            w = key(e.name).split(" ")[0]
            first_word[id(e)] = w[2:] if w.startswith("ال") else w
    out = []
    for i in positions(keys, forms):
        for _, rest in strip_clitic(keys[i], ("و", "ب", "ل", "ف", "ك", "")):
            if rest.startswith("ال") and rest[2:] in kinds:
                kind = rest[2:]
                prior = [e for a, _, e in ent_at if a < i and first_word[id(e)] == kind]
                if prior:
                    out.append((i, i + 1, prior[-1]))
                break
    return out


def recent_facility(ctx: Ctx, qa: int):
    """The facility named or described last before token qa, in its paragraph or the one before."""
    before = [x for a, x in ctx.facilities if a < qa and ctx.line_of[qa] - 2 <= ctx.line_of[a]]
    return before[-1] if before else None


def government_anaphors(doc: Doc, keys: list[str]) -> list:
    """وتخطط الحكومة لزيادة السعة: a bare الحكومة is the government of the country the article is
    about (الحكومة المصرية: of the country its adjective names), when that country is an entity."""
    from ..gazetteer import _demonym_forms, country_mention_counts

    t = tables()
    countries = {}
    for e in doc.entities:
        if e.type == "GPE" and e.country and e.country not in countries:
            countries[e.country] = e
    if not countries:
        return []
    out = []
    main = None
    for i in positions(keys, t["government_forms"]):
        code = _demonym_forms().get(keys[i + 1]) if i + 1 < len(keys) else None
        if code is None:
            if main is None:
                counts = country_mention_counts(doc)
                top = counts.most_common(1)
                main = top[0][0] if top and top[0][1] * 2 >= sum(counts.values()) else ""
            code = main
        if code and code in countries:
            out.append((i, i + 1, countries[code]))
    return out


@lru_cache(maxsize=4)
def _facility_forms(kinds: frozenset) -> frozenset:
    """محطة، ومحطة، مشروعا، والمشروع، للمشروع: every written form of a facility noun, bare or definite."""
    return with_clitics(kinds | {k + "ا" for k in kinds} | {"ال" + k for k in kinds}, ("و", "ل", "ب", "ف", "ك", "وب", "ول"))


def described_facilities(doc: Doc, keys: list[str], kinds: set) -> list:
    """أول محطة طاقة شمسية مستقلة في المملكة، مشروعا لإنتاج صفائح الحديد: an indefinite facility
    noun and the words that describe it, up to a clause break, a verb or a relative pronoun."""
    t = tables()
    toks = doc.tokens
    n = len(keys)
    out = []
    forms = _facility_forms(frozenset(kinds))
    for h in positions(keys, forms):
        k = keys[h]
        if h + 1 >= n or toks[h].kind != "word":
            continue
        rest = k[1:] if k[:1] in ("و", "ل", "ب", "ف") and k[1:] in kinds else k
        if rest not in kinds and not (rest.endswith("ا") and rest[:-1] in kinds):
            continue
        if h > 0 and (toks[h - 1].kind == "num" or keys[h - 1] == ")"):
            continue  # 23 مشروعا: a counted noun
        j = h + 1
        while j < n and j - h <= 6 and toks[j].kind == "word":
            kj = keys[j]
            if kj in ("التي", "الذي", "الذين") or kj.startswith("و") and j > h + 1 or _looks_like_verb(kj) \
                    or kj.startswith("ب") and len(kj) > 3 and kj not in t["attr_b_nouns"] \
                    and not kj.endswith(("ي", "يه")) \
                    or (kj in t["attr_stops"] and not (kj == "في" and j + 1 < n and keys[j + 1] in t["attr_places"])):
                break
            j += 1
        if j == h + 1:
            continue
        start = h - 1 if h > 0 and keys[h - 1] in ("اول", "ثاني", "اكبر", "اضخم") else h
        s, e = doc.text_span(start, j)
        out.append((start, j, Phrase(doc.text[s:e].lstrip("وبلف") if start == h and rest != k else doc.text[s:e])))
    return out


def facility_core(name: str) -> str:
    """The words of a facility name that name it (بوكبورت in محطة بوكبورت للطاقة الشمسية): not the
    kind word, not generic words, not genitives or adjectives."""
    from .entities import rules as entity_rules

    r = entity_rules()
    words = [key(w) for w in name.split()]
    core = [w for w in words[1:] if w not in r["facility_generic"] and not w.startswith(("ال", "لل", "ل"))
            and not w.endswith(("يه", "ي")) and w not in ('"', "«", "»")]
    return " ".join(core[:1])


def facility_anaphors(keys: list[str], line_of: list[int], ent_at: list, described: list) -> list:
    """المشروع، المحطة: a definite facility noun names the facility of that kind named or
    described last, in its own paragraph or the one before (ويوفر المشروع 2000 وظيفة after
    مشروع لصناعة السفن)."""
    from .entities import rules as entity_rules

    kinds = entity_rules()["facility_kinds"]
    phrases = sorted([(a, b, x) for a, b, x in ent_at if isinstance(x, Phrase)] + described, key=lambda x: x[0])
    # the fuller description wins over the name inside it (أول محطة رياح بحرية في المملكة)
    phrases = [p for p in phrases if not any(q[0] <= p[0] and p[1] <= q[1] and q[1] - q[0] > p[1] - p[0]
                                             for q in phrases)]
    if not phrases:
        return []
    kind_of = {}
    for _, _, x in phrases:
        words = key(x.name).split(" ")
        w = words[1] if words[0] in ("اول", "ثاني", "اكبر", "اضخم") and len(words) > 1 else words[0]
        w = w[2:] if w.startswith("ال") else w
        kind_of[id(x)] = w[:-1] if w not in kinds and w[:-1] in kinds else w  # مشروعا
    covered = {t for a, b, _ in ent_at for t in range(a, b)}
    out = []
    forms = _facility_forms(frozenset(kinds))
    for i in positions(keys, forms):
        k = keys[i]
        if i in covered:
            continue
        # المشروع، والمحطة، للمشروع (ل + ال writes لل)
        kind = next((r[2:] for _, r in strip_clitic(k, ("و", "ب", "ل", "ف", "ك", "وب", "ول"))
                     if r.startswith(("ال", "لل")) and r[2:] in kinds), None)
        if kind is None:
            continue
        prior = [x for a, _, x in phrases if a < i and kind_of[id(x)] == kind and line_of[i] - 2 <= line_of[a]]
        if prior:
            out.append((i, i + 1, prior[-1]))
    return out


def _best_entity(cands: list[tuple[int, int, object]], prefer_near: bool = True):
    if not cands:
        return None
    top = max(SUBJECT_RANK[e.type] for _, _, e in cands)
    best = [c for c in cands if SUBJECT_RANK[c[2].type] == top]
    if best[0][2].type in ("GPE", "LOC"):
        return best[0][2]  # the place a sentence opens with is its topic
    return best[-1][2] if prefer_near else best[0][2]


def find_sections(ctx: Ctx) -> list[tuple[int, int, Optional[object]]]:
    """Headings (أولاً: ...، short lines ending in ':') open sections with a subject."""
    doc = ctx.doc
    heads = []
    t = tables()
    for li, (a, b) in enumerate(doc.lines):
        if b <= a:
            continue
        first = ctx.keys[a]
        is_ordinal = first in t["ordinals"]
        ends_colon = ctx.keys[b - 1] in (":",)
        if not (is_ordinal or (ends_colon and b - a <= 20)):
            continue
        ents = [x for x in ctx.ent_at if a <= x[0] < b and x[2].type in ("CLUSTER", "ORG")]
        subj = _best_entity(ents, prefer_near=False)
        heads.append((a, subj))
    sections = []
    for n, (a, subj) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(doc.tokens)
        sections.append((a, end, subj))
    return sections


def section_subject(ctx: Ctx, tok: int):
    for a, b, subj in ctx.sections:
        if a <= tok < b:
            return subj
    return None


def match_any(table: PhraseTable, keys: list[str], a: int, b: int) -> list[tuple[int, int, object]]:
    """All (start, end, payload) matches of a table in keys[a:b], clitic-aware."""
    out = []
    i = a  # the first token not yet inside a match
    for j in positions(keys, table.starting_forms(), a, b):
        if j < i:
            continue
        m = table.match_clitic(keys, j, CLITICS)
        if m and m[0] <= b:
            out.append((j, m[0], m[1]))
            i = m[0]
    return out


def clause_bounds(ctx: Ctx, qa: int, qb: int) -> tuple[int, int]:
    """Token range of the clause around a quantity: commas, semicolons, colons and sentences bound it."""
    doc = ctx.doc
    s_a, s_b = doc.sentences[ctx.sent_of[qa]]
    a = qa
    while a > s_a and ctx.keys[a - 1] not in CLAUSE_PUNCT:
        a -= 1
    b = qb
    while b < s_b and ctx.keys[b] not in CLAUSE_PUNCT and ctx.keys[b] not in (".", "!", "؟", "?"):
        b += 1
    return a, b


def find_year(ctx: Ctx, qa: int, qb: int, q_index: int) -> tuple[Optional[int], Optional[int]]:
    t = tables()
    doc = ctx.doc
    s_a, s_b = doc.sentences[ctx.sent_of[qa]]
    # forward: up to the next quantity or a semicolon or the sentence end
    nxt = min([a for a, _ in ctx.q_tok[q_index + 1:q_index + 2]] + [s_b])
    fwd_end = nxt
    for i in range(qb, nxt):
        if ctx.keys[i] in STRONG_PUNCT:
            fwd_end = i
            break
    y = _year_in(ctx, qb, fwd_end, t)
    if y[0] is not None:
        return y
    ca, _ = clause_bounds(ctx, qa, qb)
    prev_q_end = max([b for _, b in ctx.q_tok[:q_index] if b <= qa] + [ca])
    return _year_in(ctx, max(ca, prev_q_end), qa, t)


def _year_in(ctx: Ctx, a: int, b: int, t: dict) -> tuple[Optional[int], Optional[int]]:
    for i in range(a, b):
        k = ctx.keys[i]
        if ctx.doc.tokens[i].kind != "num" or not _YEAR_RE.fullmatch(k):
            continue
        prev = ctx.keys[i - 1] if i > 0 else ""
        prev_stripped = {r for _, r in strip_clitic(prev, CLITICS, min_rest=1)} | {prev}
        if not (prev_stripped & t["year_cues"]):
            continue
        if prev in ("منذ",):
            continue
        year = int(k)
        end = None
        if i + 2 < len(ctx.keys) and ctx.keys[i + 1] == "-" and _YEAR_RE.fullmatch(ctx.keys[i + 2]):
            end = int(ctx.keys[i + 2])
        return year, end
    return None, None


def _modality_hits(ctx: Ctx, a: int, b: int) -> list:
    """Modality cues in keys[a:b]: the table's, and any future verb (سيشهد، ستُخلق)."""
    keys = ctx.keys
    hits = [h for h in match_any(tables()["modality"], ctx.keys, a, b)
            # قد before a past verb (فقد بلغ) affirms; only before an imperfect it hedges
            if not (keys[h[0]] in ("قد", "فقد", "وقد", "لقد") and h[0] + 1 < len(keys)
                    and not keys[h[0] + 1].startswith(("ي", "ت", "ن")))]
    for i in range(a, b):
        if _future_verb(keys[i]) and not any(h[0] <= i < h[1] for h in hits):
            hits.append((i, i + 1, "expected"))
    return sorted(hits)


def _future_verb(k: str) -> bool:
    """سيوفر، ستُخلق، وسيشهد: س + an imperfect verb (not سيارات، سياسة، ستة، ستين)."""
    if k[:1] in ("و", "ف") and len(k) > 4:
        k = k[1:]
    return (k[:2] in ("سي", "ست", "سن") and 4 <= len(k) <= 7 and not k.endswith(("ه", "ات", "ين", "ون"))
            and k not in tables()["not_future_verbs"])


def find_modality(ctx: Ctx, qa: int, qb: int) -> tuple[str, Optional[str]]:
    ca, cb = clause_bounds(ctx, qa, qb)
    hits = _modality_hits(ctx, ca, qb)
    # the figure's own year cue (بحلول) after it also makes it expected
    after = _modality_hits(ctx, qb, min(cb, qb + 6))
    order = {"target": 3, "potential": 2, "expected": 1}
    found = [h[2] for h in hits] + [h[2] for h in after if h[2] == "expected"]
    if not found:
        return "reported", None
    # the nearest cue before the figure decides; target wins over a later بحلول
    nearest = hits[-1][2] if hits else found[0]
    if "target" in found and nearest == "expected" and any(h[2] == "expected" for h in after) and not hits:
        nearest = "expected"
    return nearest, nearest


def find_scope(ctx: Ctx, qb: int, end: int) -> Optional[str]:
    hits = match_any(tables()["scopes"], ctx.keys, qb, min(end, qb + 14))
    return hits[0][2] if hits else None


def fact_type(ctx: Ctx, q, qa: int, qb: int) -> tuple[Optional[str], Optional[str]]:
    t = tables()
    fam = unit_family(q.unit)
    if fam == "persons" and ctx.keys[qb - 1] in WORKER_NOUNS:
        fam = "jobs"  # 2120 عاملة: workers employed are jobs supported
    doc = ctx.doc
    s_a, s_b = doc.sentences[ctx.sent_of[qa]]
    ca, cb = clause_bounds(ctx, qa, qb)
    window_a = max(s_a, qa - 12)
    window_b = min(s_b, qb + 8)
    for name, spec in t["types"].items():
        if fam not in spec["units"]:
            continue
        if name == "share":
            neg = match_any(spec["negative"], ctx.keys, max(s_a, qa - 5), qa)
            if neg:
                continue
            # بإضافة 1 بالمئة إلى الناتج المحلي الإجمالي: a percentage added to GDP is a contribution
            if qb + 1 < len(ctx.keys) and ctx.keys[qb] in ("الي", "في") and t["types"]["gdp_contribution"]["triggers"].match(
                    ctx.keys, qb + 1):
                return "gdp_contribution", "gdp_contribution:percent"
            after = [k for k in ctx.keys[qb:qb + 3] if k not in ("،", ",", ")")][:1]
            if set(after) & spec["requires_after"]:
                return name, "share:من"
            hits = match_any(spec["triggers"], ctx.keys, max(ca, qa - 12), qa)
            if hits:
                return name, f"share:{hits[-1][2]}"
            # قطاع النقل والاتصالات بنسبة وصلت إلى 25٪: a sector's part of a total
            cue = _cue_before(ctx, qa, {"بنسبه"})
            if cue is not None and sector_phrase(ctx, ca, cb, cue) and _funding_talk(ctx, s_a, qa, spec):
                return name, "share:sector"
            continue
        neg = match_any(spec["negative"], ctx.keys, max(ca, qa - 8), min(cb, qb + 4))
        if neg:
            continue
        if not spec["triggers"].max_len:
            return name, f"{name}:unit"
        if name == "emissions_reduction":
            hits = match_any(spec["triggers"], ctx.keys, max(s_a, qa - 10), qa)
            em = match_any(t["types"]["emissions"]["triggers"], ctx.keys, window_a, window_b)
            if hits and em:
                return name, f"{name}:{hits[-1][2]}"
            continue
        hits = match_any(spec["triggers"], ctx.keys, window_a, window_b)
        if hits:
            return name, f"{name}:{hits[-1][2]}"
        if name == "investment" and _cue_before(ctx, qa, t["deal_value_cues"]) is not None \
                and (match_any(t["deal_nouns"], ctx.keys, s_a, qa) or any(
                    r in t["project_nouns"] for k in ctx.keys[max(s_a, qa - 10):qa] for _, r in strip_clitic(k, ("و", "ب", "ل"), min_rest=3))):
            # صفقة بقيمة 1.6 مليار دولار، ومشروعان لقطاع الصحة بقيمة 176 مليون ريال: what a deal
            # or a project commits
            return name, f"{name}:deal_value"
    return None, None


def energy_mix_source(ctx: Ctx, s_a: int, qa: int, qb: int) -> Optional[str]:
    """باستخدام الطاقة الشمسية لتوفير 7٪ من إجمالي إنتاج الطاقة، ولدت ... من الطاقة الكهرومائية، وهو ما
    يمثل 7.2٪ من إجمالي توليد الطاقة: a share of the energy mix belongs to the source named before it."""
    from .clusters import taxonomy

    t = tables()
    after = ctx.keys[qb:qb + 6]
    if not after or after[0] != "من" or not (set(after) & t["mix_totals"]) or not (set(after) & t["mix_energy"]):
        return None
    sources = [(a, b) for a, b, (group, k) in match_any(taxonomy()["table"], ctx.keys, s_a, qa)
               if group == "energy" and k not in t["not_mix_sources"]]
    if not sources:
        return None
    a, b = sources[-1]
    s, e = ctx.doc.text_span(a, b)
    text = ctx.doc.text[s:e]
    # بالطاقة الشمسية، وطاقة الرياح: a preposition or conjunction is not part of the source
    head = ctx.keys[a]
    bare = head[:1] in ("ب", "و", "ل") and taxonomy()["table"].match([head[1:]] + ctx.keys[a + 1:b], 0)
    return text[1:] if bare else text


def localized_item(ctx: Ctx, ca: int, qa: int) -> Optional[str]:
    """دعم للاستثمار في الحديد الصلب والأنابيب مع فرص توطين تصل إلى 65٪: a localization share
    belongs to what is localized, the phrase before مع (past its own money figure)."""
    keys = ctx.keys
    s_a = ctx.doc.sentences[ctx.sent_of[qa]][0]
    for i in range(qa - 1, max(s_a, qa - 8), -1):
        if keys[i] not in ("توطين", "التوطين"):
            continue
        m = i - 1
        if m > s_a and keys[m] in ("فرص", "نسبه", "بنسبه"):
            m -= 1
        if m <= s_a or keys[m] != "مع":
            return None
        end = m
        while end > s_a and keys[end - 1] in ("،", ","):
            end -= 1
        # كمعدات ثابتة بمبلغ 22 مليار ريال، مع ...: past the item's own value
        for (a, b), q in zip(ctx.q_tok, ctx.doc.quantities):
            if b == end and a > s_a and keys[a - 1] in tables()["deal_value_cues"]:
                end = a - 1
        item = subject_before(ctx, end)
        if isinstance(item, str):
            words = item.split()
            # دعما كمعدات ثابتة: كـ (as) introduces the item
            cut = next((n for n in range(1, len(words)) if words[n].startswith("ك") and len(words[n]) > 4), None)
            if cut is not None:
                item = " ".join([words[cut][1:]] + words[cut + 1:])
        return item
    return None


def _funding_talk(ctx: Ctx, s_a: int, qa: int, share_spec: dict) -> bool:
    """Is the sentence about parts of a total (funding, contributions), with no change word?
    (قطاع الإسمنت بنسبة 2.48٪ after تراجع is a fall, not a share.)"""
    if match_any(share_spec["negative"], ctx.keys, s_a, qa):
        return False
    t = tables()
    return any(r in t["funding_words"] for k in ctx.keys[s_a:qa] for _, r in strip_clitic(k, ("و", "ب", "ل", "ف"), min_rest=3))


def _cue_before(ctx: Ctx, qa: int, cues: set) -> Optional[int]:
    """Token index of a cue before the figure, across bridges (بقيمة إجمالية بلغت، بنسبة وصلت إلى)."""
    t = tables()
    i = qa - 1
    while i >= 0 and qa - i <= 4:
        k = ctx.keys[i]
        if k in cues:
            return i
        if k in t["attr_bridges"] or k in ("(", "اجماليه", "كليه", "تقديريه", "بلغت", "بلغ", "وصلت", "وصل"):
            i -= 1
            continue
        return None
    return None


def gas_unit(ctx: Ctx, qa: int, qb: int, unit: str) -> Optional[str]:
    doc = ctx.doc
    s_a, s_b = doc.sentences[ctx.sent_of[qa]]
    hits = match_any(tables()["gases"], ctx.keys, max(s_a, qa - 10), min(s_b, qb + 10))
    if not hits:
        return None
    gas = "t_co2e" if any(h[2] == "t_co2e" for h in hits) else "t_co2"
    rate = unit.split("/", 1)[1] if "/" in unit else None
    return f"{gas}/{rate}" if rate else gas


def relative_subject(ctx: Ctx, qa: int) -> Optional[tuple[int, int]]:
    """القطاع الصناعي، الذي يمثل 30٪ : the noun phrase a relative clause hangs on."""
    keys = ctx.keys
    i = qa - 1
    # skip the verb and optional preposition: يمثل / تمثل / يشكل / تستحوذ على
    while i >= 0 and qa - i <= 3 and keys[i] not in ("الذي", "التي"):
        i -= 1
    if i < 0 or keys[i] not in ("الذي", "التي"):
        return None
    j = i - 1
    if j >= 0 and keys[j] in ("،", ","):
        j -= 1
    # وأستراليا التي سجلت: a name before the relative pronoun
    named = [x for x in ctx.ent_at if x[1] == j + 1 and x[0] <= j]
    if named:
        return named[0][0], named[0][1]
    # a definite noun and its adjective: القطاع الصناعي
    end = j + 1
    start = j
    while start > 0 and end - start < 3 and keys[start - 1].startswith(("ال", "لل", "بال", "وال")) and ctx.doc.tokens[start - 1].kind == "word":
        start -= 1
    if j < 0 or not keys[start].startswith(("ال", "لل", "بال", "وال", "من")):
        return None
    return start, end


def is_source(ctx: Ctx, x, qa: int) -> bool:
    """وفقا لـ X، تقول X إن ...: X reports the figure, it is not its subject."""
    from .entities import rules as entity_rules

    cues = entity_rules()["attribution_cues"]
    a, b, ent = x
    if "outlet" in (getattr(ent, "rule", "") or ""):
        return True  # a newspaper that reported the figure
    for k in ctx.keys[max(0, a - 2):a]:
        if any(r in cues for _, r in strip_clitic(k, ("و", "ف", "ل", "ب"), min_rest=2)):
            return True
    nxt = ctx.keys[b:min(b + 2, qa)]
    if "ان" not in nxt:
        return False
    # وأوضح رئيس شركة X أن ...: X said it; but تعتزم X أن تساهم ...: X is who will do it
    return not any(any(r in tables()["intent_verbs"] for _, r in strip_clitic(k, ("و", "ف"), min_rest=3))
                   for k in ctx.keys[max(0, a - 3):a])


SKIP_AT_CLAUSE_START = {"و", "ف", "كانت", "كان", "وكانت", "وكان", "قد", "وقد", "ان", "وان", "حيث", "فيما", "بينما",
                        "كما", "اما", "واما", "ثم", "لكن", "ولكن", "اذ", "فقد", "لقد"}


COMPLEMENTIZERS = {"ان", "وان", "بان", "لان"}


def _after_complementizer(ctx: Ctx, ca: int, qa: int) -> int:
    """Where the reported clause starts: after the last إن/أن before the figure (قال إن ...)."""
    for i in range(qa - 1, ca - 1, -1):
        if ctx.keys[i] in COMPLEMENTIZERS:
            return i + 1
    return ca


def _subject_before_verb(ctx: Ctx, ca: int, qa: int) -> Optional[str]:
    """المصارف الخاصة تموّل 70٪: a definite phrase, an imperfect verb, the figure."""
    keys, toks = ctx.keys, ctx.doc.tokens
    v = qa - 1
    if v <= ca or toks[v].kind != "word" or not _looks_like_verb(keys[v]):
        return None
    start = v
    while start > ca and v - start < 4 and toks[start - 1].kind == "word" and _definite(keys[start - 1]):
        start -= 1
    if start == v or keys[start] in tables()["not_subject_heads"] or keys[start].endswith(("يه", "ي")):
        return None
    # صناعة الشحن البحري: the indefinite head of a construct belongs to the phrase
    h = start - 1
    if h >= ca and toks[h].kind == "word" and not _definite(keys[h]) and not _looks_like_verb(keys[h]) \
            and keys[h] not in SKIP_AT_CLAUSE_START and keys[h] not in COMPLEMENTIZERS \
            and keys[h] not in tables()["attr_stops"] and len(keys[h]) > 2:
        start = h
    s, e = ctx.doc.text_span(start, v)
    return ctx.doc.text[s:e]


def clause_subject_phrase(ctx: Ctx, ca: int, qa: int) -> Optional[str]:
    """كانت المصارف الخاصة تموّل 70٪، صناعة الشحن البحري تنقل 90٪: the noun phrase opening the clause,
    or the definite phrase right before the verb that governs the figure."""
    adjacent = _subject_before_verb(ctx, ca, qa)
    if adjacent:
        return adjacent
    i = _after_complementizer(ctx, ca, qa)
    while i < qa and ctx.keys[i] in SKIP_AT_CLAUSE_START:
        i += 1
    if i >= qa or ctx.doc.tokens[i].kind != "word":
        return None
    j = i
    first = ctx.keys[i]
    if first.startswith("ال"):
        j = i + 1
    elif i + 1 < qa and ctx.keys[i + 1].startswith("ال") and not first.startswith(("ي", "ت", "ن")):
        j = i + 2  # a construct: صناعة الشحن
    else:
        return None
    while j < qa and j - i < 4 and ctx.keys[j].startswith("ال") and ctx.doc.tokens[j].kind == "word":
        j += 1
    # the phrase must be followed by a verb-like word, not be the figure's own noun
    if j >= qa or not ctx.keys[j].startswith(("ي", "ت")) or j - i < 1:
        return None
    s, e = ctx.doc.text_span(i, j)
    return ctx.doc.text[s:e]


def verb_subject_phrase(ctx: Ctx, ca: int, qa: int) -> Optional[str]:
    """بينما شكل التوليد عبر الغاز الطبيعي 75٪: a verb-first clause, the definite phrase after the verb."""
    t = tables()
    keys, toks = ctx.keys, ctx.doc.tokens
    i = _after_complementizer(ctx, ca, qa)
    while i < qa and keys[i] in SKIP_AT_CLAUSE_START:
        i += 1
    if i + 1 >= qa or toks[i].kind != "word":
        return None
    if not any(r in t["subject_verbs"] for _, r in strip_clitic(keys[i], ("و", "ف"), min_rest=2)):
        return None
    j = i + 1
    # بلغت قيمة المنتجات المستوردة 80٪ من ...: a measure in construct measures the phrase after it
    if "ال" + keys[j] in t["measure_nouns"] and j + 1 < qa:
        j += 1
    if not keys[j].startswith("ال") or toks[j].kind != "word" or keys[j] in ("التي", "الذي") \
            or keys[j] in t["not_subject_heads"]:
        return None
    k = j + 1
    while k < qa and k - j < 4 and toks[k].kind == "word" and _definite(keys[k]):
        k += 1
    s, e = ctx.doc.text_span(j, k)
    return ctx.doc.text[s:e]


def _definite_run(ctx: Ctx, j: int, limit: int, max_len: int = 4) -> int:
    """End of the definite words (and their و-conjuncts) from j: الصحة، النقل والاتصالات، الرياح البحرية."""
    keys, toks = ctx.keys, ctx.doc.tokens
    k = j
    while k < limit and k - j < max_len and toks[k].kind == "word" and (_definite(keys[k]) or keys[k].startswith("وال")):
        k += 1
    return k


def sector_phrase(ctx: Ctx, ca: int, cb: int, qa: int, after: int = 0) -> Optional[str]:
    """قطاع الطرق، لقطاع الصحة: the sector named in the figure's clause, nearest first; with
    ``after`` (the figure's end) the sector right after it (2.5 مليون فرصة عمل في قطاع توليد الكهرباء)."""
    t = tables()
    best = None
    span = range(ca, qa) if not after else range(after, min(cb, after + 6))  # a share's owner comes first
    limit = qa if not after else cb
    for i in span:
        k = ctx.keys[i]
        if not any(r in t["sector_heads"] for _, r in strip_clitic(k, ("و", "ب", "ل", "ف", "وب", "ول"), min_rest=3)):
            continue
        if after and not (k.startswith(("ل", "ب")) or ctx.keys[i - 1] == "في"):
            continue
        end = _definite_run(ctx, i + 1, limit)
        if end == i + 1 and i + 2 < limit and ctx.doc.tokens[i + 1].kind == "word" and _definite(ctx.keys[i + 2]) \
                and not ctx.keys[i + 1].startswith(("ال", "و", "ب", "ل", "ف")):
            end = _definite_run(ctx, i + 2, limit)  # قطاع توليد الكهرباء: a construct
        if end == i + 1 or ctx.keys[end - 1] in ("الاخري", "الاخر"):
            continue  # القطاع alone refers back; القطاعات الأخرى names nothing
        if best is None or abs(i - qa) < abs(best[0] - qa):
            best = (i, end)
    if best is None:
        return None
    i, end = best
    clitic = next((c for c, r in strip_clitic(ctx.keys[i], ("و", "ب", "ل", "ف", "وب", "ول"), min_rest=3)
                   if r in t["sector_heads"]), "")
    s = ctx.doc.norm.to_text[ctx.doc.tokens[i].start + len(clitic)]
    _, e = ctx.doc.text_span(i, end)
    return ctx.doc.text[s:e]


def energy_after(ctx: Ctx, qb: int, cb: int) -> Optional[str]:
    """98 غيغاوات طاقة شمسية، 160 غيغاوات قياسية من الطاقة المتجددة: the source after a capacity."""
    t = tables()
    keys, toks = ctx.keys, ctx.doc.tokens
    i = qb
    if i < cb and keys[i].endswith(("يه", "ي")) and not keys[i].startswith("ال"):
        i += 1  # قياسية، جديدة
    if i < cb and keys[i] == "من":
        i += 1
    if i >= cb or keys[i] not in t["energy_heads"]:
        return None
    end = i + 1
    while end < cb and end - i < 3 and toks[end].kind == "word" and (
            _definite(keys[end]) or (keys[end].endswith(("يه", "ي", "ياح")) and len(keys[end]) >= 4)) \
            and keys[end] not in NOT_DEFINITE:
        end += 1
    if end == i + 1 or keys[i + 1] in t["not_energy_sources"]:
        return None  # الطاقة الكهربائية: what is produced, not a source
    s, e = ctx.doc.text_span(i, end)
    words = ctx.doc.text[s:e].split()
    if not key(words[0]).startswith("ال"):
        # طاقة شمسية -> الطاقة الشمسية, طاقة رياح -> طاقة الرياح: energy sources are named definite
        if len(words) == 2 and key(words[1]).endswith(("يه", "ي")):
            return " ".join("ال" + w for w in words)
        return " ".join(words[:1] + ["ال" + w for w in words[1:]])
    return ctx.doc.text[s:e]


WORKER_NOUNS = {"عامل", "عاملا", "عمال", "عامله", "عاملات", "موظف", "موظفا", "موظفين", "موظفون"}
OWNER_CUES = {"نسبه", "حصه", "مساهمه", "اسهام", "نصيب", "الاستثمار", "الاستثمارات", "استثمارات", "قدره", "سعه"}


def _noun_phrase(ctx: Ctx, i: int, limit: int) -> Optional[tuple[int, int]]:
    """A definite run (الطاقة المتجددة) or a noun and its adjectives (طاقة شمسية) starting at i."""
    if i >= limit or ctx.doc.tokens[i].kind != "word" or ctx.keys[i] in ("في", "من", "الي", "علي", "عن"):
        return None
    j = i + 1
    while j < limit and j - i < 3 and ctx.doc.tokens[j].kind == "word" and (
            ctx.keys[j].startswith("ال") or ctx.keys[j].endswith(("يه", "ي"))) and ctx.keys[j] not in ("التي", "الذي"):
        j += 1
    return i, j


def owner_entity(ctx: Ctx, ca: int, qa: int, in_clause: list):
    """حصة المملكة من السوق ... 12٪، نسبة مساهمة القطاع الخاص: the name right after an owner cue."""
    starts = {x[0]: x[2] for x in in_clause}
    for i in range(qa - 1, ca - 1, -1):
        if any(r in OWNER_CUES for _, r in strip_clitic(ctx.keys[i], ("و", "ب", "ل"), min_rest=3)):
            j = i + 1
            if j < qa and ctx.keys[j] in ("في", "مساهمه"):
                j += 1
            return starts.get(j)
    return None


def owner_after_cue(ctx: Ctx, ca: int, qa: int) -> Optional[str]:
    """نسبة النساء ... 24٪، حجم الاستثمار في الطاقة الشمسية 160.8 مليار: the phrase after the cue."""
    for i in range(qa - 1, ca - 1, -1):
        k = ctx.keys[i]
        if any(r in OWNER_CUES for _, r in strip_clitic(k, ("و", "ب", "ل"), min_rest=3)):
            j = i + 1
            if j < qa and ctx.keys[j] in ("في",):
                j += 1
            np = _noun_phrase(ctx, j, qa)
            if np and np[1] - np[0] >= 1 and ctx.keys[np[0]].startswith("ال"):
                s, e = ctx.doc.text_span(*np)
                return ctx.doc.text[s:e]
            return None
    return None


_VERB_PREFIXES = ("ي", "ت", "ن", "سي", "ست")
# particles whose key starts like the article (إلى -> الي) but are no nouns
NOT_DEFINITE = {"الي", "الا", "التي", "الذي", "الذين", "اللذين", "اللتين", "اللذان", "الان", "اللتي", "اللاتي"}


def _definite(k: str) -> bool:
    return k.startswith("ال") and k not in NOT_DEFINITE
_PLACE_PREPOSITIONS = {"في", "من", "الي", "داخل", "خارج", "بين"}
_NP_CLITICS = ("و", "ف", "ل", "ب", "ك", "وب", "ول", "لل", "ال", "وال", "بال", "فال")


def _looks_like_verb(k: str) -> bool:
    """يعمل، تستخدم، ستوفر: an imperfect verb (nouns in ت- mostly end in ة/ي/ات)."""
    return k.startswith(_VERB_PREFIXES) and 3 <= len(k) <= 6 and not k.endswith(("ه", "ات", "ي"))


def attribute_subject(ctx: Ctx, qa: int):
    """حديقة شمسية بقدرة 1.8 غيغاواط، شركات أميركية باستثمارات تصل إلى 3 مليارات:
    the entity or noun phrase right before a ب-cue that introduces the figure."""
    t = tables()
    keys, toks = ctx.keys, ctx.doc.tokens
    i = qa - 1
    while i >= 0 and qa - i <= 4 and keys[i] in t["attr_bridges"]:
        i -= 1
    # the cue is one or two words, the first carrying ب: بقدرة (إنتاجية)، بإجمالي استثمارات
    cue_start = None
    for width in (2, 1):
        a = i - width + 1
        if a < 0 or not keys[a].startswith("ب") or len(keys[a]) < 3:
            continue
        words = [keys[a][1:]] + keys[a + 1:i + 1]
        if t["attr_cues"].match(words, 0) and t["attr_cues"].match(words, 0)[0] == width:
            cue_start = a
            break
    if cue_start is None:
        return None
    return subject_before(ctx, cue_start)


def subject_before(ctx: Ctx, end: int, located: bool = False):
    """The entity or noun phrase ending at token ``end`` (exclusive), or None. With ``located``
    a place after في counts too (في خليج السويس (250 ميغاوات): the gloss names the place)."""
    t = tables()
    keys, toks = ctx.keys, ctx.doc.tokens
    # بتنفيذ "نور 3" بطاقة: a quoted name right before the cue is the subject, whatever its words
    if end > 2 and keys[end - 1] in ('"', "»", "”"):
        opening = next((i for i in range(end - 2, max(-1, end - 8), -1) if keys[i] in ('"', "«", "“")), None)
        if opening is not None and opening + 1 < end - 1 and toks[opening + 1].kind in ("word", "latin"):
            ents = [x for x in ctx.ent_at if x[0] == opening + 1 and x[1] == end - 1]
            if ents:
                return ents[0][2]
            s, e = ctx.doc.text_span(opening + 1, end - 1)
            return ctx.doc.text[s:e]
    stop = end
    while end > 0 and stop - end < 3 and keys[end - 1] in ("،", ",", '"', "»", "”", "'"):
        end -= 1
    # ستة محطات شمسية ضوئية (PV) بقدرة: a bracketed gloss is not the phrase
    if end > 2 and keys[end - 1] == ")" and "(" in keys[max(0, end - 5):end - 1]:
        end = max(i for i in range(max(0, end - 5), end - 1) if keys[i] == "(")
    # an entity ending right there is the subject, unless it is where (في المملكة)
    ents = [x for x in ctx.ent_at if x[1] == end and x[0] < end
            and not (x[2].type in ("GPE", "LOC") and x[0] > 0 and not located and (
                keys[x[0] - 1] in _PLACE_PREPOSITIONS  # في المملكة: where, not who
                or (toks[x[0] - 1].kind == "word" and not keys[x[0] - 1].startswith(("ال", "و"))
                    and keys[x[0] - 1] not in t["attr_stops"])))  # خليج السويس: the place names a part of it
            and not (isinstance(x[2], Phrase) and _looks_like_verb(keys[end - 1]))]
    if ents:
        return max(ents, key=lambda x: x[1] - x[0])[2]
    # another figure ends the phrase, a count (٣١ مصنعا) belongs to it
    in_quantity = {t for (a, b), q in zip(ctx.q_tok, ctx.doc.quantities) if b <= end and q.unit != "count"
                   for t in range(a, b)}
    count_starts = {a for (a, b), q in zip(ctx.q_tok, ctx.doc.quantities) if q.unit == "count"}
    start, clitic = end, ""
    while start > 0 and end - start < 7 and start not in count_starts:  # a count opens its phrase
        p = start - 1
        k = keys[p]
        if toks[p].kind not in ("word", "num") or ctx.sent_of[p] != ctx.sent_of[end - 1] or p in in_quantity \
                or (toks[p].kind == "num" and _YEAR_RE.fullmatch(k)) or k == "م":
            break
        readings = strip_clitic(k, _NP_CLITICS, min_rest=2)
        bare = {r for _, r in readings}
        stem = k[1:] if k[:1] in ("و", "ف") and len(k) > 3 else k
        # وتبني الشركة: an imperfect verb before its definite subject, whatever its ending
        verb = _looks_like_verb(k) or _looks_like_verb(stem) or (
            stem.startswith(_VERB_PREFIXES) and not stem.endswith(("ه", "ات")) and keys[p + 1].startswith("ال"))
        if k in t["attr_stops"] or bare & t["attr_stops"] or verb or k.startswith(("بال", "كال")):
            # في المملكة inside the phrase: a place after في belongs to it
            place = k == "في" and (keys[start] in t["attr_places"] or any(
                x[0] == start and x[2].type in ("GPE", "LOC") for x in ctx.ent_at))
            if not place:
                break
        start -= 1
        # بكابل كهربائي، وبمحطة طاقة شمسية: a preposition opens the phrase, its noun is the head
        # (بحري، بحرية: a nisba adjective is a word of its own, not ب + noun)
        pp = next((c for c, r in readings if c in ("ب", "وب", "فب") and len(r) >= 3 and not r.startswith("ال")
                   and not r.endswith(("ي", "يه"))), None)
        if pp and k not in t["attr_b_nouns"]:
            clitic = pp
            break
    if not clitic and start < end - 1 and keys[start][:1] in ("و", "ك") and len(keys[start]) > 3 \
            and toks[start].kind == "word":
        clitic = keys[start][:1]  # a conjunction or كـ before the head is not part of it (كمعدات ثابتة)
    if start >= end:
        return None
    words = [k for k in keys[start:end] if not k.isdigit()]
    head = words[0][len(clitic):] if words else ""
    if not head or head.startswith("ال") and head.endswith(("يه", "ي")):
        return None  # an adjective, not a head noun
    if len(words) == 1 and end - start == 1:
        return None  # one bare word (طويلة، تعاون): an object or adverb, not a named subject
    # مشروعات ضخمة، تسعة مشروعات: a generic head with nothing that names it
    if head in t["attr_generic"] and not any(w.startswith(("ال", "لل")) or w in t["attr_generic"] for w in words[1:]) \
            and len(words) <= 2:
        return None
    # من المملكة العربية السعودية، باستثمار: a place is where, not who
    if start > 0 and keys[start - 1] in _PLACE_PREPOSITIONS and any(
            x[0] <= start and end <= x[1] and x[2].type in ("GPE", "LOC") for x in ctx.ent_at):
        return None
    s = ctx.doc.norm.to_text[toks[start].start + len(clitic)]
    _, e = ctx.doc.text_span(start, end)
    return ctx.doc.text[s:e]


def _coordinated(ctx: Ctx, ent, qa: int):
    """في الجبيل وينبع ورأس الخير: a place coordinated with other places shares the figure
    with them, so the subject is the whole list (as the text says it)."""
    if getattr(ent, "type", None) not in ("GPE", "LOC", "CLUSTER"):
        return ent
    spans = sorted({(a, b) for a, b, x in ctx.ent_at if x is ent and b <= qa})
    if not spans:
        return ent
    places = {(a, b): x for a, b, x in ctx.ent_at if getattr(x, "type", None) in ("GPE", "LOC", "CLUSTER") and b <= qa}
    a, b = spans[-1]
    # walk left and right over 'و'-joined places
    first, last = a, b
    while True:
        prev = next(((pa, pb) for (pa, pb) in places if pb == first and pa < first
                     and ctx.keys[first].startswith("و")), None)
        if prev is None:
            prev = next(((pa, pb) for (pa, pb) in places if pb == first - 1 and ctx.keys[first - 1] == "و"), None)
        if prev is None:
            break
        first = prev[0]
    while True:
        nxt = next(((na, nb) for (na, nb) in places if na == last and ctx.keys[na].startswith("و")), None) \
            or next(((na, nb) for (na, nb) in places if na == last + 1 and ctx.keys[last] == "و"), None)
        if nxt is None or nxt[1] <= last:
            break
        last = nxt[1]
    if (first, last) == (a, b):
        return ent
    s, e = ctx.doc.text_span(first, last)
    first_place = places.get(next(((pa, pb) for (pa, pb) in places if pa == first), None))
    if ctx.doc.text[s] == "و" and first_place is not None and not key(first_place.name).startswith("و"):
        s += 1  # وآسيا: the conjunction before the list is not part of it
    return ctx.doc.text[s:e]


def _people_group_at(ctx: Ctx, i: int) -> Optional[int]:
    """End of a people-group phrase starting at token i (النساء، والآسيويين), or None."""
    t = tables()
    k = ctx.keys[i]
    for c, rest in strip_clitic(k, ("و", "ب", "ل", "ف", "")):
        m = t["people_group_phrases"].match([rest] + ctx.keys[i + 1:i + 4], 0)
        if m:
            return i + m[0]
        if rest.startswith("ال") and rest.endswith(("يين", "يون")) and len(rest) >= 7:
            return i + 1  # الآسيويين، السعوديين: a nisba plural names a people
    return None


def people_group_subject(ctx: Ctx, qb: int, cb: int) -> Optional[str]:
    """53 بالمئة من الموظفين هم من البيض، و3 بالمئة من المنحدرين من أصول لاتينية: the group a
    share counts, named after the figure in its clause."""
    t = tables()
    keys = ctx.keys
    for i in range(qb, min(cb, qb + 7)):
        end = _people_group_at(ctx, i)
        if end is None:
            continue
        # the group is what the figure counts: right after من (و39 بالمئة من الآسيويين), after
        # هم من (من الموظفين هم من البيض), or the predicate that ends the clause (من موظفيها رجال);
        # not a word further on (من إجمالي القروض الشخصية على الخليجيين)
        by_min = i == qb + 1 and keys[qb] == "من" or i >= qb + 2 and keys[i - 1] == "من" and keys[i - 2] in ("هم", "هن")
        if not by_min and not ((end >= cb or ctx.doc.tokens[end].kind == "punct")
                               and keys[i - 1] not in ("علي", "في", "من", "الي", "عن", "مع", "بين", "لدي")):
            continue
        cont = t["people_group_continuations"].match(ctx.keys, end)
        if cont:
            end = cont[0]
            while end < cb and end - i < 7 and ctx.doc.tokens[end].kind == "word" and not ctx.keys[end].startswith("و"):
                end += 1
        s, e = ctx.doc.text_span(i, end)
        k = ctx.keys[i]
        clitic = next((c for c, r in strip_clitic(k, ("و", "ب", "ل", "ف")) if c and _people_group_at(ctx, i) and (
            r in t["people_groups"] or r.endswith(("يين", "يون")))), "")
        return ctx.doc.text[s + len(clitic):e]
    return None


INVESTMENT_NOUNS = {"استثمار", "الاستثمار", "استثمارات", "الاستثمارات", "الانفاق", "انفاق", "التمويل", "تمويل"}


def investment_target(ctx: Ctx, ca: int, qa: int) -> Optional[str]:
    """الاستثمارات الإجمالية في المصانع البتروكيماوية ... 150 مليار، حجم الاستثمار في طاقة الرياح:
    with no investor named, the investment is about what it goes into."""
    keys, toks = ctx.keys, ctx.doc.tokens
    for i in range(ca, qa - 2):
        if not any(r in INVESTMENT_NOUNS for _, r in strip_clitic(keys[i], ("و", "ب", "ل", "لل"), min_rest=3)):
            continue
        j = i + 1
        while j < qa and j - i <= 2 and _definite(keys[j]) and keys[j].endswith(("يه", "ي")):
            j += 1  # الإجمالية، العالمي
        if j >= qa - 1 or keys[j] != "في":
            continue
        np = _noun_phrase(ctx, j + 1, qa)
        if np is None or toks[np[0]].kind != "word":
            continue
        s, e = ctx.doc.text_span(*np)
        return ctx.doc.text[s:e]
    return None


def facility_before(ctx: Ctx, ca: int, qa: int) -> Optional[tuple[int, object]]:
    """لبناء ثلاثة محطات شمسية تعمل بالطاقة الشمسية بطاقة إجمالية 120 ميغاوات: the last facility
    named or described in the clause before a capacity, with its count (token start, subject)."""
    from .entities import rules as entity_rules

    t = tables()
    kinds = entity_rules()["facility_kinds"] | t["facility_plurals"]
    keys, toks = ctx.keys, ctx.doc.tokens
    for i in range(qa - 1, ca - 1, -1):
        named = [x for x in ctx.ent_at if x[0] == i and isinstance(x[2], Phrase)]
        if named:
            return i, named[0][2]
        if not any(r in kinds for _, r in strip_clitic(keys[i], ("و", "ب", "ل", "ف", "ك"), min_rest=3)):
            continue
        start = i - 1 if i > ca and (toks[i - 1].kind == "num" or keys[i - 1] in t["count_words"]) else i
        j = i + 1
        while j < qa and j - i <= 3 and toks[j].kind == "word" and not _looks_like_verb(keys[j]) \
                and not keys[j].startswith("ب") and keys[j] not in t["attr_stops"]:
            j += 1
        if j == i + 1:
            return None  # a bare محطة names nothing
        clitic = keys[start][:len(keys[start]) - len(next(r for _, r in strip_clitic(
            keys[start], ("و", "ب", "ل", "ف", "ك"), min_rest=3) if r in kinds))] if start == i else ""
        s, e = ctx.doc.text_span(start, j)
        return start, ctx.doc.text[s + len(clitic):e]
    return None


def respective_subject(ctx: Ctx, q_index: int, qa: int):
    """ستُخلق في الأميركيتين وآسيا والمحيط الهادئ وأوروبا 3 ملايين و14 مليونا ومليوني فرصة عمل على التوالي:
    with على التوالي, the n-th figure of a list belongs to the n-th name listed before it."""
    if q_index < 0:
        return None
    keys = ctx.keys
    s_a, s_b = ctx.doc.sentences[ctx.sent_of[qa]]
    marker = next((i for i in range(qa, s_b - 1) if keys[i] == "علي" and keys[i + 1] == "التوالي"), None)
    if marker is None:
        return None
    unit = ctx.doc.quantities[q_index].unit
    figures = [n for n, (a, b) in enumerate(ctx.q_tok) if s_a <= a and b <= marker and ctx.doc.quantities[n].unit == unit]
    if len(figures) < 2 or q_index not in figures:
        return None
    first_at = ctx.q_tok[figures[0]][0]
    names = []
    for a, b, x in ctx.ent_at:
        if s_a <= a and b <= first_at and getattr(x, "type", "") in ("GPE", "LOC", "ORG", "CLUSTER", "FACILITY") \
                and (not names or names[-1][1] is not x):
            names.append((a, x))
    names = [x for _, x in names][-len(figures):]
    if len(names) != len(figures):
        return None
    return names[figures.index(q_index)]


def possessed_attribute_subject(ctx: Ctx, ca: int, qa: int):
    """مشاريع طاقة الرياح يبلغ إجمالي سعتها 2 غيغاوات، "نور 3" الذي تبلغ طاقته الإنتاجية 150 ميجاواط:
    the phrase before the verb whose attribute (with its pronoun) the figure measures."""
    t = tables()
    keys = ctx.keys
    for p in range(qa - 1, max(ca, qa - 5) - 1, -1):
        if not any(r in t["possessed_attributes"] for _, r in strip_clitic(keys[p], ("و", "ب"), min_rest=3)):
            continue
        v = p - 1
        if v > ca and keys[v] in ("اجمالي", "مجموع", "حجم"):
            v -= 1
        if v <= ca or not any(r in t["possessed_attribute_verbs"] or r[:1] == "س" and r[1:] in t["possessed_attribute_verbs"]
                              for _, r in strip_clitic(keys[v], ("و", "ف"), min_rest=3)):  # (ستبلغ)
            return None
        end = v
        # التي من المتوقع أن تصل استثماراتها: past the relative pronoun and a modal frame
        while end > ca + 1 and keys[end - 1] in ("التي", "الذي", "اللذين", "اللتين", "ان", "المتوقع", "من",
                                                  "المقرر", "المنتظر", "المرتقب", "يتوقع", "يتوقع"):
            end -= 1
        # ... في أرامكو السعودية خلال السنوات الخمس المقبلة تصل قيمتها: past a time phrase
        when = next((i for i in range(end - 1, max(ca, end - 6), -1) if keys[i] in ("خلال", "منذ", "حتي", "طوال")), None)
        if when is not None:
            end = when
        if any(any(r in INVESTMENT_NOUNS for _, r in strip_clitic(k, ("و", "ب", "ل"), min_rest=3))
               for k in keys[max(ca, end - 4):end]):
            return None  # استقطاب استثمارات يقدر حجمها: the attribute is the money's own
        return subject_before(ctx, end)
    return None


def deal_party(ctx: Ctx, s_a: int, qa: int):
    """مذكرة تفاهم بين وزارة الصحة و"جنرال إلكتريك" ... باستثمار مليار دولار: the second party
    of a deal in the figure's sentence is the investor."""
    keys = ctx.keys
    for a, b, _ in reversed(match_any(tables()["deal_nouns"], keys, s_a, qa)):
        if b >= qa or keys[b] != "بين":
            continue
        first = next((x for x in ctx.ent_at if b < x[0] <= b + 2 and x[1] < qa), None)
        if first is None:
            continue
        for x in ctx.ent_at:
            if not (first[1] <= x[0] <= first[1] + 3 and x[1] <= qa and x[2] is not first[2] and getattr(x[2], "id", None)):
                continue
            p = x[0] - 1
            while p > first[1] and keys[p] in ('"', "«", "“", "”", "'"):
                p -= 1  # و"جنرال إلكتريك"
            if keys[x[0]].startswith("و") or keys[p] in ("و", "مع"):
                return x[2]
    return None


def _names_a_referent(ctx: Ctx, i: int) -> bool:
    """Is keys[i] a noun that can stand for an organisation, a cluster or a project (المجموعة، المشروع)?"""
    from .entities import rules as entity_rules

    if i >= len(ctx.keys) or not ctx.keys[i].startswith("ال"):
        return False
    r, t = entity_rules(), tables()
    stem = ctx.keys[i][2:]
    if ctx.keys[i] in t["measure_nouns"]:
        return False  # هذا العدد، هذه القيمة
    return (stem in r["kinds"] or stem in r["cluster_markers"] or stem in r["facility_kinds"]
            or ctx.keys[i] in t["not_subject_heads"] or ctx.keys[i] in t["attr_generic"])


def find_subject(ctx: Ctx, q_index: int, qa: int, qb: int, prev_subject, ftype: str = ""):
    doc = ctx.doc
    s_a, _ = doc.sentences[ctx.sent_of[qa]]
    t = tables()
    attr = attribute_subject(ctx, qa)
    if attr is not None:
        return attr, "attribute_cue"
    # وجبل الزيت (200 ميغاوات): a figure in brackets glosses the name before it
    if qa > 1 and ctx.keys[qa - 1] == "(" and qb < len(ctx.keys) and ctx.keys[qb] == ")" \
            and len(ctx.keys[qa - 2]) > 2 and ctx.keys[qa - 2] not in t["attr_stops"]:
        named = subject_before(ctx, qa - 1, located=True)
        if named is not None:
            return named, "bracket_gloss"
    if ftype == "share":
        ca, cb = clause_bounds(ctx, qa, qb)
        group = people_group_subject(ctx, qb, cb)
        if group:
            return group, "people_group"
    resp = respective_subject(ctx, q_index, qa)
    if resp is not None:
        return resp, "respectively"
    owned = possessed_attribute_subject(ctx, clause_bounds(ctx, qa, qb)[0], qa)
    if owned is not None:
        return owned, "possessed_attribute"
    rel = relative_subject(ctx, qa)
    if rel:
        a, b = rel
        s, e = doc.text_span(a, b)
        phrase = doc.text[s:e]
        if phrase.startswith("من "):  # من القطاع الصناعي: the preposition is not the subject
            phrase = phrase[3:]
        ents = [x for x in ctx.ent_at if a <= x[0] < b]
        if ents:
            return ents[0][2], "relative_entity"
        return phrase, "relative_phrase"
    ents = [x for x in ctx.ent_at if s_a <= x[0] and x[1] <= qa and x[2].type not in ("EVENT", "PERSON")
            and not is_source(ctx, x, qa)]

    # a demonstrative subject (هذه المجموعة) refers back, not to names after it
    ca, cb = clause_bounds(ctx, qa, qb)
    demo = next((i for i in range(ca, min(qa, ca + 4)) if ctx.keys[i] in t["demonstratives"]), None)
    if demo is not None and ctx.keys[demo].lstrip("و").startswith("هذ") and not _names_a_referent(ctx, demo + 1):
        demo = None  # هذا العدد، هذا القرار: a demonstrative over a plain noun refers to no organisation
    if demo is not None and not [x for x in ents if x[0] < demo + 2]:
        sec = section_subject(ctx, qa)
        if sec is not None:
            return sec, "demonstrative_section"
        if prev_subject is not None and ctx.line_of[qa] == prev_subject[1]:
            return prev_subject[0], "demonstrative_previous"
        before = [x for x in ctx.ent_at if x[1] <= s_a and x[2].type in ("CLUSTER", "ORG")]
        if before:
            return before[-1][2], "demonstrative_antecedent"
    ca, cb = clause_bounds(ctx, qa, qb)
    in_clause = [x for x in ents if x[0] >= ca]
    # a place after في is where, not who (يجري في جنوب إفريقيا إنشاء محطة)
    located = [x for x in in_clause if x[2].type in ("GPE", "LOC") and x[0] > 0 and ctx.keys[x[0] - 1] in ("في", "داخل", "خارج")]
    if len(located) < len(in_clause):
        in_clause = [x for x in in_clause if x not in located]
    owner = owner_entity(ctx, ca, qa, in_clause)
    if owner is not None:
        return owner, "owner_entity"
    if ftype == "investment" and any(any(r in t["attraction_verbs"] for _, r in strip_clitic(k, ("و", "ف", "ل", "ب"), min_rest=3))
                                     for k in ctx.keys[ca:qa]):
        # استقطاب استثمارات ... 145 مليار ريال لمشروع الجبيل2: attracted money is about where it goes
        dest = [x for x in ctx.ent_at if ca <= x[0] < cb and getattr(x[2], "type", "") in ("CLUSTER", "FACILITY")]
        if dest:
            return min(dest, key=lambda x: (x[2].type != "CLUSTER", abs(x[0] - qa)))[2], "attracted_to"
    mix = energy_mix_source(ctx, s_a, qa, qb) if ftype == "share" else None
    if mix:
        return mix, "energy_mix"
    localized = localized_item(ctx, ca, qa) if ftype == "share" else None
    if localized:
        return localized, "localized_item"
    if ftype == "share" and _cue_before(ctx, qa, {"بنسبه"}) is not None \
            and _funding_talk(ctx, s_a, qa, t["types"]["share"]):
        # قطاع الطاقة الذي ساهم الصندوق فيه ... بنسبة 29٪: the sector's part, not the funder's
        # (named in the clause, or heading the sentence: وكذلك قطاع الزراعة؛ حيث أسهم ... بنسبة)
        sector = sector_phrase(ctx, ca, cb, qa) or sector_phrase(ctx, s_a, cb, qa)
        if sector:
            return sector, "sector"
    if in_clause:
        best = _best_entity(in_clause)
        if ftype == "energy_capacity" and getattr(best, "type", "") in ("ORG", "GPE", "LOC"):
            # whose capacity: the plant or project, not the company building it
            fac = facility_before(ctx, ca, qa)
            best_at = max(x[0] for x in in_clause if x[2] is best)
            if fac is not None and fac[0] > best_at:
                return fac[1], "facility_in_clause"
        return _coordinated(ctx, best, qa), "clause_entity"
    # a sector owns a share (قطاع النقل بنسبة 25٪); money goes to the investor, not the sector
    sector = sector_phrase(ctx, ca, cb, qa) if ftype == "share" else \
        sector_phrase(ctx, ca, cb, qa, after=qb) if ftype == "jobs" else None
    if sector:
        return sector, "sector"
    if ctx.doc.quantities and q_index >= 0 and ctx.doc.quantities[q_index].unit == "W":
        source = energy_after(ctx, qb, cb)
        if source:
            return source, "energy_source"
    target = investment_target(ctx, ca, qa) if ftype == "investment" else None
    if target:
        return target, "investment_target"
    # the clause's own subject phrase beats a name elsewhere in the sentence
    np = clause_subject_phrase(ctx, ca, qa) or owner_after_cue(ctx, ca, qa)
    if np:
        return np, "clause_phrase"
    np = verb_subject_phrase(ctx, ca, qa)
    if np:
        return np, "verb_subject"
    deal = deal_party(ctx, s_a, qa) if ftype in ("investment", "jobs") else None
    if deal is not None:
        return deal, "deal_party"
    # ... تبلغ تكلفة المشروع 4 مليارات ريال، ويوفر 1200 وظيفة: a clause that opens with its verb
    # and names no subject continues the subject of the sentence's previous figure
    last = ctx.last_fact
    first = ctx.keys[ca]
    if last is not None and last[1] == ctx.sent_of[qa] and not in_clause and first[:1] in ("و", "ف") \
            and _looks_like_verb(first[1:]):
        return last[0], "clause_continuation"
    if ents:
        return _coordinated(ctx, _best_entity(ents), qa), "sentence_entity"

    sec = section_subject(ctx, qa)
    if sec is not None:
        return sec, "section"
    if prev_subject is not None and ctx.line_of[qa] == prev_subject[1]:
        return prev_subject[0], "paragraph_previous"
    if ftype in ("energy_capacity", "emissions_reduction"):
        # إضافة إلى الحد من انبعاثات ... 1.7 مليون طن: a plant's figure with no subject in reach is
        # about the plant named or described last in this paragraph or the one before
        fac = recent_facility(ctx, qa)
        if fac is not None:
            return fac, "recent_facility"
    # In an article about clusters, a figure with no subject in reach is about the cluster
    # last named before it (بينما سيوفر 15 ألف فرصة عمل ... after مدينة جازان الاقتصادية).
    clusters_before = [x for x in ctx.ent_at if x[1] <= qa and getattr(x[2], "type", "") == "CLUSTER"]
    if clusters_before:
        return clusters_before[-1][2], "recent_cluster"
    # No subject in reach: the figure stays a plain quantity. (Borrowing the previous
    # sentence's organisation was right 2 times in 10 on the dev corpus.)
    return None, None


def evidence_span(ctx: Ctx, qa: int, qb: int) -> tuple[int, int]:
    a, b = clause_bounds(ctx, qa, qb)
    s, e = ctx.doc.text_span(a, b)
    return s, e


def net_zero_facts(ctx: Ctx):
    t = tables()
    out = []
    doc = ctx.doc
    for a, b, phrase in match_any(t["net_zero"], ctx.keys, 0, len(ctx.keys)):
        s_a, s_b = doc.sentences[ctx.sent_of[a]]
        year = None
        for i in range(b, min(s_b, b + 6)):
            if ctx.keys[i] in ("بحلول", "عام", "العام", "قبل", "حتي") or (ctx.keys[i].startswith("ب") and ctx.keys[i][1:] == "حلول"):
                y, _ = _year_in(ctx, i + 1, min(s_b, i + 4), t)
                if y is None and i + 1 < len(ctx.keys) and _YEAR_RE.fullmatch(ctx.keys[i + 1]):
                    y = int(ctx.keys[i + 1])
                if y:
                    year = y
                    yend = i + 2
                    while yend < s_b and not _YEAR_RE.fullmatch(ctx.keys[yend - 1]):
                        yend += 1
                    break
        if year is None:
            continue
        out.append((a, yend, year))
    return out


def is_conversion(doc: Doc, qi: int) -> bool:
    """25 مليون إسترليني (37.5 مليون دولار)، 65% أي ثلثي: the second amount restates the first."""
    if qi == 0:
        return False
    q, prev = doc.quantities[qi], doc.quantities[qi - 1]
    between = doc.text[prev.end:q.start].strip()
    if between in ("أي", "اي", "، أي", ", أي", "أي ما يعادل", "أي ما يعادل", "أي نحو", "أي قرابة") \
            and unit_family(q.unit) == unit_family(prev.unit):
        return True  # 65% أي ثلثي الناتج: the second figure restates the first
    return between == "(" and unit_family(q.unit) == unit_family(prev.unit) == "money"


def facts(doc: Doc) -> Doc:
    """Type quantities into facts and attach subject, year, modality and scope."""
    from ..models import Evidence, Fact, SubjectRef

    ctx = build_ctx(doc)
    ctx.last_fact = None
    out = []
    prev_subject = None  # (subject, line)
    t = tables()
    for qi, q in enumerate(doc.quantities):
        qa, qb = ctx.q_tok[qi]
        ftype, rule = fact_type(ctx, q, qa, qb)
        if not ftype or is_conversion(doc, qi):
            continue
        unit = "jobs" if ftype == "jobs" else q.unit
        if ftype in ("emissions", "emissions_reduction"):
            unit = gas_unit(ctx, qa, qb, q.unit)
            if unit is None:
                continue
        subj, how = find_subject(ctx, qi, qa, qb, prev_subject, ftype)
        if subj is None:
            continue
        ctx.last_fact = (subj, ctx.sent_of[qa])
        if isinstance(subj, str):
            sref = SubjectRef(id=None, name=subj)
        else:
            sref = SubjectRef(id=subj.id, name=subj.name)
            if subj.id is not None:
                prev_subject = (subj, ctx.line_of[qa])
        year, year_end = find_year(ctx, qa, qb, qi)
        modality, _ = find_modality(ctx, qa, qb)
        ca, cb = clause_bounds(ctx, qa, qb)
        scope = find_scope(ctx, qb, len(ctx.keys)) if ftype == "emissions" else None
        es, ee = evidence_span(ctx, qa, qb)
        out.append(Fact(id=f"f{len(out) + 1}", type=ftype, subject=sref, value=q.value, value_max=q.value_max,
                        unit=unit, approximate=q.approximate, modality=modality, year=year, year_end=year_end,
                        scope=scope, evidence=Evidence(start=es, end=ee, text=doc.text[es:ee]),
                        quantity_index=qi, rule=f"{rule};subject:{how}"))
    for a, b, year in net_zero_facts(ctx):
        subj, how = find_subject(ctx, -1, a, b, None)
        if subj is None:
            continue
        sref = SubjectRef(id=None, name=subj) if isinstance(subj, str) else SubjectRef(id=subj.id, name=subj.name)
        s_a, _ = doc.sentences[ctx.sent_of[a]]
        hits = match_any(t["modality"], ctx.keys, s_a, a)
        modality = "target" if any(h[2] == "target" for h in hits) or not hits else hits[-1][2]
        ea, _ = clause_bounds(ctx, a, b)
        es, ee = doc.text_span(ea, b)
        out.append(Fact(id=f"f{len(out) + 1}", type="net_zero_target", subject=sref, value=Decimal(year),
                        unit="year", approximate=False, modality=modality, year=year, evidence=Evidence(
                            start=es, end=ee, text=doc.text[es:ee]), quantity_index=None,
                        rule=f"net_zero;subject:{how}"))
    doc.facts = out
    return doc
