"""NER model alone on the ANERcorp test part (CAMeL-style rebuilt split, never trained on).

    python bench/ner.py [--shared ../shared] [--backend ensemble|crf|lstm|spacy|camel] [--model PATH]

Prints entity-level micro P/R/F1 (exact span and label, conlleval style) over
PERS, LOC, ORG and MISC, per label, and the model's speed in tokens per second.
The split is rebuilt, not the official files (about 15 tokens differ), so the
figure is comparable to, not identical with, published CAMeL-split scores.

The CRF, BiLSTM and ensemble read a name's other mentions in its article (pipeline.ner:
document_contexts, repeat_bonuses), as the pipeline hands them one article at a time.  ANERcorp keeps no article
boundaries, so the bench cuts it into runs of --article-sentences sentences (15: its 316
articles hold about 4,900 sentences) and prints the score of sentences read alone too.
"""
from __future__ import annotations

import os
import sys

# bench/numbers.py would shadow the standard library's numbers module (decimal needs it)
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.ner import (ARTICLE_SENTENCES, BACKENDS, DEFAULT_BACKEND, iob_spans, read_conll,  # noqa: E402
                          recognizer, score_spans, to_key_words)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--backend", default=DEFAULT_BACKEND, choices=[b for b in BACKENDS if b != "none"])
    ap.add_argument("--model", default=None, help="model folder (default: the shipped one)")
    ap.add_argument("--article-sentences", type=int, default=ARTICLE_SENTENCES, metavar="N",
                    help=f"sentences a pseudo-article holds (default {ARTICLE_SENTENCES}, ANERcorp's mean; 1: each alone)")
    args = ap.parse_args(argv)

    test = list(read_conll(args.shared / "ner" / "anercorp_camel_style_reconstructed" / "ANERCorp_CamelStyle_test.txt"))
    sentences = [to_key_words(w) for w, _ in test]
    gold = [iob_spans(t) for _, t in test]
    t0 = time.perf_counter()
    ner = recognizer(args.backend, args.model)
    load_s = time.perf_counter() - t0
    articles = [i // max(args.article_sentences, 1) for i in range(len(sentences))]
    ner.predict(sentences[:20])  # warm-up
    t0 = time.perf_counter()
    pred = ner.predict(sentences, articles)
    secs = time.perf_counter() - t0
    n_tok = sum(map(len, sentences))
    sc = score_spans(gold, pred)
    print(f"ANERcorp test (rebuilt CAMeL split): {len(sentences)} sentences, {n_tok} tokens; backend {ner.name};"
          f" articles of {args.article_sentences} sentences")
    print(f"{'label':8} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
    for lab, m in sc.items():
        print(f"{lab:8} {m['p']:6.3f} {m['r']:6.3f} {m['f1']:6.3f} {m['tp']:5} {m['fp']:5} {m['fn']:5}")
    print(f"speed: {n_tok / secs:,.0f} tokens/s ({secs:.2f} s; model load {load_s:.2f} s)")
    if args.article_sentences != 1:
        alone = score_spans(gold, ner.predict(sentences, list(range(len(sentences)))))["micro"]
        print(f"each sentence read alone: P {alone['p']:.3f} R {alone['r']:.3f} F1 {alone['f1']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
