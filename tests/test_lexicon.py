"""PhraseTable: longest match first, clitic-aware, and the cheap start filter agrees with matching."""
import pytest

from pipeline.lexicon import PhraseTable, form_tokens


def table() -> PhraseTable:
    return PhraseTable([("الأمم المتحدة", "UN"), ("الأمم", "nations"), ("الصين", "CN"), ("ريال عماني", "OMR")])


def test_longest_entry_wins_and_clitics_are_cut():
    keys = list(form_tokens("وقالت للأمم المتحدة إن الصين وبالصين ريال عماني"))
    t = table()
    assert t.match(keys, keys.index("الصين")) == (keys.index("الصين") + 1, "CN")
    i = keys.index("للامم")
    assert t.match_clitic(keys, i) == (i + 2, "UN", "لل")  # ل + الأمم writes للأمم
    assert t.match_clitic(keys, keys.index("وبالصين")) == (keys.index("وبالصين") + 1, "CN", "وب")  # وب + الصين


def test_starts_lists_exactly_the_tokens_that_could_start_an_entry():
    keys = list(form_tokens("وقالت للأمم المتحدة إن الصين وبالصين ريال عماني والعالم"))
    t = table()
    starts = t.starts(keys)
    assert starts == [i for i, k in enumerate(keys) if t.could_start(k)]
    # every match begins at a listed start
    assert all(i in starts for i in range(len(keys)) if t.match_clitic(keys, i))
    assert keys.index("والعالم") not in starts and keys.index("وبالصين") in starts


@pytest.mark.parametrize("a,b", [(0, None), (0, 5), (3, 40), (10, 200), (95, 120), (0, 100)])
def test_positions_are_the_keys_in_a_table_whichever_way_the_scan_runs(a, b):
    """positions loops over short windows and scans long ranges in C: both give the naive answer."""
    from pipeline.lexicon import positions

    keys = [("شركه" if i % 7 == 0 else "في" if i % 5 == 0 else f"w{i}") for i in range(100)]
    forms = frozenset({"شركه", "في"})
    end = len(keys) if b is None else min(b, len(keys))
    assert positions(keys, forms, a, b) == [j for j in range(a, end) if keys[j] in forms]
