"""Print misses and false positives of one layer per article: python scripts/diagnose.py OUT GOLD [layer] [article]."""
import json
import sys
from collections import defaultdict
from pathlib import Path

from pipeline.evaluate import Accuracy, Counts, load_records, score_article, subject_ok, value_match, alias_keys


def main(out, gold_dir, layer="facts", only=None):
    for rec in load_records(Path(out)):
        if only and rec["article_id"] != only:
            continue
        gp = Path(gold_dir) / f"{rec['article_id']}.json"
        if not gp.exists():
            continue
        g = json.loads(gp.read_text())
        if layer == "facts":
            pents = {e["id"]: e for e in rec["entities"]}
            used = set()
            for gf in g["facts"]:
                hit = next((i for i, p in enumerate(rec["facts"]) if i not in used and p["type"] == gf["type"]
                            and value_match(p["value"], gf["value"]) and subject_ok(p, pents, gf["subject"], g["entities"])), None)
                if hit is None:
                    near = [p for p in rec["facts"] if value_match(p["value"], gf["value"])]
                    why = f"  (pred: {[(p['type'], p['subject']['name']) for p in near]})" if near else ""
                    print(f"MISS {rec['article_id']}: {gf['type']} {gf['subject']} {gf['value']} | {gf['evidence_text'][:80]}{why}")
                else:
                    used.add(hit)
            for i, p in enumerate(rec["facts"]):
                if i not in used:
                    print(f"FP   {rec['article_id']}: {p['type']} {p['subject']['name']} {p['value']} {p['rule']} | {p['evidence']['text'][:80]}")
        elif layer == "quantities":
            gq = g["quantities"]
            used = set()
            for q in gq:
                hit = next((i for i, p in enumerate(rec["quantities"]) if i not in used and p["unit"] == q["unit"]
                            and value_match(p["value"], q["value"]) and (q["text"] in rec["text"][max(0, p["start"] - 30):p["end"] + 30])), None)
                if hit is None:
                    print(f"MISS {rec['article_id']}: {q['text']} = {q['value']} {q['unit']}")
                else:
                    used.add(hit)
            for i, p in enumerate(rec["quantities"]):
                if i not in used:
                    print(f"FP   {rec['article_id']}: {p['text']} = {p['value']} {p['unit']} {p['rule']}")
        elif layer == "entities":
            used = set()
            for ge in g["entities"]:
                hit = next((i for i, p in enumerate(rec["entities"]) if i not in used and p["type"] == ge["type"] and alias_keys(p) & alias_keys(ge)), None)
                if hit is None:
                    print(f"MISS {rec['article_id']}: {ge['type']} {ge['name']} {ge.get('aliases')}")
                else:
                    used.add(hit)
            for i, p in enumerate(rec["entities"]):
                if i not in used:
                    print(f"FP   {rec['article_id']}: {p['type']} {p['name']} {p['rule']}")


if __name__ == "__main__":
    main(*sys.argv[1:])
