"""Pipeline throughput and memory, against camel-tools' bare tokenizer in the same process.

    python bench/throughput.py                     # the shipped corpus, repeated to ~2,000 articles
    python bench/throughput.py --corpus ../shared/bulk/saudinewsnet --limit 3000

Prints articles/s, characters/s and peak RSS for one worker; camel-tools'
simple_word_tokenize over the same text as a baseline with the ratio (the
tokenizer runs between the one-worker run's batches, over each batch's texts, so
both are timed in the same minutes of the same run); and the
speed-up of 2 workers over 1 (same articles, fresh output folders); and one
worker again without the statistical NER model (``--ner none``), to show what
the model costs; and last the tokenizer, the pipeline and the pipeline without a
model taken in turns, 48 articles at a time, in this process: the ratios that
survive this machine's changes of speed.
"""
from __future__ import annotations

import os
import sys

# bench/numbers.py would shadow the standard library's numbers module (decimal needs it)
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import json  # noqa: E402
import resource
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.batch import run_batch  # noqa: E402
from pipeline.ner import DEFAULT_BACKEND  # noqa: E402
from pipeline.stages.read import read_inputs  # noqa: E402


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def build_input(corpus: str | None, limit: int, tmp: Path) -> tuple[Path, list[str]]:
    """One JSON Lines file with the articles to run, and their texts."""
    docs = [d for d in read_inputs([corpus or str(ROOT / "corpus")]) if hasattr(d, "raw")]
    if not docs:
        raise SystemExit("no articles found")
    out, texts = [], []
    i = 0
    while len(out) < limit:
        d = docs[i % len(docs)]
        out.append(json.dumps({"id": f"{d.article_id}#{i}", "text": d.raw}, ensure_ascii=False))
        texts.append(d.raw)
        i += 1
        if corpus and i >= len(docs):
            break
    path = tmp / "input.jsonl"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path, texts


def camel_baseline(texts: list[str]) -> float:
    from camel_tools.tokenizers.word import simple_word_tokenize

    n = sum(map(len, texts))
    t0 = time.perf_counter()
    for t in texts:
        simple_word_tokenize(t)
    return n / (time.perf_counter() - t0)


class TokenizerBetweenBatches:
    """camel-tools' tokenizer over the texts of each batch a one-worker run has just written
    (run_batch's progress callback): the baseline timed in the same minutes as the pipeline."""

    def __init__(self, texts: list[str]):
        from camel_tools.tokenizers.word import simple_word_tokenize

        self.tokenize, self.texts, self.done, self.seconds = simple_word_tokenize, texts, 0, 0.0

    def __call__(self, inputs_so_far: int) -> None:
        t0 = time.perf_counter()
        for t in self.texts[self.done:inputs_so_far]:
            self.tokenize(t)
        self.seconds += time.perf_counter() - t0
        self.done = inputs_so_far


