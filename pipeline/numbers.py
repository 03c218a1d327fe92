"""Public number and quantity readers over plain strings.

``read_quantities`` is the news grammar the pipeline uses (measured amounts only).
``read_numbers`` also returns bare numerals (unit ``number``) and lone unit words
(كيلوجرام = 1 kg), the way number-recognition suites such as Duckling test them.
Offsets index the input string.
"""
from __future__ import annotations

from .document import Doc
from .models import Quantity


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
    return [to_contract(doc, q) for q in Parser(doc, bare=True).parse()]
