"""The ``khabar`` command: thin subcommands over importable functions."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import __version__


def cmd_extract(args) -> int:
    from .run import ErrorRow, run
    from .stages.read import iter_files
    from .stages.write import Writer

    to_stdout = args.output == "-"
    out_dir = None if to_stdout else Path(args.output)
    writer = Writer(out_dir, csv_too=not args.no_csv)
    t0 = time.time()
    progress = None
    if sys.stderr.isatty() and not args.quiet and not to_stdout:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        total = sum(1 for _ in iter_files([i for i in args.inputs if i != "-"]))
        progress = Progress(TextColumn("extract"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[rate]} art/s"), TimeRemainingColumn(), transient=True)
        task = progress.add_task("extract", total=total or None, rate="-")
        progress.start()
    ok = False
    try:
        for item in run(args.inputs):
            if isinstance(item, ErrorRow):
                writer.error(item.__dict__)
                if not args.quiet:
                    print(f"khabar: error: {item.path}: stage {item.stage}: {item.reason}", file=sys.stderr)
            else:
                writer.record(item, stdout=sys.stdout if to_stdout else None)
            if progress:
                done = writer.counts["articles"] + writer.counts["errors"]
                progress.update(task, completed=done, rate=f"{done / max(time.time() - t0, 1e-9):.1f}")
        ok = True
    finally:
        if progress:
            progress.stop()
        writer.close(ok)
    c = writer.counts
    if not args.quiet:
        print(f"khabar: {c['articles'] + c['errors']} articles in, {c['articles']} records, {c['facts']} facts, "
              f"{c['clusters']} clusters, {c['errors']} errors in {time.time() - t0:.1f}s"
              + (f" -> {out_dir}" if out_dir else ""), file=sys.stderr)
    return 1 if c["errors"] and args.strict else 0


def cmd_eval(args) -> int:
    from .evaluate import evaluate, format_report, load_records

    res = evaluate(load_records(Path(args.output)), Path(args.gold))
    print(json.dumps(res, ensure_ascii=False, indent=2) if args.json else format_report(res))
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
                                   "url, date; folders are read recursively; '-' is standard input) and "
                                   "write articles.jsonl, facts.jsonl, clusters.jsonl, errors.jsonl "
                                   "and facts.csv / clusters.csv into OUT_DIR.")
    e.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders, or - for standard input")
    e.add_argument("-o", "--output", required=True, metavar="OUT_DIR",
                   help="output folder, or - to print article records to standard output")
    e.add_argument("--no-csv", action="store_true", help="skip the CSV files")
    e.add_argument("--strict", action="store_true", help="exit 1 when any article failed")
    e.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    e.set_defaults(func=cmd_extract)

    v = sub.add_parser("eval", help="score output against gold annotations",
                       description="Precision, recall and F1 per layer (quantities, entities, facts, "
                                   "clusters), per fact type and per article, with CONTRACT.md matching.")
    v.add_argument("output", metavar="OUTPUT", help="an extract output folder or its articles.jsonl")
    v.add_argument("gold", metavar="GOLD_DIR", help="folder of <article_id>.json gold files")
    v.add_argument("--json", action="store_true", help="machine-readable output")
    v.set_defaults(func=cmd_eval)

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
