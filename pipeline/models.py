"""The output contract (../shared/spec/CONTRACT.md) as pydantic v2 models.

Field names and types follow the contract exactly; extra fields the contract
allows ("models may add fields") are marked as such in their descriptions.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, model_validator
from typing_extensions import Annotated

SCHEMA_VERSION = "1.0"

EntityType = Literal["PERSON", "ORG", "GPE", "LOC", "EVENT", "CLUSTER"]
FactType = Literal[
    "emissions", "emissions_reduction", "gdp_contribution", "investment",
    "jobs", "energy_capacity", "share", "net_zero_target",
]
Modality = Literal["reported", "expected", "target", "potential"]
Scope = Literal["scope_1", "scope_2", "scope_3"]


def _exact_number(v: Decimal) -> Union[int, float]:
    # Integral values print as integers (1200000000, never 1.2e9 or
    # 1199999999.99); fractional ones through str() so 54.3 stays 54.3.
    if v == v.to_integral_value():
        return int(v)
    return float(str(v))


# An exact decimal in memory that is a plain JSON number on the wire.
Number = Annotated[Decimal, PlainSerializer(_exact_number, return_type=Union[int, float], when_used="always")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Strict):
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Source(_Strict):
    path: str
    sha256: str
    encoding: str


class Entity(_Strict):
    id: str
    type: EntityType
    name: str
    aliases: list[str]
    country: Optional[str] = Field(None, pattern=r"^[A-Z]{2}$")
    mentions: list[Span]
    rule: Optional[str] = Field(None, description="extra: the rule or gazetteer that found it")


class Quantity(_Strict):
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    value: Number
    value_max: Optional[Number] = None
    unit: str
    approximate: bool = False
    counted: Optional[str] = None
    rule: str = Field(description="extra: the grammar rule that fired")
    ambiguity: Optional[str] = Field(None, description="extra: the separator or unit call it resolved, and how")


class SubjectRef(_Strict):
    id: Optional[str]
    name: str


class Evidence(_Strict):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Fact(_Strict):
    id: str
    type: FactType
    subject: SubjectRef
    value: Number
    value_max: Optional[Number] = None
    unit: str
    approximate: bool = False
    modality: Modality
    year: Optional[int] = None
    year_end: Optional[int] = None
    scope: Optional[Scope] = None
    evidence: Evidence
    quantity_index: Optional[int] = Field(description="index into quantities; null for net_zero_target")
    rule: Optional[str] = Field(None, description="extra: the trigger that typed the fact")


class Target(_Strict):
    type: Literal["net_zero"]
    year: int


class Cluster(_Strict):
    id: str
    name: str
    aliases: list[str]
    country: Optional[str] = Field(None, pattern=r"^[A-Z]{2}$")
    region: Optional[str] = Field(None, pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
    sectors: list[str]
    energy_sources: list[str]
    facts: list[str]
    targets: list[Target]
    source_article: str


class ArticleRecord(_Strict):
    schema_version: str = SCHEMA_VERSION
    article_id: str
    source: Source
    title: str
    language: Literal["ar"] = "ar"
    text: str
    entities: list[Entity] = []
    quantities: list[Quantity] = []
    facts: list[Fact] = []
    clusters: list[Cluster] = []
    warnings: list[str] = []

    @model_validator(mode="after")
    def _spans_index_text(self) -> "ArticleRecord":
        # Offsets are sacred: refuse to build a record whose spans drift.
        t = self.text
        for q in self.quantities:
            if t[q.start:q.end] != q.text:
                raise ValueError(f"quantity span {q.start}:{q.end} != {q.text!r}")
        for f in self.facts:
            e = f.evidence
            if t[e.start:e.end] != e.text:
                raise ValueError(f"fact {f.id} evidence span {e.start}:{e.end} != {e.text!r}")
            if f.quantity_index is not None and not 0 <= f.quantity_index < len(self.quantities):
                raise ValueError(f"fact {f.id} quantity_index {f.quantity_index} out of range")
        for e in self.entities:
            for m in e.mentions:
                if not 0 <= m.start < m.end <= len(t):
                    raise ValueError(f"entity {e.id} mention {m.start}:{m.end} outside text")
        return self


class FactRow(_Strict):
    """Flat row of facts.jsonl / facts.csv for datasets."""

    article_id: str
    fact_id: str
    type: FactType
    subject_id: Optional[str]
    subject_name: str
    value: Number
    value_max: Optional[Number] = None
    unit: str
    approximate: bool
    modality: Modality
    year: Optional[int] = None
    year_end: Optional[int] = None
    scope: Optional[Scope] = None
    evidence_start: int
    evidence_end: int
    evidence_text: str


class ClusterRow(_Strict):
    """Flat row of clusters.jsonl / clusters.csv for datasets."""

    article_id: str
    cluster_id: str
    name: str
    aliases: list[str]
    country: Optional[str]
    region: Optional[str]
    sectors: list[str]
    energy_sources: list[str]
    fact_ids: list[str]
    net_zero_year: Optional[int]


EXPORTED_MODELS = {"article": ArticleRecord, "fact_row": FactRow, "cluster_row": ClusterRow}
