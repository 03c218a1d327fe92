"""Word clusters for the CRF NER model, from which words share neighbours in the bulk news.

    python scripts/build_clusters.py [--shared ../shared] [--out pipeline/data/ner_crf/clusters.tsv]
                                     [--words 60000] [--min-count 5] [--contexts 3000]

Reads the SaudiNewsNet zips in ../shared/bulk (31k articles, never annotated, no
overlap with ANERcorp) as Khabar's own token keys, counts for each of the most
frequent words which of the most frequent words stand one and two places before
and after it, weights the counts by positive PMI, reduces them to 100 dimensions
(truncated SVD) and groups the words with k-means into 64, 256 and 1,024 clusters.
Words that share contexts share a cluster: first names (عمر، حسين، سعيد), family
names (القحطاني، الغامدي), foreign first names (جون، باراك، فلاديمير), verbal
nouns, adjectives. A name the ANERcorp train part never shows still falls in its
cluster, which is what the CRF reads (pipeline.ner.crf_features).

Output: one line per word, ``word<TAB>c64<TAB>c256<TAB>c1024``.  Seeds are fixed,
so a rerun on the same corpus gives the same file.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from pipeline.ner import WORD_CLUSTERS  # noqa: E402

SIZES = (64, 256, 1024)
OFFSETS = (-2, -1, 1, 2)


def context_counts(paragraphs, words: list[str], contexts: list[str]):
    """Sparse (word, offset-context) counts: column o*len(contexts)+c for offset index o."""
    import numpy as np
    from scipy import sparse

    wi = {w: i for i, w in enumerate(words)}
    ci = {w: i for i, w in enumerate(contexts)}
    nc = len(contexts)
    rows, cols = [], []
    for p in paragraphs:
        ids = [wi.get(w, -1) for w in p]
        cs = [ci.get(w, -1) for w in p]
        n = len(p)
        for j, i in enumerate(ids):
            if i < 0:
                continue
            for o, d in enumerate(OFFSETS):
                if 0 <= j + d < n and cs[j + d] >= 0:
                    rows.append(i)
                    cols.append(o * nc + cs[j + d])
    m = sparse.coo_matrix((np.ones(len(rows), dtype="float32"), (rows, cols)),
                          shape=(len(words), len(OFFSETS) * nc)).tocsr()
    m.sum_duplicates()
    return m


def ppmi(m):
    """Positive PMI with context counts smoothed to the power 0.75 (as word2vec's negatives)."""
    import numpy as np
    from scipy import sparse

    total = m.sum()
    row = np.asarray(m.sum(1)).ravel()
    col = np.asarray(m.sum(0)).ravel() ** 0.75
    col = col / col.sum() * total
    m = m.tocoo()
    pmi = np.log(m.data * total / (row[m.row] * col[m.col]))
    keep = pmi > 0
    return sparse.csr_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=m.shape)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=WORD_CLUSTERS)
    ap.add_argument("--words", type=int, default=60000, help="cluster at most this many of the most frequent words")
    ap.add_argument("--min-count", type=int, default=5, help="and only words seen this often")
    ap.add_argument("--contexts", type=int, default=3000, help="the most frequent words used as contexts")
    args = ap.parse_args(argv)

    import numpy as np
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD

    from build_vectors import sentences

    paragraphs = list(sentences(args.shared / "bulk" / "saudinewsnet"))
    freq = Counter(w for p in paragraphs for w in p)
    words = [w for w, n in freq.most_common(args.words) if n >= args.min_count]
    contexts = [w for w, _ in freq.most_common(args.contexts)]
    print(f"{len(paragraphs)} paragraphs, {sum(freq.values())} tokens; clustering {len(words)} words", flush=True)
    x = TruncatedSVD(100, random_state=0).fit_transform(ppmi(context_counts(paragraphs, words, contexts)))
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-9
    labels = [MiniBatchKMeans(k, random_state=0, batch_size=4096, n_init=3).fit_predict(x) for k in SIZES]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        for i, w in enumerate(words):
            fh.write(w + "\t" + "\t".join(str(lab[i]) for lab in labels) + "\n")
    print(f"clusters -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
