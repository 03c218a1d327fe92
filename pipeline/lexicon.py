"""Token-sequence lexicons built from the data tables, matched longest first.

Every table form is tokenized with the same tokenizer as the article key, so a
multi-word form (فرصة عمل، ما يزيد على) matches a run of article tokens.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import compress
from typing import Any, Generic, Iterable, Optional, Sequence, TypeVar

import re

import regex  # noqa: F401  (kept for callers that import it from here)

from .normalize import key

T = TypeVar("T")

# One pattern tokenizes both the article key and every lexicon form.
_LATIN = "A-Za-z\u00C0-\u024F\u1E00-\u1EFF"
# stdlib re: this pattern runs over every character of every article, and re is
# faster than the regex module on it; Latin is spelled out as ranges for that reason.
# The kinds start with disjoint characters (punct last), so their order only sets speed:
# Arabic words, most of the tokens, are tried first (a quarter off the tokenizing time).
TOKEN_RE = re.compile(
    rf"""
    (?P<word>[\u0621-\u064A\u066E-\u06D3\u06FA-\u06FF]+)  # Arabic letters (key has no marks)
    |(?P<num>\d+ر\d+(?!\w)             # Tunisian wire decimal written fraction-first: 2ر70
      |\d+(?:[.,،]\d+)*                # digits, with decimal or grouping separators
      |(?<![\w.])\.\d+)                # a leading decimal point: .77
    |(?P<latin>[{_LATIN}]+(?:['’][{_LATIN}]+)?)             # Latin-script words
    |(?P<punct>\S)                     # any other visible character, one at a time
    """,
    re.VERBOSE,
)

# Proclitics that may stick to a word or a number: longest first.
PROCLITICS = ("وبال", "ولل", "وال", "فال", "بال", "كال", "لل", "وب", "ول", "وك", "فب", "فل",
              "ال", "و", "ف", "ب", "ل", "ك")
# The subset that may precede a number (و54.3، بـ3، لـ200، ال70).
NUMBER_CLITICS = frozenset({"و", "ف", "ب", "ل", "ك", "ال", "وب", "ول", "بال", "لل", "وال", "فب", "وبال"})


def with_clitics(words, clitics=PROCLITICS) -> frozenset:
    """Every written form of ``words`` behind a proclitic (for cheap prefilters): الشركة, والشركة, للشركة…"""
    out = set()
    for w in words:
        for c in ("",) + tuple(clitics):
            out.add(c + w)
            if w.startswith("ال"):
                out.add(c + "ل" + w[2:])  # ل + ال writes لل
    return frozenset(out)


def tokenize_key(s: str) -> list[tuple[int, int, str, str]]:
    """(start, end, text, kind) for each token of a key string."""
    return [(m.start(), m.end(), m.group(), m.lastgroup) for m in TOKEN_RE.finditer(s)]


def form_tokens(form: str) -> tuple[str, ...]:
    """A table form as a tuple of token keys (Latin folded to lower case)."""
    return tuple(t[2].lower() for t in tokenize_key(key(form)))


@lru_cache(maxsize=131_072)  # the hot vocabulary; bounded so long runs stay flat
def strip_clitic(word: str, allowed: tuple = PROCLITICS, min_rest: int = 2) -> tuple[tuple[str, str], ...]:
    """All (clitic, rest) readings of a word, the bare word first. ``allowed`` is a tuple."""
    out = [("", word)]
    for c in allowed:
        if word.startswith(c) and len(word) - len(c) >= min_rest:
            out.append((c, word[len(c):]))
            if c.endswith("لل"):
                # ل + ال writes لل: للصين is ل + الصين
                out.append((c, "ال" + word[len(c):]))
    return tuple(out)


def positions(keys: Sequence[str], forms, a: int = 0, b: Optional[int] = None) -> list[int]:
    """Indexes j in [a, b) whose key is in ``forms``. Over a whole article the scan runs in C
    (compress over a membership map) instead of a Python step per token; over a window around
    a quantity a plain loop costs less than setting that up."""
    b = len(keys) if b is None else min(b, len(keys))
    if b - a <= 32:
        return [j for j in range(a, b) if keys[j] in forms]
    return list(compress(range(a, b), map(forms.__contains__, keys[a:b])))


class PhraseTable(Generic[T]):
    """Maps token tuples to payloads; finds the longest entry starting at a token."""

    def __init__(self, entries: Iterable[tuple[str, T]] = ()):
        self._by_first: dict[str, list[tuple[tuple[str, ...], T]]] = {}
        # the same buckets as (tokens after the first, entry length, payload), for match
        self._rest_by_first: dict[str, list[tuple[tuple[str, ...], int, T]]] = {}
        self._forms: Optional[frozenset] = None
        self._forms_size = 0
        self.max_len = 0
        for form, payload in entries:
            self.add(form, payload)

    def add(self, form: str | tuple[str, ...], payload: T) -> None:
        toks = form if isinstance(form, tuple) else form_tokens(form)
        if not toks:
            return
        bucket = self._by_first.setdefault(toks[0], [])
        if any(t == toks for t, _ in bucket):
            return  # first entry wins: tables are ordered specific-first
        bucket.append((toks, payload))
        bucket.sort(key=lambda e: -len(e[0]))
        self._rest_by_first[toks[0]] = [(t[1:], len(t), p) for t, p in bucket]
        self.max_len = max(self.max_len, len(toks))

    def __contains__(self, form: str) -> bool:
        toks = form_tokens(form)
        return any(t == toks for t, _ in self._by_first.get(toks[0], [])) if toks else False

    def match(self, keys: Sequence[str], i: int, first: Optional[str] = None) -> Optional[tuple[int, T]]:
        """Longest entry at ``keys[i:]``; ``first`` overrides keys[i] (a clitic-stripped form).

        Returns (end index exclusive, payload) or None.
        """
        head = keys[i] if first is None else first
        for rest, n, payload in self._rest_by_first.get(head, ()):
            if n == 1:
                return i + 1, payload
            after = keys[i + 1:i + n]  # one slice compared in C, not a loop over tokens
            if (after if type(after) is tuple else tuple(after)) == rest:
                return i + n, payload
        return None

    def starting_forms(self) -> frozenset:
        """Every first token of an entry, as written bare and with any proclitic."""
        if self._forms is None or self._forms_size != len(self._by_first):
            self._forms = with_clitics(self._by_first, PROCLITICS)
            self._forms_size = len(self._by_first)
        return self._forms

    def could_start(self, word: str) -> bool:
        """One set lookup: is this word, as written with any proclitic, the first token of an entry?"""
        return word in self.starting_forms()

    def starts(self, keys: Sequence[str]) -> list[int]:
        """Indexes of the keys that could start an entry: the only places worth a match."""
        return positions(keys, self.starting_forms())

    def match_clitic(self, keys: Sequence[str], i: int, clitics: Iterable[str] = PROCLITICS
                     ) -> Optional[tuple[int, T, str]]:
        """Like match, also trying the first token without a proclitic. Returns (end, payload, clitic)."""
        if not self.could_start(keys[i]):
            return None
        for clitic, rest in strip_clitic(keys[i], clitics):
            m = self.match(keys, i, rest)
            if m:
                return m[0], m[1], clitic
        return None

    def first_tokens(self) -> set[str]:
        return set(self._by_first)

    def items(self) -> Iterable[tuple[tuple[str, ...], Any]]:
        for bucket in self._by_first.values():
            yield from bucket
