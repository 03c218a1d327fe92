"""Score article records against gold annotations (CONTRACT.md matching rules).

- Names match by any alias, compared with ``name_key`` (diacritics, tatweel,
  alef/ya/ta-marbuta unified; quotes and case ignored).
- Values match within 0.5 %.
- A quantity matches a gold quantity whose text occurs at an overlapping span,
  with the same unit and value.  An entity matches on type and a shared alias.
  A fact matches on type, value and subject.  A cluster matches on a shared alias.
Matching is one-to-one and greedy in text order.  Attribute accuracies
(approximate, modality, year, ...) are computed on matched pairs.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Optional

import regex

from .normalize import name_key

LAYERS = ("quantities", "entities", "facts", "clusters")


def nk(s: str) -> str:
    s = regex.sub(r"[\"'«»“”()\[\]#_.,،:]", " ", s or "")
    return name_key(s)


def value_match(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a, b = Decimal(str(a)), Decimal(str(b))
    if b == 0:
        return a == 0
    return abs(a - b) <= abs(b) * Decimal("0.005")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.p, 4),
                "recall": round(self.r, 4), "f1": round(self.f1, 4)}


@dataclass
class Accuracy:
    right: float = 0
    total: int = 0

    def add(self, ok) -> None:
        """A pair's score: True/False, or a fraction (a Jaccard overlap)."""
        self.total += 1
        self.right += float(ok)

    def value(self) -> Optional[float]:
        return round(self.right / self.total, 4) if self.total else None


def _greedy(preds: list, golds: list, ok) -> tuple[list[tuple[int, int]], Counts]:
    used = set()
    pairs = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            if pi not in used and ok(p, g):
                used.add(pi)
                pairs.append((pi, gi))
                break
    return pairs, Counts(len(pairs), len(preds) - len(pairs), len(golds) - len(pairs))


def gold_spans(text: str, golds: list[dict], field_name: str = "text") -> list[list[tuple[int, int]]]:
    """Every occurrence of each gold text in the article."""
    out = []
    for g in golds:
        t = g.get(field_name) or ""
        out.append([(m.start(), m.end()) for m in regex.finditer(regex.escape(t), text)] if t else [])
    return out


def alias_keys(ent: dict) -> set[str]:
    return {nk(a) for a in [ent.get("name", "")] + list(ent.get("aliases", []) or []) if a}


def subject_ok(pred_fact: dict, pred_entities: dict, gold_subject: str, gold_entities: list[dict]) -> bool:
    gkeys = {nk(gold_subject)}
    for e in gold_entities:
        if nk(gold_subject) in alias_keys(e):
            gkeys |= alias_keys(e)
    pkeys = {nk(pred_fact["subject"]["name"])}
    sid = pred_fact["subject"].get("id")
    if sid and sid in pred_entities:
        pkeys |= alias_keys(pred_entities[sid])
    if gkeys & pkeys:
        return True
    # a phrase subject: one contains the other as whole words
    for a in pkeys:
        for b in gkeys:
            if a and b and (f" {a} " in f" {b} " or f" {b} " in f" {a} "):
                return True
    return False


@dataclass
class ArticleScore:
    article_id: str
    layers: dict = field(default_factory=lambda: {k: Counts() for k in LAYERS})
    # per layer, what no pair took: {"missed": gold items, "wrong": predicted items}, as one line each
    errors: dict = field(default_factory=dict)


def _value(v) -> str:
    return "" if v is None else f"{v:g}" if isinstance(v, float) else str(v)


def _describe(layer: str, item: dict, gold: bool) -> str:
    """One line for an item of a layer, a gold one or a predicted one, as the error listing shows it."""
    if layer == "quantities":
        rng = f"–{_value(item.get('value_max'))}" if item.get("value_max") is not None else ""
        where = "" if gold else f" @{item['start']}"
        return f"{item['text']} = {_value(item['value'])}{rng} {item['unit']}{where}"
    if layer == "entities":
        return f"{item['type']} {item['name']}"
    if layer == "facts":
        subject = item["subject"] if gold else item["subject"]["name"]
        evidence = item.get("evidence_text") if gold else item["evidence"]["text"]
        return f"{item['type']} {_value(item['value'])} {item['unit']} · {subject} · «{evidence}»"
    return item["name"]


