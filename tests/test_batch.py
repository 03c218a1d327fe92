"""Batch runs: every input accounted for, resumable after kill -9, deterministic, dataset outputs."""
from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from pipeline.batch import run_batch

from .conftest import DEV

ARTICLES = sorted(DEV.glob("*.txt"))


def make_jsonl(path: Path, n: int) -> Path:
    texts = [p.read_text(encoding="utf-8") for p in ARTICLES]
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            t = texts[i % len(texts)]
            title, _, body = t.partition("\n")
            f.write(json.dumps({"id": f"a{i:04d}", "title": title, "text": body[:1500]}, ensure_ascii=False) + "\n")
    return path


def read_lines(p: Path) -> list[str]:
    return p.read_text(encoding="utf-8").splitlines()


def test_formats_and_accounting(tmp_path):
    src = make_jsonl(tmp_path / "in.jsonl", 12)
    s = run_batch([str(src)], tmp_path / "out", workers=1, formats=["jsonl", "csv", "parquet", "duckdb"])
    assert s.inputs == 12 and s.records == 12 and s.errors == 0 and s.balanced
    import duckdb
    import pandas as pd

    facts = pd.read_parquet(tmp_path / "out" / "facts.parquet")
    assert len(facts) == s.facts == len(read_lines(tmp_path / "out" / "facts.jsonl"))
    con = duckdb.connect(str(tmp_path / "out" / "khabar.duckdb"), read_only=True)
    assert con.execute("select count(*) from articles").fetchall()[0][0] == 12
    assert pd.read_csv(tmp_path / "out" / "facts.csv").shape[0] == s.facts


def test_rerun_skips_unchanged_and_redoes_changed(tmp_path):
    src = make_jsonl(tmp_path / "in.jsonl", 8)
    out = tmp_path / "out"
    first = run_batch([str(src)], out, workers=1)
    before = (out / "articles.jsonl").read_bytes()
    again = run_batch([str(src)], out, workers=1)
    assert again.processed == 0 and again.skipped == 8
    assert (out / "articles.jsonl").read_bytes() == before
    lines = read_lines(src)
    obj = json.loads(lines[3])
    obj["text"] += "\nوأضاف التقرير أن 50 ألف وظيفة جديدة ستتوفر."
    lines[3] = json.dumps(obj, ensure_ascii=False)
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    third = run_batch([str(src)], out, workers=1)
    assert third.processed == 1 and third.skipped == 7 and third.records == 8 == first.records


def test_worker_count_does_not_change_output(tmp_path):
    src = make_jsonl(tmp_path / "in.jsonl", 20)
    run_batch([str(src)], tmp_path / "one", workers=1, batch_size=7)
    run_batch([str(src)], tmp_path / "two", workers=2, batch_size=7)
    for name in ("articles.jsonl", "facts.jsonl", "clusters.jsonl"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_kill_minus_nine_then_resume(tmp_path):
    src = make_jsonl(tmp_path / "in.jsonl", 160)
    clean = tmp_path / "clean"
    run_batch([str(src)], clean, workers=1, batch_size=8)
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "pipeline", "extract", str(src), "-o", str(out), "-w", "1", "--batch-size", "8", "-q"]
    proc = subprocess.Popen(cmd, cwd=Path(__file__).resolve().parent.parent)
    parts = out / ".parts"
    deadline = time.time() + 120
    while time.time() < deadline and len(list(parts.glob("part-*.jsonl"))) < 3:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (out / "articles.jsonl").exists()  # nothing half-written under a final name
    done_before = len(list(parts.glob("part-*.jsonl")))
    assert 3 <= done_before < 20
    r = subprocess.run(cmd, cwd=Path(__file__).resolve().parent.parent)
    assert r.returncode == 0
    assert (out / "articles.jsonl").read_bytes() == (clean / "articles.jsonl").read_bytes()
    assert len(read_lines(out / "articles.jsonl")) == 160


