"""Matching keys for Arabic text, with an offset map back to the cleaned text.

The key is built from small ``str -> str`` steps.  Every step maps one code point
to zero or more code points, so we apply the composed steps code point by code
point (memoised) and record, for every key position, the text position it came
from.  Output spans are always computed on the key and mapped back to the text,
so ``text[start:end]`` never drifts.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Callable

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
    normalize_unicode,
)

TATWEEL = "\u0640"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
_DIGITS = str.maketrans({**{c: str(i) for i, c in enumerate(ARABIC_INDIC)},
                         **{c: str(i) for i, c in enumerate(PERSIAN)}})
# ٫ (decimal) ٬ (thousands) ٪ (percent) keep their meaning as ASCII signs.
_NUMBER_PUNCT = str.maketrans({"٫": ".", "٬": ",", "٪": "%", "﹪": "%", "％": "%"})


def unicode_compat(s: str) -> str:
    """NFKC (presentation forms to base letters) as camel-tools does it."""
    return normalize_unicode(s)


def remove_diacritics(s: str) -> str:
    """Drop harakat, tanween, shadda and sukun."""
    return dediac_ar(s)


def remove_tatweel(s: str) -> str:
    """Drop the kashida used for justification."""
    return s.replace(TATWEEL, "")


def unify_alef(s: str) -> str:
    """أ إ آ ٱ -> ا."""
    return normalize_alef_ar(s)


def unify_alef_maksura(s: str) -> str:
    """ى -> ي."""
    return normalize_alef_maksura_ar(s)


def unify_teh_marbuta(s: str) -> str:
    """ة -> ه."""
    return normalize_teh_marbuta_ar(s)


def western_digits(s: str) -> str:
    """Arabic-Indic and Persian digits -> ASCII."""
    return s.translate(_DIGITS)


def number_punct(s: str) -> str:
    """Arabic decimal, thousands and percent signs -> ASCII."""
    return s.translate(_NUMBER_PUNCT)


def fold_case(s: str) -> str:
    """Lower-case Latin so 'Dunkerque' and 'DUNKERQUE' share a key."""
    return s.lower()


KEY_STEPS: list[Callable[[str], str]] = [
    unicode_compat,
    remove_diacritics,
    remove_tatweel,
    unify_alef,
    unify_alef_maksura,
    unify_teh_marbuta,
    western_digits,
    number_punct,
]


@lru_cache(maxsize=None)
def _char_key(c: str) -> str:
    for step in KEY_STEPS:
        c = step(c)
    return c


def key(s: str) -> str:
    """The matching key of a string (no offset map), used for lexicon entries."""
    return s.translate(_TRANSLATE)


def name_key(s: str) -> str:
    """Key for comparing names: the matching key, case folded, spaces collapsed."""
    return " ".join(fold_case(key(s)).split())


@dataclass(frozen=True)
class Normalized:
    """A key string and, for every key position, the index in the source text."""

    text: str
    key: str
    to_text: list[int]  # len(key) + 1; last entry is len(text)

    def span(self, kstart: int, kend: int) -> tuple[int, int]:
        """Map a key span to a text span (end exclusive).

        The end takes in marks the key dropped right after the last character
        (يومياً keeps its tanween), so a span never cuts a letter from its marks.
        """
        if kend <= kstart:
            s = self.to_text[kstart]
            return s, s
        end = self.to_text[kend - 1] + 1
        while end < len(self.text) and not _char_key(self.text[end]) and _is_mark(self.text[end]):
            end += 1
        return self.to_text[kstart], end


class _KeyTable(dict):
    """code point -> key, filled in the first time str.translate meets a character; it keeps
    the characters whose key is not one character (marks, tatweel, ligatures) as a regex class."""

    def __init__(self):
        super().__init__()
        self.special: list[str] = []
        self.special_re = re.compile("(?!)")  # matches nothing until a special character is met

    def __missing__(self, o: int) -> str:
        k = self[o] = _char_key(chr(o))
        if len(k) != 1:
            self.special.append(chr(o))
            self.special_re = re.compile("[" + re.escape("".join(self.special)) + "]")
        return k


_TRANSLATE = _KeyTable()


def normalize(text: str) -> Normalized:
    """Build the key of ``text`` with its offset map.

    Fast paths: str.translate for the key; the offset map is built by a loop only
    when some character is deleted (marks, tatweel) or expanded (ligatures).
    """
    key_text = text.translate(_TRANSLATE)
    # translate met every character of the text, so the table knows which of them are special:
    # a regex scan finds them (a set of the text's characters cost as much as translate itself)
    found = _TRANSLATE.special_re.finditer(text)
    first = next(found, None)
    if first is None:
        return Normalized(text, key_text, list(range(len(text) + 1)))
    # runs of ordinary characters map one to one; only the special ones need care
    to_text: list[int] = []
    last = 0
    for m in chain((first,), found):
        i = m.start()
        to_text.extend(range(last, i))
        to_text.extend([i] * len(_TRANSLATE[ord(text[i])]))
        last = i + 1
    to_text.extend(range(last, len(text) + 1))
    return Normalized(text, key_text, to_text)


def _is_mark(c: str) -> bool:
    return c == TATWEEL or unicodedata.category(c) == "Mn"


def is_presentation_form(c: str) -> bool:
    """Arabic presentation forms A/B: glyphs that must never sit in our tables."""
    o = ord(c)
    return 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)
