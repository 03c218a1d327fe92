"""Public number and quantity readers over plain strings.

``read_quantities`` is the news grammar the pipeline uses (measured amounts only).
``read_numbers`` also returns bare numerals (unit ``number``) and lone unit words
(كيلوجرام = 1 kg), the way number-recognition suites such as Duckling and
Recognizers-Text test them, with their conventions (see ``suite_conventions``).
Offsets index the input string.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import regex

from .data import load_yaml
from .document import Doc
from .models import Quantity
from .normalize import ARABIC_INDIC, PERSIAN


def _doc(text: str) -> Doc:
    from .stages.segment import normalize_stage, segment

    doc = Doc(article_id="text", path="<string>", raw=text, text=text)
    return segment(normalize_stage(doc))


def read_quantities(text: str) -> list[Quantity]:
    """Measured amounts in ``text`` as the pipeline reads them."""
    from .stages.quantities import Parser, to_contract

    doc = _doc(text)
    return [to_contract(doc, q) for q in Parser(doc).parse()]


def read_numbers(text: str) -> list[Quantity]:
    """Every numeral in ``text``, with its unit when it has one (bare numbers: unit 'number')."""
    from .stages.quantities import Parser, to_contract

    doc = _doc(text)
    return suite_conventions(text, [to_contract(doc, q) for q in Parser(doc, bare=True).parse()])


# -- conventions of number-recognition suites ---------------------------------
# One code point to one code point, so offsets into the flat string index the input.
_FLAT = str.maketrans({**{c: str(i) for i, c in enumerate(ARABIC_INDIC)}, **{c: str(i) for i, c in enumerate(PERSIAN)},
                       "أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "\u202a": " ", "\u202c": " "})

NOT_NUMBERS_RE = regex.compile(
    r"""
      (?:https?://|www\.)\S+            # a URL: its digits are parameters, not numbers
    | \+\s?\d(?:[\s/]?\d){6,}          # an international phone number (+1 222 2222 2222)
    | (?<!\d)(?:19|20)\d\d-[01]\d(?!\d)  # a year-month date (1995-01)
    | <>\s*\d+                        # "not equal to": no value and no range
    """,
    regex.VERBOSE,
)


def _flat(s: str) -> str:
    return s.translate(_FLAT)


@lru_cache(maxsize=1)
def _suite_tables() -> dict:
    cfg = load_yaml("numbers")
    comps = [(_flat(f), kind) for kind, forms in cfg["suite_comparisons"].items() if kind != "joiners"
             for f in forms]
    fr = cfg["suite_fractions"]
    return {
        "comparisons": sorted(comps, key=lambda c: -len(c[0])),  # longest first
        "joiners": {_flat(j) for j in cfg["suite_comparisons"]["joiners"]},
        "before_definite": {_flat(w): (Decimal(a), Decimal(b)) for w, (a, b) in fr["before_definite"].items()},
        "plural_denominators": {_flat(w): Decimal(d) for w, d in fr["plural_denominators"].items()},
        "of_words": {_flat(w) for w in fr["of_words"]},
        "dates": _dates_re(cfg["months"]),
        "comparison_heads": {f.split()[0] for f, _ in comps if f[0].isalpha()},
    }


def _dates_re(months: list[str]):
    """A day number before a month name, with or without من (٤من المايو، 4 مايو 2020)."""
    alternation = "|".join(regex.escape(_flat(m)) for m in sorted(months, key=len, reverse=True))  # longest first
    return regex.compile(
        rf"""
        (?<!\d)\d{{1,2}}        # the day
        \s*(?:من\s*)?          # optional من, glued or spaced
        (?:ال)?(?:{alternation})  # the month (the article occurs in careless text)
        (?!\p{{L}})
        """,
        regex.VERBOSE,
    )


def _comparison_before(flat: str, pos: int, q_end: int = -1):
    """(kind, start) of a comparison form ending right before ``pos`` (or opening the
    quantity itself, as the grammar's hedges فوق/تحت do), or None."""
    head = flat[:pos].rstrip()
    for form, kind in _suite_tables()["comparisons"]:
        if q_end > pos and form[0].isalpha() and flat.startswith(form + " ", pos) and pos + len(form) < q_end:
            return kind, pos
        if head.endswith(form):
            s = len(head) - len(form)
            if s > 0 and flat[s - 1] == "و" and form[0].isalpha() and (s == 1 or not flat[s - 2].isalnum()):
                s -= 1  # وأصغر من: the conjunction is glued to the word
            if s == 0 or not flat[s - 1].isalnum() or not form[0].isalnum():
                return kind, s
    return None


def _copy(q: Quantity, text: str, **update) -> Quantity:
    start, end = update.get("start", q.start), update.get("end", q.end)
    return q.model_copy(update={**update, "text": text[start:end]})


def suite_conventions(text: str, qs: list[Quantity]) -> list[Quantity]:
    """Read ``qs`` the way number suites do: bounds, ranges, fractions; drop URL, phone and date digits."""
    t = _suite_tables()
    flat = _flat(text)
    blocked = [(m.start(), m.end()) for m in NOT_NUMBERS_RE.finditer(flat)]
    blocked += [(m.start(), m.end()) for m in t["dates"].finditer(flat)]
    qs = [q for q in qs if not any(a <= q.start < b for a, b in blocked)]
    qs = [_reading(text, flat, q) for q in qs]
    out: list[Quantity] = []
    i = 0
    while i < len(qs):
        q = qs[i]
        nxt = qs[i + 1] if i + 1 < len(qs) else None
        between = flat[q.end:nxt.start].strip() if nxt else None
        # واحد من ثلاثة، ناقص مائة على خمسة وثلاثون: a fraction of two numerals
        if nxt is not None and between in t["of_words"] and q.unit == "number" and nxt.value:
            out.append(_copy(q, text, end=nxt.end, value=q.value / nxt.value, unit="number", value_max=None,
                             approximate=nxt.approximate, rule="suite_fraction_of"))
            i += 2
            continue
        # بين سالب عشرة و خمسة عشر: a range the news grammar leaves to its own rules
        if nxt is not None and between in ("و",) and flat[:q.start].rstrip().endswith("بين") \
                and q.value_max is None and nxt.value_max is None:
            start = flat[:q.start].rstrip().rfind("بين")
            out.append(_copy(q, text, start=start, end=nxt.end, value_max=nxt.value, unit=nxt.unit,
                             rule="suite_between"))
            i += 2
            continue
        cmp = _comparison_before(flat, q.start, q.end)
        if cmp and cmp[0] == "lower" and nxt is not None:
            # أكبر من 100 وأصغر من 300، فوق الربع وتحت النصف: two bounds make one range
            rest = flat[q.end:nxt.start].strip()
            second = _comparison_before(flat, nxt.start, nxt.end)
            if second and second[0] == "upper" and (not rest or rest.split()[0] in t["joiners"]
                                                    or rest[:1] in t["joiners"] or rest[:1] == "و"):
                out.append(_copy(q, text, start=cmp[1], end=nxt.end, value_max=nxt.value, approximate=False,
                                 rule="suite_range"))
                i += 2
                continue
        if cmp and cmp[0] in ("lower", "upper"):
            q = _copy(q, text, start=min(q.start, cmp[1]), approximate=True, rule=q.rule + "+suite_bound")
        elif cmp and cmp[0] == "equal":
            q = _copy(q, text, start=cmp[1], value_max=q.value, rule=q.rule + "+suite_equal")
        out.append(q)
        i += 1
    return _fraction_words(text, flat, out)


def _reading(text: str, flat_text: str, q: Quantity) -> Quantity:
    """One quantity read by suite conventions, before bounds and ranges are joined."""
    t = _suite_tables()
    if q.unit == "count" and q.counted and _flat(q.counted).lstrip("و") in t["comparison_heads"]:
        # أكبر من 100 وأصغر من 300: the "counted noun" is the next comparison word
        cut = q.text.rfind(q.counted)
        return _copy(q, text, end=q.start + len(q.text[:cut].rstrip()), unit="number", counted=None)
    flat = _flat(q.text)
    # نصف = 0.5: a fraction word is a number, not a percentage (الربع alone is a noun)
    if q.rule.startswith("fraction_share") and q.unit == "percent" and (
            q.approximate or not flat.startswith("ال") or _comparison_before(flat_text, q.start, q.end)):
        return _copy(q, text, value=q.value / 100, unit="number")
    words = flat.split()
    # خمسة أثمان = 5/8
    if len(words) == 2 and words[1] in t["plural_denominators"] and q.unit != "number":
        return _copy(q, text, value=q.value / t["plural_denominators"][words[1]], unit="number",
                     rule="suite_plural_fraction")
    return q


_WORD_RE = regex.compile(r"(?<![\p{L}\p{N}])(?:ال)?(\p{L}+)(?=\s+ال\p{L})")


def _fraction_words(text: str, flat: str, qs: list[Quantity]) -> list[Quantity]:
    """خمس الفطيرة، ثمن الوزن: a fraction word before a definite noun is that fraction."""
    t = _suite_tables()["before_definite"]
    out = list(qs)
    for m in _WORD_RE.finditer(flat):
        frac = t.get(m.group(1))
        if frac is None:
            continue
        s, e = m.start(1), m.end(1)
        clash = [q for q in out if q.start < e and s < q.end]
        if any(q.end > e or q.value == frac[0] / frac[1] for q in clash):
            continue  # part of a longer numeral (خمس مئة)
        out = [q for q in out if q not in clash]
        out.append(Quantity(text=text[s:e], start=s, end=e, value=frac[0] / frac[1], unit="number",
                            approximate=False, rule="suite_fraction_word"))
    return sorted(out, key=lambda q: q.start)
