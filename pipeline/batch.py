"""Batch runs: parallel, resumable, nothing lost, dataset outputs.

Articles are processed in fixed-size batches, in input order.  Each finished
batch is written as a *part* (``OUT/.parts/part-NNNNNN.*``, atomically) and
recorded in ``OUT/.parts/manifest.jsonl`` with every article's key, content
hash and the pipeline version.  A run that is killed (even with SIGKILL) and
restarted with the same command skips what the manifest holds and carries on;
an unchanged input is skipped on later runs too.  At the end the parts are
merged, latest record per article, into the final files, each written under a
temporary name and renamed into place.
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import signal
import time
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from . import __version__
from .data import DATA_DIR
from .document import Doc
from .stages.read import ReadError, read_inputs

BATCH_SIZE = 64
FORMATS = ("jsonl", "csv", "parquet", "duckdb")


def pipeline_version() -> str:
    """Package version plus a digest of the code and the language tables: any edit re-runs articles."""
    from .ner import CRF_MODEL, DEFAULT_BACKEND, LSTM_MODEL, MODEL_DIR, WORD_CLUSTERS

    h = hashlib.sha256(__version__.encode())
    pkg = Path(__file__).parent
    backend, model = os.environ.get("KHABAR_NER", DEFAULT_BACKEND), os.environ.get("KHABAR_NER_MODEL", "")
    h.update(f"ner={backend}:{model}".encode())  # another model gives other entities
    files = list(pkg.rglob("*.py")) + list(DATA_DIR.glob("*"))
    if backend == "spacy" and not model:
        files += list(MODEL_DIR.rglob("*"))
    if backend in ("crf", "lstm", "ensemble"):
        files.append(WORD_CLUSTERS)  # read by these models' word features
    if backend == "ensemble" or (backend == "crf" and not model):
        files.append(CRF_MODEL)
    if backend in ("lstm", "ensemble") and not model:
        files.append(LSTM_MODEL)
    for p in sorted(files):
        if p.is_file():
            h.update(str(p.relative_to(pkg) if p.is_relative_to(pkg) else p.name).encode())
            h.update(p.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


def article_key(item) -> str:
    return f"{item.path}|{item.article_id}"


# --- the per-article function, the same for every engine --------------------------

def process_batch(docs: list[Doc], timeout: float = 0) -> list[dict]:
    """Run the pipeline on a few articles (run.process_many): per article, a result dict with
    serialized rows or an error row.  ``timeout``: each article's budget in seconds (0: none)."""
    from .run import ArticleTimeout, StageError, process_many
    from .stages.write import cluster_rows, dumps, fact_rows

    _warm()  # a no-op after the first call; dask workers have no initializer
    out = []
    for doc, rec in zip(docs, process_many(docs, timeout)):
        if isinstance(rec, StageError):
            if isinstance(rec.cause, ArticleTimeout):
                reason = f"over the {timeout:g} s per-article time budget"
            else:
                reason = f"{type(rec.cause).__name__}: {rec.cause}"
            out.append({"key": article_key(doc), "sha256": doc.sha256,
                        "error": {"path": doc.path, "article_id": doc.article_id, "stage": rec.stage, "reason": reason}})
        else:
            out.append({"key": article_key(doc), "sha256": doc.sha256, "article": dumps(rec),
                        "facts": [dumps(r) for r in fact_rows(rec)], "clusters": [dumps(r) for r in cluster_rows(rec)]})
        _collect_now_and_then()
    return out


def process_one(doc: Doc, timeout: float = 0) -> dict:
    """process_batch of one article."""
    return process_batch([doc], timeout)[0]


_WARM = False


def _warm() -> None:
    """Load tables and model once per worker so the first article does not pay for it."""
    global _WARM
    if _WARM:
        return
    from .run import extract_text

    # a name after a speech verb, so the NER model reads (and loads its word clusters) here too
    extract_text("انضمت 3 شركات في الصين بقيمة 5 مليارات دولار، وقال محمد العلي إن الشركة ستنمو.", "warmup")
    # The tables and the model live as long as the worker. Frozen, the cyclic garbage
    # collector stops walking them in every older-generation collection: its time on
    # 1,000 bulk articles went from 1.2-1.6 s to 0.9 s (of ~9 s).
    gc.freeze()
    # An article leaves no reference cycles (a test holds it to that), so reference counting
    # frees it; the automatic collector only walked the live articles' objects again and again
    # (3,000 bulk articles: 26.4 s with it, 23.5 s without). It runs every GC_EVERY articles
    # instead, for what cycles there are (an exception's traceback, a library's own).
    gc.disable()
    _WARM = True


GC_EVERY = 200
_done_since_gc = 0


def _collect_now_and_then() -> None:
    global _done_since_gc
    _done_since_gc += 1
    if _done_since_gc >= GC_EVERY:
        _done_since_gc = 0
        gc.collect()


