"""Misses and false positives of one layer per article.

    python scripts/diagnose.py OUT GOLD_DIR [facts|quantities|entities|subjects] [ARTICLE_ID]

``subjects`` lists facts right on type and value but wrong on subject: gold | predicted (rule).

Uses the matchers of pipeline.evaluate, so what it lists is exactly what eval counts.
"""
import json
import sys
from pathlib import Path

from pipeline.evaluate import _greedy, alias_keys, load_records, subject_ok, value_match


def _matchers(rec: dict, gold: dict):
    """(predictions, gold items, match test, describe gold, describe prediction) for each layer."""
    pents = {e["id"]: e for e in rec["entities"]}
    text = rec["text"]
    return {
        "facts": (rec["facts"], gold["facts"],
                  lambda p, g: p["type"] == g["type"] and value_match(p["value"], g["value"])
                  and subject_ok(p, pents, g["subject"], gold["entities"]),
                  lambda g: f"{g['type']} {g['subject']} {g['value']} | {g['evidence_text'][:80]}",
                  lambda p: f"{p['type']} {p['subject']['name']} {p['value']} {p.get('rule')} | {p['evidence']['text'][:80]}"),
        "subjects": (rec["facts"], gold["facts"],
                     lambda p, g: p["type"] == g["type"] and value_match(p["value"], g["value"])
                     and not subject_ok(p, pents, g["subject"], gold["entities"]),
                     lambda g: "",
                     lambda p: ""),
        "quantities": (rec["quantities"], gold["quantities"],
                       lambda p, g: p["unit"] == g["unit"] and value_match(p["value"], g["value"])
                       and g["text"] in text[max(0, p["start"] - 30):p["end"] + 30],
                       lambda g: f"{g['text']} = {g['value']} {g['unit']}",
                       lambda p: f"{p['text']} = {p['value']} {p['unit']} {p['rule']}"),
        "entities": (rec["entities"], gold["entities"],
                     lambda p, g: p["type"] == g["type"] and bool(alias_keys(p) & alias_keys(g)),
                     lambda g: f"{g['type']} {g['name']} {g.get('aliases')}",
                     lambda p: f"{p['type']} {p['name']} {p.get('rule')}"),
    }


def main(out, gold_dir, layer="facts", only=None):
    for rec in load_records(Path(out)):
        gp = Path(gold_dir) / f"{rec['article_id']}.json"
        if (only and rec["article_id"] != only) or not gp.exists():
            continue
        preds, golds, ok, show_gold, show_pred = _matchers(rec, json.loads(gp.read_text()))[layer]
        pairs, _ = _greedy(preds, golds, ok)
        if layer == "subjects":
            right, _ = _greedy(preds, golds, _matchers(rec, json.loads(gp.read_text()))["facts"][2])
            done_p, done_g = {p for p, _ in right}, {g for _, g in right}
            rest_p = [p for i, p in enumerate(preds) if i not in done_p]
            rest_g = [g for i, g in enumerate(golds) if i not in done_g]
            pairs, _ = _greedy(rest_p, rest_g, ok)
            preds, golds = rest_p, rest_g
            for pi, gi in pairs:
                p, g = preds[pi], golds[gi]
                print(f"{rec['article_id']}: {g['type']} {g['value']}: gold {g['subject']!r} | "
                      f"got {p['subject']['name']!r} ({p['rule'].split(';')[-1]}) | {g['evidence_text'][:70]}")
            continue
        hit_p, hit_g = {p for p, _ in pairs}, {g for _, g in pairs}
        for gi, g in enumerate(golds):
            if gi not in hit_g:
                print(f"MISS {rec['article_id']}: {show_gold(g)}")
        for pi, p in enumerate(preds):
            if pi not in hit_p:
                print(f"FP   {rec['article_id']}: {show_pred(p)}")


if __name__ == "__main__":
    main(*sys.argv[1:])
