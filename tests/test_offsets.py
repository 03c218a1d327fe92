"""Offsets are sacred: every span in every output indexes the record's text."""


def test_every_span_matches_its_text(corpus_records):
    checked = 0
    for rec in corpus_records:
        t = rec["text"]
        for q in rec["quantities"]:
            assert t[q["start"]:q["end"]] == q["text"], (rec["article_id"], q)
            checked += 1
        for f in rec["facts"]:
            ev = f["evidence"]
            assert t[ev["start"]:ev["end"]] == ev["text"], (rec["article_id"], f["id"])
            checked += 1
        for e in rec["entities"]:
            for m in e["mentions"]:
                assert 0 <= m["start"] < m["end"] <= len(t)
                checked += 1
    assert checked > 1000  # the corpus really produced spans


def test_corpus_runs_without_errors(corpus_records):
    assert len(corpus_records) >= 49
