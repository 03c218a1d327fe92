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


def test_tokens_and_columns_are_the_matches_of_the_token_pattern(monkeypatch):
    """The tokenizer reads the matches a batch at a time; batches of 7 give the tokens and
    columns one pass over the pattern gives (Latin words included, so match keys fold case)."""
    import pipeline.stages.segment as seg
    from pipeline.document import Doc, Token
    from pipeline.lexicon import TOKEN_RE
    from pipeline.stages.clean import clean

    text = "قال Ali Baba إن 3.5 مليارات دولار، أي 40% (2023)! وانتهى.\n" * 9
    monkeypatch.setattr(seg, "MATCH_BATCH", 7)
    doc = seg.segment(seg.normalize_stage(clean(Doc(article_id="t", path="t", raw=text))))
    expected = [Token(m.start(), m.end(), m.group(), m.lastgroup) for m in TOKEN_RE.finditer(doc.norm.key)]
    assert len(expected) > 7 * 10 and doc.tokens == expected
    cols = doc.columns()
    assert cols.starts == [t.start for t in expected] and cols.kinds == [t.kind for t in expected]
    assert cols.match_keys == [t.key.lower() if t.kind == "latin" else t.key for t in expected]
    bang = next(i for i, t in enumerate(expected) if t.key == "!")
    assert doc.sentences[0] == (0, bang + 1)