def _unmatched(s: ArticleScore, layer: str, pairs, preds: list, golds: list) -> None:
    took_p, took_g = {p for p, _ in pairs}, {g for _, g in pairs}
    s.errors[layer] = {"missed": [_describe(layer, g, True) for i, g in enumerate(golds) if i not in took_g],
                       "wrong": [_describe(layer, p, False) for i, p in enumerate(preds) if i not in took_p]}


def score_article(rec: dict, gold: dict, acc: dict, by_type: dict) -> ArticleScore:
    s = ArticleScore(rec["article_id"])
    text = rec["text"]
    # quantities
    gq = gold.get("quantities", [])
    spans = gold_spans(text, gq)
    seen_text = defaultdict(int)
    occ = []
    for g, sp in zip(gq, spans):
        n = seen_text[g["text"]]
        seen_text[g["text"]] += 1
        occ.append(sp[n:n + 1] or sp)  # the nth mention of a repeated text, else any

    def q_ok(p, gi):
        g = gq[gi]
        if p["unit"] != g["unit"] or not value_match(p["value"], g["value"]):
            return False
        if not occ[gi]:
            return True
        return any(p["start"] < e and st < p["end"] for st, e in occ[gi])

    pairs, s.layers["quantities"] = _greedy(rec["quantities"], list(range(len(gq))), q_ok)
    _unmatched(s, "quantities", pairs, rec["quantities"], gq)
    for pi, gi in pairs:
        acc["approximate"].add(rec["quantities"][pi]["approximate"] == bool(gq[gi].get("approximate")))
        acc["value_max"].add(value_match(rec["quantities"][pi].get("value_max"), gq[gi].get("value_max")))
    # entities
    ge = gold.get("entities", [])

    def e_ok(p, g):
        return p["type"] == g["type"] and bool(alias_keys(p) & alias_keys(g))

    pairs, s.layers["entities"] = _greedy(rec["entities"], ge, e_ok)
    _unmatched(s, "entities", pairs, rec["entities"], ge)
    for pi, gi in pairs:
        g = ge[gi]
        if g["type"] in ("GPE", "CLUSTER") and g.get("country"):
            acc["entity_country"].add(rec["entities"][pi].get("country") == g["country"])
    # facts
    gf = gold.get("facts", [])
    pents = {e["id"]: e for e in rec["entities"]}

    def f_ok(p, g):
        return p["type"] == g["type"] and value_match(p["value"], g["value"]) and subject_ok(p, pents, g["subject"], ge)

    pairs, s.layers["facts"] = _greedy(rec["facts"], gf, f_ok)
    _unmatched(s, "facts", pairs, rec["facts"], gf)
    for t in {f["type"] for f in gf} | {f["type"] for f in rec["facts"]}:
        pt = [f for f in rec["facts"] if f["type"] == t]
        gt = [f for f in gf if f["type"] == t]
        _, c = _greedy(pt, gt, f_ok)
        by_type[t].add(c)
    _, c = _greedy(rec["facts"], gf, lambda p, g: p["type"] == g["type"] and value_match(p["value"], g["value"]))
    by_type["(any subject)"].add(c)
    for pi, gi in pairs:
        p, g = rec["facts"][pi], gf[gi]
        acc["fact_modality"].add(p["modality"] == g["modality"])
        acc["fact_year"].add(p.get("year") == g.get("year") and p.get("year_end") == g.get("year_end"))
        acc["fact_scope"].add(p.get("scope") == g.get("scope"))
        acc["fact_unit"].add(p["unit"] == g["unit"])
        acc["fact_approximate"].add(p["approximate"] == bool(g.get("approximate")))
    # clusters
    gc = gold.get("clusters", [])
    pairs, s.layers["clusters"] = _greedy(rec["clusters"], gc, lambda p, g: bool(alias_keys(p) & alias_keys(g)))
    _unmatched(s, "clusters", pairs, rec["clusters"], gc)
    for pi, gi in pairs:
        p, g = rec["clusters"][pi], gc[gi]
        acc["cluster_country"].add(p.get("country") == g.get("country"))
        acc["cluster_region"].add(p.get("region") == g.get("region"))
        gs, ps = set(g.get("sectors", [])), set(p.get("sectors", []))
        acc["cluster_sectors_jaccard"].add(len(gs & ps) / len(gs | ps) if gs | ps else 1.0)
        acc["cluster_sectors_exact"].add(gs == ps)
        ge, pe = set(g.get("energy_sources") or []), set(p.get("energy_sources") or [])
        acc["cluster_energy_jaccard"].add(len(ge & pe) / len(ge | pe) if ge | pe else 1.0)
        acc["cluster_targets"].add(sorted(t["year"] for t in p.get("targets", [])) == sorted(t["year"] for t in g.get("targets", [])))
    return s


