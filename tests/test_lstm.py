"""The BiLSTM-CRF NER model: numpy inference against PyTorch, the shared Viterbi, the ensemble."""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline import ner
from pipeline.lstm import EnsembleRecognizer, LstmRecognizer, allowed_transition
from pipeline.ner import NERUnavailable, best_paths, recognizer

ROOT = Path(__file__).resolve().parent.parent
TAGS = ["B-LOC", "B-PERS", "I-LOC", "I-PERS", "O"]

SENTENCES = [
    ("قال الرئيس سمير العلي امس".split(), ["O", "O", "B-PERS", "I-PERS", "O"]),
    ("وصل الوزير كمال الحسن الى القاهره".split(), ["O", "O", "B-PERS", "I-PERS", "O", "B-LOC"]),
    ("زار الرئيس نبيل الشامي القاهره".split(), ["O", "O", "B-PERS", "I-PERS", "B-LOC"]),
    ("سافر الى نيويورك".split(), ["O", "O", "B-LOC"]),
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A model this test trains (two epochs on four sentences) and its export: no shipped file involved."""
    torch = pytest.importorskip("torch")  # camel-tools installs it; the pipeline itself does not use it
    sys.path.insert(0, str(ROOT / "scripts"))
    import train_lstm

    torch.set_num_threads(1)
    model, vocab, tags = train_lstm.train(SENTENCES * 3, ner.word_class, epochs=2, seed=3)
    path = train_lstm.export(model, vocab, tags, tmp_path_factory.mktemp("lstm") / "model.npz")
    return train_lstm, model, vocab, path


def test_allowed_transitions_are_iob():
    assert allowed_transition(None, "B-PERS") and allowed_transition(None, "O")
    assert not allowed_transition(None, "I-PERS")
    assert allowed_transition("B-PERS", "I-PERS") and allowed_transition("I-PERS", "I-PERS")
    assert not allowed_transition("O", "I-LOC") and not allowed_transition("B-PERS", "I-LOC")


def test_numpy_inference_equals_pytorch(tiny):
    """The exported weights (float16) run with numpy give PyTorch's label scores."""
    import torch

    from pipeline.lstm import feature_values

    train_lstm, model, vocab, path = tiny
    rec = LstmRecognizer(path)
    sentences = [w for w, _ in SENTENCES] + [
        ["كلمه", ""], "وقال المهندس xyzzy في 2024 ان".split(), ["ا" * 40, "؟"], "شركه فولكسفاجن الالمانيه".split()]
    state = {k: v.half().float() if v.dtype == torch.float32 else v for k, v in model.state_dict().items()}
    model.load_state_dict(state)
    model.eval()
    index = train_lstm.indexes(vocab)
    batch = [train_lstm.encode(s, [feature_values(w) for w in s], index) for s in sentences]
    ids, chars, lengths = train_lstm.collate(batch)
    with torch.no_grad():
        expected = model.emissions(ids, chars, lengths).numpy()
    got = rec.emissions(sentences)
    inside = np.arange(got.shape[1])[None, :] < lengths.numpy()[:, None]
    assert got.shape == expected.shape
    assert np.abs(got[inside] - expected[inside]).max() < 1e-4
    assert not got[~inside].any()
    # a sentence's scores do not depend on what else is in the call
    assert np.allclose(rec.emissions([sentences[5]])[0], got[5, :len(sentences[5])], atol=1e-5)


def test_trained_model_tags_and_loads_through_recognizer(tiny):
    _, _, _, path = tiny
    rec = recognizer("lstm", str(path))
    assert rec.predict([[], ["وصل", "الوزير", "كمال", "الحسن"]])[0] == []
    assert all(lab in {"PERS", "LOC"} for s in rec.predict([w for w, _ in SENTENCES]) for _, _, lab in s)
    ner.check("lstm", str(path))


@pytest.mark.parametrize("seed", range(5))
def test_best_paths_is_the_exhaustive_best(seed):
    rng = np.random.default_rng(seed)
    lengths = [1, 3, 4, 2]
    e = rng.normal(size=(len(lengths), max(lengths), 3))
    trans = rng.normal(size=(3, 3))
    labels = ["a", "b", "c"]
    for k, n in enumerate(lengths):
        e[k, n:] = rng.normal(size=(max(lengths) - n, 3)) * 100  # past the end: must be ignored
    got = best_paths(e, lengths, trans, labels)
    for k, n in enumerate(lengths):
        best = max(itertools.product(range(3), repeat=n),
                   key=lambda p: sum(e[k, t, p[t]] for t in range(n)) + sum(trans[a, b] for a, b in zip(p, p[1:])))
        assert got[k] == [labels[i] for i in best]


def test_missing_or_broken_model_says_what_to_do(tmp_path):
    with pytest.raises(NERUnavailable, match="train_lstm.py"):
        ner.check("lstm", str(tmp_path))
    with pytest.raises(NERUnavailable, match="train_lstm.py"):
        ner.check("ensemble", str(tmp_path / "model.npz"))
    bad = tmp_path / "model.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(NERUnavailable, match="not a BiLSTM model"):
        LstmRecognizer(bad)


def test_shipped_model_is_small():
    rec = LstmRecognizer()
    assert ner.LSTM_MODEL.stat().st_size < 6_000_000
    assert set(rec.labels) == {"O"} | {f"{b}-{t}" for b in "BI" for t in ("PERS", "LOC", "ORG", "MISC")}


def test_ensemble_adds_both_models_scores():
    ens = EnsembleRecognizer()
    words = "وقال الرئيس الفرنسي ايمانويل ماكرون في باريس امس".split()
    order = [ens.crf.labels.index(t) for t in ens.labels]
    e = ens.lstm.emissions([words]) + ens.crf.emissions([words])[:, :, order]
    e[:, 0] += ens.lstm.start
    trans = ens.lstm.trans + ens.crf.trans[np.ix_(order, order)]
    assert ens.tag_all([words, []]) == [best_paths(e, [len(words)], trans, ens.labels)[0], []]
    assert (3, 5, "PERS") in ens.predict([words])[0] and (6, 7, "LOC") in ens.predict([words])[0]
