"""Stage 7: facts — a quantity said about a subject, with year, modality and scope.

Typing, gas, modality, year cues and scopes come from ``data/ar/facts.yaml``.
Subjects are read from discourse: the best entity of the clause before the
figure (clusters and organisations over places), a demonstrative (هذه المجموعة)
or a sentence without a named subject continuing the section's or the
paragraph's last subject, and non-named subjects in relative clauses
(القطاع الصناعي، الذي يمثل 30٪).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Optional

import regex

from ..data import load_yaml
from ..document import Doc
from ..lexicon import PhraseTable, form_tokens, strip_clitic, with_clitics
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
        types[t] = {
            "units": set(spec["units"]),
            "triggers": PhraseTable((w, w) for w in spec.get("triggers", [])),
            "negative": PhraseTable((w, w) for w in spec.get("negative", [])),
            "requires_after": {key(w) for w in spec.get("requires_after", [])},
        }
    return {
        "types": types,
        "gases": PhraseTable((w, g) for g, ws in cfg["gases"].items() for w in ws),
        "net_zero": PhraseTable((w, w) for w in cfg["net_zero_phrases"]),
        "modality": PhraseTable((w, m) for m, ws in cfg["modality"].items() for w in ws),
        "year_cues": {key(w) for w in cfg["year_cues"]},
        "scopes": PhraseTable((w, s) for s, ws in cfg["scopes"].items() for w in ws),
        "ordinals": {key(w) for w in cfg["heading_ordinals"]},
        "demonstratives": {key(w) for w in cfg["demonstratives"]},
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


def _tok_index_at(doc: Doc, text_pos: int) -> int:
    """The token containing (or first after) a text offset."""
    import bisect

    kpos = bisect.bisect_left(doc.norm.to_text, text_pos)
    starts = [t.start for t in doc.tokens]
    i = bisect.bisect_right(starts, kpos) - 1
    return max(i, 0)


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
        for t in range(a, b):
            sent_of[t] = si
    line_of = [0] * n
    for li, (a, b) in enumerate(doc.lines):
        for t in range(a, b):
            line_of[t] = li
    starts = [t.start for t in doc.tokens]
    ends = [t.end for t in doc.tokens]
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
    keys = [t.key for t in doc.tokens]
    ent_at = sorted(ent_at + kind_anaphors(keys, ent_at), key=lambda x: x[0])
    from .entities import facility_phrases

    for s, e, name in facility_phrases(doc):
        a, b = tok_range(s, e)
        if not any(x[0] <= a and b <= x[1] for x in ent_at):
            ent_at.append((a, b, Phrase(name)))
    ent_at.sort(key=lambda x: x[0])
    ctx = Ctx(doc, keys, sent_of, line_of, q_tok, ent_at, [])
    ctx.sections = find_sections(ctx)
    return ctx


def kind_anaphors(keys: list[str], ent_at: list) -> list:
    """المبادرة، الشركة، المجموعة: a definite kind noun names the last entity of that kind."""
    from .entities import rules as entity_rules

    kinds = {k for k, v in entity_rules()["kinds"].items() if v in ("ORG", "CLUSTER") and not k.startswith("ال")}
    first_word = {}
    for _, _, e in ent_at:
        if id(e) not in first_word:
            w = key(e.name).split(" ")[0]
            first_word[id(e)] = w[2:] if w.startswith("ال") else w
    out = []
    forms = with_clitics({"ال" + k for k in kinds}, ("و", "ب", "ل", "ف", "ك"))
    for i, k in enumerate(keys):
        if k not in forms:
            continue
        for _, rest in strip_clitic(k, ("و", "ب", "ل", "ف", "ك", "")):
            if rest.startswith("ال") and rest[2:] in kinds:
                kind = rest[2:]
                prior = [e for a, _, e in ent_at if a < i and first_word[id(e)] == kind]
                if prior:
                    out.append((i, i + 1, prior[-1]))
                break
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
    i = a
    could = table.could_start
    while i < b:
        if not could(keys[i]):
            i += 1
            continue
        m = table.match_clitic(keys, i, CLITICS)
        if m and m[0] <= b:
            out.append((i, m[0], m[1]))
            i = m[0]
        else:
            i += 1
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


def find_modality(ctx: Ctx, qa: int, qb: int) -> tuple[str, Optional[str]]:
    ca, cb = clause_bounds(ctx, qa, qb)
    hits = match_any(tables()["modality"], ctx.keys, ca, qb)
    # the figure's own year cue (بحلول) after it also makes it expected
    after = match_any(tables()["modality"], ctx.keys, qb, min(cb, qb + 6))
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
            after = [k for k in ctx.keys[qb:qb + 3] if k not in ("،", ",", ")")][:1]
            if set(after) & spec["requires_after"]:
                return name, "share:من"
            hits = match_any(spec["triggers"], ctx.keys, max(ca, qa - 8), qa)
            if hits:
                return name, f"share:{hits[-1][2]}"
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
    return None, None


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
    a, b, _ = x
    for k in ctx.keys[max(0, a - 2):a]:
        if any(r in cues for _, r in strip_clitic(k, ("و", "ف", "ل", "ب"), min_rest=2)):
            return True
    nxt = ctx.keys[b:min(b + 2, qa)]
    return "ان" in nxt


SKIP_AT_CLAUSE_START = {"و", "ف", "كانت", "كان", "وكانت", "وكان", "قد", "وقد", "ان", "وان", "حيث", "فيما", "بينما",
                        "كما", "اما", "واما", "ثم", "لكن", "ولكن", "اذ", "فقد", "لقد"}


def clause_subject_phrase(ctx: Ctx, ca: int, qa: int) -> Optional[str]:
    """كانت المصارف الخاصة تموّل 70٪، صناعة الشحن البحري تنقل 90٪: the noun phrase opening the clause."""
    i = ca
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


def find_subject(ctx: Ctx, q_index: int, qa: int, qb: int, prev_subject):
    doc = ctx.doc
    s_a, _ = doc.sentences[ctx.sent_of[qa]]
    t = tables()
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
    if demo is not None and not [x for x in ents if x[0] < demo + 2]:
        sec = section_subject(ctx, qa)
        if sec is not None:
            return sec, "demonstrative_section"
        if prev_subject is not None:
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
    if in_clause:
        return _best_entity(in_clause), "clause_entity"
    if ents:
        return _best_entity(ents), "sentence_entity"
    np = clause_subject_phrase(ctx, ca, qa) or owner_after_cue(ctx, ca, qa)
    if np:
        return np, "clause_phrase"

    sec = section_subject(ctx, qa)
    if sec is not None:
        return sec, "section"
    if prev_subject is not None and ctx.line_of[qa] == prev_subject[1]:
        return prev_subject[0], "paragraph_previous"
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
    """25 مليون إسترليني (37.5 مليون دولار): the bracketed amount restates the one before it."""
    if qi == 0:
        return False
    q, prev = doc.quantities[qi], doc.quantities[qi - 1]
    between = doc.text[prev.end:q.start].strip()
    return between == "(" and unit_family(q.unit) == unit_family(prev.unit) == "money"


def facts(doc: Doc) -> Doc:
    """Type quantities into facts and attach subject, year, modality and scope."""
    from ..models import Evidence, Fact, SubjectRef

    ctx = build_ctx(doc)
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
        subj, how = find_subject(ctx, qi, qa, qb, prev_subject)
        if subj is None:
            continue
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
