"""Subword word vectors for the NER model, trained on the bulk news corpus.

    python scripts/build_vectors.py [--shared ../shared] [--out build/vectors] [--dims 64] [--bucket 20000]

Reads the SaudiNewsNet zips in ../shared/bulk (31k articles, never annotated,
no overlap with ANERcorp), tokenises them with Khabar's own key tokenizer (the
same words the model sees at run time), trains floret vectors (fastText CBOW
with character n-grams hashed into a fixed table, one thread so the result is
reproducible) and writes a spaCy vectors folder for ``scripts/train_ner.py
--vectors``.  Every word gets a vector from its n-grams, so a name the bulk news
never printed still lands near names that look like it (-وف، -برج، أبو ...);
a table of the most frequent words (the earlier word2vec build) left those
words without one.  ``pip install floret`` is needed only to rebuild.
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
    ap.add_argument("--bucket", type=int, default=20000, help="rows of the hashed n-gram table")
    ap.add_argument("--minn", type=int, default=3, help="shortest character n-gram")
    ap.add_argument("--maxn", type=int, default=5, help="longest character n-gram")
    ap.add_argument("--epochs", type=int, default=5)
    args = ap.parse_args(argv)

    import floret

    args.out.mkdir(parents=True, exist_ok=True)
    text = args.out / "paragraphs.txt"
    n_par = n_tok = 0
    with open(text, "w", encoding="utf-8") as fh:
        for words in sentences(args.shared / "bulk" / "saudinewsnet"):
            fh.write(" ".join(words) + "\n")
            n_par += 1
            n_tok += len(words)
    print(f"{n_par} paragraphs, {n_tok} tokens", flush=True)
    model = floret.train_unsupervised(str(text), model="cbow", mode="floret", hashCount=2, bucket=args.bucket,
                                      minn=args.minn, maxn=args.maxn, dim=args.dims, epoch=args.epochs,
                                      minCount=3, thread=1, verbose=0)
    vec = args.out / "vectors.floret"
    model.save_floret_vectors(str(vec))
    subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "ar", str(vec), str(args.out / "spacy"),
                    "--mode", "floret"], check=True)
    print(f"floret {args.bucket} x {args.dims} -> {args.out / 'spacy'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