def test_bad_inputs_become_error_rows(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_bytes(b"   \n\t\n")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 8)
    good = "تقرير: استثمرت الشركة 5 مليارات ريال في المشروع.\nوأضاف أن 300 وظيفة جديدة ستتوفر."
    (d / "truncated.txt").write_bytes(good.encode("utf-8")[:-2])  # drops "." and half of the last letter
    (d / "legacy.txt").write_bytes(good.encode("cp1256"))
    (d / "english.txt").write_text("Plain English text about 5 apples.", encoding="utf-8")
    (d / "lines.jsonl").write_text('{"id": "ok", "text": "%s"}\n{not json\n{"id": "x"}\n' % good.replace("\n", " "),
                                   encoding="utf-8")
    with zipfile.ZipFile(d / "archive.zip", "w") as z:
        z.writestr("a.txt", good)
        z.writestr("b.txt", good + " ثانية")
    raw = bytearray((d / "archive.zip").read_bytes())
    i = raw.find(b"b.txt", raw.find(b"b.txt") + 1)  # the central directory keeps going; damage b's data
    first_local = raw.find(b"PK\x03\x04", 10)
    raw[first_local + 40:first_local + 48] = b"\x00" * 8
    (d / "archive.zip").write_bytes(bytes(raw))
    (d / "page.html").write_text("<html><head><title>خبر</title></head><body><nav>قائمة</nav><article><p>"
                                 + good + "</p></article></body></html>", encoding="utf-8")
    (d / "note.txt.gz").write_bytes(gzip.compress(good.encode("utf-8")))
    (d / "broken.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    s = run_batch([str(d)], tmp_path / "out", workers=1, timeout=20)
    assert s.balanced, s.line()
    errors = [json.loads(x) for x in read_lines(tmp_path / "out" / "errors.jsonl")]
    reasons = {e["article_id"]: e["reason"] for e in errors}
    assert "empty" in reasons["empty"] and "empty" in reasons["blank"]
    assert "binary" in reasons["binary"]
    assert any(k.startswith("lines:") for k in reasons) and len([k for k in reasons if k.startswith("lines:")]) == 2
    assert any("archive/b" == k for k in reasons) and "corrupt" in reasons["archive/b"]
    assert "gzip" in reasons["broken"]
    recs = {json.loads(x)["article_id"]: json.loads(x) for x in read_lines(tmp_path / "out" / "articles.jsonl")}
    assert {"truncated", "legacy", "english", "ok", "archive/a", "page", "note"} <= set(recs)
    assert recs["legacy"]["source"]["encoding"].lower().replace("_", "").startswith(("cp1256", "windows1256"))
    assert any("truncated" in w for w in recs["truncated"]["warnings"])
    assert "قائمة" not in recs["page"]["text"]  # navigation is not article text
    assert any(q["unit"] == "SAR" for q in recs["legacy"]["quantities"])


@pytest.mark.parametrize("name,text", [
    ("digits", "٣" * 100_000),
    ("words", "واحد " * 100_000),
    ("brackets", "(" * 50_000 + "5 مليارات دولار" + ")" * 50_000),
    ("latin", "Aa " * 100_000),
    ("commas", "1," * 50_000 + "1 مليار"),
])
def test_pathological_articles_finish_fast(tmp_path, name, text):
    src = tmp_path / f"{name}.txt"
    src.write_text("عنوان\n" + text, encoding="utf-8")
    t0 = time.time()
    s = run_batch([str(src)], tmp_path / "out", workers=1, timeout=30)
    assert s.balanced
    assert time.time() - t0 < 30, f"{name} took {time.time() - t0:.1f}s"


def test_time_budget_turns_a_slow_article_into_an_error_row(tmp_path, monkeypatch):
    import pipeline.run as run_mod

    def slow(doc):
        time.sleep(5)
        return doc

    monkeypatch.setattr(run_mod, "STAGES", [("sleep", slow)] + run_mod.STAGES)
    src = make_jsonl(tmp_path / "in.jsonl", 1)
    s = run_batch([str(src)], tmp_path / "out", workers=1, timeout=0.5)
    assert s.errors == 1 and s.balanced
    err = json.loads(read_lines(tmp_path / "out" / "errors.jsonl")[0])
    assert err["stage"] == "sleep" and "time budget" in err["reason"]


def test_dask_engine_matches_local(tmp_path):
    pytest.importorskip("dask.distributed")
    src = make_jsonl(tmp_path / "in.jsonl", 10)
    run_batch([str(src)], tmp_path / "local", workers=1)
    run_batch([str(src)], tmp_path / "dask", workers=2, engine="dask")
    for name in ("articles.jsonl", "facts.jsonl", "clusters.jsonl"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name


def test_a_code_change_invalidates_the_cache(tmp_path, monkeypatch):
    import pipeline.batch as batch

    src = make_jsonl(tmp_path / "in.jsonl", 3)
    run_batch([str(src)], tmp_path / "out", workers=1)
    monkeypatch.setattr(batch, "__version__", "9.9.9")
    again = run_batch([str(src)], tmp_path / "out", workers=1)
    assert again.processed == 3 and again.skipped == 0


def test_output_does_not_depend_on_string_hash_order(tmp_path):
    """Set iteration order changes with PYTHONHASHSEED between processes; records must not."""
    root = Path(__file__).resolve().parent.parent
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        r = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(root / "corpus" / "dev"), "-o", str(out),
                            "-w", "1", "-q"], cwd=root, env=env)
        assert r.returncode == 0
        outs.append((out / "articles.jsonl").read_bytes())
    assert outs[0] == outs[1]



