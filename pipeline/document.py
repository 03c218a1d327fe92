"""The document type every stage reads and extends."""
from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple, Optional

from .normalize import Normalized


class Token(NamedTuple):
    """A token of the matching key: key offsets, key string, and its kind."""

    start: int  # key offsets
    end: int
    key: str
    kind: str  # "num" | "word" | "latin" | "punct"


class TokenColumns(NamedTuple):
    """The tokens' fields as lists, which several stages scan whole."""

    starts: list[int]
    ends: list[int]
    keys: list[str]
    kinds: list[str]
    match_keys: list[str]  # keys with Latin words in lower case, as the tables are matched


_FIELDS = tuple(map(itemgetter, range(4)))


@dataclass
class Doc:
    article_id: str
    path: str
    raw: str
    encoding: str = "utf-8"
    sha256: str = ""
    title: str = ""
    url: Optional[str] = None
    date: Optional[str] = None
    text: str = ""  # cleaned text: every output offset indexes it
    norm: Optional[Normalized] = None
    tokens: list[Token] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)  # token index ranges
    lines: list[tuple[int, int]] = field(default_factory=list)  # token index ranges per line
    quantities: list[Any] = field(default_factory=list)
    entities: list[Any] = field(default_factory=list)
    facts: list[Any] = field(default_factory=list)
    clusters: list[Any] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    entity_regions: dict = field(default_factory=dict)  # entity id -> ISO 3166-2
    record: Any = None
    _columns: Any = field(default=None, repr=False, compare=False)  # (tokens, TokenColumns)

    def release(self) -> None:
        """Drop what stages cached on the document for each other (the facts' token view points
        back at it): without the cycle an article is freed the moment it is done with, instead
        of waiting for the cyclic collector, which walked every token of it (29 % of a bulk
        run's time)."""
        for name in [n for n in vars(self) if n.startswith("_") and n != "_columns"]:
            delattr(self, name)

    def columns(self) -> TokenColumns:
        """The tokens' fields as lists, built once per token list."""
        if self._columns is not None and self._columns[0] is self.tokens:
            return self._columns[1]
        return self.keep_columns(*(list(map(get, self.tokens)) for get in _FIELDS))

    def vocabulary(self) -> frozenset:
        """The distinct keys of the article: a table none of whose forms is among them needs no scan."""
        cached = getattr(self, "_vocabulary", None)
        if cached is not None and cached[0] is self.tokens:
            return cached[1]
        vocab = frozenset(self.columns().keys)
        self._vocabulary = (self.tokens, vocab)
        return vocab

    def keep_columns(self, starts: list[int], ends: list[int], keys: list[str], kinds: list[str]) -> TokenColumns:
        """Cache the columns of the current tokens (the tokenizer has them before it has tokens)."""
        if "latin" in kinds:
            match_keys = [k.lower() if kind == "latin" else k for k, kind in zip(keys, kinds)]
        else:
            match_keys = list(keys)
        cols = TokenColumns(starts, ends, keys, kinds, match_keys)
        self._columns = (self.tokens, cols)
        return cols

    def text_span(self, tok_start: int, tok_end: int) -> tuple[int, int]:
        """Text offsets of tokens [tok_start, tok_end)."""
        assert self.norm is not None
        return self.norm.span(self.tokens[tok_start].start, self.tokens[tok_end - 1].end)

    def surface(self, tok_start: int, tok_end: int) -> str:
        s, e = self.text_span(tok_start, tok_end)
        return self.text[s:e]
