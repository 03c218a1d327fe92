"""Stages 3-4: matching key with offset map, then tokens, sentences and lines."""
from __future__ import annotations

from ..document import Doc, Token
from ..lexicon import TOKEN_RE
from ..normalize import normalize

SENTENCE_END = frozenset({".", "!", "?", "؟", "…"})


def normalize_stage(doc: Doc) -> Doc:
    """Build the matching key of the cleaned text with its offset map."""
    doc.norm = normalize(doc.text)
    return doc


def segment(doc: Doc) -> Doc:
    """Tokens with key offsets; sentences and lines as token index ranges."""
    key = doc.norm.key
    new = tuple.__new__  # a NamedTuple's own __new__ costs several times more per token
    doc.tokens = [new(Token, (m.start(), m.end(), m.group(), m.lastgroup)) for m in TOKEN_RE.finditer(key)]
    toks = doc.tokens
    sentences, lines = [], []
    sent_start = line_start = 0
    find = key.find
    for i, t in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        newline = nxt is None or find("\n", t.end, nxt.start) >= 0
        if t.key in SENTENCE_END or newline:
            if i + 1 > sent_start:
                sentences.append((sent_start, i + 1))
            sent_start = i + 1
        if newline:
            lines.append((line_start, i + 1))
            line_start = i + 1
    doc.sentences, doc.lines = sentences, lines
    return doc
