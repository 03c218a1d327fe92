"""Train the shipped Arabic NER model (spaCy) from the NER corpora in ../shared/ner.

    python scripts/train_ner.py [--shared ../shared] [--out pipeline/data/ner] [--aqmar]

Training data: the train part of ANERcorp rebuilt in the CAMeL Lab split style
(never its test part), optionally AQMAR (Wikipedia, CC BY-SA 3.0).  NewsFANE is
NOT used: it is the same newswire as ANERcorp, test part included, so training on
it would leak the test set.  The last tenth of the ANERcorp train part is the dev
set spaCy picks the best checkpoint on.

Words are fed as Khabar's normalised keys (no marks, one alef, ه for ة) because
that is what the pipeline gives the model at run time.

The model reads each word's gazetteer class (scripts/ner.cfg, SHAPE).  Some of
Khabar's person names were read off this very train part (build_gazetteer.py);
with them every training name is "in the gazetteer" and the model learns that an
unlisted word is never a person, which fails on new text (test PERS recall 0.36).
Training therefore withholds those names unless an independent source (ANERGazet,
names after titles in the bulk news) lists them too; at run time all are used.

The config is ``scripts/ner.cfg``; the seed is fixed there, so a rerun gives the
same model.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.ner import read_conll, to_key_words, use_word_classes  # noqa: E402

AQMAR_TAGS = {"PER": "PERS", "LOC": "LOC", "ORG": "ORG"}


def aqmar_sentences(folder: Path):
    """AQMAR with its article-specific MIS0-3 and typo tags folded to MISC (or O)."""
    for f in sorted(folder.glob("*.txt")):
        for words, tags in read_conll(f):
            fixed = []
            for t in tags:
                t = t.replace("--", "-")
                if t in ("OO", "IO") or "-" not in t:
                    fixed.append("O")
                    continue
                bio, _, label = t.partition("-")
                label = AQMAR_TAGS.get(label, "MISC" if label.startswith("MIS") else None)
                fixed.append(f"{bio}-{label}" if label and bio in ("B", "I") else "O")
            yield words, fixed


def corpus_only_names(shared: Path) -> frozenset:
    """Person-name keys that only ANERcorp's train part vouches for (see the module doc)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_gazetteer import anercorp_counts, title_names

    from pipeline.normalize import key

    as_pers, other = anercorp_counts(shared, "PERS")
    from_corpus = {k for k, n in as_pers.items() if n >= other[k] and len(k) >= 3 and k.isalpha()}
    with open(shared / "gazetteers/anergazet/AlignedPersGazetteer.txt", encoding="utf-8") as fh:
        listed = {key(line.strip()) for line in fh if line.strip()}
    return frozenset(from_corpus - listed - title_names(shared))


def register_training_classes(withheld: frozenset) -> None:
    """The config's word-class callback, withholding ``withheld`` while training only."""
    import spacy

    @spacy.registry.callbacks("khabar.word_classes")
    def _make():
        return lambda nlp: use_word_classes(nlp, withheld)


def docbin(nlp, sentences):
    from spacy.tokens import Doc, DocBin
    from spacy.training import biluo_tags_to_spans, iob_to_biluo

    db = DocBin()
    for words, tags in sentences:
        if not words:
            continue
        doc = Doc(nlp.vocab, words=to_key_words(words))
        doc.ents = biluo_tags_to_spans(doc, iob_to_biluo(tags))
        db.add(doc)
    return db


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "pipeline" / "data" / "ner")
    ap.add_argument("--config", type=Path, default=ROOT / "scripts" / "ner.cfg")
    ap.add_argument("--aqmar", action="store_true", help="add AQMAR to the training data")
    ap.add_argument("--vectors", type=Path, default=None, help="a spaCy vectors model dir (see build_vectors.py)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="a config override, e.g. training.dropout=0.2 (repeatable)")
    ap.add_argument("--keep-corpus-names", action="store_true",
                    help="do not withhold the person names read off the training corpus")
    args = ap.parse_args(argv)

    import spacy
    from spacy.cli.train import train

    ner = args.shared / "ner"
    train_sents = list(read_conll(ner / "anercorp_camel_style_reconstructed" / "ANERCorp_CamelStyle_train.txt"))
    cut = len(train_sents) * 9 // 10
    train_part, dev_part = train_sents[:cut], train_sents[cut:]
    if args.aqmar:
        train_part += list(aqmar_sentences(ner / "aqmar"))
    withheld = frozenset() if args.keep_corpus_names else corpus_only_names(args.shared)
    print(f"{len(withheld)} corpus-only person names withheld from the word classes", flush=True)
    register_training_classes(withheld)
    nlp = use_word_classes(spacy.blank("ar"), withheld)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        docbin(nlp, train_part).to_disk(tmp / "train.spacy")
        docbin(nlp, dev_part).to_disk(tmp / "dev.spacy")
        overrides = {"paths.train": str(tmp / "train.spacy"), "paths.dev": str(tmp / "dev.spacy")}
        if args.vectors:
            overrides["paths.vectors"] = str(args.vectors)
            overrides["components.tok2vec.model.embed.include_static_vectors"] = True
        for kv in args.set:
            k, _, v = kv.partition("=")
            overrides[k] = json.loads(v) if v[:1] in "0123456789[{tf-" else v
        print(f"train {len(train_part)} sentences, dev {len(dev_part)}", flush=True)
        train(args.config, tmp / "model", overrides=overrides)
        if args.out.exists():
            shutil.rmtree(args.out)
        shutil.copytree(tmp / "model" / "model-best", args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"model -> {args.out} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
