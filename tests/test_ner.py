"""The statistical NER backends: corpus reading, the shipped CRF and spaCy models, the CAMeL adapter offline."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import ner
from pipeline.ner import CamelRecognizer, NERUnavailable, iob_spans, read_conll, recognizer

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("tags, spans", [
    (["O", "B-PERS", "I-PERS", "O"], [(1, 3, "PERS")]),
    (["B-LOC", "B-LOC"], [(0, 1, "LOC"), (1, 2, "LOC")]),
    (["I-ORG", "I-ORG", "O"], [(0, 2, "ORG")]),          # a stray I- opens an entity (conlleval)
    (["B-ORG", "I-LOC"], [(0, 1, "ORG"), (1, 2, "LOC")]),  # a label change closes it
    (["O", "O"], []),
    ([], []),
])
def test_iob_spans(tags, spans):
    assert iob_spans(tags) == spans


def test_read_conll_tolerates_bom_crlf_tabs_and_direction_marks(tmp_path):
    f = tmp_path / "c.txt"
    f.write_bytes("\ufeff\u200eمحمد\tB-PERS\r\nفي O\r\n\u200f O\r\n\r\nباريس B-LOC\r\n".encode("utf-8"))
    assert list(read_conll(f)) == [(["محمد", "في"], ["B-PERS", "O"]), (["باريس"], ["B-LOC"])]


# -- the features the model reads -------------------------------------------------
@pytest.mark.parametrize("word, split", [
    ("وبالرياض", ("وبال", "رياض")),
    ("للصين", ("لل", "صين")),
    ("والتقى", ("وال", "تقى")),
    ("ماكرون", ("", "ماكرون")),
    ("وهو", ("و", "هو")),       # the rest keeps two letters
    ("بن", ("", "بن")),
])
def test_clitic_split(word, split):
    assert ner.clitic_split(word) == split


def test_lexemes_carry_class_proclitics_and_stem():
    import spacy
    from spacy.attrs import LOWER, PREFIX, SHAPE

    nlp = ner.use_word_classes(spacy.blank("ar"))
    doc = spacy.tokens.Doc(nlp.vocab, words=["وبباريس", "قال", "xyzzy"])
    rows = doc.to_array([SHAPE, PREFIX, LOWER])
    got = [tuple(nlp.vocab.strings[int(v)] for v in row) for row in rows]
    assert got[0] == ("L", "وب", "باريس")
    assert got[1][0] == "C" and got[1][1] == ""
    assert got[2][0] == "xxxx"  # no class: spaCy's shape


def test_training_withholds_names_read_off_the_training_corpus():
    """A name withheld at training time is an unlisted word to the model; at run time it is P."""
    import spacy
    from spacy.attrs import SHAPE

    from pipeline.stages.entities import rules

    name = next(w for w in sorted(rules()["person_names"]) if ner._word_classes().get(w) == "P")
    full = ner.use_word_classes(spacy.blank("ar"))
    held = ner.use_word_classes(spacy.blank("ar"), frozenset({name}))
    assert full.vocab[name].shape_ in ("P", "PL")
    assert held.vocab[name].shape_ not in ("P", "PL")
    assert full.vocab.lex_attr_getters[SHAPE](name) == full.vocab[name].shape_


@pytest.mark.parametrize("word", ["ACWA", "Power", "H2", "COP28", "3.5", "xyzzy", "بباريس", "", "a" * 100,
                                  "Neom's", "ABCDEFG", "١٢٣٤٥٦", "e-mail", "7x7", "É", "و", "في", "ـــ",
                                  "الاستثمارات", "ب" * 100])
def test_word_shape_is_spacys(word):
    from spacy.lang.lex_attrs import word_shape

    assert ner.word_shape(word) == word_shape(word)


def test_word_shape_of_every_arabic_letter_is_spacys():
    """The shortcut for Arabic letters: every letter it takes, alone and four in a row."""
    from spacy.lang.lex_attrs import word_shape

    for c in map(chr, range(0x0621, 0x064B)):
        assert ner.word_shape(c) == word_shape(c) and ner.word_shape(c * 4) == word_shape(c * 4), hex(ord(c))


@pytest.mark.parametrize("backend", ["crf", "ensemble"])
def test_crf_and_lstm_pipelines_do_not_load_spacy(backend):
    """spaCy brings thinc and torch: some 200 MB per worker these models do not need."""
    code = ("import sys; from pipeline.batch import _warm; _warm(); "
            "print(sorted(m for m in ('spacy', 'thinc', 'torch') if m in sys.modules))")
    env = {**os.environ, "KHABAR_NER": backend}
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"


# -- the CRF ---------------------------------------------------------------------
def test_crf_features_read_the_word_its_stem_class_and_neighbours():
    words = ["وقال", "الرئيس", "ايمانويل", "ماكرون"]
    feats = ner.crf_features(words)
    assert len(feats) == len(words)
    third = set(feats[2])
    assert {"w=ايمانويل", "s=ايمانويل", "-1s=رئيس", "-1p=ال", "-2s=قال", "1w=ماكرون", "2EOS"} <= third
    assert f"c={ner.word_class('ايمانويل')}" in third
    assert f"cc={ner.word_class('الرئيس')}|{ner.word_class('ايمانويل')}" in third
    assert "-2BOS" in feats[0] and "-1BOS" in feats[0] and "1EOS" in feats[3]
    assert ner.crf_features([]) == []


def test_crf_trains_loads_and_tags(tmp_path):
    """The training function and the loader on a model this test builds (no shipped file involved)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from train_crf import train

    sents = [("قال الرئيس سمير العلي امس".split(), ["O", "O", "B-PERS", "I-PERS", "O"]),
             ("وصل الوزير كمال الحسن الى القاهره".split(), ["O", "O", "B-PERS", "I-PERS", "O", "B-LOC"]),
             ("زار الرئيس نبيل الشامي القاهره".split(), ["O", "O", "B-PERS", "I-PERS", "B-LOC"])] * 5
    path = train(sents, tmp_path / "m" / "model.crfsuite", ner.word_class, c1=0.0, c2=0.01, max_iterations=50)
    rec = ner.CrfRecognizer(path.parent)  # a folder holding model.crfsuite loads too
    assert rec.predict([["قال", "الرئيس", "سمير", "العلي", "امس"], []]) == [[(2, 4, "PERS")], []]
    rec.name_bonus = rec.part_bonus = 0
    for words, _ in sents[:3]:  # a model without most features: weights read, tags as CRFsuite's
        assert rec.tag_all([words]) == [rec.tagger.tag(ner.document_crf_features([words])[0])]
    assert ner.recognizer("crf", str(path)).predict([["الى", "القاهره"]]) == [[(1, 2, "LOC")]]


