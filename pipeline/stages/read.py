"""Stage 1: read articles from files, folders, JSON Lines and standard input.

A ``.txt`` file is one article, its first line the title.  A ``.jsonl`` file
holds one article a line: ``id``, ``title``, ``text`` and optional ``url`` and
``date``.  Anything unreadable becomes a ReadError naming the file (and line),
never a silent skip.
"""
from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from ..document import Doc

TEXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}


@dataclass
class ReadError:
    path: str
    article_id: Optional[str]
    stage: str
    reason: str


def sha256(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), else charset-normalizer's guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnicodeDecodeError("unknown", data[:1], 0, 1, "no encoding detected")
    return str(best), best.encoding


def iter_files(inputs: Iterable[str]) -> Iterator[Path]:
    """Expand folders (recursively, sorted) into article files."""
    for inp in inputs:
        p = Path(inp)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES and "gold" not in f.parts:
                    yield f
        else:
            yield p


def doc_from_text(article_id: str, path: str, data: bytes) -> Doc:
    text, enc = decode(data)
    if not text.strip():
        raise ValueError("empty article")
    title = text.lstrip().split("\n", 1)[0].strip()
    return Doc(article_id=article_id, path=path, raw=text, encoding=enc, sha256=sha256(data), title=title)


def docs_from_jsonl(path: str, lines: Iterable[bytes]) -> Iterator[Union[Doc, ReadError]]:
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            text = obj["text"]
            aid = str(obj.get("id") or f"{Path(path).stem}:{n}")
            title = obj.get("title") or ""
            if not isinstance(text, str) or not text.strip():
                raise ValueError("empty text")
        except (ValueError, KeyError, TypeError) as e:
            yield ReadError(path, f"{Path(path).stem}:{n}", "read", f"line {n}: {type(e).__name__}: {e}")
            continue
        raw = f"{title}\n{text}" if title and not text.startswith(title) else text
        yield Doc(article_id=aid, path=f"{path}:{n}", raw=raw, encoding="utf-8",
                  sha256=sha256(line), title=title, url=obj.get("url"), date=obj.get("date"))


def read_inputs(inputs: Iterable[str]) -> Iterator[Union[Doc, ReadError]]:
    """Yield one Doc per article (or a ReadError) from files, folders or '-'."""
    for inp in inputs:
        if inp == "-":
            data = sys.stdin.buffer.read()
            if data.lstrip().startswith(b"{"):
                yield from docs_from_jsonl("<stdin>", data.splitlines())
            else:
                try:
                    yield doc_from_text("stdin", "<stdin>", data)
                except (ValueError, UnicodeDecodeError) as e:
                    yield ReadError("<stdin>", "stdin", "read", str(e))
            continue
        p = Path(inp)
        if not p.exists():
            yield ReadError(inp, None, "read", "no such file or folder")
            continue
        for f in iter_files([inp]):
            try:
                data = f.read_bytes()
            except OSError as e:
                yield ReadError(str(f), f.stem, "read", str(e))
                continue
            if f.suffix.lower() in JSONL_SUFFIXES:
                yield from docs_from_jsonl(str(f), data.splitlines())
            else:
                try:
                    yield doc_from_text(f.stem, str(f), data)
                except (ValueError, UnicodeDecodeError) as e:
                    yield ReadError(str(f), f.stem, "read", f"{type(e).__name__}: {e}")
