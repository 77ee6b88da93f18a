"""Independent leak check of a redacted PDF.

Uses extractors other than the one that redacted: poppler's ``pdftotext`` where installed and
pypdf always, a scan of every stream after decompression (including the text operands of content
streams), metadata, XMP, annotations, form fields, outlines and attachments."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject


@dataclass(frozen=True, slots=True)
class Leak:
    """A redacted term that can still be recovered, and where."""

    term: str
    page: int
    where: str

    def to_dict(self) -> dict[str, object]:
        """Return the JSON-ready form used by the command line."""
        return {"term": self.term, "page": self.page, "where": self.where}


@dataclass(slots=True)
class VerifyReport:
    """Result of a verification: no leaks means the pack may be released."""

    leaks: list[Leak] = field(default_factory=list)
    extractors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no term can be recovered."""
        return not self.leaks


def normalise(text: str) -> str:
    """Case-folded text with hyphenation, line breaks and repeated white space undone."""
    text = text.replace("\u00ad", "").replace("\u2010", "-").replace("\u2011", "-")
    text = re.sub(r"(\w)-[ \t]*\r?\n\s*(\w)", r"\1\2", text)
    text = re.sub(r"\s+", " ", text)
    return text.casefold()


def _term_regex(term: str) -> re.Pattern[str]:
    words = normalise(term).split()
    body = r"\s*".join(re.escape(w).replace(r"\-", r"-?\s*") for w in words)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])")


class _Checker:
    def __init__(self, terms: Sequence[str]) -> None:
        self.terms = [t for t in dict.fromkeys(t.strip() for t in terms) if t]
        self.regexes = [(t, _term_regex(t)) for t in self.terms]
        self.leaks: list[Leak] = []
        self._seen: set[tuple[str, int, str]] = set()

    def check(self, text: str, page: int, where: str) -> None:
        if not text:
            return
        norm = normalise(text)
        compact = None
        for term, regex in self.regexes:
            hit = regex.search(norm) is not None
            if not hit and " " in term:
                compact = compact if compact is not None else norm.replace(" ", "")
                hit = regex.search(compact) is not None
            if hit and (term, page, where) not in self._seen:
                self._seen.add((term, page, where))
                self.leaks.append(Leak(term, page, where))


def _pdftotext(data: bytes) -> list[str] | None:
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    proc = subprocess.run([exe, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          timeout=300, check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", "replace").split("\f")


_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _literal(raw: bytes) -> bytes:
    if raw.startswith(b"<"):
        hexdigits = re.sub(rb"\s", b"", raw[1:-1])
        if len(hexdigits) % 2:
            hexdigits += b"0"
        try:
            return bytes.fromhex(hexdigits.decode("ascii"))
        except ValueError:
            return b""
    body = raw[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i : i + 1]
        if c == b"\\" and i + 1 < len(body):
            n = body[i + 1 : i + 2]
            if n in _ESCAPES:
                out += _ESCAPES[n]
                i += 2
                continue
            octal = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 1 + len(octal.group())
                continue
            out += n
            i += 2
            continue
        out += c
        i += 1
    return bytes(out)


def _stream_texts(data: bytes) -> Iterable[str]:
    """The raw stream, and the concatenated string operands of each text object in it."""
    yield data.decode("latin-1")
    if b"BT" not in data:
        return
    for block in re.finditer(rb"BT(.*?)ET", data, re.S):
        strings = [_literal(m.group()) for m in _STRING.finditer(block.group(1))]
        if strings:
            joined = b"".join(strings)
            yield joined.decode("latin-1")
            if joined.startswith(b"\xfe\xff") or b"\x00" in joined:
                yield joined.decode("utf-16-be", "replace")


def _decompress_all(data: bytes) -> Iterable[bytes]:
    """Every FlateDecode stream in the raw file, found without trusting the cross-reference."""
    for m in re.finditer(rb"stream\r?\n", data):
        chunk = data[m.end() : m.end() + 50_000_000]
        try:
            yield zlib.decompressobj().decompress(chunk, 200_000_000)
        except zlib.error:
            continue


def verify_bytes(data: bytes, terms: Sequence[str]) -> VerifyReport:
    """Check that none of ``terms`` can be recovered from the PDF bytes."""
    checker = _Checker(terms)
    report = VerifyReport()
    if not checker.terms:
        return report
    pages = _pdftotext(data)
    if pages is not None:
        report.extractors.append("pdftotext")
        for number, text in enumerate(pages, start=1):
            checker.check(text, number, "text (pdftotext)")
    reader = PdfReader(io.BytesIO(data), strict=False)
    report.extractors.append("pypdf")
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception:  # noqa: BLE001 - a page pypdf cannot parse is checked by streams
            text = ""
        checker.check(text, number, "text (pypdf)")
        annots = _resolve(page.get("/Annots"))
        for annot in annots if isinstance(annots, ArrayObject) else ():
            obj = _resolve(annot)
            if isinstance(obj, DictionaryObject):
                for key in ("/Contents", "/T", "/V", "/TU", "/RC"):
                    value = obj.get(key)
                    if value is not None:
                        checker.check(str(_resolve(value)), number, f"annotation {key}")
    meta = reader.metadata
    if meta:
        for key, value in meta.items():
            checker.check(str(value), 0, f"metadata {key}")
    root = reader.trailer["/Root"]
    xmp = _resolve(root.get("/Metadata")) if isinstance(root, DictionaryObject) else None
    if isinstance(xmp, StreamObject):
        checker.check(xmp.get_data().decode("utf-8", "replace"), 0, "XMP metadata")
    try:
        for name, contents in reader.attachments.items():
            checker.check(name, 0, "attachment name")
            for blob in contents:
                checker.check(blob.decode("latin-1"), 0, f"attachment {name}")
    except Exception:  # noqa: BLE001 - a damaged name tree is still scanned as raw streams
        pass
    try:
        for item in _outline_titles(reader.outline):
            checker.check(item, 0, "outline")
    except Exception:  # noqa: BLE001
        pass
    fields = reader.get_fields() or {}
    for fname, fdata in fields.items():
        checker.check(f"{fname} {fdata.get('/V', '')}", 0, "form field")
    # every object, decompressed: content streams, fonts, XObjects, orphans of old revisions
    for number in _object_numbers(reader):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: BLE001
            continue
        if isinstance(obj, StreamObject):
            try:
                payload = obj.get_data()
            except Exception:  # noqa: BLE001
                continue
            for text in _stream_texts(payload):
                checker.check(text, 0, f"stream object {number}")
        elif obj is not None:
            checker.check(str(obj), 0, f"object {number}")
    for index, payload in enumerate(_decompress_all(data)):
        for text in _stream_texts(payload):
            checker.check(text, 0, f"raw stream #{index}")
    checker.check(data.decode("latin-1"), 0, "raw file bytes")
    report.leaks = checker.leaks
    return report


def _object_numbers(reader: PdfReader) -> list[int]:
    numbers: set[int] = set(reader.xref_objStm)
    for table in reader.xref.values():
        numbers.update(table)
    return sorted(n for n in numbers if n > 0)


def _resolve(value: object) -> object:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _outline_titles(outline: object) -> Iterable[str]:
    if isinstance(outline, (list, ArrayObject)):
        for item in outline:
            yield from _outline_titles(item)
    elif isinstance(outline, DictionaryObject):
        title = outline.get("/Title")
        if title:
            yield str(title)


def verify(path: str, terms: Sequence[str]) -> VerifyReport:
    """Check the PDF file at ``path`` for any recoverable term."""
    with open(path, "rb") as fh:
        return verify_bytes(fh.read(), terms)
