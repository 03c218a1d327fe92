"""khabar verify: passes on the shipped corpus output, fails clearly on tampering."""
from __future__ import annotations

import json
import shutil

import pytest

from pipeline.batch import run_batch
from pipeline.cli import main
from pipeline.verify import verify

from .conftest import DEV

NAMES = ["davos2024-tic", "alriyadh_c1", "aleqtisadiya_5", "okaz_2"]


@pytest.fixture()
def extracted(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for n in NAMES:
        shutil.copy(DEV / f"{n}.txt", src / f"{n}.txt")
    run_batch([str(src)], tmp_path / "out", workers=1)
    return src, tmp_path / "out"


def test_verify_passes_on_fresh_output(extracted, capsys):
    src, out = extracted
    rep = verify(out, [str(src)])
    assert rep["ok"], rep["failures"]
    assert rep["checked"]["values"] > 20 and rep["checked"]["source"] == len(NAMES)
    assert main(["verify", str(out)]) == 0
    assert (out / "verify.json").exists()


def test_verify_catches_a_changed_source(extracted, capsys):
    src, out = extracted
    p = src / "davos2024-tic.txt"
    p.write_text(p.read_text(encoding="utf-8").replace("626 مليون طن", "726 مليون طن"), encoding="utf-8")
    assert main(["verify", str(out), str(src)]) == 1
    text = capsys.readouterr().out
    assert "davos2024-tic: [source] the source no longer reads as the record's text" in text


def test_verify_catches_a_tampered_value(extracted, capsys):
    src, out = extracted
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    recs = [json.loads(x) for x in lines]
    davos = next(r for r in recs if r["article_id"] == "davos2024-tic")
    fact = next(f for f in davos["facts"] if f["type"] == "jobs")
    fact["value"] = fact["value"] * 10
    (out / "articles.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n",
                                        encoding="utf-8")
    assert main(["verify", str(out)]) == 1
    text = capsys.readouterr().out
    assert f"davos2024-tic: [values] fact {fact['id']}:" in text and "read as" in text


def test_verify_catches_a_shifted_span(extracted, capsys):
    src, out = extracted
    recs = [json.loads(x) for x in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    recs[0]["quantities"][0]["start"] += 1
    (out / "articles.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n",
                                        encoding="utf-8")
    rep = verify(out)
    assert not rep["ok"] and any(f["check"] == "spans" for f in rep["failures"])
