"""JSON Schema export of the contract models."""
from __future__ import annotations

import json
from pathlib import Path

from .models import EXPORTED_MODELS


def schemas() -> dict[str, dict]:
    """File name -> JSON Schema (serialization mode: what the output files hold)."""
    return {f"{name}.schema.json": model.model_json_schema(mode="serialization")
            for name, model in EXPORTED_MODELS.items()}


def render(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, schema in schemas().items():
        p = out_dir / name
        p.write_text(render(schema), encoding="utf-8")
        paths.append(p)
    return paths
