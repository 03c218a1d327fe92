"""Stage 10: write records and flat dataset rows; files appear atomically."""
from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path
from typing import Iterable, Optional

from ..models import ArticleRecord, ClusterRow, FactRow


def fact_rows(rec: ArticleRecord) -> list[FactRow]:
    return [FactRow(article_id=rec.article_id, fact_id=f.id, type=f.type, subject_id=f.subject.id,
                    subject_name=f.subject.name, value=f.value, value_max=f.value_max, unit=f.unit,
                    approximate=f.approximate, modality=f.modality, year=f.year, year_end=f.year_end,
                    scope=f.scope, evidence_start=f.evidence.start, evidence_end=f.evidence.end,
                    evidence_text=f.evidence.text) for f in rec.facts]


def cluster_rows(rec: ArticleRecord) -> list[ClusterRow]:
    return [ClusterRow(article_id=rec.article_id, cluster_id=c.id, name=c.name, aliases=c.aliases,
                       country=c.country, region=c.region, sectors=c.sectors, energy_sources=c.energy_sources,
                       fact_ids=c.facts, net_zero_year=c.targets[0].year if c.targets else None)
            for c in rec.clusters]


def dumps(model) -> str:
    return json.dumps(model.model_dump(mode="json"), ensure_ascii=False)


class AtomicFile:
    """A text file written under a temporary name and renamed into place on close."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
        self.f = os.fdopen(fd, "w", encoding="utf-8", newline="")

    def write(self, s: str) -> None:
        self.f.write(s)

    def commit(self) -> None:
        self.f.flush()
        os.fsync(self.f.fileno())
        self.f.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self.f.close()
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)


class Writer:
    """articles.jsonl, facts.jsonl, clusters.jsonl, errors.jsonl (+ CSV) in one folder."""

    def __init__(self, out_dir: Optional[Path], csv_too: bool = True):
        self.out_dir = out_dir
        self.counts = {"articles": 0, "facts": 0, "clusters": 0, "errors": 0}
        if out_dir is None:
            self.files = {}
            return
        names = ["articles.jsonl", "facts.jsonl", "clusters.jsonl", "errors.jsonl"]
        if csv_too:
            names += ["facts.csv", "clusters.csv"]
        self.files = {n: AtomicFile(out_dir / n) for n in names}
        self._csv = {}
        if csv_too:
            for n, model in (("facts.csv", FactRow), ("clusters.csv", ClusterRow)):
                w = csv.DictWriter(self.files[n], fieldnames=list(model.model_fields))
                w.writeheader()
                self._csv[n] = w

    def record(self, rec: ArticleRecord, stdout=None) -> None:
        self.counts["articles"] += 1
        line = dumps(rec) + "\n"
        if stdout is not None:
            stdout.write(line)
        if not self.files:
            return
        self.files["articles.jsonl"].write(line)
        for row in fact_rows(rec):
            self.counts["facts"] += 1
            self.files["facts.jsonl"].write(dumps(row) + "\n")
            if "facts.csv" in self._csv:
                self._csv["facts.csv"].writerow(_flat(row))
        for row in cluster_rows(rec):
            self.counts["clusters"] += 1
            self.files["clusters.jsonl"].write(dumps(row) + "\n")
            if "clusters.csv" in self._csv:
                self._csv["clusters.csv"].writerow(_flat(row))

    def error(self, row: dict) -> None:
        self.counts["errors"] += 1
        if self.files:
            self.files["errors.jsonl"].write(json.dumps(row, ensure_ascii=False) + "\n")

    def close(self, ok: bool = True) -> None:
        for f in self.files.values():
            f.commit() if ok else f.abort()


def _flat(row) -> dict:
    d = row.model_dump(mode="json")
    return {k: ("|".join(v) if isinstance(v, list) else v) for k, v in d.items()}
