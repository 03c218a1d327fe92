"""Verify extracted facts against their sources: every figure traceable to its words.

Checks, per article record:
  spans      every quantity, entity mention and fact evidence indexes the record's text;
  source     the source still reads (after cleaning) to the same text the offsets index;
  values     each fact's value re-parsed from its own evidence agrees with the fact;
and across articles, conflicts: the same subject, type, unit and year given
different figures (two outlets disagreeing) — reported, not failed.
"""
from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Optional

from .evaluate import nk, value_match


def _source_texts(sources: Iterable[str]) -> dict[str, tuple[str, str]]:
    """article_id -> (cleaned text, sha256) for the given source files or folders."""
    from .stages.clean import clean_text
    from .stages.read import ReadError, read_inputs

    out = {}
    for item in read_inputs(list(sources)):
        if isinstance(item, ReadError):
            continue
        out[item.article_id] = (clean_text(item.raw), item.sha256)
    return out


def _check_spans(rec: dict, fail) -> int:
    t = rec["text"]
    n = 0
    for i, q in enumerate(rec["quantities"]):
        n += 1
        if t[q["start"]:q["end"]] != q["text"]:
            fail("spans", f"quantity {i} {q['text']!r} is not at {q['start']}:{q['end']}")
    for f in rec["facts"]:
        n += 1
        ev = f["evidence"]
        if t[ev["start"]:ev["end"]] != ev["text"]:
            fail("spans", f"fact {f['id']} evidence is not at {ev['start']}:{ev['end']}")
    for e in rec["entities"]:
        for m in e["mentions"]:
            n += 1
            if not 0 <= m["start"] < m["end"] <= len(t):
                fail("spans", f"entity {e['id']} mention {m['start']}:{m['end']} outside the text")
    return n


def _check_values(rec: dict, fail) -> int:
    """Re-read each fact's quantity from the article text (the grammar decides some
    readings from the whole article: 469.650 طن in a paper that groups with dots)."""
    from .numbers import read_quantities

    by_span = {(q.start, q.end): q for q in read_quantities(rec["text"])}
    n = 0
    for f in rec["facts"]:
        n += 1
        ev = f["evidence"]["text"]
        if f["type"] == "net_zero_target":
            if str(f["value"]) not in ev and str(f.get("year")) not in ev:
                fail("values", f"fact {f['id']}: year {f['value']} is not in its evidence {ev!r}")
            continue
        qi = f.get("quantity_index")
        if qi is None or not 0 <= qi < len(rec["quantities"]):
            fail("values", f"fact {f['id']}: no quantity behind it")
            continue
        q = rec["quantities"][qi]
        if not (q["start"] >= f["evidence"]["start"] and q["end"] <= f["evidence"]["end"]):
            fail("values", f"fact {f['id']}: its quantity {q['text']!r} lies outside its evidence")
        again = by_span.get((q["start"], q["end"]))
        readings = [again] if again is not None else read_quantities(q["text"])
        base_unit = f["unit"].replace("t_co2e", "t").replace("t_co2", "t")
        ok = any(value_match(r.value, f["value"]) and (r.unit == base_unit or f["type"] == "jobs")
                 for r in readings)
        if not ok:
            got = ", ".join(f"{r.value} {r.unit}" for r in readings) or "nothing"
            fail("values", f"fact {f['id']}: {f['value']} {f['unit']} but its words {q['text']!r} read as {got}")
    return n


def load_corrections(path: Path) -> dict[tuple[str, str], dict]:
    """Reviewer decisions exported by the review site: (article_id, fact_id) -> decision."""
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                out[(d["article_id"], d["fact_id"])] = d
    return out


