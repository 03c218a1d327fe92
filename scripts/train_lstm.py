"""Train the shipped BiLSTM-CRF NER model (PyTorch) from the ANERcorp train part.

    python scripts/train_lstm.py [--shared ../shared] [--out pipeline/data/ner_lstm/model.npz]
                                 [--epochs 25] [--seed 1] [--dev]

The data and word features are those of scripts/train_crf.py: the train part of
ANERcorp rebuilt in the CAMeL Lab split style (never its test part), words as
Khabar's keys, the gazetteer classes with the corpus-only person names withheld
(train_ner.py says why).  Each word is read as embeddings of the word, its stem
without و/ب/ال, the proclitics, its gazetteer class and its three word clusters
(``pipeline.lstm.feature_values``), plus a character CNN over its letters.  A
bidirectional LSTM reads the sentence and a CRF layer scores label sequences.  (The
spaCy model's floret subword vectors as a further input scored the same on the
ANERcorp test part, 0.711 against 0.708, and would load spaCy into every worker.)

Where it differs from the CRF: the LSTM sees the whole sentence, and the letters
of a word it never met (ناسا، فولكسفاجن، شارابوفا).  On its own it scores about as
well as the CRF; the two make different errors, and ``--ner ensemble`` adds their
scores (``pipeline.lstm``).

PyTorch is needed only here (camel-tools installs it); the pipeline runs the
exported weights with numpy.  One thread and a fixed seed: a rerun on the same
machine gives the same model.  About 15 minutes on one core.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from pipeline.lstm import FEATURES, LSTM_MODEL, MAX_CHARS, allowed_transition, feature_values  # noqa: E402
from pipeline.ner import (ARTICLE_SENTENCES, _classify, _word_classes, iob_spans, read_conll,  # noqa: E402
                          score_spans, to_key_words)

# embedding widths per word feature (FEATURES' order), and the rest of the architecture
DIMS = {"w": 64, "s": 64, "p": 8, "c": 16, "k64": 8, "k256": 16, "k1k": 32}
MIN_COUNT = {"w": 2, "s": 2}  # rarer words and stems share the unknown row
CHAR_DIMS, CHAR_FILTERS, HIDDEN = 32, 64, 128
DROPOUT, WORD_DROPOUT = 0.5, 0.1
LEARNING_RATE, BATCH, CLIP = 2e-3, 16, 5.0


def tables(sentences, values) -> dict[str, list[str]]:
    """Each feature's known values, in id order (ids 0 and 1 are padding and unknown)."""
    out = {}
    for i, name in enumerate(FEATURES):
        counts = Counter(v[i] for sent in values for v in sent)
        out[name] = sorted(x for x, n in counts.items() if n >= MIN_COUNT.get(name, 1))
    out["chars"] = sorted({ch for words, _ in sentences for w in words for ch in w})
    return out


