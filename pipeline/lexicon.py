"""Token-sequence lexicons built from the data tables, matched longest first.

Every table form is tokenized with the same tokenizer as the article key, so a
multi-word form (فرصة عمل، ما يزيد على) matches a run of article tokens.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Generic, Iterable, Optional, Sequence, TypeVar

import regex

from .normalize import key

T = TypeVar("T")

# One pattern tokenizes both the article key and every lexicon form.
TOKEN_RE = regex.compile(
    r"""
    (?P<num>\d+ر\d+(?![\d\p{L}])       # Tunisian wire decimal written fraction-first: 2ر70
      |\d+(?:[.,،]\d+)*                # digits, with decimal or grouping separators
      |(?<![\w.])\.\d+)                # a leading decimal point: .77
    |(?P<word>[\u0621-\u064A\u066E-\u06D3\u06FA-\u06FF]+)  # Arabic letters (key has no marks)
    |(?P<latin>[\p{Latin}]+(?:['’][\p{Latin}]+)?)          # Latin-script words
    |(?P<punct>\S)                     # any other visible character, one at a time
    """,
    regex.VERBOSE,
)

# Proclitics that may stick to a word or a number: longest first.
PROCLITICS = ("وبال", "ولل", "وال", "فال", "بال", "كال", "لل", "وب", "ول", "وك", "فب", "فل",
              "ال", "و", "ف", "ب", "ل", "ك")
# The subset that may precede a number (و54.3، بـ3، لـ200، ال70).
NUMBER_CLITICS = frozenset({"و", "ف", "ب", "ل", "ك", "ال", "وب", "ول", "بال", "لل", "وال", "فب", "وبال"})


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


class PhraseTable(Generic[T]):
    """Maps token tuples to payloads; finds the longest entry starting at a token."""

    def __init__(self, entries: Iterable[tuple[str, T]] = ()):
        self._by_first: dict[str, list[tuple[tuple[str, ...], T]]] = {}
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
        self.max_len = max(self.max_len, len(toks))

    def __contains__(self, form: str) -> bool:
        toks = form_tokens(form)
        return any(t == toks for t, _ in self._by_first.get(toks[0], [])) if toks else False

    def match(self, keys: Sequence[str], i: int, first: Optional[str] = None) -> Optional[tuple[int, T]]:
        """Longest entry at ``keys[i:]``; ``first`` overrides keys[i] (a clitic-stripped form).

        Returns (end index exclusive, payload) or None.
        """
        head = keys[i] if first is None else first
        for toks, payload in self._by_first.get(head, ()):
            n = len(toks)
            if i + n <= len(keys) and all(keys[i + k] == toks[k] for k in range(1, n)):
                return i + n, payload
        return None

    def could_start(self, word: str) -> bool:
        """A cheap test: can this word, with up to four proclitic letters cut, begin an entry?"""
        b = self._by_first
        return (word in b or word[1:] in b or word[2:] in b or word[3:] in b or word[4:] in b
                or "ال" + word[2:] in b or "ال" + word[3:] in b)

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
