"""Dataset outputs beyond JSON Lines: Parquet (schema from the models) and DuckDB."""
from __future__ import annotations

import json
import os
import typing
from decimal import Decimal
from pathlib import Path

from .models import ClusterRow, FactRow

def _arrow_type(annotation):
    import pyarrow as pa

    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Union and args:
        return _arrow_type(args[0])
    if origin is typing.Annotated or (args and getattr(annotation, "__metadata__", None)):
        return _arrow_type(args[0])
    if origin is list:
        return pa.list_(_arrow_type(args[0]))
    if origin is typing.Literal:
        return pa.string()
    if annotation is Decimal:
        return pa.decimal128(38, 9)  # exact money and large values
    return {str: pa.string(), int: pa.int64(), bool: pa.bool_(), float: pa.float64()}.get(annotation, pa.string())


def arrow_schema(model):
    """The pyarrow schema of a flat row model."""
    import pyarrow as pa

    return pa.schema([pa.field(name, _arrow_type(f.annotation), nullable=True) for name, f in model.model_fields.items()])


def _rows(path: Path, schema) -> list[dict]:
    import pyarrow as pa

    dec = {f.name for f in schema if pa.types.is_decimal(f.type)}
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            for k in dec:
                if d.get(k) is not None:
                    d[k] = Decimal(str(d[k])).quantize(Decimal("1e-9"))
            out.append(d)
    return out


def _write_table(rows: list[dict], schema, dest: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows, schema=schema)
    tmp = dest.with_name(f".{dest.name}.tmp{os.getpid()}")
    pq.write_table(table, tmp)
    os.replace(tmp, dest)


def write_parquet(out_dir: Path) -> list[str]:
    """facts.parquet, clusters.parquet and articles.parquet next to the JSON Lines files."""
    import pyarrow as pa

    written = []
    for name, model in (("facts", FactRow), ("clusters", ClusterRow)):
        schema = arrow_schema(model)
        _write_table(_rows(out_dir / f"{name}.jsonl", schema), schema, out_dir / f"{name}.parquet")
        written.append(f"{name}.parquet")
    schema = pa.schema([("article_id", pa.string()), ("title", pa.string()), ("source_path", pa.string()),
                        ("text", pa.string()), ("n_entities", pa.int64()), ("n_quantities", pa.int64()),
                        ("n_facts", pa.int64()), ("n_clusters", pa.int64()), ("warnings", pa.list_(pa.string())),
                        ("record_json", pa.string())])
    rows = []
    with open(out_dir / "articles.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            rows.append({"article_id": r["article_id"], "title": r["title"], "source_path": r["source"]["path"],
                         "text": r["text"], "n_entities": len(r["entities"]), "n_quantities": len(r["quantities"]),
                         "n_facts": len(r["facts"]), "n_clusters": len(r["clusters"]), "warnings": r["warnings"],
                         "record_json": line.rstrip("\n")})
    _write_table(rows, schema, out_dir / "articles.parquet")
    written.append("articles.parquet")
    return written


def write_duckdb(out_dir: Path) -> list[str]:
    """khabar.duckdb with tables articles, facts, clusters, errors."""
    try:
        import duckdb
    except ImportError as e:
        raise RuntimeError("the duckdb format needs the optional extra: pip install 'khabar[duckdb]'") from e
    if not (out_dir / "facts.parquet").exists():
        write_parquet(out_dir)
    dest = out_dir / "khabar.duckdb"
    tmp = out_dir / f".khabar.duckdb.tmp{os.getpid()}"
    if tmp.exists():
        tmp.unlink()
    con = duckdb.connect(str(tmp))
    try:
        for name in ("articles", "facts", "clusters"):
            con.execute(f"create table {name} as select * from read_parquet(?)", [str(out_dir / f"{name}.parquet")])
        errors = out_dir / "errors.jsonl"
        if errors.stat().st_size:
            con.execute("create table errors as select * from read_json_auto(?)", [str(errors)])
        else:
            con.execute("create table errors (path varchar, article_id varchar, stage varchar, reason varchar)")
    finally:
        con.close()
    os.replace(tmp, dest)
    return ["khabar.duckdb"]
