"""Statistical NER: the shipped CRF, BiLSTM-CRF (pipeline.lstm) and spaCy models, and an optional CAMeL Tools BERT adapter.

All read sentences as lists of Khabar token keys and return entity spans as
token ranges with ANERcorp labels (PERS, ORG, LOC, MISC).  The entity stage
turns them into mentions below rules and gazetteers in precedence.
"""
from __future__ import annotations

import json
import os
import re
import sys
import types
from collections import Counter
from contextlib import contextmanager
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Optional, Protocol

from .normalize import key

MODEL_DIR = Path(__file__).parent / "data" / "ner"
CRF_MODEL = Path(__file__).parent / "data" / "ner_crf" / "model.crfsuite"
# word -> its distributional clusters at three granularities (scripts/build_clusters.py)
WORD_CLUSTERS = Path(__file__).parent / "data" / "ner_crf" / "clusters.tsv"
# ANERcorp label -> contract entity type; MISC (nationalities, works, events of
# all kinds) is too loose to be an entity of its own.
LABEL_TYPES = {"PERS": "PERSON", "ORG": "ORG", "LOC": "LOC"}
LSTM_MODEL = Path(__file__).parent / "data" / "ner_lstm" / "model.npz"
# ensemble: the BiLSTM-CRF and the CRF together (pipeline.lstm.EnsembleRecognizer): the best
# names, at 2.3-2.5x the pipeline's time without a model (bench/throughput.py), the CRF alone 1.5-1.7x
BACKENDS = ("crf", "ensemble", "lstm", "spacy", "camel", "none")
DEFAULT_BACKEND = "ensemble"

Span = tuple[int, int, str]  # token start, token end (exclusive), label


class NERUnavailable(RuntimeError):
    """The selected NER backend cannot be loaded here; the message says why and what to do."""


class Recognizer(Protocol):
    name: str

    def predict(self, sentences: list[list[str]], documents: Optional[list] = None) -> list[list[Span]]:
        """Entity spans of each sentence.  The sentences of one call are one document unless
        ``documents`` gives each a document id; the CRF, BiLSTM and ensemble read a name's other
        mentions in its document (ViterbiTagger), spaCy and CAMeL one sentence at a time."""


# -- corpora ----------------------------------------------------------------
_INVISIBLE = str.maketrans("", "", "\u200e\u200f\ufeff")


def read_conll(path: Path) -> Iterator[tuple[list[str], list[str]]]:
    """(words, IOB tags) per sentence of a 'word TAG' file; blank lines end sentences.

    Tolerates a BOM, CRLF, tab or space separators and the direction marks some
    corpora put on tokens.
    """
    words: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            line = line.translate(_INVISIBLE).strip()
            if not line:
                if words:
                    yield words, tags
                words, tags = [], []
                continue
            parts = line.split()
            if len(parts) < 2:
                continue  # a token that was only a direction mark
            words.append(parts[0])
            tags.append(parts[-1])
    if words:
        yield words, tags


def to_key_words(words: Iterable[str]) -> list[str]:
    """Words as the pipeline's matching keys (never empty: spaCy needs a string)."""
    return [key(w) or w for w in words]


def iob_spans(tags: list[str]) -> list[Span]:
    """Token ranges of an IOB tag sequence; a stray I- opens an entity (conlleval)."""
    out: list[Span] = []
    start, label = None, None
    for i, t in enumerate(list(tags) + ["O"]):
        bio, _, lab = t.partition("-")
        if start is not None and (bio != "I" or lab != label):
            out.append((start, i, label))
            start, label = None, None
        if bio == "B" or (bio == "I" and start is None):
            start, label = i, lab
    return out