_TIMEOUT = 0.0


def _worker_init(timeout: float) -> None:
    global _TIMEOUT
    _TIMEOUT = timeout
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _warm()


def _worker_process(docs: list[Doc]) -> list[dict]:
    return process_batch(docs, _TIMEOUT)


def _groups(docs: list[Doc], workers: int) -> list[list[Doc]]:
    """The articles in groups a worker runs together (run.process_many): ARTICLES_AT_ONCE at most,
    and at least four groups a worker while there are enough articles, so none waits idle long."""
    from .run import ARTICLES_AT_ONCE

    n = max(1, min(ARTICLES_AT_ONCE, len(docs) // (workers * 4)))
    return [docs[k:k + n] for k in range(0, len(docs), n)]


# --- engines: map a batch of docs to results, in order ------------------------------

class LocalEngine:
    """Processes on this machine: in-process for one worker, a process pool otherwise."""

    def __init__(self, workers: int, timeout: float):
        self.workers, self.timeout = workers, timeout
        self.pool = None
        if workers > 1:
            import multiprocessing as mp

            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
            self.pool = ctx.Pool(workers, initializer=_worker_init, initargs=(timeout,), maxtasksperchild=2000)
        else:
            _warm()

    def map(self, docs: list[Doc]) -> list[dict]:
        return self.result(self.submit(docs))

    def submit(self, docs: list[Doc]):
        """Start a batch; workers keep busy while the previous batch is being written."""
        if self.pool is None:
            return [r for group in _groups(docs, 1) for r in process_batch(group, self.timeout)]
        return self.pool.map_async(_worker_process, _groups(docs, self.workers), chunksize=1)

    def result(self, handle) -> list[dict]:
        return handle if isinstance(handle, list) else [r for group in handle.get() for r in group]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()


class DaskEngine:
    """Dask distributed: an existing scheduler (address) or a local cluster."""

    def __init__(self, workers: int, timeout: float, scheduler: Optional[str] = None):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as e:  # pragma: no cover - exercised only without the extra
            raise RuntimeError("the dask engine needs the optional extra: pip install 'khabar[dask]'") from e
        self.workers, self.timeout = workers, timeout
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=40)
            self.client = Client(self.cluster)

    def submit(self, docs: list[Doc]):
        # SIGALRM only works in a process's main thread, and dask runs tasks in worker
        # threads: the per-article budget is not enforced on this engine.
        return self.client.map(process_batch, _groups(docs, self.workers), timeout=0, pure=False)

    def result(self, handle) -> list[dict]:
        return [r for group in self.client.gather(handle) for r in group]

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


# --- parts, manifest and merge -----------------------------------------------------------

def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class PartStore:
    def __init__(self, out_dir: Path, version: str):
        self.dir = out_dir / ".parts"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.version = version
        self.manifest_path = self.dir / "manifest.jsonl"
        self.done: dict[str, tuple[str, int]] = {}  # key -> (sha256, part)
        self.next_part = 0
        if self.manifest_path.exists():
            with open(self.manifest_path, encoding="utf-8") as f:
                for line in f:
                    try:
                        m = json.loads(line)
                    except ValueError:
                        continue  # a line cut by a kill: its part will be redone
                    if m.get("version") != version or not (self.dir / f"part-{m['part']:06d}.jsonl").exists():
                        continue
                    self.done[m["key"]] = (m["sha256"], m["part"])
                    self.next_part = max(self.next_part, m["part"] + 1)
        for p in self.dir.glob("part-*.jsonl"):
            self.next_part = max(self.next_part, int(p.stem.split("-")[1]) + 1)

    def is_done(self, key: str, digest: str) -> bool:
        d = self.done.get(key)
        return d is not None and d[0] == digest

    def write(self, results: list[dict]) -> int:
        n = self.next_part
        self.next_part += 1
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results)
        _atomic_write(self.dir / f"part-{n:06d}.jsonl", lines)
        with open(self.manifest_path, "a", encoding="utf-8") as f:
            for r in results:
                f.write(json.dumps({"key": r["key"], "sha256": r["sha256"], "version": self.version, "part": n},
                                   ensure_ascii=False) + "\n")
                self.done[r["key"]] = (r["sha256"], n)
            f.flush()
            os.fsync(f.fileno())
        return n

    def latest(self) -> Iterator[dict]:
        """Every current result (latest part per article key), in input order."""
        parts = sorted({p for _, p in self.done.values()})
        for n in parts:
            with open(self.dir / f"part-{n:06d}.jsonl", encoding="utf-8") as f:
                for line in f:
                    r = json.loads(line)
                    cur = self.done.get(r["key"])
                    if cur and cur[1] == n:
                        yield r


