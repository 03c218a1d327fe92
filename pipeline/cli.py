"""The ``khabar`` command: thin subcommands over importable functions."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from . import __version__
from .ner import BACKENDS, DEFAULT_BACKEND


def _select_ner(args) -> None:
    """Export the NER choice (workers inherit it) and check it here, so a missing model fails up front."""
    from .ner import NERUnavailable, check

    os.environ["KHABAR_NER"] = args.ner
    if args.ner_model:
        os.environ["KHABAR_NER_MODEL"] = str(Path(args.ner_model).resolve())
    try:
        check(args.ner, os.environ.get("KHABAR_NER_MODEL") or None)
    except NERUnavailable as e:
        raise ValueError(f"--ner {args.ner}: {e}") from e


def cmd_extract(args) -> int:
    _select_ner(args)
    if args.output == "-":
        return _extract_to_stdout(args)
    from .batch import run_batch

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    progress = None
    bar = None
    if sys.stderr.isatty() and not args.quiet:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)

        from .stages.read import read_inputs

        total = sum(1 for _ in read_inputs(args.inputs, args.glob))  # reading is cheap next to extraction
        bar = Progress(TextColumn("extract"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                       TimeElapsedColumn(), TimeRemainingColumn(), transient=True)
        task = bar.add_task("extract", total=total or None, rate="")
        t0 = time.time()

        def progress(done: int) -> None:
            bar.update(task, completed=done, rate=f"{done / max(time.time() - t0, 1e-9):.1f} art/s")

        bar.start()
    try:
        summary = run_batch(args.inputs, Path(args.output), workers=args.workers, formats=formats,
                            engine=args.engine, scheduler=args.scheduler, timeout=args.timeout,
                            pattern=args.glob, batch_size=args.batch_size, progress=progress)
    finally:
        if bar:
            bar.stop()
    if not args.quiet:
        print(f"khabar: {summary.line()} -> {args.output}", file=sys.stderr)
        if summary.errors:
            print(f"khabar: {summary.errors} article(s) failed: see {Path(args.output) / 'errors.jsonl'}",
                  file=sys.stderr)
    if not summary.balanced:
        print("khabar: inputs != records + errors: articles were lost", file=sys.stderr)
        return 3
    return 1 if summary.errors and args.strict else 0


def _extract_to_stdout(args) -> int:
    """Stream article records to standard output (no resume, no dataset files)."""
    from .run import ErrorRow, run
    from .stages.write import dumps

    errors = 0
    for item in run(args.inputs):
        if isinstance(item, ErrorRow):
            errors += 1
            print(f"khabar: error: {item.path}: stage {item.stage}: {item.reason}", file=sys.stderr)
        else:
            sys.stdout.write(dumps(item) + "\n")
    return 1 if errors and args.strict else 0


def cmd_eval(args) -> int:
    from .evaluate import LAYERS, evaluate, format_errors, format_report, load_records

    res = evaluate(load_records(Path(args.output)), Path(args.gold))
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=2))
    elif args.errors is not None:
        print(format_errors(res, args.errors or LAYERS))
    else:
        print(format_report(res))
    return 0


def cmd_verify(args) -> int:
    from .verify import format_report, verify

    rep = verify(Path(args.output), args.sources or None, Path(args.corrections) if args.corrections else None)
    out = Path(args.report) if args.report else (Path(args.output) / "verify.json" if Path(args.output).is_dir() else None)
    if out:
        out.write_text(json.dumps(rep, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(rep, ensure_ascii=False, indent=2) if args.json else format_report(rep))
    if out and not args.json:
        print(f"report: {out}")
    return 0 if rep["ok"] else 1


def cmd_review(args) -> int:
    from .review import write_review

    pages = write_review(Path(args.output), Path(args.site))
    print(f"khabar: review site with {len(pages) - 1} article pages -> {pages[0]}")
    return 0


def cmd_schema(args) -> int:
    from .schema import write_schemas

    for p in write_schemas(Path(args.dir)):
        print(p)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="khabar",
        description="Khabar (خبر): extract quantities, entities, facts and industrial-cluster records "
                    "from Arabic news, with exact evidence spans.",
    )
    p.add_argument("--version", action="version", version=f"khabar {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    e = sub.add_parser("extract", help="run the pipeline over articles",
                       description="Read articles (.txt: first line the title; .jsonl: id, title, text, "
                                   "url, date; .json lists; .html; .zip and .gz of these; folders are read "
                                   "recursively; '-' is standard input) and write articles.jsonl, facts.jsonl, "
                                   "clusters.jsonl, errors.jsonl (+ CSV, Parquet, DuckDB) into OUT_DIR. "
                                   "Runs are resumable: the same command after a crash carries on, and "
                                   "unchanged articles are skipped.")
    e.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders, or - for standard input")
    e.add_argument("-o", "--output", required=True, metavar="OUT_DIR",
                   help="output folder, or - to print article records to standard output")
    e.add_argument("--format", default="jsonl,csv", metavar="LIST",
                   help="comma-separated outputs: jsonl (always), csv, parquet, duckdb (default: jsonl,csv)")
    e.add_argument("-w", "--workers", type=int, default=os.cpu_count() or 1,
                   help="parallel worker processes (default: all cores)")
    e.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local processes, or Dask distributed (optional extra 'dask')")
    e.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: an existing scheduler; "
                                                          "default starts a local cluster")
    e.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="per-article time budget, its share of the NER model's call over a few articles included; "
                        "an article over it becomes an error row (default 60, 0 = none)")
    e.add_argument("--ner", choices=list(BACKENDS), default=os.environ.get("KHABAR_NER", DEFAULT_BACKEND),
                   help="statistical NER under the rules and gazetteers: the shipped BiLSTM-CRF and CRF "
                        "models together (ensemble: the best names), the CRF alone (crf: faster, less memory), "
                        "the BiLSTM-CRF alone (lstm), the shipped spaCy model, "
                        "CAMeL Tools' BERT model (camel: needs `camel_data -i ner-arabert` done beforehand; "
                        "no download at run time), or none (rules and gazetteers only); "
                        f"default $KHABAR_NER or {DEFAULT_BACKEND}")
    e.add_argument("--ner-model", metavar="DIR", default=os.environ.get("KHABAR_NER_MODEL"),
                   help="a model folder or file for --ner (for ensemble: the BiLSTM's; default: the shipped or installed one)")
    e.add_argument("--glob", metavar="PATTERN", help="only files in folders whose name matches, e.g. '*.zip'")
    e.add_argument("--batch-size", type=int, default=64, help=argparse.SUPPRESS)
    e.add_argument("--strict", action="store_true", help="exit 1 when any article failed")
    e.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    e.set_defaults(func=cmd_extract)

    v = sub.add_parser("eval", help="score output against gold annotations",
                       description="Precision, recall and F1 per layer (quantities, entities, facts, "
                                   "clusters), per fact type and per article, with CONTRACT.md matching.")
    v.add_argument("output", metavar="OUTPUT", help="an extract output folder or its articles.jsonl")
    v.add_argument("gold", metavar="GOLD_DIR", help="folder of <article_id>.json gold files")
    v.add_argument("--json", action="store_true", help="machine-readable output (with the errors of every layer)")
    v.add_argument("--errors", nargs="*", choices=["quantities", "entities", "facts", "clusters"], metavar="LAYER",
                   help="instead of the scores, list per article what was missed (-) and what is wrong (+), "
                        "for the LAYERs named (default: all four)")
    v.set_defaults(func=cmd_eval)

    vf = sub.add_parser("verify", help="check every figure against its source words",
                        description="Re-read the sources, check every evidence span still matches its text, "
                                    "re-parse each fact's value from its own words, and report conflicting "
                                    "figures across articles. Writes OUT_DIR/verify.json; exit 1 on any failure.")
    vf.add_argument("output", metavar="OUT_DIR", help="an extract output folder (or its articles.jsonl)")
    vf.add_argument("sources", nargs="*", metavar="SOURCE",
                    help="source files or folders (default: each record's own source path)")
    vf.add_argument("--report", metavar="FILE", help="where to write the JSON report")
    vf.add_argument("--corrections", metavar="JSONL", help="reviewer decisions exported by `khabar review` pages")
    vf.add_argument("--json", action="store_true", help="print the JSON report")
    vf.set_defaults(func=cmd_verify)

    rv = sub.add_parser("review", help="write a static review site for verifying facts",
                        description="Write a self-contained site (no network): an index of articles and one page "
                                    "per article with every quantity, entity and fact highlighted at its span, a "
                                    "fact table with accept/reject/correct, and verify failures flagged. Decisions "
                                    "export as JSONL for `khabar verify --corrections`.")
    rv.add_argument("output", metavar="OUT_DIR", help="an extract output folder")
    rv.add_argument("-o", "--site", default="review", metavar="SITE_DIR", help="where to write (default: review/)")
    rv.set_defaults(func=cmd_review)

    s = sub.add_parser("schema", help="write the JSON Schemas of the output contract",
                       description="Export the pydantic models as JSON Schema files.")
    s.add_argument("--dir", default="schemas", help="target folder (default: schemas)")
    s.set_defaults(func=cmd_schema)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        return 0
    except (FileNotFoundError, ValueError) as e:
        print(f"khabar: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
