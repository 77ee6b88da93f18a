"""Independent leak check of a redacted PDF.

Uses extractors other than the one that redacted: poppler's ``pdftotext`` where installed and
pypdf always, a scan of every stream after decompression (including the text operands of content
streams), metadata, XMP, annotations, form fields, outlines and attachments."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    StreamObject,
    TextStringObject,
)


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
    """Case-folded text with hyphenation, line breaks, repeated white space and typographic
    ligatures ("ﬃ" for "ffi") undone."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u00ad", "").replace("\u2010", "-").replace("\u2011", "-")
    text = re.sub(r"(\w)-[ \t]*\r?\n\s*(\w)", r"\1\2", text)
    text = re.sub(r"\s+", " ", text)
    return text.casefold()


def _term_regex(term: str) -> re.Pattern[str]:
    words = normalise(term).split()
    # words may be run together or hyphenated ("Mary Jane", "MaryJane", "Mary-Jane")
    body = r"[\s-]*".join(re.escape(w).replace(r"\-", r"-?\s*") for w in words)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])")


_NOT_ALNUM = re.compile(r"[\W_]+")


def _key(normalised: str) -> str:
    """Letters and digits only: a match of a term's pattern always contains the term's key."""
    return _NOT_ALNUM.sub("", normalised)


class _Checker:
    """All terms checked against one text in a single pass plus a few exact confirmations.

    Each text is normalised once. Terms that normalise alike ("Kelly", "KELLY") share one
    pattern. A term can only match where its letters and digits appear in a row, so one
    combined search for those keys over the text's letters and digits picks the few candidate
    terms, and only those run their exact pattern (word boundaries, optional spaces, hyphens).
    """

    def __init__(self, terms: Sequence[str], allowed: Sequence[tuple[int, str]] = ()) -> None:
        self.terms = [t for t in dict.fromkeys(t.strip() for t in terms) if t]
        # text knowingly left readable, by page (the data subject's own name "Tyrone Andre
        # Thompson" where the sibling's "Tyrone" and the father's "Andre" are redacted): a term
        # found no more often than inside those phrases on that page is no leak
        self._allowed: dict[int, list[str]] = {}
        for page, phrase in allowed:
            if phrase and phrase.strip():
                self._allowed.setdefault(page, []).append(normalise(phrase))
        self._allowance: dict[tuple[str, int], int] = {}
        by_norm: dict[str, list[str]] = {}
        for t in self.terms:
            by_norm.setdefault(normalise(t), []).append(t)
        # (exact pattern, needs the compact retry, the original spellings) per normalised term
        self._groups: dict[str, tuple[re.Pattern[str], bool, list[str]]] = {
            n: (_term_regex(n), " " in n.strip(), spellings) for n, spellings in by_norm.items()
        }
        # one capitalised word ("Rose", "Lorem"): its lower-case twin is an ordinary word unless
        # it is known only as a name ("kelly"), so only a capital or a known name counts
        self._capital_only = {
            n
            for n, spellings in by_norm.items()
            if " " not in n.strip()
            and all(t[:1].isupper() for t in spellings)
            and not _only_a_name(n)
        }
        by_key: dict[str, list[str]] = {}
        for n in self._groups:
            by_key.setdefault(_key(n), []).append(n)
        self._always = by_key.pop("", [])  # a term of punctuation only: no key to search for
        self._by_key = by_key
        # the keys as one trie-shaped pattern tried at every position (a lookahead, so that
        # overlapping keys are all seen): it reports the longest key starting there, and the
        # prefix table adds the shorter keys that start at the same place
        self._keys = re.compile(f"(?=({_trie_pattern(list(by_key))}))") if by_key else None
        self._prefixes = _prefix_table(list(by_key))
        self.leaks: list[Leak] = []
        self._seen: set[tuple[str, int, str]] = set()

    def check(self, text: str, page: int, where: str) -> None:
        if not text or not self._groups:
            return
        norm = normalise(text)
        candidates = list(self._always)
        if self._keys is not None:
            found: set[str] = set()
            for m in self._keys.finditer(_key(norm)):
                found.update(self._prefixes[m.group(1)])
            for k in found:
                candidates += self._by_key[k]
        if not candidates:
            return
        compact: str | None = None
        for n in candidates:
            regex, spaced, spellings = self._groups[n]
            if n in self._capital_only:
                count = _capital_hits(regex, text)
            else:
                count = sum(1 for _ in regex.finditer(norm))
            if not count and spaced:
                compact = compact if compact is not None else norm.replace(" ", "")
                count = sum(1 for _ in regex.finditer(compact))
            if not count or count <= self._allowed_times(n, regex, page):
                continue
            for term in spellings:
                if (term, page, where) not in self._seen:
                    self._seen.add((term, page, where))
                    self.leaks.append(Leak(term, page, where))

    def _allowed_times(self, n: str, regex: re.Pattern[str], page: int) -> int:
        """How often the term stands inside text knowingly disclosed on this page (page 0:
        anywhere in the document, for sources that are not one page)."""
        if not self._allowed:
            return 0
        key = (n, page)
        if key not in self._allowance:
            phrases = (
                [p for ps in self._allowed.values() for p in ps]
                if page == 0
                else self._allowed.get(page, [])
            )
            self._allowance[key] = sum(sum(1 for _ in regex.finditer(p)) for p in phrases)
        return self._allowance[key]


def _only_a_name(word: str) -> bool:
    """A given name or surname that is no ordinary word, so "kelly" in lower case is Kelly."""
    from redaction.detect.gazetteer import gazetteer

    gaz = gazetteer()
    return gaz.is_name(word) and not gaz.is_ambiguous(word)


