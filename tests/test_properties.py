"""Property-based tests: no input crashes the normalizer or the grammar, and spans always hold."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.normalize import normalize
from pipeline.numbers import read_numbers, read_quantities

# Arabic letters and marks, both digit scripts, separators, Latin and punctuation
ALPHABET = st.sampled_from(list(
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئىةـًٌٍَُِّْ٠١٢٣٤٥٦٧٨٩۰۱۲۳0123456789.,،٫٬٪%$€ -()/:\n"
    "AaBbZ") + ["مليون", "مليار", "ألف", "دولار", "ريال", "طن", "نحو", "بين", "و", "في المائة", "ثلاثة", "عشرين",
               "نصف", "ميغاواط", "وظيفة", "من كل", "إلى", "سالب", "فاصلة"])
TEXT = st.lists(ALPHABET, max_size=60).map("".join)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXT)
def test_normalizer_offset_map(text):
    n = normalize(text)
    assert len(n.to_text) == len(n.key) + 1
    assert all(0 <= i < len(text) for i in n.to_text[:-1])
    assert n.to_text == sorted(n.to_text)
    for k in range(len(n.key)):
        s, e = n.span(k, k + 1)
        assert 0 <= s < e <= len(text)


@SETTINGS
@given(TEXT)
def test_quantity_spans_index_the_input(text):
    for reader in (read_quantities, read_numbers):
        for q in reader(text):
            assert text[q.start:q.end] == q.text
            assert q.value_max is None or q.value_max > q.value
