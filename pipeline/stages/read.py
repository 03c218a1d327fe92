"""Stage 1: read articles from files, folders, archives and standard input.

Formats: ``.txt`` (one article, first line the title), ``.jsonl``/``.ndjson``
(one article a line: ``id``, ``title``, ``text``, optional ``url``, ``date``),
``.json`` (an article object or a list of them; SaudiNewsNet's ``content``
field is accepted for ``text``), ``.html``/``.htm`` (main text extracted with
selectolax), and ``.zip``/``.gz`` holding any of these.  Encodings: UTF-8 with
or without BOM, UTF-16 with BOM, else charset-normalizer's guess (cp1256 …).

Anything unreadable becomes a ReadError naming the file, the member or line,
and the reason — never a silent skip.
"""
from __future__ import annotations

import fnmatch
import gzip
import hashlib
import json
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator, Optional, Union

from ..document import Doc

TEXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
HTML_SUFFIXES = {".html", ".htm"}
ARTICLE_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | HTML_SUFFIXES
ARCHIVE_SUFFIXES = {".zip", ".gz"}
MAX_ARTICLE_CHARS = 20_000_000  # larger "articles" are almost always dumps; reported, not processed


@dataclass
class ReadError:
    path: str
    article_id: Optional[str]
    stage: str
    reason: str


Item = Union[Doc, ReadError]


