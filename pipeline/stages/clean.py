"""Stage 2: strip page furniture and invisible controls from the raw text."""
from __future__ import annotations

import base64
import binascii
from functools import lru_cache

import regex

from ..data import load_yaml
from ..document import Doc
from ..normalize import key

# Bidi embeddings/isolates/marks, zero-width characters, BOM, soft hyphen.
CONTROLS_RE = regex.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff\u00ad]")
# A long base64 token that scrapers stamp into pages (Al-Ain's 'ip: ...' watermark).
BASE64_RE = regex.compile(r"(?<![\w/+=])[A-Za-z0-9+/]{16,}={0,2}(?![\w/+=])")


def _is_watermark(token: str) -> bool:
    try:
        decoded = base64.b64decode(token, validate=True)
    except (binascii.Error, ValueError):
        return False
    # A watermark decodes to printable ASCII; a real Latin word or id would not.
    return len(decoded) >= 8 and all(32 <= b < 127 for b in decoded)


@lru_cache(maxsize=1)
def _furniture():
    cfg = load_yaml("furniture")
    lines = [regex.compile(key(p)) for p in cfg["line_patterns"]]
    return lines, cfg["trailing"]


def clean_text(raw: str) -> str:
    """The cleaned article text (what every output offset indexes)."""
    line_res, trailing = _furniture()
    text = CONTROLS_RE.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))
    kept = []
    for line in text.split("\n"):
        stripped = key(line.strip())
        if any(r.search(stripped) for r in line_res):
            continue
        m = next((m for m in BASE64_RE.finditer(line) if _is_watermark(m.group())), None)
        if m:
            # The watermark and whatever site footer follows it on its line go.
            line = line[: m.start()].rstrip()
            if not line.strip():
                continue
        kept.append(line.rstrip())
    text = "\n".join(kept).strip()
    changed = True
    while changed:
        changed = False
        for footer in trailing:
            if text.endswith(footer):
                text = text[: -len(footer)].rstrip()
                changed = True
    return text


def clean(doc: Doc) -> Doc:
    """Remove watermarks, footers, crawler residue and bidi/zero-width controls."""
    doc.text = clean_text(doc.raw)
    first = doc.text.split("\n", 1)[0].strip()
    if not doc.title:
        doc.title = first
    return doc
