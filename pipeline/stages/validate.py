"""Stage 9: the contract record, plus plausibility warnings (never silent drops)."""
from __future__ import annotations

from decimal import Decimal

from ..document import Doc
from ..models import ArticleRecord, Source

MAX_PLAUSIBLE_EMISSIONS_T = Decimal("60e9")  # world emissions are ~55 Gt CO2e a year


def plausibility(doc: Doc) -> list[str]:
    """Warnings for facts that are typed right but hard to believe."""
    out = []
    for f in doc.facts:
        where = f"{f.id} ({f.type}, {f.evidence.text[:40]!r})"
        if f.type == "jobs" and f.value != f.value.to_integral_value():
            out.append(f"{where}: a job count that is not whole: {f.value}")
        for y in (f.year, f.year_end):
            if y is not None and not 1900 <= y <= 2100:
                out.append(f"{where}: year {y} outside 1900-2100")
        if f.type == "share" and f.value > 100:
            out.append(f"{where}: a share over 100 percent: {f.value}")
        if f.type in ("emissions", "emissions_reduction") and f.value > MAX_PLAUSIBLE_EMISSIONS_T:
            out.append(f"{where}: {f.value} t is more than the world emits in a year")
        if f.year and f.year_end and f.year_end < f.year:
            out.append(f"{where}: year_end {f.year_end} before year {f.year}")
    # cross-fact: one subject, type and year with two different figures
    seen = {}
    for f in doc.facts:
        k = (f.subject.name, f.type, f.year, f.unit)
        if k in seen and seen[k].value != f.value and f.type != "share":
            out.append(f"{f.id} and {seen[k].id}: {f.type} of {f.subject.name} in {f.year} given as {seen[k].value} and {f.value}")
        seen.setdefault(k, f)
    return out


def validate(doc: Doc) -> Doc:
    """Build the pydantic article record; spans are checked by the model itself."""
    doc.warnings.extend(plausibility(doc))
    doc.record = ArticleRecord(
        article_id=doc.article_id,
        source=Source(path=doc.path, sha256=doc.sha256, encoding=doc.encoding),
        title=doc.title, text=doc.text, entities=doc.entities, quantities=doc.quantities,
        facts=doc.facts, clusters=doc.clusters, warnings=doc.warnings,
    )
    return doc
