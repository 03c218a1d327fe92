"""The document type every stage reads and extends."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional

from .normalize import Normalized


class Token(NamedTuple):
    """A token of the matching key: key offsets, key string, and its kind."""

    start: int  # key offsets
    end: int
    key: str
    kind: str  # "num" | "word" | "latin" | "punct"


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

    def text_span(self, tok_start: int, tok_end: int) -> tuple[int, int]:
        """Text offsets of tokens [tok_start, tok_end)."""
        assert self.norm is not None
        return self.norm.span(self.tokens[tok_start].start, self.tokens[tok_end - 1].end)

    def surface(self, tok_start: int, tok_end: int) -> str:
        s, e = self.text_span(tok_start, tok_end)
        return self.text[s:e]