def test_an_article_leaves_no_reference_cycles():
    """A processed article is freed by reference counting alone: stages that cache things on the
    document for each other (the facts' token view points back at it) must not leave a cycle, or
    every token of every article waits for the cyclic collector (29 % of a bulk run's time)."""
    import gc

    from pipeline.batch import process_one
    from pipeline.document import Doc

    from pipeline.document import Token

    texts = [p.read_text(encoding="utf-8") for p in ARTICLES[:8]]
    process_one(Doc(article_id="warm", path="x", raw=texts[0], sha256="w"))  # tables load before counting
    gc.collect()
    gc.disable()
    try:
        for i, t in enumerate(texts):
            result = process_one(Doc(article_id=str(i), path="x", raw=t, sha256=str(i)))
            assert "article" in result
        # what only the cyclic collector could free, kept for a look (threads of other tests'
        # libraries may leave garbage of their own meanwhile: only ours is counted)
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        ours = [o for o in gc.garbage if isinstance(o, (Doc, Token))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert ours == []


def test_a_worker_collects_cycles_every_gc_every_articles(monkeypatch):
    """The automatic collector is off in a worker; process_one runs it every GC_EVERY articles."""
    import gc

    from pipeline import batch
    from pipeline.document import Doc

    monkeypatch.setattr(batch, "GC_EVERY", 3)
    monkeypatch.setattr(batch, "_done_since_gc", 0)
    monkeypatch.setattr(batch, "_WARM", False)  # a fresh worker
    batch._warm()
    batch.process_one(Doc(article_id="w", path="x", raw="قال محمد", sha256="w"))
    assert not gc.isenabled()
    runs = []
    gc.callbacks.append(count := lambda phase, info: runs.append(phase))  # the list the collector reads
    try:
        for i in range(6):
            batch.process_one(Doc(article_id=str(i), path="x", raw="انضمت 3 شركات في الصين", sha256=str(i)))
    finally:
        gc.callbacks.remove(count)
    assert runs.count("start") == 2


# --- articles run together (run.process_many) ----------------------------------------

def _docs(n: int) -> list:
    from pipeline.document import Doc

    return [Doc(article_id=p.stem, path=str(p), raw=p.read_text(encoding="utf-8"), sha256=p.stem)
            for p in ARTICLES[:n]]


@pytest.mark.parametrize("backend", ["crf", "ensemble"])
def test_articles_run_together_give_the_records_they_give_alone(monkeypatch, backend):
    """The NER model tags a batch's names in one call; each article's names still only spread
    within it (the CRF's document features, the second pass's bonuses)."""
    from pipeline.run import process, process_many
    from pipeline.stages.entities import active_recognizer

    monkeypatch.setenv("KHABAR_NER", backend)
    alone = [process(d).model_dump_json() for d in _docs(8)]
    ner, calls = active_recognizer(), []
    predict = ner.predict
    monkeypatch.setattr(ner, "predict", lambda sentences, documents=None: calls.append(documents)
                        or predict(sentences, documents))
    together = [r.model_dump_json() for r in process_many(_docs(8))]
    assert len(calls) == 1 and len(set(calls[0])) >= 6  # one call; most of the 8 articles ask
    assert together == alone


def test_a_failing_article_leaves_the_others_of_its_batch(monkeypatch):
    import pipeline.run as run_mod

    def fussy(doc):
        if doc.article_id == "bad":
            raise ValueError("no good")
        return doc

    monkeypatch.setattr(run_mod, "STAGES", [("fussy", fussy)] + run_mod.STAGES)
    docs = _docs(3)
    docs[1].article_id = "bad"
    out = run_mod.process_many(docs)
    assert isinstance(out[1], run_mod.StageError) and (out[1].stage, out[1].article_id) == ("fussy", "bad")
    assert [r.article_id for r in (out[0], out[2])] == [docs[0].article_id, docs[2].article_id]


def _with_stage_over_many(monkeypatch, name, stage):
    """STAGES with ``stage`` (over many articles) put right after the entities stage."""
    import pipeline.run as run_mod
    from pipeline.stages import over_many

    at = [n for n, _ in run_mod.STAGES].index("entities") + 1
    monkeypatch.setattr(run_mod, "STAGES", run_mod.STAGES[:at] + [(name, over_many(stage))] + run_mod.STAGES[at:])
    return run_mod


def test_a_stage_over_many_that_fails_names_the_article(monkeypatch):
    """One article breaks a stage that reads a batch: it runs again an article at a time, and
    only that article becomes an error."""
    def picky(docs):
        if any(d.article_id == "bad" for d in docs):
            raise RuntimeError("cannot read this one")
        return docs

    run_mod = _with_stage_over_many(monkeypatch, "picky", picky)
    docs = _docs(3)
    docs[2].article_id = "bad"
    out = run_mod.process_many(docs)
    assert isinstance(out[2], run_mod.StageError) and (out[2].stage, out[2].article_id) == ("picky", "bad")
    assert "cannot read this one" in str(out[2])
    assert not any(isinstance(r, run_mod.StageError) for r in out[:2])


def test_time_budget_in_a_stage_over_many_stops_only_the_slow_article(monkeypatch):
    """A batch stage gets the sum of its articles' budgets; run over, it runs again an article
    at a time, each with its own: the slow article times out, the others finish."""
    def slow(docs):
        if any(d.article_id == "slow" for d in docs):
            time.sleep(3)
        return docs

    run_mod = _with_stage_over_many(monkeypatch, "slow", slow)
    docs = _docs(3)
    docs[0].article_id = "slow"
    t0 = time.time()
    out = run_mod.process_many(docs, timeout=0.5)
    assert time.time() - t0 < 2.8  # cut at 3 x 0.5 s, then at the slow one's 0.5 s: neither sleep ran out
    assert isinstance(out[0], run_mod.StageError) and isinstance(out[0].cause, run_mod.ArticleTimeout)
    assert out[0].stage == "slow"
    assert not any(isinstance(r, run_mod.StageError) for r in out[1:])


def test_an_article_with_a_long_window_is_tagged_alone(monkeypatch):
    """The models' arrays are windows x the longest window: an article whose window is longer
    than LONG_WINDOW gets its own call, the others share one, and the records do not change."""
    from pipeline.run import process, process_many
    from pipeline.stages import entities as ent

    monkeypatch.setenv("KHABAR_NER", "crf")
    alone = [process(d).model_dump_json() for d in _docs(8)]
    monkeypatch.setattr(ent, "LONG_WINDOW", 14)  # the dev articles' windows run 11 tokens and more
    ner, calls = ent.active_recognizer(), []
    predict = ner.predict
    monkeypatch.setattr(ner, "predict", lambda sentences, documents=None: calls.append(
        max(map(len, sentences))) or predict(sentences, documents))
    together = [r.model_dump_json() for r in process_many(_docs(8))]
    assert together == alone
    assert calls[0] <= 14 and len(calls) >= 3 and all(n > 14 for n in calls[1:]), calls
