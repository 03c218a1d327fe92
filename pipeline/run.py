"""The pipeline: one explicit stage order, run article by article.

Stage 1 (read) turns inputs into documents and stage 10 (write) stores the
records; the stages in between each take and return one ``Doc``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional, Union

from .document import Doc
from .models import ArticleRecord
from .stages.clean import clean
from .stages.clusters import clusters
from .stages.entities import entities
from .stages.facts import facts
from .stages.quantities import quantities
from .stages.read import ReadError, read_inputs
from .stages.segment import normalize_stage, segment
from .stages.validate import validate

STAGES: list[tuple[str, Callable[[Doc], Doc]]] = [
    ("clean", clean),
    ("normalize", normalize_stage),
    ("segment", segment),
    ("quantities", quantities),
    ("entities", entities),
    ("facts", facts),
    ("clusters", clusters),
    ("validate", validate),
]


class StageError(Exception):
    """A stage failed on an article: names both."""

    def __init__(self, stage: str, article_id: str, path: str, cause: BaseException):
        self.stage, self.article_id, self.path, self.cause = stage, article_id, path, cause
        super().__init__(f"stage {stage!r} failed on article {article_id!r} ({path}): {type(cause).__name__}: {cause}")


def process(doc: Doc) -> ArticleRecord:
    """Run every stage on one document and return its validated record."""
    try:
        for name, stage in STAGES:
            try:
                doc = stage(doc)
            except Exception as e:  # noqa: BLE001 - re-raised with the stage and article named
                raise StageError(name, doc.article_id, doc.path, e) from e
        return doc.record
    finally:
        doc.release()


def extract_text(text: str, article_id: str = "text") -> ArticleRecord:
    """Convenience for library users: one article from a string."""
    from .stages.read import sha256

    return process(Doc(article_id=article_id, path="<string>", raw=text, sha256=sha256(text.encode())))


@dataclass
class ErrorRow:
    path: str
    article_id: Optional[str]
    stage: str
    reason: str


def run(inputs: Iterable[str]) -> Iterator[Union[ArticleRecord, ErrorRow]]:
    """Records and error rows, one per input article, in input order."""
    for item in read_inputs(inputs):
        if isinstance(item, ReadError):
            yield ErrorRow(item.path, item.article_id, item.stage, item.reason)
            continue
        try:
            yield process(item)
        except StageError as e:
            yield ErrorRow(e.path, e.article_id, e.stage, f"{type(e.cause).__name__}: {e.cause}")