def test_word_clusters_table_is_keys_with_three_cluster_ids():
    from pipeline.normalize import key

    lines = ner.WORD_CLUSTERS.read_text(encoding="utf-8").splitlines()
    table = ner.word_clusters()
    assert len(table) == len(lines) > 10_000  # no word twice
    for w, ids in table.items():
        assert w and key(w) == w, w  # the keys the CRF looks words up by
        assert len(ids) == 3 and all(int(i) < size for i, size in zip(ids, (64, 256, 1024))), (w, ids)


def test_crf_reads_a_words_cluster_or_its_stems():
    table = ner.word_clusters()
    word = next(w for w in table if not w.startswith(("و", "ب", "ل", "ف", "ك", "ال")) and len(w) > 3
                and "و" + w not in table)
    own = set(ner.crf_features([word])[0])
    assert f"k256={table[word][1]}" in own
    assert f"k256={table[word][1]}" in set(ner.crf_features(["و" + word])[0])  # وعمر reads as عمر
    assert "k256=-" in set(ner.crf_features(["qqqqzzz"])[0])


def test_crf_reads_only_features_its_model_knows_and_tags_the_same():
    rec = ner.CrfRecognizer()
    sentences = [s.split() for s in (
        "وقال الرئيس الفرنسي ايمانويل ماكرون في باريس امس",
        "واكد رئيس الوزراء البريطاني بوريس جونسون ان الحكومه ستدعم القطاع",
        "وقعت شركه ارامكو السعوديه اتفاقا مع مجموعه زكسيل الصينيه",
    )]
    for words in sentences:
        every = ner.crf_features(words)
        known = ner.crf_features(words, known=rec.known)
        assert all(set(k) <= set(e) & rec.known for k, e in zip(known, every))
        assert sum(map(len, known)) < sum(map(len, every))
        assert rec.tagger.tag(known) == rec.tagger.tag(every)