@dataclass
class Summary:
    inputs: int = 0
    processed: int = 0
    skipped: int = 0
    records: int = 0
    errors: int = 0
    facts: int = 0
    clusters: int = 0
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return self.inputs == self.records + self.errors

    def line(self) -> str:
        check = "ok" if self.balanced else "MISMATCH"
        return (f"{self.inputs} articles in = {self.records} records + {self.errors} errors ({check}); "
                f"{self.processed} processed, {self.skipped} unchanged and skipped; {self.facts} facts, "
                f"{self.clusters} clusters; {self.seconds:.1f} s"
                + (f" ({self.processed / self.seconds:.1f} articles/s)" if self.seconds and self.processed else ""))


def in_batches(it: Iterable, n: int) -> Iterator[list]:
    """The items of ``it`` in lists of ``n`` (the last one shorter)."""
    it = iter(it)
    while True:
        chunk = list(islice(it, n))
        if not chunk:
            return
        yield chunk


def run_batch(inputs: list[str], out_dir: Path, workers: int = 1, formats: Iterable[str] = ("jsonl", "csv"),
              engine: str = "local", scheduler: Optional[str] = None, timeout: float = 60.0,
              pattern: Optional[str] = None, batch_size: int = BATCH_SIZE,
              progress: Optional[Callable[[int], None]] = None) -> Summary:
    """Process inputs into out_dir; resumable; returns the run's summary."""
    t0 = time.time()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    version = pipeline_version()
    store = PartStore(out_dir, version)
    summary = Summary()
    eng = DaskEngine(workers, timeout, scheduler) if engine == "dask" else LocalEngine(workers, timeout)
    seen: set[str] = set()
    pending = None  # (read errors, handle of the batch in the workers, inputs counted so far)

    def finish(p) -> None:
        errors, handle, n_inputs = p
        results = errors + (eng.result(handle) if handle is not None else [])
        if results:
            store.write(results)
        if progress:
            progress(n_inputs)

    try:
        for chunk in in_batches(read_inputs(inputs, pattern), batch_size):
            errors, todo = [], []
            for item in chunk:
                key = article_key(item)
                if key in seen:
                    # two inputs with one path and id (a repeated argument): counted once
                    continue
                seen.add(key)
                summary.inputs += 1
                if isinstance(item, ReadError):
                    errors.append({"key": key, "sha256": "", "error": dict(item.__dict__)})
                elif store.is_done(key, item.sha256):
                    summary.skipped += 1
                else:
                    todo.append(item)
            handle = eng.submit(todo) if todo else None
            summary.processed += len(todo)
            # write the previous batch while this one runs: parts stay in input order
            if pending is not None:
                finish(pending)
            pending = (errors, handle, summary.inputs)
        if pending is not None:
            finish(pending)
    finally:
        eng.close()
    summary.outputs = merge(store, out_dir, formats, keys=seen, summary=summary)
    summary.seconds = time.time() - t0
    return summary


def merge(store: PartStore, out_dir: Path, formats: Iterable[str], keys: set[str], summary: Summary) -> list[str]:
    """Write the final files from the current parts of the articles of this run."""
    from .stages.write import AtomicFile, flat

    formats = set(formats)
    names = {"articles.jsonl": "article", "facts.jsonl": "facts", "clusters.jsonl": "clusters", "errors.jsonl": "error"}
    files = {n: AtomicFile(out_dir / n) for n in names}
    csv_writers = {}
    if "csv" in formats:
        import csv

        from .models import ClusterRow, FactRow

        for n, model in (("facts.csv", FactRow), ("clusters.csv", ClusterRow)):
            files[n] = AtomicFile(out_dir / n)
            w = csv.DictWriter(files[n], fieldnames=list(model.model_fields))
            w.writeheader()
            csv_writers[n] = w
    ok = False
    try:
        for r in store.latest():
            if r["key"] not in keys:
                continue  # an article of an earlier run that is not among these inputs
            if "error" in r:
                summary.errors += 1
                files["errors.jsonl"].write(json.dumps(r["error"], ensure_ascii=False) + "\n")
                continue
            summary.records += 1
            files["articles.jsonl"].write(r["article"] + "\n")
            for row in r["facts"]:
                summary.facts += 1
                files["facts.jsonl"].write(row + "\n")
                if csv_writers:
                    csv_writers["facts.csv"].writerow(flat(json.loads(row)))
            for row in r["clusters"]:
                summary.clusters += 1
                files["clusters.jsonl"].write(row + "\n")
                if csv_writers:
                    csv_writers["clusters.csv"].writerow(flat(json.loads(row)))
        ok = True
    finally:
        for f in files.values():
            f.commit() if ok else f.abort()
    written = sorted(files)
    if "parquet" in formats:
        from .datasets import write_parquet

        written += write_parquet(out_dir)
    if "duckdb" in formats:
        from .datasets import write_duckdb

        written += write_duckdb(out_dir)
    return written
