"""Train the shipped CRF NER model (CRFsuite) from the NER corpora in ../shared/ner.

    python scripts/train_crf.py [--shared ../shared] [--out pipeline/data/ner_crf/model.crfsuite]
                                [--c1 0.2] [--c2 0.01] [--aqmar] [--dev]

The data are those of scripts/train_ner.py: the train part of ANERcorp rebuilt in
the CAMeL Lab split style (never its test part), words as Khabar's keys, and the
gazetteer classes with the person names read off this train part withheld (the
module doc of train_ner.py says why: without that, test PERS recall falls from
0.58 to 0.37).  Features are ``pipeline.ner.document_crf_features``, the same the
pipeline tags with: each word's own and its neighbours', and the neighbours of its stem's
other mentions in the article.  ANERcorp keeps no article boundaries, so it is read as
articles of ARTICLE_SENTENCES (15) sentences in a row, its mean article length.

Training is L-BFGS with L1 (c1) and L2 (c2) penalties, deterministic: a rerun gives
the same model.  ``--dev`` holds out the last tenth of the train part and prints
its entity F1 instead of writing a model (for choosing c1 and c2; the ANERcorp test
part is for bench/ner.py only).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from pipeline.ner import (ARTICLE_SENTENCES, CRF_MODEL, _classify, _word_classes,  # noqa: E402
                          document_crf_features, iob_spans, read_conll, score_spans, to_key_words, word_class)


# L1 and L2 penalties chosen with --dev before the document features (F1 0.742 on the held-out
# tenth; 0.1 and 0.4 scored 0.736, 0.737); with them the tenth scores 0.755
C1, C2 = 0.2, 0.01


def article_features(sentences, classify) -> list[list[list[str]]]:
    """document_crf_features of (words, tags) sentences read as articles of ARTICLE_SENTENCES
    sentences in a row (ANERcorp keeps no article boundaries; bench/ner.py cuts its test part
    the same way)."""
    out = []
    for a in range(0, len(sentences), ARTICLE_SENTENCES):
        out += document_crf_features([to_key_words(w) for w, _ in sentences[a:a + ARTICLE_SENTENCES]], classify)
    return out


def train(sentences, out: Path, classify, c1: float = C1, c2: float = C2, max_iterations: int = 200) -> Path:
    """Fit a CRF on (words, IOB tags) sentences, read as articles (article_features), and write
    it to ``out``."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for features, (words, tags) in zip(article_features(sentences, classify), sentences):
        if words:
            trainer.append(features, tags)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations,
                        "feature.possible_transitions": True})
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=CRF_MODEL)
    ap.add_argument("--c1", type=float, default=C1, help=f"L1 penalty (default {C1}, chosen with --dev)")
    ap.add_argument("--c2", type=float, default=C2, help=f"L2 penalty (default {C2}, chosen with --dev)")
    ap.add_argument("--aqmar", action="store_true", help="add AQMAR (Wikipedia) to the training data")
    ap.add_argument("--dev", action="store_true", help="hold out the last tenth and score it; write no model")
    ap.add_argument("--keep-corpus-names", action="store_true",
                    help="do not withhold the person names read off the training corpus")
    args = ap.parse_args(argv)

    from train_ner import aqmar_sentences, corpus_only_names

    ner = args.shared / "ner"
    sents = list(read_conll(ner / "anercorp_camel_style_reconstructed" / "ANERCorp_CamelStyle_train.txt"))
    held = []
    if args.dev:
        cut = len(sents) * 9 // 10
        sents, held = sents[:cut], sents[cut:]
    if args.aqmar:
        sents += list(aqmar_sentences(ner / "aqmar"))
    withheld = frozenset() if args.keep_corpus_names else corpus_only_names(args.shared)
    classes = _word_classes(withheld)
    print(f"{len(withheld)} corpus-only person names withheld; training on {len(sents)} sentences", flush=True)
    t0 = time.perf_counter()
    out = args.out.with_suffix(".dev.crfsuite") if args.dev else args.out
    train(sents, out, lambda w: _classify(w, classes), args.c1, args.c2)
    print(f"trained in {time.perf_counter() - t0:.0f} s", flush=True)
    if args.dev:
        import pycrfsuite

        tagger = pycrfsuite.Tagger()
        tagger.open(str(out))
        pred = [iob_spans(tagger.tag(f)) if f else [] for f in article_features(held, word_class)]
        m = score_spans([iob_spans(t) for _, t in held], pred)["micro"]
        print(f"dev (last tenth of train): P {m['p']:.3f} R {m['r']:.3f} F1 {m['f1']:.3f}")
        out.unlink()
        return 0
    print(f"model -> {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