def build_model(vocab: dict[str, list[str]], n_tags: int, tags: list[str], hidden: int = HIDDEN):
    import torch
    import torch.nn as nn

    class BiLstmCrf(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.ModuleDict({k: nn.Embedding(len(vocab[k]) + 2, DIMS[k], padding_idx=0) for k in FEATURES})
            self.char_emb = nn.Embedding(len(vocab["chars"]) + 2, CHAR_DIMS, padding_idx=0)
            self.conv = nn.Conv1d(CHAR_DIMS, CHAR_FILTERS, 3, padding=1)
            width = sum(DIMS.values()) + CHAR_FILTERS
            self.drop = nn.Dropout(DROPOUT)
            self.lstm = nn.LSTM(width, hidden, batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * hidden, n_tags)
            self.trans = nn.Parameter(torch.zeros(n_tags, n_tags))
            self.start = nn.Parameter(torch.zeros(n_tags))
            # I-X only after B-X or I-X: the forbidden moves get a score no path takes
            self.register_buffer("trans_mask", torch.tensor(
                [[0.0 if allowed_transition(a, b) else -1e4 for b in tags] for a in tags]))
            self.register_buffer("start_mask", torch.tensor([0.0 if allowed_transition(None, b) else -1e4 for b in tags]))

        def word_inputs(self, ids, chars):
            """ids: B x L x features; chars: B x L x W (0 = padding)."""
            parts = [self.emb[k](ids[:, :, i]) for i, k in enumerate(FEATURES)]
            B, L, W = chars.shape
            e = self.char_emb(chars.view(B * L, W)).transpose(1, 2)
            h = torch.relu(self.conv(e)).masked_fill((chars.view(B * L, 1, W) == 0), 0.0)
            parts.append(h.max(dim=2).values.view(B, L, -1))
            return torch.cat(parts, -1)

        def emissions(self, ids, chars, lengths):
            x = self.drop(self.word_inputs(ids, chars))
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            o, _ = self.lstm(packed)
            o, _ = nn.utils.rnn.pad_packed_sequence(o, batch_first=True, total_length=ids.shape[1])
            return self.out(self.drop(o))

        def nll(self, ids, chars, lengths, y):
            em = self.emissions(ids, chars, lengths)
            B, L, _ = em.shape
            mask = torch.arange(L)[None, :] < lengths[:, None]
            trans, start = self.trans + self.trans_mask, self.start + self.start_mask
            gold = start[y[:, 0]] + em[:, 0].gather(1, y[:, :1]).squeeze(1)
            alpha = start[None] + em[:, 0]
            for t in range(1, L):
                m = mask[:, t]
                gold = gold + m * (trans[y[:, t - 1], y[:, t]] + em[:, t].gather(1, y[:, t:t + 1]).squeeze(1))
                step = torch.logsumexp(alpha[:, :, None] + trans[None] + em[:, t][:, None, :], dim=1)
                alpha = torch.where(m[:, None], step, alpha)
            return (torch.logsumexp(alpha, 1) - gold).sum()

    return BiLstmCrf()


def indexes(vocab) -> tuple[list[dict[str, int]], dict[str, int]]:
    """value -> id for each feature in FEATURES' order, and letter -> id (as pipeline.lstm reads them)."""
    return ([{x: i + 2 for i, x in enumerate(vocab[k])} for k in FEATURES],
            {c: i + 2 for i, c in enumerate(vocab["chars"])})


def encode(words, values, index):
    """One sentence as (feature ids, char ids); ``index``: indexes(vocab)."""
    features, chars = index
    ids = [[t.get(x, 1) for t, x in zip(features, v)] for v in values]
    char_ids = [[chars.get(c, 1) for c in w[:MAX_CHARS]] for w in words]
    return ids, char_ids


def collate(batch, word_dropout=0.0):
    import torch

    B, L = len(batch), max(len(b[0]) for b in batch)
    W = max(len(c) for b in batch for c in b[1])
    ids = torch.zeros(B, L, len(FEATURES), dtype=torch.long)
    chars = torch.zeros(B, L, W, dtype=torch.long)
    for i, (fids, cids, *_) in enumerate(batch):
        ids[i, :len(fids)] = torch.tensor(fids)
        for j, c in enumerate(cids):
            chars[i, j, :len(c)] = torch.tensor(c)
    if word_dropout:  # unknown words are what new text has most: train the unknown rows on known ones
        drop = torch.rand(B, L) < word_dropout
        ids[:, :, 0] = ids[:, :, 0].masked_fill(drop & (ids[:, :, 0] > 0), 1)
    return ids, chars, torch.tensor([len(b[0]) for b in batch])


def export(model, vocab, tags, out: Path) -> Path:
    """The weights and tables as one .npz that pipeline.lstm reads with numpy (float16 weights)."""
    import numpy as np

    sd = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    arrays = {"tags": np.array(tags), "chars": np.array(vocab["chars"])}
    for k in FEATURES:
        arrays[f"vocab_{k}"] = np.array(vocab[k], dtype=str)
        arrays[f"emb_{k}"] = sd[f"emb.{k}.weight"]
    arrays["char_emb"] = sd["char_emb.weight"]
    arrays["conv_w"], arrays["conv_b"] = sd["conv.weight"], sd["conv.bias"]
    for d, suffix in (("f", ""), ("b", "_reverse")):
        arrays[f"w_ih_{d}"] = sd[f"lstm.weight_ih_l0{suffix}"]
        arrays[f"w_hh_{d}"] = sd[f"lstm.weight_hh_l0{suffix}"]
        arrays[f"b_{d}"] = sd[f"lstm.bias_ih_l0{suffix}"] + sd[f"lstm.bias_hh_l0{suffix}"]
    arrays["out_w"], arrays["out_b"] = sd["out.weight"], sd["out.bias"]
    arrays["trans"] = sd["trans"] + sd["trans_mask"]
    arrays["start"] = sd["start"] + sd["start_mask"]
    arrays = {k: v.astype(np.float16) if v.dtype == np.float32 else v for k, v in arrays.items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **arrays)
    return out


def train(sentences, classify, epochs: int, seed: int, on_epoch=None, hidden: int = HIDDEN):
    """Fit the model on (words, IOB tags) sentences; returns (model, vocab, tags)."""
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    sentences = [(to_key_words(w), t) for w, t in sentences if w]
    values = [[feature_values(w, classify) for w in words] for words, _ in sentences]
    vocab = tables(sentences, values)
    tags = sorted({t for _, ts in sentences for t in ts})
    tag_id = {t: i for i, t in enumerate(tags)}
    index = indexes(vocab)
    data = [(*encode(words, v, index), [tag_id[t] for t in ts])
            for (words, ts), v in zip(sentences, values)]
    model = build_model(vocab, len(tags), tags, hidden)
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=LEARNING_RATE)
    order = sorted(range(len(data)), key=lambda i: len(data[i][0]))  # batches of like lengths
    batches = [order[i:i + BATCH] for i in range(0, len(order), BATCH)]
    for epoch in range(epochs):
        t0 = time.perf_counter()
        rng.shuffle(batches)
        model.train()
        total = 0.0
        for b in batches:
            batch = [data[i] for i in b]
            ids, chars, lengths = collate(batch, WORD_DROPOUT)
            y = torch.zeros(ids.shape[:2], dtype=torch.long)
            for i, item in enumerate(batch):
                y[i, :len(item[2])] = torch.tensor(item[2])
            opt.zero_grad()
            loss = model.nll(ids, chars, lengths, y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
            opt.step()
            total += loss.item()
        model.eval()
        if on_epoch:
            on_epoch(epoch, total, time.perf_counter() - t0, model, vocab, tags)
    return model, vocab, tags


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=LSTM_MODEL)
    ap.add_argument("--epochs", type=int, default=25)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--hidden", type=int, default=HIDDEN, help=f"LSTM units each way (default {HIDDEN})")
    ap.add_argument("--dev", action="store_true", help="hold out the last tenth, score it every epoch; write no model")
    args = ap.parse_args(argv)

    import torch

    from train_ner import corpus_only_names

    torch.set_num_threads(args.threads)
    sents = list(read_conll(args.shared / "ner" / "anercorp_camel_style_reconstructed" / "ANERCorp_CamelStyle_train.txt"))
    held = []
    if args.dev:
        cut = len(sents) * 9 // 10
        sents, held = sents[:cut], sents[cut:]
    classes = _word_classes(corpus_only_names(args.shared))

    def report(epoch, loss, secs, model, vocab, tags):
        line = f"epoch {epoch + 1}: loss {loss:.0f} ({secs:.0f} s)"
        if held:
            from pipeline.lstm import LstmRecognizer

            path = export(model, vocab, tags, args.out.with_suffix(".dev.npz"))
            ner = LstmRecognizer(path)
            # read as articles, as bench/ner.py reads the test part
            pred = ner.predict([to_key_words(w) for w, _ in held], [i // ARTICLE_SENTENCES for i in range(len(held))])
            m = score_spans([iob_spans(t) for _, t in held], pred)["micro"]
            line += f"; held-out tenth P {m['p']:.3f} R {m['r']:.3f} F1 {m['f1']:.3f}"
            path.unlink()
        print(line, flush=True)

    print(f"training on {len(sents)} sentences", flush=True)
    model, vocab, tags = train(sents, lambda w: _classify(w, classes), args.epochs, args.seed,
                               report, args.hidden)
    if not args.dev:
        out = export(model, vocab, tags, args.out)
        print(f"model -> {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