def sha256(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def decode(data: bytes) -> tuple[str, str, Optional[str]]:
    """Text, encoding name and a warning (or None)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        enc = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16", None
    else:
        enc = "utf-8"
    try:
        return data.decode("utf-8"), enc, None
    except UnicodeDecodeError as e:
        if e.start >= len(data) - 3:
            # a file cut in the middle of its last character: keep what is whole, say so
            return data[: e.start].decode("utf-8"), enc, f"truncated UTF-8: last {len(data) - e.start} byte(s) dropped"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnicodeDecodeError("unknown", data[:1], 0, 1, "no text encoding fits these bytes")
    return str(best), best.encoding, f"decoded as {best.encoding}"


def _binary(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))


def _check_size(text: str) -> None:
    if len(text) > MAX_ARTICLE_CHARS:
        raise ValueError(f"article has {len(text):,} characters, over the {MAX_ARTICLE_CHARS:,} limit")


def doc_from_text(article_id: str, path: str, data: bytes) -> Doc:
    if _binary(data):
        raise ValueError("binary file, not text")
    text, enc, warning = decode(data)
    if not text.strip():
        raise ValueError("empty article")
    _check_size(text)
    title = text.lstrip().split("\n", 1)[0].strip()
    doc = Doc(article_id=article_id, path=path, raw=text, encoding=enc, sha256=sha256(data), title=title)
    if warning:
        doc.warnings.append(warning)
    return doc


def doc_from_html(article_id: str, path: str, data: bytes) -> Doc:
    """Main text of a news page: <article> paragraphs, else all paragraphs, else the body."""
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    if _binary(data):
        raise ValueError("binary file, not HTML")
    html, enc, warning = decode(data)
    tree = HTMLParser(html)
    for sel in ("script", "style", "nav", "footer", "header", "aside", "noscript"):
        for node in tree.css(sel):
            node.decompose()
    h1 = tree.css_first("h1")
    title_node = tree.css_first("title")
    title = (h1.text(strip=True) if h1 else "") or (title_node.text(strip=True) if title_node else "")
    scope = tree.css_first("article") or tree.body
    paras = [p.text(separator=" ", strip=True) for p in (scope.css("p") if scope else [])]
    paras = [p for p in paras if p]
    if not paras and scope is not None:
        paras = [line.strip() for line in scope.text(separator="\n").split("\n") if line.strip()]
    if not paras:
        raise ValueError("no text in the page")
    body = "\n".join(paras)
    text = f"{title}\n{body}" if title and not body.startswith(title) else body
    _check_size(text)
    doc = Doc(article_id=article_id, path=path, raw=text, encoding=enc, sha256=sha256(data), title=title)
    if warning:
        doc.warnings.append(warning)
    return doc


def _doc_from_obj(obj: dict, default_id: str, path: str, digest: str) -> Doc:
    text = obj.get("text", obj.get("content"))
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no text (expected a 'text' or 'content' string)")
    _check_size(text)
    title = obj.get("title") or ""
    aid = str(obj.get("id") or default_id)
    raw = f"{title}\n{text}" if title and not text.lstrip().startswith(title) else text
    return Doc(article_id=aid, path=path, raw=raw, encoding="utf-8", sha256=digest, title=title,
               url=obj.get("url"), date=obj.get("date") or obj.get("date_extracted"))


def docs_from_jsonl(path: str, lines: Iterable[bytes], stem: str) -> Iterator[Item]:
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("not a JSON object")
            yield _doc_from_obj(obj, f"{stem}:{n}", f"{path}:{n}", sha256(line))
        except (ValueError, KeyError, TypeError) as e:
            yield ReadError(path, f"{stem}:{n}", "read", f"line {n}: {type(e).__name__}: {e}")


def docs_from_json(path: str, data: bytes, stem: str) -> Iterator[Item]:
    try:
        obj = json.loads(decode(data)[0])
    except (ValueError, UnicodeDecodeError) as e:
        yield ReadError(path, stem, "read", f"not JSON: {e}")
        return
    items = obj if isinstance(obj, list) else [obj]
    for n, it in enumerate(items):
        try:
            if not isinstance(it, dict):
                raise ValueError("not a JSON object")
            yield _doc_from_obj(it, f"{stem}:{n}", f"{path}#{n}",
                                sha256(json.dumps(it, ensure_ascii=False, sort_keys=True).encode()))
        except (ValueError, TypeError) as e:
            yield ReadError(path, f"{stem}:{n}", "read", f"item {n}: {e}")


def read_bytes(name: str, data: bytes, origin: str, id_prefix: str = "") -> Iterator[Item]:
    """Dispatch one file's bytes by its name's suffix."""
    pure = PurePosixPath(name)
    suffix = pure.suffix.lower()
    stem = id_prefix + pure.stem
    try:
        if suffix == ".gz":
            try:
                inner = gzip.decompress(data)
            except (OSError, EOFError) as e:
                yield ReadError(origin, stem, "read", f"corrupt gzip: {e}")
                return
            yield from read_bytes(pure.stem, inner, origin, id_prefix)
        elif suffix == ".zip":
            yield from read_zip(origin, data, id_prefix + pure.stem + "/")
        elif suffix in JSONL_SUFFIXES:
            yield from docs_from_jsonl(origin, data.splitlines(), stem)
        elif suffix in JSON_SUFFIXES:
            yield from docs_from_json(origin, data, stem)
        elif suffix in HTML_SUFFIXES:
            yield doc_from_html(stem, origin, data)
        else:
            yield doc_from_text(stem, origin, data)
    except (ValueError, UnicodeDecodeError) as e:
        yield ReadError(origin, stem, "read", f"{type(e).__name__}: {e}")


def read_zip(origin: str, data: bytes, id_prefix: str) -> Iterator[Item]:
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        yield ReadError(origin, id_prefix.rstrip("/"), "read", f"not a zip archive: {e}")
        return
    with zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            suffix = PurePosixPath(info.filename).suffix.lower()
            if suffix not in ARTICLE_SUFFIXES | ARCHIVE_SUFFIXES:
                continue
            member = f"{origin}!{info.filename}"
            try:
                blob = zf.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:  # CRC errors, truncated members
                yield ReadError(member, id_prefix + PurePosixPath(info.filename).stem, "read", f"corrupt zip member: {e}")
                continue
            yield from read_bytes(info.filename, blob, member, id_prefix)


def iter_files(inputs: Iterable[str], pattern: Optional[str] = None) -> Iterator[Path]:
    """Expand folders (recursively, sorted) into input files, optionally filtered by a glob."""
    for inp in inputs:
        p = Path(inp)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if not f.is_file() or "gold" in f.relative_to(p).parts:
                    continue
                suffixes = "".join(f.suffixes[-2:]).lower()
                if f.suffix.lower() in ARTICLE_SUFFIXES | ARCHIVE_SUFFIXES or suffixes.endswith(".gz"):
                    if pattern is None or fnmatch.fnmatch(f.name, pattern) or fnmatch.fnmatch(str(f), pattern):
                        yield f
        elif inp != "-":
            yield p


def read_inputs(inputs: Iterable[str], pattern: Optional[str] = None) -> Iterator[Item]:
    """One Doc per article (or a ReadError) from files, folders, archives or '-'."""
    for inp in inputs:
        if inp == "-":
            data = sys.stdin.buffer.read()
            name = "stdin.jsonl" if data.lstrip().startswith(b"{") else "stdin.txt"
            yield from read_bytes(name, data, "<stdin>")
            continue
        if not Path(inp).exists():
            yield ReadError(inp, None, "read", "no such file or folder")
            continue
        for f in iter_files([inp], pattern):
            try:
                data = f.read_bytes()
            except OSError as e:
                yield ReadError(str(f), f.stem, "read", str(e))
                continue
            yield from read_bytes(f.name, data, str(f))