def _corpus_sentences(limit: int = 12) -> list[list[str]]:
    """Sentences of token keys from the shipped articles, as the entity stage hands them over."""
    from pipeline.document import Doc
    from pipeline.stages.clean import clean
    from pipeline.stages.segment import normalize_stage, segment

    out = []
    for path in sorted((ROOT / "corpus" / "dev").glob("*.txt"))[:limit]:
        doc = segment(normalize_stage(clean(Doc(article_id=path.stem, path=str(path),
                                                 raw=path.read_text(encoding="utf-8"), sha256=""))))
        out += [[t.key for t in doc.tokens[a:b]] for a, b in doc.sentences]
    return out


def test_crf_viterbi_tags_as_crfsuite():
    """Khabar's own scoring and Viterbi against CRFsuite's tagger on the same model: whole
    sentences, windows of them, one-word and empty ones, one at a time and many together, with
    their document's features.  CRFsuite decodes once: so does the first pass, without the
    document's bonuses."""
    rec = ner.CrfRecognizer()
    rec.name_bonus = rec.part_bonus = 0
    sentences = _corpus_sentences()
    windows = [s[k:k + n] for s in sentences for k, n in ((0, 1), (1, 2), (3, 11)) if s[k:k + n]]
    cases = sentences + windows + [[], ["qqq"], ["وقال", "الرئيس", "ايمانويل", "ماكرون"]]
    assert len(cases) > 500

    def crfsuite(document):  # CRFsuite's tags for the sentences of one document
        tags = iter(rec.tagger.tag(f) for f in ner.document_crf_features([s for s in document if s]))
        return [next(tags) if s else [] for s in document]

    reference = crfsuite(cases)
    assert rec.tag_all(cases) == reference
    # the stems the second pass matches names on, from the word score store: clitic_split's
    assert rec.word_stems(cases) == [[ner.clitic_split(w)[1] for w in s] for s in cases]
    alone = [crfsuite([s])[0] for s in cases[:200]]
    assert [rec.tag_all([s])[0] for s in cases[:200]] == alone
    assert alone != reference[:200]  # the document's features count
    by_three = [crfsuite(cases[k:k + 3]) for k in range(0, 300, 3)]
    threes = [k // 3 for k in range(300)]
    assert rec.tag_all(cases[:300], documents=threes) == [t for group in by_three for t in group]
    # the word score store emptied when full scores words again, the same
    small = ner.CrfRecognizer()
    small.name_bonus = small.part_bonus = 0
    small._allocate(64)  # room for 64 words
    assert [small.tag_all(cases[k:k + 3]) for k in range(0, 300, 3)] == by_three
    assert small.tag_all(cases) == reference and len(small._scores) > 64  # more words than room
    assert sum(r != ["O"] * len(r) for r in reference) > 50  # names were tagged, not just O


# -- a name's other mentions in its document ----------------------------------------------------
# (sentences, first-pass tags per sentence, the bonuses expected: {sentence: [(word, tag)]})
_O, _BP, _IP, _BL = "O", "B-PERS", "I-PERS", "B-LOC"
REPEATS = [
    # the bare surname after the full name: a part of a person's name (the smaller bonus)
    ([["وقال", "الرئيس", "جورج", "بوش"], ["واضاف", "بوش"]], [[_O, _O, _BP, _IP], [_O, _O]],
     {1: [(1, _BP, "part")]}),
    # the same name again, behind other clitics (وبالقاهره spells القاهره)
    ([["زار", "القاهره"], ["وعاد", "وبالقاهره", "امس"]], [[_O, _BL], [_O, _O, _O]], {1: [(1, _BL, "name")]}),
    # a tagged part of the name grows to the whole name
    ([["جورج", "بوش"], ["قال", "جورج", "بوش"]], [[_BP, _IP], [_O, _BP, _O]],
     {1: [(1, _BP, "name"), (2, _IP, "name")]}),
    # only the family name spreads, not the first name or a link like بن
    ([["محمد", "بن", "سلمان"], ["بن", "محمد"], ["سلمان"]], [[_BP, _IP, _IP], [_O, _O], [_O]],
     {2: [(0, _BP, "part")]}),
    # a one-word name that is also a function word as a key (علي: على) does not spread
    ([["قال", "علي"], ["على", "الطاوله"]], [[_O, _BP], [_O, _O]], {}),
    # already tagged, or tagged another way here: left to the model
    ([["زار", "القاهره"], ["القاهره"]], [[_O, _BL], [_BL]], {}),
    ([["زار", "مصر"], ["فاز", "مصر"]], [[_O, _BL], [_O, "B-ORG"]], {}),
    ([["لا", "اسماء"], ["هنا"]], [[_O, _O], [_O]], {}),
]


@pytest.mark.parametrize("sentences, paths, expected", REPEATS)
def test_repeat_bonuses(sentences, paths, expected):
    got = ner.repeat_bonuses(sentences, paths, name_bonus=16.0, part_bonus=4.0)
    size = {"name": 16.0, "part": 4.0}
    assert got == {k: [(t, tag, size[which]) for t, tag, which in v] for k, v in expected.items()}


class _Scored(ner.ViterbiTagger):
    """A tagger over hand-set scores: one row of label scores per word, looked up by the word."""

    labels = ["O", "B-PERS", "I-PERS"]

    def __init__(self, rows):
        import numpy as np

        self.rows, self.trans = rows, np.zeros((3, 3))
        self.trans[0, 2] = -100  # no I-PERS after O

    def scores(self, sentences, documents=None):
        import numpy as np

        out = np.zeros((len(sentences), max(map(len, sentences)), 3))
        for i, words in enumerate(sentences):
            out[i, :len(words)] = [self.rows[w] for w in words]
        return out


def test_second_pass_tags_a_names_bare_mention_unless_its_context_says_no():
    rows = {"قال": [5, 0, 0], "جورج": [0, 5, 0], "بوش": [0, 0, 5], "وبوش": [1, 0.5, 0], "امس": [30, 2, 0],
            "بوش!": [0, 5, 0]}
    rec = _Scored(rows)
    sentences = [["قال", "جورج", "بوش"], ["قال", "وبوش"]]
    assert rec.predict(sentences) == [[(1, 3, "PERS")], [(1, 2, "PERS")]]
    # each sentence its own document: the bare mention stays untagged, as the first pass left it
    assert rec.predict(sentences, documents=[0, 1]) == [[(1, 3, "PERS")], []]
    rec.name_bonus = rec.part_bonus = 0
    assert rec.predict(sentences) == [[(1, 3, "PERS")], []]
    # a context far surer than the bonus keeps its O
    rows["وبوش"] = [30, 0, 0]
    assert _Scored(rows).predict(sentences) == [[(1, 3, "PERS")], []]
    assert _Scored(rows).predict([[], ["بوش!"], []]) == [[], [(0, 1, "PERS")], []]


def test_crf_model_file_is_read_as_crfsuite_reads_it(tmp_path):
    labels, attrs, state, trans = ner._crf_model(ner.CRF_MODEL)
    info = ner.CrfRecognizer().tagger.info()
    assert {a: i for i, a in enumerate(labels)} == {a: int(i) for a, i in info.labels.items()}
    assert {a: i for i, a in enumerate(attrs)} == {a: int(i) for a, i in info.attributes.items()}
    # the dump prints weights to six decimals: the file's are those, unrounded
    some = list(info.state_features.items())[:500]
    assert all(abs(state[attrs.index(a), labels.index(y)] - w) < 5e-7 for (a, y), w in some)
    assert all(abs(trans[labels.index(a), labels.index(b)] - w) < 5e-7 for (a, b), w in info.transitions.items())
    bad = tmp_path / "model.crfsuite"
    bad.write_bytes(b"lCRF" + b"\0" * 40)
    with pytest.raises(NERUnavailable, match="not a CRFsuite model"):
        ner.CrfRecognizer(bad)


def test_shipped_crf_model_is_small():
    assert ner.CRF_MODEL.stat().st_size < 8_000_000


# -- the shipped spaCy model ---------------------------------------------------
def test_shipped_model_is_small_and_loads():
    size = sum(p.stat().st_size for p in ner.MODEL_DIR.rglob("*") if p.is_file())
    assert size < 16_000_000, f"model is {size / 1e6:.1f} MB"
    assert recognizer("spacy").nlp.pipe_names[-1] == "ner"



def test_shipped_model_multiplies_with_numpy_blas_and_remembers_word_vectors():
    nlp = recognizer("spacy").nlp
    ops = {type(node.ops).__name__ + str(getattr(node.ops, "use_blis", None))
           for _, pipe in nlp.pipeline for node in pipe.model.walk()}
    assert ops == {"NumpyOpsFalse"}, ops
    assert type(nlp.vocab.vectors).__name__ == "RememberedFloret"


def test_model_multiplies_on_one_blas_thread(monkeypatch):
    """A worker is one core's worth of work: two workers' BLAS threads must not fight over two cores."""
    from threadpoolctl import threadpool_info

    rec = recognizer("spacy")
    seen = []
    real_pipe = rec.nlp.pipe

    def spy(docs, **kw):
        seen.extend(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
        return real_pipe(docs, **kw)

    monkeypatch.setattr(rec.nlp, "pipe", spy)
    rec.predict([["وقال", "محمد", "العلي"]])
    assert seen and set(seen) == {1}


@pytest.mark.parametrize("rows", [4, 1000])
def test_remembered_floret_vectors_equal_computed_ones(rows):
    """Cached or not, full or not, a word's vector is floret's own, in the caller's order."""
    import numpy
    from spacy.strings import StringStore
    from spacy.vectors import Vectors

    strings = StringStore()
    data = numpy.random.default_rng(0).random((50, 6), dtype="float32")
    inner = Vectors(strings=strings, mode="floret", data=data, minn=2, maxn=3, hash_count=2)
    remembered = ner._remembered_floret(inner, rows=rows)
    words = "شركة ارامكو شركة النفط السعودية ارامكو جدة".split()
    for batch in (words, words[::-1], words[2:], words * 2, words[:3]):
        keys = numpy.asarray([strings.add(w) for w in batch], dtype="uint64")
        assert numpy.array_equal(remembered.get_batch(keys), inner.get_batch(keys))
    assert len(remembered.row_of) <= rows


@pytest.mark.parametrize("sentence, name, label", [
    ("وقال الرئيس الفرنسي ايمانويل ماكرون في باريس امس", "ايمانويل ماكرون", "PERS"),
    ("التقى الرئيس المصري عبد الفتاح السيسي وفدا من رجال الاعمال", "عبد الفتاح السيسي", "PERS"),
    ("واكد رئيس الوزراء البريطاني بوريس جونسون ان الحكومه ستدعم القطاع", "بوريس جونسون", "PERS"),
    ("وصل الوفد الى القاهره صباح اليوم", "القاهره", "LOC"),
])
@pytest.mark.parametrize("backend", ["ensemble", "lstm", "crf", "spacy"])
def test_shipped_model_tags_clear_names(backend, sentence, name, label):
    """A statistical model: some word of a clear name carries the right label."""
    words = sentence.split()
    spans = recognizer(backend).predict([words])[0]
    tagged = {(w, lab) for i, j, lab in spans for w in words[i:j]}
    assert any((w, label) in tagged for w in name.split()), spans


@pytest.mark.parametrize("backend", ["ensemble", "crf", "spacy"])
def test_entity_stage_adds_model_mentions_below_rules(monkeypatch, backend):
    from pipeline.run import extract_text

    text = "وقال المتحدث باسم اللجنة الدولية للصليب الأحمر إن الأزمة تتفاقم، بحسب شركة أرامكو السعودية في فرنسا."
    monkeypatch.setenv("KHABAR_NER", "none")
    without = extract_text(text)
    monkeypatch.setenv("KHABAR_NER", backend)
    with_model = extract_text(text)
    rules_of = {e.name: e.rule for e in with_model.entities}
    assert any(r.startswith(f"model:{backend}") for r in rules_of.values()), rules_of
    # what the rules and gazetteers found is still theirs
    for e in without.entities:
        assert rules_of.get(e.name) == e.rule
    for e in with_model.entities:
        for m in e.mentions:
            assert text[m.start:m.end] in e.aliases or text[m.start:m.end] == e.name


# -- CAMeL Tools BERT adapter, offline -----------------------------------------
CAMEL_LABELS = ["B-LOC", "B-ORG", "B-PERS", "B-MISC", "I-LOC", "I-ORG", "I-PERS", "I-MISC", "O"]


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    """A 1-layer BERT token classifier whose classifier always says I-PERS (no download):
    every sentence comes back as one PERS span, which the entity stage keeps (two words or more)."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    d = tmp_path_factory.mktemp("tiny_bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "محمد", "في", "باريس", "##ه"]
    (d / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    cfg = transformers.BertConfig(vocab_size=len(vocab), hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                                  intermediate_size=16, max_position_embeddings=512, num_labels=len(CAMEL_LABELS),
                                  id2label=dict(enumerate(CAMEL_LABELS)),
                                  label2id={lab: i for i, lab in enumerate(CAMEL_LABELS)})
    torch.manual_seed(0)
    model = transformers.BertForTokenClassification(cfg)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        model.classifier.bias[CAMEL_LABELS.index("I-PERS")] = 10.0
    model.save_pretrained(d)
    transformers.BertTokenizer(str(d / "vocab.txt")).save_pretrained(d)
    return d


def test_camel_adapter_runs_a_local_model_without_catalogue(tiny_bert, tmp_path, monkeypatch):
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path / "no-camel-data"))
    rec = CamelRecognizer(tiny_bert)
    out = rec.predict([["محمد", "في", "باريس"], [], ["محمد"]])
    assert out == [[(0, 3, "PERS")], [], [(0, 1, "PERS")]]
    assert not (tmp_path / "no-camel-data" / "catalogue.json").exists()  # nothing was fetched


def test_camel_pretrained_without_data_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path))
    with pytest.raises(NERUnavailable, match="camel_data -i ner-arabert"):
        ner.camel_pretrained_path()
    (tmp_path / "catalogue.json").write_text(json.dumps({"components": {"NamedEntityRecognition": {
        "default": "arabert", "datasets": {"arabert": {"path": "ner/arabert"}}}}}))
    with pytest.raises(NERUnavailable, match="not installed at"):
        ner.camel_pretrained_path()


def test_cli_camel_backend_missing_data_fails_up_front(tmp_path):
    env = {**os.environ, "CAMELTOOLS_DATA": str(tmp_path / "none")}
    art = tmp_path / "a.txt"
    art.write_text("عنوان\nنص الخبر", encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(art), "-o", str(tmp_path / "out"),
                        "--ner", "camel", "-q"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert p.returncode == 2
    assert "--ner camel" in p.stderr and "camel_data" in p.stderr


def test_cli_camel_backend_with_a_local_model(tiny_bert, tmp_path):
    env = {**os.environ, "CAMELTOOLS_DATA": str(tmp_path / "none")}
    art = tmp_path / "a.txt"
    art.write_text("عنوان\nوصل الرئيس لاحقا", encoding="utf-8")  # a title, and no name the rules know
    p = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(art), "-o", str(tmp_path / "out"),
                        "--ner", "camel", "--ner-model", str(tiny_bert), "-q", "-w", "1"],
                       capture_output=True, text=True, env=env, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    rec = json.loads((tmp_path / "out" / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert any("model:camel" in e["rule"] for e in rec["entities"]), rec["entities"]


def test_check_names_a_missing_model_without_loading_anything(tmp_path):
    with pytest.raises(NERUnavailable, match="train_ner.py"):
        ner.check("spacy", str(tmp_path))
    with pytest.raises(NERUnavailable, match="train_crf.py"):
        ner.check("crf", str(tmp_path))
    ner.check("crf")
    ner.check("ensemble")
    with pytest.raises(NERUnavailable, match="config.json"):
        ner.check("camel", str(tmp_path))
    ner.check("spacy")  # the shipped model is there
    ner.check("none")
    with pytest.raises(ValueError, match="unknown NER backend"):
        ner.check("flair")


class _TagsPairs:
    """A stand-in model that tags every listed two-word phrase in the windows it reads as PERS."""

    name = "stub"

    def __init__(self, *phrases):
        self.phrases = [tuple(p.split()) for p in phrases]

    def predict(self, sentences, documents=None):
        return [[(i, i + 2, "PERS") for i in range(len(s) - 1) if (s[i], s[i + 1]) in self.phrases]
                for s in sentences]


@pytest.mark.parametrize("text, phrase", [
    # news models read ثاني as a family name
    ("وقال مراد خليفي إن انبعاثات ثاني أكسيد الكربون تراجعت هذا العام.", "ثاني أكسيد"),
    # a speech verb before God's name and its praise
    ("وقال مراد خليفي إن الخطيب ذكّر بما قال الله تعالى في كتابه.", "الله تعالى"),
    # militias named after their leader, after a speech verb
    ("وقال مراد خليفي إن ميليشيات الحوثي قصفت المدينة.", "ميليشيات الحوثي"),
])
def test_model_spans_with_words_no_name_holds_are_not_names(monkeypatch, text, phrase):
    """The veto table (model_not_name_words) against a stand-in model that tags the phrase."""
    from pipeline.normalize import key
    from pipeline.run import extract_text
    from pipeline.stages import entities

    stub = _TagsPairs(key("مراد خليفي"), key(phrase))
    monkeypatch.setattr(entities, "active_recognizer", lambda: stub)
    names = {e.name: e.rule for e in extract_text(text).entities}
    assert "مراد خليفي" in names, names
    assert not any(phrase.split()[1] in n for n in names), names


@pytest.mark.parametrize("backend, files", [("crf", ("WORD_CLUSTERS", "CRF_MODEL")),
                                            ("ensemble", ("WORD_CLUSTERS", "CRF_MODEL", "LSTM_MODEL"))])
def test_resume_key_covers_the_models_and_their_clusters(tmp_path, monkeypatch, backend, files):
    """Re-running after a retrained model or rebuilt clusters must redo the articles, not skip them."""
    from pipeline.batch import pipeline_version

    monkeypatch.setenv("KHABAR_NER", backend)
    monkeypatch.delenv("KHABAR_NER_MODEL", raising=False)
    base = pipeline_version()
    for name in files:
        other = tmp_path / f"{name}.bin"
        other.write_bytes(getattr(ner, name).read_bytes() + b"\n")
        with monkeypatch.context() as m:
            m.setattr(ner, name, other)
            assert pipeline_version() != base, name
    assert pipeline_version() == base
