"""The pipeline: one explicit stage order, run over a few articles at a time.

Stage 1 (read) turns inputs into documents and the writer (stages/write.py) stores
the records; the stages in between each take and return one ``Doc``, except the
statistical NER model's (``tag_names``), which tags the names of all the articles
of a batch in one call.
"""
from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional, Union

from .batch import in_batches
from .document import Doc
from .models import ArticleRecord
from .stages.clean import clean
from .stages.clusters import clusters
from .stages.entities import entities, link, tag_names
from .stages.facts import facts
from .stages.quantities import quantities
from .stages.read import ReadError, read_inputs
from .stages.segment import normalize_stage, segment
from .stages.validate import validate

STAGES: list[tuple[str, Callable]] = [
    ("clean", clean),
    ("normalize", normalize_stage),
    ("segment", segment),
    ("quantities", quantities),
    ("entities", entities),
    ("tag_names", tag_names),  # over many articles at once (stages.over_many)
    ("link", link),
    ("facts", facts),
    ("clusters", clusters),
    ("validate", validate),
]


class StageError(Exception):
    """A stage failed on an article: names both."""

    def __init__(self, stage: str, article_id: str, path: str, cause: BaseException):
        self.stage, self.article_id, self.path, self.cause = stage, article_id, path, cause
        super().__init__(f"stage {stage!r} failed on article {article_id!r} ({path}): {type(cause).__name__}: {cause}")


class ArticleTimeout(Exception):
    """An article went over its time budget."""


def _alarm(signum, frame):
    raise ArticleTimeout()


@contextmanager
def _budget(seconds: Optional[float]):
    """Raise ArticleTimeout in the block after ``seconds`` (None: no budget; only in a process's
    main thread, where SIGALRM is delivered: dask runs tasks in worker threads)."""
    if seconds is None or not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-6))  # no time left: time out at once
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


ARTICLES_AT_ONCE = 16  # articles a batch stage reads in one call (bench/throughput.py: 8-32 alike, 1 slowest)


def process_many(docs: list[Doc], timeout: float = 0) -> list[Union[ArticleRecord, StageError]]:
    """Run every stage on each document: each article's record, or the StageError that stopped it.

    An article that fails leaves the others running.  ``timeout``: seconds each article may
    take (0: no limit), its share of a stage over many included; when a stage over many fails
    or runs over, it runs again one article at a time, so the error names the article."""
    results: list = [None] * len(docs)
    left: list[Optional[float]] = [timeout if timeout > 0 else None] * len(docs)  # each article's seconds
    live = list(range(len(docs)))

    def run_one(name: str, stage: Callable, k: int) -> bool:
        t0 = time.perf_counter()
        try:
            with _budget(left[k]):
                docs[k] = stage(docs[k])
            return True
        except Exception as e:  # noqa: BLE001 - kept with the stage and article named
            results[k] = StageError(name, docs[k].article_id, docs[k].path, e)
            results[k].__cause__ = e
            return False
        finally:
            if left[k] is not None:
                left[k] -= time.perf_counter() - t0

    try:
        for name, stage in STAGES:
            if not getattr(stage, "over_many", False):
                live = [k for k in live if run_one(name, stage, k)]
                continue
            if not live:
                break
            t0 = time.perf_counter()
            budgets = [left[k] for k in live]
            try:
                with _budget(None if None in budgets else sum(budgets)):
                    done = stage([docs[k] for k in live])
            except Exception:  # noqa: BLE001 - each article again alone: the error names its own
                live = [k for k in live if run_one(name, lambda d: stage([d])[0], k)]
                continue
            for k, d in zip(live, done):
                docs[k] = d
                if left[k] is not None:
                    left[k] -= (time.perf_counter() - t0) / len(live)
        for k in live:
            results[k] = docs[k].record
    finally:
        for d in docs:
            d.release()
    return results


def process(doc: Doc) -> ArticleRecord:
    """Run every stage on one document and return its validated record."""
    result = process_many([doc])[0]
    if isinstance(result, StageError):
        raise result
    return result


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
    for batch in in_batches(read_inputs(inputs), ARTICLES_AT_ONCE):
        docs = [item for item in batch if not isinstance(item, ReadError)]
        done = iter(process_many(docs))
        for item in batch:
            result = item if isinstance(item, ReadError) else next(done)
            if isinstance(result, ReadError):
                yield ErrorRow(result.path, result.article_id, result.stage, result.reason)
            elif isinstance(result, StageError):
                yield ErrorRow(result.path, result.article_id, result.stage, f"{type(result.cause).__name__}: {result.cause}")
            else:
                yield result
