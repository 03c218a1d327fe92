"""The BiLSTM-CRF NER model, run with numpy, and its ensemble with the CRF (`--ner lstm`, `--ner ensemble`).

scripts/train_lstm.py trains the model with PyTorch and exports its weights to
``pipeline/data/ner_lstm/model.npz``; this module reads them and computes the same
function with numpy, so the pipeline needs no PyTorch (a test holds the two equal).

A word's input to the LSTM depends on the word alone (its embeddings and letters), so
each distinct word is read and projected once and kept for later calls; the recurrence
then runs over all the call's sentences at once, one step per position.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from .ner import (LSTM_MODEL, OWN_FEATURES, CrfRecognizer, NERUnavailable, ViterbiTagger, _word_values,
                  model_file, word_class)

# the word features the model embeds: a subset of the CRF's own (pipeline.ner.OWN_FEATURES)
FEATURES = ("w", "s", "p", "c", "k64", "k256", "k1k")
_VALUE_AT = tuple(OWN_FEATURES.index(f) for f in FEATURES)
MAX_CHARS = 20  # letters of a word the character CNN reads


def feature_values(word: str, classify=word_class) -> tuple[str, ...]:
    """What each of FEATURES reads of a word (as the CRF reads it)."""
    v = _word_values(word) if classify is word_class else _word_values(word, classify)  # as the CRF asks (one cache key)
    return tuple(v[i] for i in _VALUE_AT)


def allowed_transition(before: Optional[str], label: str) -> bool:
    """Whether IOB allows ``label`` after ``before`` (None: at a sentence's start): I-X only
    continues B-X or I-X."""
    if not label.startswith("I-"):
        return True
    return before is not None and before != "O" and before[2:] == label[2:]


def _lstm_model_path(path=None) -> Path:
    return model_file(path, LSTM_MODEL, "BiLSTM", "train_lstm.py")


class LstmRecognizer(ViterbiTagger):
    """A BiLSTM-CRF over word embeddings, word clusters, gazetteer classes and a character CNN."""

    name = "lstm"

    def __init__(self, path: Optional[Path] = None):
        import numpy as np

        self.path = path = _lstm_model_path(path)
        try:
            with np.load(path) as z:
                a = {k: z[k] for k in z.files}
        except (OSError, ValueError) as e:
            raise NERUnavailable(f"{path} is not a BiLSTM model Khabar can read ({e})") from e
        f32 = {k: v.astype(np.float32) for k, v in a.items() if v.dtype == np.float16}
        self.labels = a["tags"].tolist()
        self._index = [{x: i + 2 for i, x in enumerate(a[f"vocab_{k}"].tolist())} for k in FEATURES]
        self._emb = [f32[f"emb_{k}"] for k in FEATURES]
        self._char_index = {c: i + 2 for i, c in enumerate(a["chars"].tolist())}
        self._char_emb = f32["char_emb"]
        conv = f32["conv_w"]  # filters x char dims x 3 (PyTorch Conv1d, padding 1)
        # the convolution as three tables, letter -> its share of each filter from the window's
        # first, middle or last place: a window's filters are three lookups and two additions
        self._conv = [self._char_emb @ conv[:, :, k].T for k in range(3)]  # letter x filters, each
        self._conv_b = f32["conv_b"]
        H = self.hidden = f32["w_hh_f"].shape[1]
        # PyTorch's gate order is i, f, g, o; put the three sigmoid gates together (i, f, o, g),
        # their weights halved: sigmoid(x) = (tanh(x / 2) + 1) / 2, one tanh for all three
        gates = np.r_[0:2 * H, 3 * H:4 * H, 2 * H:3 * H]
        scale = np.r_[np.full(3 * H, 0.5), np.ones(H)].astype(np.float32)
        self._w_ih = np.vstack([f32["w_ih_f"][gates] * scale[:, None],
                                f32["w_ih_b"][gates] * scale[:, None]]).T  # input x (4H forward, 4H backward)
        self._b_ih = np.concatenate([f32["b_f"][gates] * scale, f32["b_b"][gates] * scale])
        self._w_hh = np.stack([f32["w_hh_f"][gates].T * scale, f32["w_hh_b"][gates].T * scale])  # direction x H x 4H
        self._out_w, self._out_b = f32["out_w"].T.copy(), f32["out_b"]
        self.trans, self.start = f32["trans"], f32["start"]
        self._np = np
        self._projected = np.zeros((self.WORD_CACHE, 8 * H), dtype=np.float32)  # pages in as rows are used
        self._row_of: dict[str, int] = {}
        from threadpoolctl import ThreadpoolController

        self._blas = ThreadpoolController()

    WORD_CACHE = 8_192  # words whose projected inputs are kept (8H floats each: 4 KB, 32 MB in all at H = 128)

    def _word_inputs(self, words: list[str]):
        """Each word's LSTM gate inputs, both directions (word x 8H): its embeddings and
        character CNN, projected.  Those of recent words are kept: the news repeats
        its words, and reading and projecting a word costs more than a step of the LSTM."""
        np = self._np
        row_of = self._row_of
        new = [w for w in words if w not in row_of]
        if new:
            if len(row_of) + len(new) > len(self._projected):
                row_of.clear()
                new = words
                if len(new) > len(self._projected):  # one huge call: room for its words
                    self._projected = np.zeros((len(new), self._projected.shape[1]), dtype=np.float32)
            values = list(zip(*map(_word_values, new)))  # template -> the new words' values (feature_values)
            parts = [emb[[index.get(x, 1) for x in values[at]]]
                     for emb, index, at in zip(self._emb, self._index, _VALUE_AT)]
            parts.append(self._char_cnn(new))
            first = len(row_of)
            self._projected[first:first + len(new)] = np.hstack(parts) @ self._w_ih + self._b_ih
            row_of.update(zip(new, range(first, first + len(new))))
        return self._projected[[row_of[w] for w in words]]

    def _char_cnn(self, words: list[str]):
        np = self._np
        width = max(1, max(min(len(w), MAX_CHARS) for w in words))  # (an empty word reads as no letter)
        chars = np.zeros((len(words), width + 2), dtype=np.intp)  # a zero column either side: the padding
        index = self._char_index
        for i, w in enumerate(words):
            w = w[:MAX_CHARS]
            chars[i, 1:len(w) + 1] = [index.get(c, 1) for c in w]
        # (row 0 of the letter tables is zeros: the padding reads as no letter)
        first, middle, last = self._conv
        h = first[chars[:, :width]]
        h += middle[chars[:, 1:width + 1]]
        h += last[chars[:, 2:]]
        h += self._conv_b
        np.maximum(h, 0.0, out=h)
        h[chars[:, 1:width + 1] == 0] = 0.0  # past a word's end: no letter to read
        return h.max(axis=1)

    CHUNK = 256  # sentences whose steps are taken together (bounds the states kept: chunk x width x 2H)

    def emissions(self, sentences: list[list[str]]):
        """Label scores of the words of the (non-empty) sentences: sentence x word x label (zero
        past a sentence's end)."""
        np = self._np
        lengths = np.array([len(s) for s in sentences])
        # longest first: at step t only the first few sentences still have a word, and the
        # step reads those rows only (padding costs nothing); chunks hold like lengths
        by_length = np.argsort(-lengths, kind="stable")
        e = np.zeros((len(sentences), int(lengths.max()), len(self.labels)), dtype=np.float32)
        with self._blas.limit(limits=1, user_api="blas"):  # a worker is one core's worth of work
            for first in range(0, len(sentences), self.CHUNK):
                chunk = by_length[first:first + self.CHUNK]
                scores = self._sorted_emissions([sentences[k] for k in chunk], lengths[chunk])
                e[chunk, :scores.shape[1]] = scores
        return e

    def _sorted_emissions(self, sentences: list[list[str]], lengths):
        """emissions() of sentences sorted longest first."""
        np = self._np
        H, n, width = self.hidden, len(sentences), int(lengths[0])
        words = list(dict.fromkeys(w for s in sentences for w in s))
        row = {w: i for i, w in enumerate(words)}
        # gate inputs as rows 2u (word u read forward) and 2u + 1 (backward)
        gates_in = self._word_inputs(words).reshape(2 * len(words), 4 * H)
        at = np.full((n, width), len(words))  # past a sentence's end: no row (a step reads active sentences only)
        for k, s in enumerate(sentences):
            at[k, :len(s)] = [row[w] for w in s]
        steps = np.arange(width)
        reverse = lengths[:, None] - 1 - steps  # the word read at each step of the backward pass
        inside = reverse >= 0
        reverse = np.where(inside, reverse, 0)
        backward_at = np.where(inside, np.take_along_axis(at, reverse, 1), len(words))
        # the rows of gates_in each step reads, both directions: step x direction x sentence.  A
        # step gathers its own (the few long windows would make an array of all steps mostly padding)
        read = np.stack([2 * at.T, 2 * backward_at.T + 1], axis=1)
        active = (lengths[:, None] > steps).sum(0).tolist()
        w_hh = self._w_hh  # direction x H x 4H
        h = np.zeros((2, n, H), dtype=np.float32)
        c = np.zeros((2, n, H), dtype=np.float32)
        states = np.zeros((width, 2, n, H), dtype=np.float32)
        for t, a in enumerate(active):  # both directions at once
            g = gates_in[read[t, :, :a]]
            g += np.matmul(h[:, :a], w_hh)
            # gates i, f, o, then the cell's input: one tanh for all (the gates' weights are
            # halved, see __init__), and the gates' (tanh + 1) / 2 are their sigmoids
            np.tanh(g, out=g)
            gates = g[..., :3 * H]
            gates += 1.0
            gates *= 0.5
            c[:, :a] *= g[..., H:2 * H]
            c[:, :a] += g[..., :H] * g[..., 3 * H:]
            np.multiply(g[..., 2 * H:3 * H], np.tanh(c[:, :a]), out=h[:, :a])
            states[t, :, :a] = h[:, :a]
        # each word's states: forward at its position, backward at its position from the end (the
        # backward pass ran over each sentence reversed); the words only, not the padding
        sentence = np.repeat(np.arange(n), lengths)
        position = np.arange(len(sentence)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        both = np.concatenate([states[position, 0, sentence], states[lengths[sentence] - 1 - position, 1, sentence]], axis=1)
        e = np.zeros((n, width, len(self.labels)), dtype=np.float32)
        e[sentence, position] = both @ self._out_w + self._out_b
        return e

    def scores(self, sentences: list[list[str]], documents=None):
        e = self.emissions(sentences)
        e[:, 0] += self.start
        return e


class EnsembleRecognizer(ViterbiTagger):
    """The BiLSTM-CRF and the CRF together: one Viterbi over the weighted sums of their label
    and transition scores (a weighted product of the two models' distributions).  They err apart (the
    LSTM reads whole sentences and the letters of unknown words, the CRF exact word
    features), so together they beat either (bench/ner.py)."""

    name = "ensemble"
    # two models' scores summed: twice one model's nudge for a part of a person's name; the
    # name bonus already outweighs most contexts (32 scored as 16 at article length, worse over
    # long documents, on the held-out tenth: ViterbiTagger)
    part_bonus = 2 * ViterbiTagger.part_bonus
    # the BiLSTM's scores weigh this much against the CRF's (its label scores run wider): on the
    # held-out tenth, ensemble F1 0.787 at 1, 0.791-0.797 anywhere from 0.3 to 0.8; the middle
    # of that plateau, not its best point (0.4), which is within the tenth's noise
    lstm_weight = 0.6

    def __init__(self, lstm_path: Optional[Path] = None, crf_path: Optional[Path] = None):
        self.lstm = LstmRecognizer(lstm_path)
        self.crf = CrfRecognizer(crf_path)
        self.labels = self.lstm.labels
        np = self.lstm._np
        missing = set(self.labels) ^ set(self.crf.labels)
        if missing:
            raise NERUnavailable(f"the BiLSTM and CRF models label differently ({sorted(missing)})")
        self._crf_order = np.array([self.crf.labels.index(t) for t in self.labels])
        self.trans = self.lstm_weight * self.lstm.trans + self.crf.trans[np.ix_(self._crf_order, self._crf_order)]

    def scores(self, sentences: list[list[str]], documents=None):
        e = self.lstm.scores(sentences)
        e *= self.lstm_weight
        e += self.crf.emissions(sentences, documents)[:, :, self._crf_order]
        return e

    def word_stems(self, sentences: list[list[str]]) -> list[list[str]]:
        return self.crf.word_stems(sentences)
