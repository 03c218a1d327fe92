"""Throughput and accuracy of the quantity stage on the dev corpus, against Duckling.

    python bench/numbers.py [--repeat N]

Prints Khabar's quantity-stage throughput (characters/s) and, when
``pyduckling-native-phihos`` is installed (not a dependency: ``pip install
pyduckling-native-phihos``), Duckling's on the same cleaned text in the same
process, the ratio, and both tools' P/R/F1 against the dev gold quantities.
"""
from __future__ import annotations

import os
import sys

# This file is named like the stdlib module `numbers` (which decimal imports):
# keep its own folder off the import path.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import score_article  # noqa: E402
from pipeline.numbers import read_quantities  # noqa: E402
from pipeline.stages.clean import clean_text  # noqa: E402

DUCKLING_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP", "dinar": "KWD", "riyal": "SAR", "EUR": "EUR"}
DUCKLING_QUANTITY = {"gram": ("kg", 0.001), "kilogram": ("kg", 1), "litre": ("l", 1), "millilitre": ("l", 0.001),
                     "gallon": ("l", 3.785411784)}


def corpus() -> list[tuple[str, str, dict]]:
    out = []
    for g in sorted((ROOT / "corpus/dev/gold").glob("*.json")):
        text = clean_text((ROOT / "corpus/dev" / f"{g.stem}.txt").read_text(encoding="utf-8"))
        out.append((g.stem, text, json.loads(g.read_text(encoding="utf-8"))))
    return out


def khabar_quantities(text: str) -> list[dict]:
    return [q.model_dump(mode="json") for q in read_quantities(text)]


def duckling_reader():
    try:
        import duckling
    except ImportError:
        return None
    tz = duckling.load_time_zones("/usr/share/zoneinfo")
    ref = duckling.parse_ref_time(tz, "UTC", 0)
    ctx = duckling.Context(ref, duckling.default_locale_lang(duckling.parse_lang("AR")))
    dims = duckling.parse_dimensions(["number", "amount-of-money", "quantity", "volume"])

    def read(text: str) -> list[dict]:
        out = []
        for r in duckling.parse(text, ctx, dims):
            body = r["body"].encode("latin-1", "ignore").decode("utf-8", "ignore")  # the binding mis-decodes
            start = text.find(body, max(0, r["start"] - 5)) if body else -1
            v = r["value"]
            if start < 0 or "value" not in v:
                continue
            unit = "number"
            value = v["value"]
            if r["dim"] == "amount-of-money":
                unit = DUCKLING_CURRENCY.get(v.get("unit"), v.get("unit") or "USD")
            elif r["dim"] in ("quantity", "volume") and v.get("unit") in DUCKLING_QUANTITY:
                unit, f = DUCKLING_QUANTITY[v["unit"]]
                value = value * f
            out.append({"text": body, "start": start, "end": start + len(body), "value": value, "unit": unit,
                        "approximate": False, "value_max": None})
        return out

    return read


def throughput(read, texts, repeat: int) -> float:
    n = sum(len(t) for t in texts) * repeat
    t0 = time.perf_counter()
    for _ in range(repeat):
        for t in texts:
            read(t)
    return n / (time.perf_counter() - t0)


def scores(read, docs) -> dict:
    from collections import defaultdict

    from pipeline.evaluate import Counts

    tot = Counts()
    acc, by_type = defaultdict(lambda: __import__("pipeline.evaluate", fromlist=["Accuracy"]).Accuracy()), defaultdict(Counts)
    for aid, text, gold in docs:
        rec = {"article_id": aid, "text": text, "quantities": read(text), "entities": [], "facts": [], "clusters": []}
        s = score_article(rec, {"quantities": gold["quantities"]}, acc, by_type)
        tot.add(s.layers["quantities"])
    d = tot.as_dict()
    d["approximate_accuracy"] = acc["approximate"].value()
    return d


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    docs = corpus()
    texts = [t for _, t, _ in docs]
    khabar_quantities(texts[0])  # load tables before timing
    k_rate = throughput(khabar_quantities, texts, args.repeat)
    print(f"corpus: {len(texts)} dev articles, {sum(map(len, texts)):,} characters")
    print(f"khabar   quantities: {k_rate / 1e6:.3f} M chars/s")
    k = scores(khabar_quantities, docs)
    print(f"khabar   P {k['precision']:.3f}  R {k['recall']:.3f}  F1 {k['f1']:.3f}  approximate acc {k['approximate_accuracy']}")
    duck = duckling_reader()
    if duck is None:
        print("duckling: not installed (pip install pyduckling-native-phihos) — no comparison")
        return
    duck(texts[0])
    d_rate = throughput(duck, texts, args.repeat)
    print(f"duckling quantities: {d_rate / 1e6:.3f} M chars/s")
    print(f"ratio khabar/duckling throughput: {k_rate / d_rate:.1f}x")
    d = scores(duck, docs)
    print(f"duckling P {d['precision']:.3f}  R {d['recall']:.3f}  F1 {d['f1']:.3f}  approximate acc {d['approximate_accuracy']}")


if __name__ == "__main__":
    main()
