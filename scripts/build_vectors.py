"""Static word vectors for the NER model, trained on the bulk news corpus.

    python scripts/build_vectors.py [--shared ../shared] [--out build/vectors] [--dims 64] [--keep 10000]

Reads the SaudiNewsNet zips in ../shared/bulk (31k articles, never annotated,
no overlap with ANERcorp), tokenises them with Khabar's own key tokenizer (the
same words the model sees at run time), trains word2vec (gensim, fixed seed,
one worker so the result is reproducible), keeps the most frequent words and
writes a spaCy vectors folder for ``scripts/train_ner.py --vectors``.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.lexicon import tokenize_key  # noqa: E402
from pipeline.normalize import key  # noqa: E402
from pipeline.stages.clean import clean_text  # noqa: E402
from pipeline.stages.read import read_inputs  # noqa: E402


def sentences(folder: Path):
    """Token-key lists, one per paragraph of every bulk article."""
    for item in read_inputs([str(folder)]):
        doc = getattr(item, "doc", None) or item
        raw = getattr(doc, "raw", None)
        if not raw:
            continue
        for para in clean_text(raw).split("\n"):
            words = [t[2] for t in tokenize_key(key(para)) if t[3] != "punct"]
            if len(words) > 3:
                yield words


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "vectors")
    ap.add_argument("--dims", type=int, default=64)
    ap.add_argument("--keep", type=int, default=10000, help="most frequent words kept")
    ap.add_argument("--epochs", type=int, default=5)
    args = ap.parse_args(argv)

    from gensim.models import Word2Vec

    sents = list(sentences(args.shared / "bulk" / "saudinewsnet"))
    print(f"{len(sents)} paragraphs, {sum(map(len, sents))} tokens", flush=True)
    model = Word2Vec(sents, vector_size=args.dims, window=5, min_count=5, sg=1, workers=1,
                     seed=1, epochs=args.epochs)
    args.out.mkdir(parents=True, exist_ok=True)
    txt = args.out / "vectors.txt"
    words = model.wv.index_to_key[: args.keep]
    with open(txt, "w", encoding="utf-8") as fh:
        fh.write(f"{len(words)} {args.dims}\n")
        for w in words:
            fh.write(w + " " + " ".join(f"{x:.5f}" for x in model.wv[w]) + "\n")
    subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "ar", str(txt), str(args.out / "spacy")],
                   check=True)
    print(f"{len(words)} vectors x {args.dims} -> {args.out / 'spacy'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