def _capital_hits(regex: re.Pattern[str], text: str) -> int:
    """How often the term's pattern matches a word starting with a capital in ``text``."""
    cased = unicodedata.normalize("NFKC", text)
    cased = re.sub(r"(\w)-[ \t]*\r?\n\s*(\w)", r"\1\2", cased)
    return sum(m.group()[:1].isupper() for m in re.finditer(regex.pattern, cased, re.IGNORECASE))


class _TrieNode:
    __slots__ = ("children", "ends")

    def __init__(self) -> None:
        self.children: dict[str, _TrieNode] = {}
        self.ends = False

    def pattern(self) -> str:
        branches = [re.escape(ch) + child.pattern() for ch, child in sorted(self.children.items())]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if self.ends else body


def _trie_pattern(keys: list[str]) -> str:
    """One regular expression for a set of literal keys, shaped as a trie (greedy: longest)."""
    root = _TrieNode()
    for k in keys:
        node = root
        for ch in k:
            node = node.children.setdefault(ch, _TrieNode())
        node.ends = True
    return root.pattern()


def _prefix_table(keys: list[str]) -> dict[str, list[str]]:
    """For each key, the keys that are prefixes of it (the alternation reports the longest)."""
    keyset = set(keys)
    return {k: [k[:i] for i in range(1, len(k) + 1) if k[:i] in keyset] for k in keys}


def _pdftotext(data: bytes) -> list[str] | None:
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    proc = subprocess.run(
        [exe, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, timeout=300, check=False
    )
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", "replace").split("\f")


_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>")
_STREAM_BODY = re.compile(rb"stream\r?\n.*?endstream", re.S)
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


_PDF_NAME = re.compile(rb"/[^\s/\[\]()<>{}%]*")


def _binary(data: bytes) -> bool:
    """Font programs, images, compressed leftovers: not text a person could read."""
    sample = data[:4096]
    if not sample:
        return False
    odd = sum(1 for b in sample if b < 9 or 13 < b < 32 or b > 126)
    return odd > len(sample) // 10


def _stream_texts(data: bytes) -> Iterable[str]:
    """A text stream without its PDF names ("/Page" is syntax, not text), and the joined
    string operands of each text object in a content stream. Binary streams (fonts, images)
    give only their text objects, if any."""
    content = re.search(rb"\bBT\b", data) is not None and re.search(rb"\bET\b", data) is not None
    if not content and not _binary(data):
        yield _PDF_NAME.sub(b" ", data).decode("latin-1")
    if not content:
        return  # a content stream is read through its text objects only: "(Norma)-20(lenfeld)"
    # strings outside text objects (marked-content /ActualText, /Alt), each whole
    outside = re.sub(rb"\bBT\b.*?\bET\b", b" ", data, flags=re.S)
    loose = [_literal(m.group()) for m in _STRING.finditer(outside)]
    if loose:
        yield b" ".join(loose).decode("latin-1")
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


def verify_bytes(
    data: bytes, terms: Sequence[str], allowed: Sequence[tuple[int, str]] = ()
) -> VerifyReport:
    """Check that none of ``terms`` can be recovered from the PDF bytes. ``allowed``: (page,
    text) knowingly left readable; a term seen no more often than inside that text on that
    page is not a leak."""
    checker = _Checker(terms, allowed)
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
        if pages is None or number > len(pages):
            # pypdf's text layer only where poppler gave none: it is the slowest step, and
            # the decompressed content streams below are searched whatever the extractor
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
    seen: set[bytes] = set()
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
            seen.add(hashlib.sha256(payload).digest())
            for text in _stream_texts(payload):
                checker.check(text, 0, f"stream object {number}")
        elif obj is not None:
            strings = " ".join(_strings_of(obj))
            if strings:
                checker.check(strings, 0, f"object {number}")
    # the raw file again, without trusting the cross-reference; a stream already searched as
    # an object is not searched twice
    for index, payload in enumerate(_decompress_all(data)):
        if hashlib.sha256(payload).digest() in seen:
            continue
        for text in _stream_texts(payload):
            checker.check(text, 0, f"raw stream #{index}")
    # string literals anywhere in the file (objects of old revisions, broken objects), outside
    # the streams: a stream's bytes are searched decompressed above, and compressed bytes
    # between a "(" and a ")" are noise that can spell initials ("CS") by chance
    outside = _STREAM_BODY.sub(b" ", data)
    raw = b" ".join(_literal(m.group()) for m in _STRING.finditer(outside) if len(m.group()) > 2)
    checker.check(raw.decode("latin-1"), 0, "raw file strings")
    report.leaks = checker.leaks
    return report


def _strings_of(obj: object, depth: int = 0) -> Iterable[str]:
    """The string values inside an object (dictionary keys and names are PDF syntax)."""
    if depth > 20:
        return
    obj = _resolve(obj) if depth == 0 else obj
    if isinstance(obj, (TextStringObject, ByteStringObject)):
        yield str(obj)
    elif isinstance(obj, DictionaryObject):
        for value in obj.values():
            if not isinstance(value, IndirectObject):
                yield from _strings_of(value, depth + 1)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            if not isinstance(value, IndirectObject):
                yield from _strings_of(value, depth + 1)


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


def verify(
    path: str, terms: Sequence[str], allowed: Sequence[tuple[int, str]] = ()
) -> VerifyReport:
    """Check the PDF file at ``path`` for any recoverable term."""
    with open(path, "rb") as fh:
        return verify_bytes(fh.read(), terms, allowed)