def load_records(path: Path) -> list[dict]:
    p = Path(path)
    if p.is_dir():
        p = p / "articles.jsonl"
    with open(p, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def evaluate(records: Iterable[dict], gold_dir: Path) -> dict:
    """Precision, recall and F1 per layer, per fact type and per article, plus attribute accuracies."""
    gold_dir = Path(gold_dir)
    totals = {k: Counts() for k in LAYERS}
    by_type: dict[str, Counts] = defaultdict(Counts)
    acc: dict[str, Accuracy] = defaultdict(Accuracy)
    articles = {}
    errors = {}
    missing = []
    for rec in records:
        gp = gold_dir / f"{rec['article_id']}.json"
        if not gp.exists():
            missing.append(rec["article_id"])
            continue
        gold = json.loads(gp.read_text(encoding="utf-8"))
        s = score_article(rec, gold, acc, by_type)
        for k in LAYERS:
            totals[k].add(s.layers[k])
        articles[rec["article_id"]] = {k: s.layers[k].as_dict() for k in LAYERS}
        errors[rec["article_id"]] = s.errors
    return {
        "layers": {k: v.as_dict() for k, v in totals.items()},
        "fact_types": {k: v.as_dict() for k, v in sorted(by_type.items())},
        "accuracy": {k: v.value() for k, v in sorted(acc.items())},
        "articles": articles,
        "articles_without_gold": missing,
        "errors": errors,
    }


def format_errors(res: dict, layers: Iterable[str] = LAYERS) -> str:
    """What each article's output missed (-) and got wrong (+), layer by layer: the list to read
    before changing a rule."""
    lines = []
    for article, by_layer in sorted(res["errors"].items()):
        block = [f"  {layer}: {sign} {item}" for layer in layers
                 for sign, key in (("-", "missed"), ("+", "wrong")) for item in by_layer[layer][key]]
        if block:
            lines.append(article)
            lines += block
    return "\n".join(lines) if lines else "no errors"


def format_report(res: dict) -> str:
    lines = ["layer        P      R      F1     tp   fp   fn"]
    for k, v in res["layers"].items():
        lines.append(f"{k:<12} {v['precision']:.3f}  {v['recall']:.3f}  {v['f1']:.3f}  {v['tp']:>4} {v['fp']:>4} {v['fn']:>4}")
    lines.append("")
    lines.append("fact type            P      R      F1     tp   fp   fn")
    for k, v in res["fact_types"].items():
        lines.append(f"{k:<20} {v['precision']:.3f}  {v['recall']:.3f}  {v['f1']:.3f}  {v['tp']:>4} {v['fp']:>4} {v['fn']:>4}")
    lines.append("")
    lines.append("accuracy on matched pairs")
    for k, v in res["accuracy"].items():
        lines.append(f"  {k:<26} {v}")
    lines.append("")
    lines.append("article                    Q-F1   E-F1   F-F1   C-F1")
    for a, v in sorted(res["articles"].items()):
        lines.append(f"{a:<26} " + "  ".join(f"{v[k]['f1']:.3f}" for k in LAYERS))
    if res["articles_without_gold"]:
        lines.append(f"no gold for: {', '.join(res['articles_without_gold'])}")
    return "\n".join(lines)
