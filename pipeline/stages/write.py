"""Stage 10: record serialization, flat dataset rows and atomic files (merged by pipeline.batch)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

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
    """A model as one line of JSON, by pydantic's serializer (a third of the time of json.dumps over
    model_dump; compact separators, non-ASCII kept)."""
    return model.model_dump_json()

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

def flat(d: dict) -> dict:
    """A CSV row: lists joined with '|'."""
    return {k: ("|".join(v) if isinstance(v, list) else v) for k, v in d.items()}