def interleaved(texts: list[str], backend: str, chunk: int = 48) -> dict[str, float]:
    """Seconds of the tokenizer, the pipeline and the pipeline without a model over the same texts,
    taken in turns chunk by chunk (in rotating order) so a change of machine speed hits all three
    alike; sequential runs minutes apart differed by a third here."""
    from camel_tools.tokenizers.word import simple_word_tokenize

    from pipeline.batch import process_batch
    from pipeline.document import Doc
    from pipeline.run import ARTICLES_AT_ONCE

    # a fresh Doc for every run, dropped when done, as in a batch run: Docs kept in a list kept
    # every processed article alive for the collector to walk, and slowed the pipeline runs down
    docs = list(enumerate(texts))

    def tokenize(part):
        for _, t in part:
            simple_word_tokenize(t)

    def pipeline_with(ner):
        def run(part):
            os.environ["KHABAR_NER"] = ner
            docs = [Doc(article_id=str(i), path="bench", raw=t, sha256=str(i)) for i, t in part]
            for k in range(0, len(docs), ARTICLES_AT_ONCE):  # as a worker takes them (batch._groups)
                process_batch(docs[k:k + ARTICLES_AT_ONCE])
        return run

    runs = {"tokenizer": tokenize, "pipeline": pipeline_with(backend), "pipeline, no model": pipeline_with("none")}
    for run in runs.values():
        run(docs[:5])  # load what each needs before timing
    secs = dict.fromkeys(runs, 0.0)
    names = list(runs)
    try:
        for k, start in enumerate(range(0, len(docs), chunk)):
            part = docs[start:start + chunk]
            for name in names[k % 3:] + names[:k % 3]:
                t0 = time.perf_counter()
                runs[name](part)
                secs[name] += time.perf_counter() - t0
    finally:
        os.environ["KHABAR_NER"] = backend
    return secs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", help="folder or file of articles (default: the shipped corpus, repeated)")
    ap.add_argument("--limit", type=int, default=2000, help="articles to run (default 2000)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="khabar-bench-"))
    try:
        src, texts = build_input(args.corpus, args.limit, tmp)
        chars = sum(map(len, texts))
        print(f"input: {len(texts)} articles, {chars:,} characters")
        # load the tables and the NER model before timing: a long run pays for them once
        from pipeline.run import extract_text

        extract_text("انضمت 3 شركات في الصين بقيمة 5 مليارات دولار، وقال محمد العلي إن الشركة ستنمو.", "warmup")
        runs = {}
        # These machines change speed by a third from one minute to the next, so the tokenizer
        # that the one-worker run is held to runs between its batches; runs on their own, before
        # and after, are printed for scale.
        bases = [camel_baseline(texts)]
        between = TokenizerBetweenBatches(texts)
        for workers in (1, 2):
            out = tmp / f"out{workers}"
            s = run_batch([str(src)], out, workers=workers, formats=["jsonl"],
                          progress=between if workers == 1 else None)
            runs[workers] = s.seconds - (between.seconds if workers == 1 else 0.0)
            print(f"khabar {workers} worker(s): {s.inputs / runs[workers]:.1f} articles/s, "
                  f"{chars / runs[workers] / 1e6:.3f} M chars/s  ({s.line()}"
                  + (f"; less {between.seconds:.1f} s of the tokenizer between batches)" if workers == 1 else ")"))
            bases.append(camel_baseline(texts))
        one, base = chars / runs[1], chars / between.seconds
        print(f"camel-tools simple_word_tokenize between the batches: {base / 1e6:.3f} M chars/s "
              f"(on its own, before and after: {', '.join(f'{b / 1e6:.3f}' for b in bases)})")
        print(f"ratio khabar (1 worker) / tokenizer: {one / base:.3f}")
        print(f"speed-up 2 workers over 1: {runs[1] / runs[2]:.2f}x")
        print(f"peak RSS (this process or any worker): {peak_rss_mb():.0f} MB")
        backend = os.environ.get("KHABAR_NER", DEFAULT_BACKEND)
        if backend != "none":
            os.environ["KHABAR_NER"] = "none"
            try:
                s = run_batch([str(src)], tmp / "out-no-ner", workers=1, formats=["jsonl"])
            finally:
                os.environ["KHABAR_NER"] = backend
            print(f"khabar 1 worker without the NER model: {chars / s.seconds / 1e6:.3f} M chars/s; "
                  f"with the {backend} model the pipeline runs at {s.seconds / runs[1]:.2f}x that speed "
                  f"({runs[1] / s.seconds:.2f}x the time)")
        secs = interleaved(texts, backend)
        speed = {name: chars / v / 1e6 for name, v in secs.items()}
        print(f"interleaved, one process, 48 articles at a time: tokenizer {speed['tokenizer']:.3f}, "
              f"pipeline {speed['pipeline']:.3f}, without a model {speed['pipeline, no model']:.3f} M chars/s; "
              f"ratio pipeline / tokenizer {speed['pipeline'] / speed['tokenizer']:.3f}, "
              f"the {backend} model {secs['pipeline'] / secs['pipeline, no model']:.2f}x the time")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