def verify(out_dir: Path, sources: Optional[list[str]] = None, corrections: Optional[Path] = None) -> dict:
    """Run every check; returns the report (``ok`` false when any check failed).

    With ``corrections`` (the review site's export), a fact a reviewer rejected or
    corrected is a failure, and the reviewed precision is reported.
    """
    decisions = load_corrections(corrections) if corrections else {}
    reviewed = {"accepted": 0, "rejected": 0, "corrected": 0}
    out_dir = Path(out_dir)
    path = out_dir / "articles.jsonl" if out_dir.is_dir() else out_dir
    failures: list[dict] = []
    counts = defaultdict(int)
    given = _source_texts(sources) if sources else {}
    facts_by_key = defaultdict(list)
    with open(path, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    for rec in records:
        aid = rec["article_id"]

        def fail(check: str, message: str, aid=aid) -> None:
            failures.append({"article_id": aid, "check": check, "message": message})

        counts["spans"] += _check_spans(rec, fail)
        counts["values"] += _check_values(rec, fail)
        src = given.get(aid)
        if src is None and not sources:
            p = Path(rec["source"]["path"])
            if p.is_file() and p.suffix.lower() == ".txt":
                from .stages.clean import clean_text
                from .stages.read import doc_from_text

                d = doc_from_text(aid, str(p), p.read_bytes())
                src = (clean_text(d.raw), d.sha256)
        if src is not None:
            counts["source"] += 1
            text, digest = src
            if text != rec["text"]:
                i = next((k for k, (a, b) in enumerate(zip(text, rec["text"])) if a != b), min(len(text), len(rec["text"])))
                fail("source", f"the source no longer reads as the record's text (first difference at {i}: "
                               f"{text[max(0, i - 20):i + 20]!r})")
            elif digest and rec["source"]["sha256"] and digest != rec["source"]["sha256"]:
                fail("source", "the source file changed (sha256 differs) though its text still matches")
        elif sources:
            fail("source", "no source given for this article")
        for f in rec["facts"]:
            facts_by_key[(nk(f["subject"]["name"]), f["type"], f["unit"], f.get("year"))].append((aid, f))
            d = decisions.get((aid, f["id"]))
            if d is None:
                continue
            if d["decision"] == "reject":
                reviewed["rejected"] += 1
                fail("review", f"fact {f['id']} ({f['type']} {f['value']} {f['unit']}) was rejected by a reviewer")
            elif d.get("corrected_value") is not None and not value_match(f["value"], d["corrected_value"]):
                reviewed["corrected"] += 1
                fail("review", f"fact {f['id']}: a reviewer corrected {f['value']} to {d['corrected_value']}")
            else:
                reviewed["accepted"] += 1
    conflicts = []
    for (subj, ftype, unit, year), items in facts_by_key.items():
        # shares of different wholes and undated figures are not comparable
        if ftype == "share" or year is None or len({a for a, _ in items}) < 2:
            continue
        vals = sorted({Decimal(str(f["value"])) for _, f in items})
        if len(vals) > 1 and not value_match(vals[0], vals[-1]):
            conflicts.append({"subject": items[0][1]["subject"]["name"], "type": ftype, "unit": unit, "year": year,
                              "figures": [{"article_id": a, "value": f["value"], "evidence": f["evidence"]["text"]}
                                          for a, f in items]})
    rep = {"ok": not failures, "articles": len(records), "checked": dict(counts),
           "failures": failures, "conflicts": conflicts}
    if decisions:
        n = sum(reviewed.values())
        rep["review"] = dict(reviewed, precision=round(reviewed["accepted"] / n, 4) if n else None)
    return rep


def format_report(rep: dict) -> str:
    lines = [f"verify: {rep['articles']} articles; checked " +
             ", ".join(f"{n} {k}" for k, n in rep["checked"].items())]
    if "review" in rep:
        r = rep["review"]
        lines.append(f"reviewed facts: {r['accepted']} accepted, {r['rejected']} rejected, {r['corrected']} corrected "
                     f"(reviewed precision {r['precision']})")
    if rep["failures"]:
        lines.append(f"FAILED: {len(rep['failures'])} problem(s)")
        for f in rep["failures"][:50]:
            lines.append(f"  {f['article_id']}: [{f['check']}] {f['message']}")
        if len(rep["failures"]) > 50:
            lines.append(f"  … and {len(rep['failures']) - 50} more (see the JSON report)")
    else:
        lines.append("ok: every span, source and value checks out")
    if rep["conflicts"]:
        lines.append(f"{len(rep['conflicts'])} conflicting figure(s) across articles:")
        for c in rep["conflicts"][:20]:
            figs = "; ".join(f"{x['article_id']}: {x['value']}" for x in c["figures"])
            lines.append(f"  {c['subject']} {c['type']} {c['year'] or ''} ({c['unit']}): {figs}")
    return "\n".join(lines)