def score_spans(gold: list[list[tuple]], pred: list[list[tuple]]) -> dict:
    """Micro and per-label P/R/F1 of exact (start, end, label) spans."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p in zip(gold, pred):
        g, p = set(g), set(p)
        for s in p & g:
            tp[s[2]] += 1
        for s in p - g:
            fp[s[2]] += 1
        for s in g - p:
            fn[s[2]] += 1

    def prf(t, f_p, f_n):
        p = t / (t + f_p) if t + f_p else 0.0
        r = t / (t + f_n) if t + f_n else 0.0
        return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": t, "fp": f_p, "fn": f_n}

    labels = sorted(set(tp) | set(fp) | set(fn))
    out = {"micro": prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))}
    out.update({lab: prf(tp[lab], fp[lab], fn[lab]) for lab in labels})
    return out


# -- gazetteer classes as a model feature ---------------------------------------
_CLASS_CLITICS = ("وبال", "ولل", "وال", "فال", "بال", "كال", "لل", "وب", "ول", "ال", "و", "ف", "ب", "ل", "ك")


@lru_cache(maxsize=2)
def _word_classes(withheld_names: frozenset = frozenset()) -> dict[str, str]:
    """First words of Khabar's names by kind: P person name, L place, O organisation,
    K organisation kind word (شركة), C person cue (الرئيس، قال).

    ``withheld_names`` are person names left out (training withholds the names that
    were read off the training corpus itself; see scripts/train_ner.py).
    """
    from .gazetteer import gazetteer
    from .stages.entities import rules

    out: dict[str, str] = {}
    r = rules()
    for toks, e in gazetteer().table.items():
        out.setdefault(toks[0], "L" if e.type in ("GPE", "LOC") else "O")
    for w in r["kinds"]:
        out.setdefault(w, "K")
    for w in r["person_cues"]:
        out.setdefault(w, "C")
    for w in r["person_names"] - withheld_names:
        out[w] = "P" if out.get(w) != "L" else "PL"
    return out


def _classify(word: str, classes: dict[str, str]) -> str:
    c = classes.get(word)
    if c:
        return c
    for cl in _CLASS_CLITICS:
        if word.startswith(cl) and len(word) - len(cl) >= 2:
            rest = word[len(cl):]
            c = classes.get(rest) or (classes.get("ال" + rest) if cl.endswith("ل") and not cl.endswith("ال") else None)
            if c:
                return c
    return word_shape(word)


_ARABIC_LETTERS = re.compile("[\u0621-\u064A]+")


def word_shape(text: str) -> str:
    """spaCy's SHAPE of a word (Xxxx, dd.d), the class of a word in no table.

    The same function as ``spacy.lang.lex_attrs.word_shape`` (a test holds them equal): importing
    spaCy for it would load spaCy, thinc and torch, 200 MB in every worker, for the CRF too.
    """
    if len(text) >= 100:
        return "LONG"
    if _ARABIC_LETTERS.fullmatch(text):
        return "xxxx"[:len(text)]  # letters without case, each an x, at most four in a row
    shape = []
    last = ""
    seq = 0
    for char in text:
        if char.isalpha():
            shape_char = "X" if char.isupper() else "x"
        elif char.isdigit():
            shape_char = "d"
        else:
            shape_char = char
        if shape_char == last:
            seq += 1
        else:
            seq = 0
            last = shape_char
        if seq < 4:
            shape.append(shape_char)
    return "".join(shape)


@lru_cache(maxsize=131_072)  # the hot vocabulary; bounded so long runs stay flat
def word_class(word: str) -> str:
    """A word's gazetteer class, clitics stripped (وبباريس -> L); its shape when it has none.

    Arabic has no capitals, so spaCy's SHAPE feature says nothing about Arabic
    names; the model reads this instead (see scripts/ner.cfg).
    """
    return _classify(word, _word_classes())


@lru_cache(maxsize=8)
def words_of_class(classes: frozenset) -> frozenset:
    """Every word key whose ``word_class`` is in ``classes``, clitic forms included.

    A set lookup per token instead of a class lookup: a scan over a whole article asks
    this of every word, and most words are in no table.
    """
    table = _word_classes()
    candidates = set()
    for w, c in table.items():
        if c not in classes:
            continue
        candidates.add(w)
        for cl in _CLASS_CLITICS:
            candidates.add(cl + w)
            if w.startswith("ال") and cl.endswith("ل") and not cl.endswith("ال"):
                candidates.add(cl + w[2:])  # _classify reads للرئيس as لل + الرئيس
    # _classify gives the word's own class first and the first clitic reading after it, so a
    # form built above may still read as another class: ask it
    return frozenset(w for w in candidates if _classify(w, table) in classes)


@lru_cache(maxsize=4096)  # a new lexeme asks twice in a row: once for PREFIX, once for LOWER
def clitic_split(word: str) -> tuple[str, str]:
    """(proclitics, rest) of a word key: وبالرياض -> (وبال, رياض); the rest keeps two letters."""
    for cl in _CLASS_CLITICS:
        if word.startswith(cl) and len(word) - len(cl) >= 2:
            return cl, word[len(cl):]
    return "", word


def use_word_classes(nlp, withheld_names: frozenset = frozenset()):
    """Give this vocab's lexemes the features the model reads (scripts/ner.cfg):
    SHAPE the gazetteer class, PREFIX the proclitics, LOWER the word without them.

    spaCy's defaults (first letter, case shape) suit cased alphabets; an Arabic
    name hides behind و، ب، ال and has no capital to give it away.
    """
    from spacy.attrs import LOWER, PREFIX, SHAPE

    if withheld_names:
        classes = _word_classes(frozenset(withheld_names))
        nlp.vocab.lex_attr_getters[SHAPE] = lambda word: _classify(word, classes)
    else:
        nlp.vocab.lex_attr_getters[SHAPE] = word_class
    nlp.vocab.lex_attr_getters[PREFIX] = lambda word: clitic_split(word)[0]
    nlp.vocab.lex_attr_getters[LOWER] = lambda word: clitic_split(word)[1]
    return nlp


def _register_callbacks() -> None:
    import spacy

    if "khabar.word_classes" not in spacy.registry.callbacks:
        @spacy.registry.callbacks("khabar.word_classes")
        def _make():
            return use_word_classes


# -- spaCy ------------------------------------------------------------------
def _spacy_model_dir(path=None) -> Path:
    """The spaCy model folder to load, or NERUnavailable saying how to build it."""
    path = Path(path) if path else MODEL_DIR
    if not (path / "config.cfg").exists():
        raise NERUnavailable(f"no spaCy NER model at {path}; build it with `python scripts/train_ner.py`")
    return path


def _use_numpy_blas(nlp) -> None:
    """Run every layer's matrix products on numpy's BLAS instead of thinc's bundled BLIS.

    On the machines measured, numpy's OpenBLAS multiplies the model's matrices about three
    times faster than BLIS on one thread, for the same arithmetic; in the pipeline that
    is a quarter less time per article with the model on.
    """
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        for node in model.walk() if model is not None else ():
            node.ops = ops


def _remembered_floret(vectors, rows: int = 16_384):
    """floret vectors that keep each word's vector once computed, up to ``rows`` words.

    floret builds a word's vector from the hashes of its character n-grams, and spaCy
    rebuilds it for every token of every call: 0.63 s of 400 Saudi news articles, against
    0.05 s remembered. A word's vector never changes, so a word is computed once until
    the table is full (16,384 rows are 4 MB of float32 at 64 dimensions); then it is
    forgotten all at once and refilled.
    """
    import numpy
    from spacy.vectors import BaseVectors

    class RememberedFloret(BaseVectors):
        def __init__(self, inner):
            self.inner = inner
            self.strings = inner.strings
            self.attr = inner.attr
            self.table = numpy.zeros((rows, inner.shape[1]), dtype="float32")
            self.row_of: dict[int, int] = {}

        def get_batch(self, keys):
            row_of = self.row_of
            keys = [int(k) for k in keys]
            new = [k for k in dict.fromkeys(keys) if k not in row_of]
            if new:
                if len(row_of) + len(new) > rows:
                    row_of.clear()
                    new = list(dict.fromkeys(keys))
                    if len(new) > rows:  # one batch wider than the table: nothing to keep
                        return self.inner.get_batch(numpy.asarray(keys, dtype="uint64"))
                start = len(row_of)
                self.table[start:start + len(new)] = self.inner.get_batch(numpy.asarray(new, dtype="uint64"))
                row_of.update(zip(new, range(start, start + len(new))))
            return self.table[[row_of[k] for k in keys]]

        @property
        def shape(self):
            return self.inner.shape

        @property
        def vectors_length(self):
            return self.inner.shape[1]

        def __len__(self):
            return len(self.inner)

        def __contains__(self, key):
            return key in self.inner

        def __getitem__(self, key):
            return self.inner[key]

    return RememberedFloret(vectors)


class SpacyRecognizer:
    """The model trained by scripts/train_ner.py, shipped in pipeline/data/ner."""

    name = "spacy"
    ZONE_ARTICLES = 1000

    def __init__(self, path: Path = MODEL_DIR):
        import spacy
        from threadpoolctl import ThreadpoolController

        path = _spacy_model_dir(path)
        _register_callbacks()
        self.nlp = spacy.load(path)
        _use_numpy_blas(self.nlp)
        if getattr(self.nlp.vocab.vectors, "mode", None) == "floret":
            self.nlp.vocab.vectors = _remembered_floret(self.nlp.vocab.vectors)
        self._zone = None
        self._calls = 0
        self._blas = ThreadpoolController()  # one BLAS thread while predicting (see predict)

    def predict(self, sentences: list[list[str]], documents: Optional[list] = None) -> list[list[Span]]:
        from spacy.tokens import Doc

        out = []
        # A memory zone frees the strings and lexemes these words add to the vocab when it
        # closes; without one a worker grows with every new word of a long run. It stays open
        # for ZONE_ARTICLES calls: closing it after every article made each article rebuild
        # the lexemes of its common words (a tenth of the model's time); 1,000 calls instead
        # of 200 took 5 % off the pipeline's time on bulk news for 3 MB more RSS.
        if self._zone is None:
            self._zone = self.nlp.memory_zone()
            self._zone.__enter__()
        docs = (Doc(self.nlp.vocab, words=s) for s in sentences if s)
        # one BLAS thread: a worker is one core's worth of work, and BLAS threads of two
        # workers on two cores would fight over them
        with self._blas.limit(limits=1, user_api="blas"):
            out_iter = iter(self.nlp.pipe(docs, batch_size=64))
            for s in sentences:
                if not s:
                    out.append([])
                    continue
                d = next(out_iter)
                out.append([(e.start, e.end, str(e.label_)) for e in d.ents])
        self._calls += 1
        if self._calls % self.ZONE_ARTICLES == 0:
            self._zone.__exit__(None, None, None)  # no Doc of this zone is alive any more
            self._zone = None
        return out


# -- CRF --------------------------------------------------------------------------
_NEIGHBOURS = (-2, -1, 1, 2)
_EDGE = {-2: ("-2BOS",), -1: ("-1BOS",), 1: ("1EOS",), 2: ("2EOS",)}


@lru_cache(maxsize=1)
def word_clusters() -> dict[str, tuple[str, str, str]]:
    """Word key -> its clusters among 64, 256 and 1,024 (words that share neighbours in news)."""
    out = {}
    with open(WORD_CLUSTERS, encoding="utf-8") as fh:
        for line in fh:
            w, *ids = line.rstrip("\n").split("\t")
            out[w] = tuple(ids)
    return out


# The word features as templates (name -> what of the word it is): a word has its own features
# and is read, through a few of them, as the neighbour of the words up to two either side.
OWN_FEATURES = ("w", "s", "p", "c", "s3", "s2", "s1", "b2", "b3", "len", "k64", "k256", "k1k")
NEIGHBOUR_FEATURES = {-2: ("s", "c"), -1: ("s", "c", "w", "p", "s3", "k256"),
                      1: ("s", "c", "w", "p", "s3", "k256"), 2: ("s", "c")}


_STEM, _CLASS = OWN_FEATURES.index("s"), OWN_FEATURES.index("c")  # in _word_values' tuples


# The CRF asks once per word it has not scored yet; in the ensemble the BiLSTM asks just before
# it for the same new words, so a short memory answers the second.
@lru_cache(maxsize=1024)
def _word_values(word: str, classify=word_class) -> tuple[str, ...]:
    """What each of OWN_FEATURES reads of a word, in that order: the word, its stem without
    proclitics and the proclitics, its gazetteer class, the stem's ends and length, and the
    word's clusters (its stem's when the word has none)."""
    pre, stem = clitic_split.__wrapped__(word)  # asked once per word: clitic_split's cache would only churn
    clusters = word_clusters()
    k = clusters.get(word) or clusters.get(stem) or ("-", "-", "-")
    return (word, stem, pre, classify(word), stem[-3:], stem[-2:], stem[-1:], stem[:2], stem[:3],
            str(min(len(stem), 8)), k[0], k[1], k[2])


# The feature strings are what CRFsuite trains on (scripts/train_crf.py) and what the tests
# hand CRFsuite's own tagger; tagging in the pipeline reads the same features as weight sums
# (CrfRecognizer). An entry holds some thirty strings (about 2 KB): the hot vocabulary only.
@lru_cache(maxsize=16_384)
def _word_features(word: str, classify=word_class, known: Optional[frozenset] = None
                   ) -> tuple[str, str, tuple[str, ...], dict[int, tuple[str, ...]]]:
    """(stem, class, the word's own features, its features as the neighbour at -2, -1, +1, +2);
    only those in ``known`` when it is given."""
    v = dict(zip(OWN_FEATURES, _word_values(word, classify)))
    own = ("bias",) + tuple(f"{t}={v[t]}" for t in OWN_FEATURES)
    near = {d: tuple(f"{d}{t}={v[t]}" for t in NEIGHBOUR_FEATURES[d]) for d in _NEIGHBOURS}
    if known is not None:
        own = tuple(a for a in own if a in known)
        near = {d: tuple(a for a in feats if a in known) for d, feats in near.items()}
    return v["s"], v["c"], own, near


def crf_features(words: list[str], classify=word_class, known: Optional[frozenset] = None) -> list[list[str]]:
    """The CRF's features of each word of a sentence of keys: the word itself (its stem without
    و/ب/ال, the stem's ends, its gazetteer class and word clusters), the stems and classes two
    words either side, and the class and stem bigrams around it.

    Letters at a stem's ends stand in for morphology (-وف، -يان، أبو-), the clusters for what
    the news says around a word, and the neighbours for the cues (قال، الرئيس، شركة) that
    announce a name no gazetteer lists.  ``known``: a model's attributes; the others carry no
    weight, and leaving them out spares CRFsuite looking them up (the tags do not change).
    """
    base = [_word_features(w, classify, known) for w in words]
    n = len(words)
    out = []
    for i in range(n):
        stem, c, own, _ = base[i]
        f = list(own)
        for d in _NEIGHBOURS:
            j = i + d
            f += base[j][3][d] if 0 <= j < n else _EDGE[d]
        pairs = []
        if i > 0:
            pairs.append(f"cc={base[i - 1][1]}|{c}")
            pairs.append(f"ss={base[i - 1][0]}|{stem}")
        if i + 1 < n:
            pairs.append(f"cn={c}|{base[i + 1][1]}")
        f += pairs if known is None else [a for a in pairs if a in known]
        out.append(f)
    return out


# ANERcorp keeps no article boundaries: training and the bench cut it into runs of this many
# sentences, its mean article length (316 articles, about 4,900 sentences)
ARTICLE_SENTENCES = 15


def document_contexts(words: list[list[str]], given: list[list[tuple[str, tuple, tuple]]], first: tuple
                      ) -> dict[str, set]:
    """stem -> its document features, for one document: for each of its sentences' ``words``,
    ``given`` holds (its stem, the features it gives the word after it, those it gives the word
    before it); ``first``: what a sentence's first word reads on its left.

    A word's document features are the classes and stems of the words either side of every
    mention of its stem in the document (document_features): a name that follows قال or الرئيس
    once carries that cue to all its bare mentions.  Words under three letters, function words
    and name links (_not_names_alone) have none.  The CRF reads them beside crf_features
    (ANERcorp held-out tenth F1 0.742 -> 0.755; the neighbours' classes alone, without their
    stems: 0.733)."""
    never = _not_names_alone()
    found: dict[str, set] = {}
    for sentence, sentence_given in zip(words, given):
        n = len(sentence)
        for i, word in enumerate(sentence):
            stem = sentence_given[i][0]
            if len(word) < 3 or word in never or stem in never:
                continue
            seen = found.setdefault(stem, set())
            seen.update(sentence_given[i - 1][1] if i else first)
            if i + 1 < n:
                seen.update(sentence_given[i + 1][2])
    return found


def document_features(stem: str, gazetteer_class: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """The document features a word gives the word after it and the word before it."""
    return (f"D-1s={stem}", f"D-1c={gazetteer_class}"), (f"D+1s={stem}", f"D+1c={gazetteer_class}")


FIRST_WORD = ("D-1BOS",)  # a sentence's first word has no left neighbour


def document_crf_features(sentences: list[list[str]], classify=word_class) -> list[list[list[str]]]:
    """crf_features of each sentence of one document, with each word's document_contexts: what
    CRFsuite trains on (scripts/train_crf.py) and what CrfRecognizer's scores sum."""
    given = [[(v[_STEM], *document_features(v[_STEM], v[_CLASS])) for v in (_word_values(w, classify) for w in words)]
             for words in sentences]
    contexts = document_contexts(sentences, given, FIRST_WORD)
    return [[f + sorted(contexts.get(g[0], ())) for f, g in zip(crf_features(words, classify), word_given)]
            for words, word_given in zip(sentences, given)]


def best_paths(emissions: "np.ndarray", lengths: list[int], trans: "np.ndarray", labels: list[str]) -> list[list[str]]:
    """The best label sequence of each sentence: Viterbi over all of them at once, on label
    scores (sentence x word x label, anything past a sentence's end) and transition scores
    (previous label x label).  Ties go to the lower label id, as in CRFsuite."""
    import numpy as np

    lengths = np.asarray(lengths)
    # longest first: a step reads only the sentences still running (one long sentence among
    # short ones costs its own steps, not theirs); a finished sentence's row keeps its last score
    order = np.argsort(-lengths, kind="stable")
    emitted, ends = emissions[order], lengths[order]
    running = (ends[:, None] > np.arange(1, int(ends[0]))).sum(0).tolist()
    score = emitted[:, 0].astype(np.result_type(emitted, trans))  # the sums' type from the first step on
    best = np.maximum.reduce  # (ndarray.max's wrapper costs)
    back = []
    for t, a in enumerate(running, 1):
        s = score[:a, :, None] + trans  # sentence x previous label x label
        back.append(s.argmax(1).tolist())
        score[:a] = best(s, 1) + emitted[:a, t]
    last = score.argmax(1).tolist()
    out: list = [None] * len(lengths)
    for r, k in enumerate(order.tolist()):
        path = [last[r]]
        for t in range(int(ends[r]) - 2, -1, -1):
            path.append(back[t][r][path[-1]])
        out[k] = [labels[i] for i in reversed(path)]
    return out


@lru_cache(maxsize=1)
def _not_names_alone() -> frozenset:
    """Keys that are never a name by themselves: the links between a person's names (بن، أبو،
    عبد) and function words (على، من، الذي), some of which share a key with a name."""
    from .data import load_yaml

    rules = load_yaml("entity_rules")
    return frozenset(key(w) for table in ("name_links", "function_words", "name_stops") for w in rules[table])


def repeat_bonuses(sentences: list[list[str]], paths: list[list[str]], name_bonus: float,
                   part_bonus: float, stems: Optional[list[list[str]]] = None) -> dict[int, list[tuple[int, str, float]]]:
    """Label bonuses for the words of one document that repeat a name tagged elsewhere in it,
    as {sentence: [(word, tag, bonus), ...]}.

    An article names someone in full once, where the context gives them away (وقال الرئيس
    الأمريكي جورج بوش), and bare after that (وأضاف بوش); an organisation once after its kind
    word and then alone.  A model that reads a sentence at a time misses the bare mentions.  So:
    - a run of words (proclitics aside) that spells a span tagged somewhere in the document,
      untagged here or tagged as only a part of it, gets ``name_bonus`` toward that span's most
      frequent label;
    - the last word of a tagged person's name of two or more words (the family name) gets
      ``part_bonus`` toward PERS;
    - a one-word name that is also a function word or a name link never spreads (على is also
      علي as a key: _not_names_alone).
    The caller decodes again with the bonuses added, so a context that says otherwise can
    still win.  ``stems``: the words' stems without proclitics (clitic_split's), if known."""
    if all(tag == "O" for tags in paths for tag in tags):
        return {}
    if stems is None:
        stems = [[clitic_split(w)[1] for w in words] for words in sentences]
    names: dict[tuple[str, ...], Counter] = {}
    parts: Counter = Counter()
    never_alone = _not_names_alone()
    for words, stemmed, tags in zip(sentences, stems, paths):
        for a, b, label in iob_spans(tags):
            if b - a == 1 and {words[a], stemmed[a]} & never_alone:
                continue  # على is also علي (Ali) as a key: one such tag must not spread to every على
            names.setdefault(tuple(stemmed[a:b]), Counter())[label] += 1
            if label == "PERS" and b - a >= 2:
                last, stem = words[b - 1], stemmed[b - 1]
                if len(last) >= 3 and not {last, stem} & never_alone:
                    parts[stem] += 1
    firsts = {name[0] for name in names} | set(parts)
    longest = max(map(len, names), default=1)
    out: dict[int, list[tuple[int, str, float]]] = {}
    for k, (stemmed, tags) in enumerate(zip(stems, paths)):
        t, n = 0, len(stemmed)
        while t < n:
            if stemmed[t] not in firsts:
                t += 1
                continue
            for m in range(min(longest, n - t), 0, -1):
                name = tuple(stemmed[t:t + m])
                if name in names:
                    label, bonus = names[name].most_common(1)[0][0], name_bonus
                elif m == 1 and name[0] in parts:
                    label, bonus = "PERS", part_bonus
                else:
                    continue
                here = tags[t:t + m]
                ends_here = t + m == n or tags[t + m] != f"I-{label}"
                already = here == [f"B-{label}"] + [f"I-{label}"] * (m - 1) and ends_here
                if not already and all(x == "O" or x[2:] == label for x in here):
                    out.setdefault(k, []).extend(
                        (t + i, ("I-" if i else "B-") + label, bonus) for i in range(m))
                t += m - 1
                break
            t += 1
    return out


def model_file(path, default: Path, what: str, script: str) -> Path:
    """The model file to load: ``path`` (or the file named like ``default`` in the folder
    ``path``), else ``default``; NERUnavailable saying how to build it when it is missing."""
    path = Path(path) if path else default
    if path.is_dir():
        path = path / default.name
    if not path.is_file():
        raise NERUnavailable(f"no {what} NER model at {path}; build it with `python scripts/{script}`")
    return path


def _crf_model_path(path=None) -> Path:
    return model_file(path, CRF_MODEL, "CRF", "train_crf.py")


def _crf_model(path: Path) -> tuple[list[str], list[str], "np.ndarray", "np.ndarray"]:
    """(labels by id, attributes by id, state weights [attribute x label], transition weights
    [label x label]) of a CRFsuite CRF1d model file, read as CRFsuite writes it (crf1m_model.c,
    cqdb.c): the weights exactly (the text dump rounds them to six decimals, enough to flip a
    close call), and in a few milliseconds where pycrfsuite's dump parser took a quarter second."""
    import struct

    import numpy as np

    data = path.read_bytes()
    try:
        magic, _, kind, _, _, n_labels, n_attrs, off_features, off_labels, off_attrs = struct.unpack_from(
            "<4sI4sI6I", data, 0)
        chunk, _, n_features = struct.unpack_from("<4sII", data, off_features)
        if magic != b"lCRF" or kind != b"FOMC" or chunk != b"FEAT":
            raise ValueError("not a CRF1d model")

        def strings(off: int, n: int) -> list[str]:
            # a CQDB chunk: header, 256 hash tables, records (id, size, key\0) and the id -> record offsets
            chunk, _, _, _, n_ids, ids_at = struct.unpack_from("<4sIIIII", data, off)
            if chunk != b"CQDB" or n_ids != n:
                raise ValueError("bad string table")
            out = []
            for i, at in enumerate(struct.unpack_from(f"<{n_ids}I", data, off + ids_at)):
                rid, size = struct.unpack_from("<iI", data, off + at)
                if rid != i:
                    raise ValueError("bad string table")
                out.append(data[off + at + 8:off + at + 7 + size].decode("utf-8"))
            return out

        labels, attrs = strings(off_labels, n_labels), strings(off_attrs, n_attrs)
        features = np.frombuffer(data, dtype=[("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("w", "<f8")],
                                 count=n_features, offset=off_features + 12)
    except (struct.error, ValueError, UnicodeDecodeError) as e:
        raise NERUnavailable(f"{path} is not a CRFsuite model Khabar can read ({e})") from e
    state = np.zeros((n_attrs, n_labels))
    trans = np.zeros((n_labels, n_labels))
    is_state = features["type"] == 0  # 1: a transition, label to label
    state[features["src"][is_state], features["dst"][is_state]] = features["w"][is_state]
    trans[features["src"][~is_state], features["dst"][~is_state]] = features["w"][~is_state]
    return labels, attrs, state, trans


def _by_document(documents: Optional[list], n: int) -> Iterable[list[int]]:
    """The sentence indexes of each document: ``documents`` gives a document id per sentence
    (None: the n sentences are one document)."""
    if documents is None:
        return [list(range(n))]
    groups: dict = {}
    for k, d in enumerate(documents):
        groups.setdefault(d, []).append(k)
    return groups.values()


class ViterbiTagger:
    """A linear-chain model that tags with best_paths over its ``scores`` of the words (sentence x
    word x label) and its ``trans``itions, for ``labels``.

    It decodes twice: the second time with repeat_bonuses for the names the first pass found
    elsewhere in the same document (the sentences of one call, unless ``documents`` splits them).
    The bonuses are on the scale of one model's scores: a name once in its telling context
    outweighs most bare contexts; a part of a person's name is only a nudge (chosen on the
    held-out tenth of the ANERcorp train part)."""

    name_bonus = 16.0
    part_bonus = 4.0

    def scores(self, sentences: list[list[str]], documents: Optional[list] = None) -> "np.ndarray":
        return self.emissions(sentences, documents)

    def word_stems(self, sentences: list[list[str]]) -> list[list[str]]:
        """The stems of the words of sentences just scored (without proclitics: clitic_split)."""
        return [[clitic_split(w)[1] for w in words] for words in sentences]

    def tag_all(self, sentences: list[list[str]], documents: Optional[list] = None) -> list[list[str]]:
        """The best label sequence of each sentence (Viterbi over all of them at once; ties go to
        the lower label id, as in CRFsuite).  ``documents``: a document id per sentence (default:
        one document); names repeat within a document."""
        todo = [i for i, s in enumerate(sentences) if s]
        if not todo:
            return [[] for _ in sentences]
        words = [sentences[i] for i in todo]
        lengths = [len(s) for s in words]
        documents = [documents[i] for i in todo] if documents is not None else None
        scores = self.scores(words, documents)
        paths = best_paths(scores, lengths, self.trans, self.labels)
        if (self.name_bonus or self.part_bonus) and any(tag != "O" for path in paths for tag in path):
            column = {t: j for j, t in enumerate(self.labels)}
            bonuses = {}
            stems = self.word_stems(words)
            for ks in _by_document(documents, len(words)):
                found = repeat_bonuses([words[k] for k in ks], [paths[k] for k in ks], self.name_bonus,
                                       self.part_bonus, [stems[k] for k in ks])
                bonuses.update((ks[k], v) for k, v in found.items())
            if bonuses:
                again = sorted(bonuses)
                rescored = scores[again]  # a copy: a model may keep its scores array for the next call
                for row, k in enumerate(again):
                    for t, tag, bonus in bonuses[k]:
                        rescored[row, t, column[tag]] += bonus
                for k, path in zip(again, best_paths(rescored, [lengths[k] for k in again], self.trans,
                                                     self.labels)):
                    paths[k] = path
        out: list[list[str]] = [[] for _ in sentences]
        for i, path in zip(todo, paths):
            out[i] = path
        return out

    def predict(self, sentences: list[list[str]], documents: Optional[list] = None) -> list[list[Span]]:
        return [iob_spans(tags) for tags in self.tag_all(sentences, documents)]


class CrfRecognizer(ViterbiTagger):
    """A linear-chain CRF (CRFsuite) trained by scripts/train_crf.py, shipped in pipeline/data/ner_crf.

    It reads the same gazetteer classes and clitic-split stems as the spaCy model, word clusters
    from the bulk news, and the words around the other mentions of a word's stem in the article
    (document_contexts); on the ANERcorp test part, read as articles of 15 sentences, it scores
    F1 0.724 (0.699 before it read the article) against spaCy's 0.652, at more than twice its
    tokens a second (bench/ner.py).

    It tags with its own Viterbi over the model's weights, not CRFsuite's tagger (which a test
    holds it equal to). A token's score is a sum of feature weights, and all but three of its
    features read one word only: the token's own word, or a word up to two away as its
    neighbour. Those sums are kept per word, built from per-template sums (the weights of
    s=X, -2s=X, ... +2s=X together), so a word costs a few lookups, and a token an addition;
    CRFsuite looked up thirty feature strings a token, which Python had to build first.  The
    document features are summed once per stem and article and added to its mentions.
    """

    name = "crf"
    WORD_CACHE = 32_768  # words whose scores are kept (360 bytes each, 12 MB in all)

    def __init__(self, path: Optional[Path] = None):
        import numpy as np

        self.path = path = _crf_model_path(path)
        self.labels, attrs, state, self.trans = _crf_model(path)
        self.known = frozenset(attrs)  # the features it has weights for
        self._np = np
        self.attr_ids = {a: i for i, a in enumerate(attrs)}
        self._no_attr = len(state)  # an all-zero row last, for the features the model lacks
        self.state = np.vstack([state, np.zeros(len(self.labels))])
        self._edges = {d: self.state[[self.attr_ids.get(a, self._no_attr) for a in _EDGE[d]]].sum(0)
                       for d in _NEIGHBOURS}
        self._block_tables, self._block_weights = self._word_blocks()
        self._pair_index()
        self._first_word = tuple(self.attr_ids[a] for a in FIRST_WORD if a in self.attr_ids)
        self._row_of: dict[str, int] = {}
        self._allocate(self.WORD_CACHE)

    @cached_property
    def tagger(self):
        """CRFsuite's own tagger on the same model: the reference the tests hold tag_all to."""
        import pycrfsuite

        tagger = pycrfsuite.Tagger()
        tagger.open(str(self.path))
        return tagger

    def _word_blocks(self) -> tuple[list[dict[str, int]], "np.ndarray"]:
        """The weights by (template, value): per template in OWN_FEATURES' order, value -> block id,
        and the blocks (row 0 the word's own feature, rows 1-4 the feature read at -2, -1, +1, +2;
        block 0 is zeros, for the values the model never saw; block 1 the bias)."""
        np, n_labels = self._np, len(self.labels)
        rows = {"": 0, "-2": 1, "-1": 2, "1": 3, "2": 4}
        templates = {"": set(OWN_FEATURES)} | {str(d): set(t) for d, t in NEIGHBOUR_FEATURES.items()}
        blocks = {(None, None): 0, ("bias", None): 1}
        weights = [np.zeros((5, n_labels)), np.zeros((5, n_labels))]
        weights[1][0] = self.state[self.attr_ids.get("bias", self._no_attr)]
        for attr, i in self.attr_ids.items():
            name, eq, value = attr.partition("=")
            if not eq:
                continue
            for pos in ("-2", "-1", "1", "2", ""):
                if name.startswith(pos) and name[len(pos):] in templates[pos]:
                    b = blocks.setdefault((name[len(pos):], value), len(weights))
                    if b == len(weights):
                        weights.append(np.zeros((5, n_labels)))
                    weights[b][rows[pos]] += self.state[i]
                    break
        by_template: dict[str, dict[str, int]] = {t: {} for t in OWN_FEATURES}
        for (t, value), b in blocks.items():
            if t not in (None, "bias"):
                by_template[t][value] = b
        return [by_template[t] for t in OWN_FEATURES], np.stack(weights)

    def _pair_index(self) -> None:
        """The pair features as tables: class x class and stem x stem -> attribute id (the zero row
        for the pairs the model lacks), indexed by class and stem ids (0: in no pair it knows)."""
        pairs = [(a[:2], *a[3:].split("|", 1), i) for a, i in self.attr_ids.items()
                 if a[:3] in ("cc=", "cn=", "ss=") and "|" in a]
        self._class_id = {c: k for k, c in enumerate(sorted({x for t, a, b, _ in pairs if t != "ss" for x in (a, b)}), 1)}
        self._left_stem_id = {s: k for k, s in enumerate(sorted({a for t, a, _, _ in pairs if t == "ss"}), 1)}
        self._right_stem_id = {s: k for k, s in enumerate(sorted({b for t, _, b, _ in pairs if t == "ss"}), 1)}
        self._pair_tables = {t: self._np.full((len(ids) + 1, len(ids2) + 1), self._no_attr) for t, ids, ids2 in (
            ("cc", self._class_id, self._class_id), ("cn", self._class_id, self._class_id),
            ("ss", self._left_stem_id, self._right_stem_id))}
        for t, a, b, i in pairs:
            left, right = (self._left_stem_id, self._right_stem_id) if t == "ss" else (self._class_id,) * 2
            self._pair_tables[t][left[a], right[b]] = i

    def _allocate(self, capacity: int) -> None:
        """An empty word score store with room for ``capacity`` rows, the pads included."""
        np = self._np
        # the word score store: word -> row of (own, -2, -1, +1, +2) x label scores, and each
        # row's class and stem ids for the pair tables; emptied when full (the tags do not depend on what it holds).
        # Its first rows are the pads around each sentence, two either side: words whose only
        # scores are the BOS/EOS features they stand for at -2, -1, +1 and +2 (and no stem or
        # class a pair feature knows), so no neighbour of a word reaches across sentences.
        self._scores = np.zeros((capacity, 5, len(self.labels)))  # pages in as rows are used
        self._row_ids = np.zeros((capacity, 3), dtype=np.intp)  # class, stem as left, stem as right
        # (stem, the ids of its document features as left and as right neighbour): document_contexts
        self._row_document: list[tuple[str, tuple, tuple]] = [("", (), ())] * capacity
        for row, slots in enumerate(((1,), (1, 2), (3, 4), (4,))):  # BOS at -2; -2, -1; EOS at +1, +2; +2
            for slot in slots:
                self._scores[row, slot] = self._edges[(-2, -1, 1, 2)[slot - 1]]
        self._empty_store()

    _PADS = ("\x00bos2", "\x00bos1", "\x00eos1", "\x00eos2")

    def _empty_store(self) -> None:
        self._row_of.clear()
        self._row_of.update(zip(self._PADS, range(4)))

    def _rows(self, words: list[str]) -> list[int]:
        """Rows of the word score store for ``words``, scoring the words not in it yet."""
        row_of = self._row_of
        new = [w for w in dict.fromkeys(words) if w not in row_of]
        if new:
            if len(row_of) + len(new) > len(self._scores):
                self._empty_store()
                new = [w for w in dict.fromkeys(words) if w not in row_of]
                if len(row_of) + len(new) > len(self._scores):  # one huge article: room for its words
                    self._allocate(len(row_of) + len(new))
            values = [_word_values(w) for w in new]
            tables = self._block_tables
            ids = [1] * (len(new) * (len(tables) + 1))  # the bias, then a block per template
            k = 0
            for v in values:
                ids[k + 1:k + 1 + len(tables)] = [by_value.get(x, 0) for by_value, x in zip(tables, v)]
                k += len(tables) + 1
            ids = self._np.array(ids).reshape(len(new), -1)
            weights = self._block_weights
            total = weights[ids[:, 0]]
            for k in range(1, ids.shape[1]):  # one fixed order, whatever else is scored with it
                total += weights[ids[:, k]]
            first = len(row_of)
            self._scores[first:first + len(new)] = total
            classes, left, right = self._class_id, self._left_stem_id, self._right_stem_id
            self._row_ids[first:first + len(new)] = [
                (classes.get(v[_CLASS], 0), left.get(v[_STEM], 0), right.get(v[_STEM], 0)) for v in values]
            attr_ids = self.attr_ids
            self._row_document[first:first + len(new)] = [
                (v[_STEM], *(tuple(attr_ids[a] for a in given if a in attr_ids)
                             for given in document_features(v[_STEM], v[_CLASS]))) for v in values]
            row_of.update(zip(new, range(first, first + len(new))))
        return [row_of[w] for w in words]

    def emissions(self, sentences: list[list[str]], documents: Optional[list] = None) -> "np.ndarray":
        """Label scores of the words of the (non-empty) sentences, sentence x word x label (zero
        past a sentence's end): the sums of the weights of document_crf_features, a document per
        id in ``documents`` (None: one)."""
        np = self._np
        flat = []  # the sentences one after another, each between its pads
        for s in sentences:
            flat += self._PADS[:2]
            flat += s
            flat += self._PADS[2:]
        rows = self._rows(flat)
        out = self._sentence_emissions(sentences, np.array(rows))
        by_row, at, per_sentence = self._row_document, 2, []
        for s in sentences:
            per_sentence.append([by_row[r] for r in rows[at:at + len(s)]])
            at += len(s) + 4
        for ks in _by_document(documents, len(sentences)):
            contexts = document_contexts([sentences[k] for k in ks], [per_sentence[k] for k in ks], self._first_word)
            stem_row, attrs, starts = {}, [], []
            for stem, found in contexts.items():
                if found:
                    stem_row[stem] = len(starts)
                    starts.append(len(attrs))
                    attrs += found
            where = [(k, t, stem_row[g[0]]) for k in ks for t, g in enumerate(per_sentence[k]) if g[0] in stem_row]
            if where:
                weights = np.add.reduceat(self.state[attrs], starts)  # each stem's features summed
                k, t, row = zip(*where)
                out[list(k), list(t)] += weights[list(row)]
        return out

    def word_stems(self, sentences: list[list[str]]) -> list[list[str]]:
        """The stems of the words of sentences just scored (from the word score store)."""
        by_row, row_of = self._row_document, self._row_of
        return [[by_row[row_of[w]][0] for w in words] for words in sentences]

    def _sentence_emissions(self, sentences: list[list[str]], rows: "np.ndarray") -> "np.ndarray":
        """The part of emissions that reads each sentence alone (the sums of the weights of
        crf_features), from the word score store's ``rows`` for the padded sentences."""
        np = self._np
        by_word = self._scores[rows]  # word x (own, -2, -1, +1, +2) x label
        # each word's own scores, and its neighbours' as the words at -2, -1, +1, +2
        e = by_word[2:-2, 0] + by_word[:-4, 1]
        e += by_word[1:-3, 2]
        e += by_word[3:-1, 3]
        e += by_word[4:, 4]
        # the pair features: class and stem bigrams ending at a word, the class bigram starting at it
        ids = self._row_ids[rows]
        cls, tables, state = ids[:, 0], self._pair_tables, self.state
        e += state[tables["cc"][cls[1:-3], cls[2:-2]]]
        e += state[tables["ss"][ids[1:-3, 1], ids[2:-2, 2]]]
        e += state[tables["cn"][cls[2:-2], cls[3:-1]]]
        # sentence x word -> its row of e (past the end: a zero row put last)
        lengths = np.array([len(s) for s in sentences])
        first = np.cumsum(lengths + 4) - lengths - 4  # a sentence's first word in e (pads take 4)
        at = first[:, None] + np.arange(lengths.max())
        at[at >= (first + lengths)[:, None]] = len(e)
        return np.vstack([e, np.zeros(e.shape[1])])[at]



# -- CAMeL Tools BERT ---------------------------------------------------------
def camel_data_dir() -> Path:
    """Where camel_data installs models: $CAMELTOOLS_DATA or ~/.camel_tools."""
    return Path(os.environ.get("CAMELTOOLS_DATA") or Path.home() / ".camel_tools").expanduser()


@contextmanager
def _camel_without_catalogue_download():
    """Import camel_tools.ner without camel_tools.data fetching its catalogue.

    camel_tools.data downloads catalogue.json at import when it is missing; with
    no network that import fails although a model given by path needs no
    catalogue.  While the catalogue is absent we stand in an empty data module
    for the import only.
    """
    if (camel_data_dir() / "catalogue.json").exists() or "camel_tools.data" in sys.modules:
        yield
        return
    stub = types.ModuleType("camel_tools.data")
    stub.CATALOGUE = None  # only NERecognizer.pretrained() reads it; we never call that
    sys.modules["camel_tools.data"] = stub
    try:
        yield
    finally:
        if sys.modules.get("camel_tools.data") is stub:
            del sys.modules["camel_tools.data"]


def camel_pretrained_path() -> Path:
    """The installed CAMeL NER model's folder, read from camel_data's catalogue without network."""
    data = camel_data_dir()
    catalogue = data / "catalogue.json"
    hint = ("install it on a machine with network with `camel_data -i ner-arabert` and copy "
            f"{data} here (or set CAMELTOOLS_DATA), or pass a model folder with --camel-model")
    if not catalogue.exists():
        raise NERUnavailable(f"CAMeL Tools data is not installed: {catalogue} is missing; {hint}")
    cat = json.loads(catalogue.read_text(encoding="utf-8"))
    comp = cat["components"]["NamedEntityRecognition"]
    path = data / "data" / comp["datasets"][comp["default"]]["path"]
    if not (path / "config.json").exists():
        raise NERUnavailable(f"the CAMeL NER model is not installed at {path}; {hint}")
    return path


def _camel_model_dir(path=None) -> Path:
    """The BERT token-classifier folder to load (the installed CAMeL model by default)."""
    path = Path(path) if path else camel_pretrained_path()
    if not (path / "config.json").exists():
        raise NERUnavailable(f"no BERT token-classification model at {path} (config.json missing)")
    return path


class CamelRecognizer:
    """camel-tools' NERecognizer (a BERT token classifier), run on CPU."""

    name = "camel"

    def __init__(self, model_path: Optional[Path] = None, batch_size: int = 32):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder never needs the hub
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        path = _camel_model_dir(model_path)
        try:
            with _camel_without_catalogue_download():
                from camel_tools.ner import NERecognizer
        except ImportError as exc:  # torch or transformers missing
            raise NERUnavailable(f"camel-tools NER needs torch and transformers: {exc}") from exc
        self.model = NERecognizer(str(path), use_gpu=False)
        self.batch_size = batch_size

    def predict(self, sentences: list[list[str]], documents: Optional[list] = None) -> list[list[Span]]:
        nonempty = [s for s in sentences if s]
        tags = iter(self.model.predict(nonempty, batch_size=self.batch_size) if nonempty else [])
        return [iob_spans(next(tags)) if s else [] for s in sentences]


def check(backend: str = DEFAULT_BACKEND, model_path: Optional[str] = None) -> None:
    """Raise NERUnavailable if ``backend`` could not load here, without loading its weights
    (a parent process that only hands articles to workers stays small)."""
    if backend == "none":
        return
    if backend == "crf":
        _crf_model_path(model_path)
        return
    if backend in ("lstm", "ensemble"):
        from .lstm import _lstm_model_path

        _lstm_model_path(model_path)
        if backend == "ensemble":
            _crf_model_path()
        return
    if backend == "spacy":
        _spacy_model_dir(model_path)
        return
    if backend == "camel":
        _camel_model_dir(model_path)
        import importlib.util

        missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
        if missing:
            raise NERUnavailable(f"camel-tools NER needs {' and '.join(missing)}")
        return
    raise ValueError(f"unknown NER backend {backend!r}; choose one of {', '.join(BACKENDS)}")


@lru_cache(maxsize=4)
def recognizer(backend: str = DEFAULT_BACKEND, model_path: Optional[str] = None) -> Optional[Recognizer]:
    """The NER backend, loaded once per process; None for 'none'."""
    if backend == "none":
        return None
    if backend == "crf":
        return CrfRecognizer(Path(model_path) if model_path else None)
    if backend == "lstm":
        from .lstm import LstmRecognizer

        return LstmRecognizer(Path(model_path) if model_path else None)
    if backend == "ensemble":  # --ner-model names the BiLSTM model; the CRF is the shipped one
        from .lstm import EnsembleRecognizer

        return EnsembleRecognizer(Path(model_path) if model_path else None)
    if backend == "spacy":
        return SpacyRecognizer(Path(model_path) if model_path else MODEL_DIR)
    if backend == "camel":
        return CamelRecognizer(Path(model_path) if model_path else None)
    raise ValueError(f"unknown NER backend {backend!r}; choose one of {', '.join(BACKENDS)}")
