"""Stages 3-4: matching key with offset map, then tokens, sentences and lines."""
from __future__ import annotations

import re
from bisect import bisect_left
from itertools import islice, repeat
from operator import attrgetter
from re import Match

from ..document import Doc, Token
from ..lexicon import TOKEN_RE
from ..normalize import normalize

SENTENCE_END = frozenset({".", "!", "?", "؟", "…"})
_STOP = re.compile("[" + re.escape("".join(sorted(SENTENCE_END))) + "]")
_NEWLINE = re.compile("\n")
_LASTGROUP = attrgetter("lastgroup")
MATCH_BATCH = 65_536


def normalize_stage(doc: Doc) -> Doc:
    """Build the matching key of the cleaned text with its offset map."""
    doc.norm = normalize(doc.text)
    return doc


def segment(doc: Doc) -> Doc:
    """Tokens with key offsets; sentences and lines as token index ranges."""
    key = doc.norm.key
    # Each field of the matches in its own C-level pass, and the tokens zipped from those
    # columns: a third less time than one Python expression per match, and the columns
    # every later stage scans come for free. The matches are held a batch at a time (190
    # bytes each: all of a 20-million-character article's would take 700 MB more).
    starts: list[int] = []
    ends: list[int] = []
    keys: list[str] = []
    kinds: list[str] = []
    matches = TOKEN_RE.finditer(key)
    while found := list(islice(matches, MATCH_BATCH)):
        starts += map(Match.start, found)
        ends += map(Match.end, found)
        keys += map(Match.group, found)
        kinds += map(_LASTGROUP, found)
    # tuple.__new__: a NamedTuple's own __new__ costs several times more per token
    doc.tokens = toks = list(map(tuple.__new__, repeat(Token), zip(starts, ends, keys, kinds)))
    doc.keep_columns(starts, ends, keys, kinds)
    # Boundaries come from the few newlines and full stops, found by position, rather than
    # from a look at every token (a fifth of this stage's time on news text).
    line_ends = {bisect_left(starts, m.start()) for m in _NEWLINE.finditer(key)}
    line_ends.discard(0)
    line_ends.add(len(toks))
    sent_ends = set(line_ends)
    for m in _STOP.finditer(key):
        i = bisect_left(starts, m.start())
        if i < len(toks) and starts[i] == m.start() and toks[i].key in SENTENCE_END:
            sent_ends.add(i + 1)
    doc.sentences = _ranges(sent_ends) if toks else []
    doc.lines = _ranges(line_ends) if toks else []
    return doc


def _ranges(ends: set) -> list[tuple[int, int]]:
    """Consecutive (start, end) token ranges closed at each of ``ends``."""
    out, start = [], 0
    for e in sorted(ends):
        out.append((start, e))
        start = e
    return out
