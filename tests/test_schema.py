"""The committed JSON Schemas are the models' own export."""
from pathlib import Path

from pipeline.schema import render, schemas

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def test_committed_schemas_match_models():
    for name, schema in schemas().items():
        committed = (SCHEMAS / name).read_text(encoding="utf-8")
        assert committed == render(schema), f"{name} drifted: run `khabar schema`"


def test_records_forbid_unknown_fields():
    import pydantic
    import pytest

    from pipeline.models import Span

    with pytest.raises(pydantic.ValidationError):
        Span(start=0, end=1, extra=2)
