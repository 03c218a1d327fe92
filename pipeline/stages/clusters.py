"""Stage 8: one structured record per industrial cluster the article names."""
from __future__ import annotations

from functools import lru_cache

from ..data import load_yaml
from ..document import Doc
from ..lexicon import PhraseTable
from .facts import CLITICS, build_ctx, match_any, section_subject


@lru_cache(maxsize=1)
def taxonomy() -> dict:
    cfg = load_yaml("taxonomy")
    table: PhraseTable[tuple[str, str]] = PhraseTable()
    # longest forms first across both groups (النفط والغاز before الغاز)
    forms = [(w, ("sector", k)) for k, ws in cfg["sectors"].items() for w in ws]
    forms += [(w, ("energy", k)) for k, ws in cfg["energy_sources"].items() for w in ws]
    for w, payload in sorted(forms, key=lambda f: -len(f[0].split())):
        table.add(w, payload)
    cues = PhraseTable((w, w) for w in cfg["supply_cues"])
    return {"table": table, "cues": cues}


def cluster_scope(ctx, entity) -> list[tuple[int, int]]:
    """Token ranges that speak about a cluster: its section, else its sentences."""
    for a, b, subj in ctx.sections:
        if subj is entity:
            return [(a, b)]
    mine = sorted(a for a, _, e in ctx.ent_at if e is entity)
    others = sorted(a for a, _, e in ctx.ent_at if e is not entity and getattr(e, "type", "") == "CLUSTER")
    out = []
    for s in sorted({ctx.sent_of[a] for a in mine}):
        sa, sb = ctx.doc.sentences[s]
        rivals = [a for a in others if sa <= a < sb]
        if not rivals:
            out.append((sa, sb))
            continue
        # several clusters in one sentence: each is about the words from its name to the next
        # cluster's (the first also owns what precedes it)
        for a in (x for x in mine if sa <= x < sb):
            nxt = min([r for r in rivals if r > a] + [sb])
            start = sa if all(r > a for r in rivals) else a
            out.append((start, nxt))
    return out


def sectors_and_sources(ctx, ranges) -> tuple[list[str], list[str]]:
    tx = taxonomy()
    sectors, sources = [], []
    for a, b in ranges:
        for sa, sb in ctx.doc.sentences:
            if sb <= a or sa >= b:
                continue
            lo, hi = max(a, sa), min(b, sb)
            supply = bool(match_any(tx["cues"], ctx.keys, sa, sb))
            for _, _, (group, k) in match_any(tx["table"], ctx.keys, lo, hi):
                if group == "energy" and supply:
                    if k not in sources:
                        sources.append(k)
                elif k not in sectors:
                    sectors.append(k)
    return sectors, sources


def clusters(doc: Doc) -> Doc:
    """Assemble cluster records: country, region, sectors, energy sources, facts, targets."""
    from ..models import Cluster, Target

    ctx = build_ctx(doc)
    out = []
    for e in doc.entities:
        if e.type != "CLUSTER":
            continue
        sectors, sources = sectors_and_sources(ctx, cluster_scope(ctx, e))
        own = [f for f in doc.facts if f.subject.id == e.id]
        targets = [Target(type="net_zero", year=f.year) for f in own if f.type == "net_zero_target" and f.year]
        out.append(Cluster(id=f"c{len(out) + 1}", name=e.name, aliases=list(e.aliases), country=e.country,
                           region=doc.entity_regions.get(e.id), sectors=sectors, energy_sources=sources,
                           facts=[f.id for f in own], targets=targets, source_article=doc.article_id))
    doc.clusters = out
    return doc
