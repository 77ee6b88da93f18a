"""The PDF working copy of any input, and its text per page with the position of every word.

Conversion runs in a child process (``python -m redaction._child``) with a time and memory
limit, so that a hostile file can neither hang nor crash the caller; failures come back as one
typed :class:`~redaction.errors.RedactionError`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redaction.errors import (
    ERRORS,
    ConversionTimeout,
    CorruptDocument,
    DocumentTooLarge,
    RedactionError,
)
from redaction.findings import PageWarning, Rect


@dataclass(frozen=True, slots=True)
class Word:
    """A word (or the part of it on one visual line) with its offsets and rectangle."""

    start: int
    end: int
    rect: Rect


@dataclass(frozen=True, slots=True)
class PageText:
    """The extracted text of one page (1-based ``number``) and the words that make it up."""

    number: int
    text: str
    words: tuple[Word, ...]
    width: float = 612.0
    height: float = 792.0

    def rects_for(self, start: int, end: int) -> tuple[Rect, ...]:
        """Rectangles covering characters ``start:end``, one per visual line."""
        rects: list[Rect] = []
        for w in self.words:
            if w.end <= start or w.start >= end:
                continue
            x0, y0, x1, y1 = w.rect
            span = max(w.end - w.start, 1)
            # a span inside a word (an email local part, a possessive) gets that share of the box
            if start > w.start or end < w.end:
                a = (max(start, w.start) - w.start) / span
                b = (min(end, w.end) - w.start) / span
                x0, x1 = x0 + (x1 - x0) * a, x0 + (x1 - x0) * b
            if (
                rects
                and abs(rects[-1][1] - y0) < 1.0
                and abs(rects[-1][3] - y1) < 1.0
                and (x0 >= rects[-1][0])
            ):
                last = rects[-1]
                rects[-1] = (last[0], min(last[1], y0), max(last[2], x1), max(last[3], y1))
            else:
                rects.append((x0, y0, x1, y1))
        return tuple(rects)


@dataclass(slots=True)
class WorkingCopy:
    """The PDF every input becomes, its text per page, and warnings for the reviewer."""

    pdf: bytes
    pages: list[PageText]
    warnings: list[PageWarning] = field(default_factory=list)
    source_type: str = "pdf"

    @property
    def page_count(self) -> int:
        """Number of pages in the working copy."""
        return len(self.pages)

    def to_json(self) -> dict[str, Any]:
        """Serialise the text layer and warnings (not the PDF) for the parent process."""
        return {
            "source_type": self.source_type,
            "pages": [
                {
                    "number": p.number,
                    "text": p.text,
                    "width": p.width,
                    "height": p.height,
                    "words": [[w.start, w.end, *w.rect] for w in p.words],
                }
                for p in self.pages
            ],
            "warnings": [w.to_dict() for w in self.warnings],
        }

    @classmethod
    def from_json(cls, pdf: bytes, data: dict[str, Any]) -> WorkingCopy:
        """Rebuild a working copy from :meth:`to_json` output and the PDF bytes."""
        pages = [
            PageText(
                number=int(p["number"]),
                text=str(p["text"]),
                width=float(p["width"]),
                height=float(p["height"]),
                words=tuple(
                    Word(int(w[0]), int(w[1]), (float(w[2]), float(w[3]), float(w[4]), float(w[5])))
                    for w in p["words"]
                ),
            )
            for p in data["pages"]
        ]
        warnings = [
            PageWarning(int(w["page"]), str(w["code"]), str(w["message"])) for w in data["warnings"]
        ]
        return cls(pdf, pages, warnings, str(data.get("source_type", "pdf")))


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for converting one file."""

    timeout_s: float = 120.0
    memory_mb: int = 2048
    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 5000
    max_unzipped_bytes: int = 300 * 1024 * 1024

    @classmethod
    def from_env(cls) -> Limits:
        """Defaults overridden by ``REDACTION_TIMEOUT_S``, ``REDACTION_MEMORY_MB``, ..."""
        base = cls()
        return cls(
            timeout_s=float(os.environ.get("REDACTION_TIMEOUT_S", base.timeout_s)),
            memory_mb=int(os.environ.get("REDACTION_MEMORY_MB", base.memory_mb)),
            max_bytes=int(os.environ.get("REDACTION_MAX_BYTES", base.max_bytes)),
            max_pages=int(os.environ.get("REDACTION_MAX_PAGES", base.max_pages)),
            max_unzipped_bytes=int(
                os.environ.get("REDACTION_MAX_UNZIPPED_BYTES", base.max_unzipped_bytes)
            ),
        )


SUPPORTED_SUFFIXES = (".pdf", ".txt", ".text", ".docx", ".eml")


def extract(path: str | os.PathLike[str], limits: Limits | None = None) -> WorkingCopy:
    """Convert and extract ``path`` in a child process under ``limits``; errors are typed."""
    limits = limits or Limits.from_env()
    src = Path(path)
    _precheck(src, limits)
    with tempfile.TemporaryDirectory(prefix="redaction-") as tmp:
        out = Path(tmp)
        result = run_child([str(src.resolve()), str(out)], out, limits, f"{src.name}: conversion")
        pdf = (out / "working.pdf").read_bytes()
        return WorkingCopy.from_json(pdf, result)


def run_child(args: Sequence[str], work: Path, limits: Limits, what: str) -> dict[str, Any]:
    """Run ``python -m redaction._child ARGS... LIMITS`` under ``limits`` and return the
    ``result.json`` it wrote in ``work``; every failure is one typed error naming ``what``."""
    cmd = [sys.executable, "-m", "redaction._child", *args, json.dumps(_limits_dict(limits))]
    env = dict(os.environ)
    # the child imports only PyMuPDF/python-docx/pypdf; one thread each keeps the limits honest
    env.setdefault("OMP_NUM_THREADS", "1")
    try:
        proc = subprocess.run(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=limits.timeout_s,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ConversionTimeout(f"{what} took longer than {limits.timeout_s:g} s") from exc
    result_file = work / "result.json"
    if result_file.exists():
        result: dict[str, Any] = json.loads(result_file.read_text("utf-8"))
        if "error" in result:
            cls = ERRORS.get(str(result["error"]), RedactionError)
            raise cls(str(result["message"]))
        if proc.returncode == 0:
            return result
    if proc.returncode < 0 or b"MemoryError" in proc.stderr:
        raise DocumentTooLarge(f"{what} exceeded the memory limit of {limits.memory_mb} MB")
    tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
    raise CorruptDocument(f"{what} failed ({tail[0][:200]})")


def _limits_dict(limits: Limits) -> dict[str, Any]:
    return {
        "timeout_s": limits.timeout_s,
        "memory_mb": limits.memory_mb,
        "max_bytes": limits.max_bytes,
        "max_pages": limits.max_pages,
        "max_unzipped_bytes": limits.max_unzipped_bytes,
    }


def _precheck(src: Path, limits: Limits) -> None:
    from redaction.errors import UnsupportedFormat

    if not src.is_file():
        raise CorruptDocument(f"{src}: no such file")
    if src.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormat(
            f"{src.name}: unsupported file type {src.suffix or '(none)'}; "
            f"expected one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    size = src.stat().st_size
    if size > limits.max_bytes:
        raise DocumentTooLarge(f"{src.name}: {size} bytes is over the limit of {limits.max_bytes}")


def extract_in_process(path: str | os.PathLike[str], limits: Limits | None = None) -> WorkingCopy:
    """Convert and extract without a child process (the child itself, benchmarks, tests)."""
    from redaction.convert import convert

    limits = limits or Limits()
    src = Path(path)
    _precheck(src, limits)
    converted = convert(src, limits)
    if converted.pages is not None:
        pages = converted.pages
        warnings = list(converted.warnings)
    else:
        pages, warnings = pdf_pages(converted.pdf)
        warnings = list(converted.warnings) + warnings
    if len(pages) > limits.max_pages:
        raise DocumentTooLarge(
            f"{src.name}: {len(pages)} pages is over the limit of {limits.max_pages}"
        )
    return WorkingCopy(
        converted.pdf, pages, sorted(warnings, key=lambda w: w.page), converted.source_type
    )


# white space kept, clipped to the page; ligatures expanded ("ﬁrst" is searched as "first")
TEXT_FLAGS = 2 | 64


def pdf_pages(pdf: bytes) -> tuple[list[PageText], list[PageWarning]]:
    """Text with word positions for every page of a PDF, plus scan/hidden-text warnings."""
    import pymupdf

    pages: list[PageText] = []
    warnings: list[PageWarning] = []
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        for index in range(doc.page_count):
            page = doc[index]
            raw = page.get_text("words", flags=TEXT_FLAGS)
            pages.append(page_text_from_words(index + 1, raw, page.rect.width, page.rect.height))
            warnings.extend(_page_warnings(page, index + 1, bool(raw)))
    return pages, warnings


def page_text_from_words(
    number: int, raw: Iterable[Sequence[Any]], width: float, height: float
) -> PageText:
    """Join PyMuPDF word tuples into page text: spaces within a line, newlines between lines."""
    parts: list[str] = []
    words: list[Word] = []
    pos = 0
    prev_line: tuple[int, int] | None = None
    for item in raw:
        x0, y0, x1, y1, token = item[0], item[1], item[2], item[3], str(item[4])
        line = (int(item[5]), int(item[6]))
        if prev_line is not None:
            sep = " " if line == prev_line else "\n"
            parts.append(sep)
            pos += 1
        prev_line = line
        words.append(Word(pos, pos + len(token), (float(x0), float(y0), float(x1), float(y1))))
        parts.append(token)
        pos += len(token)
    return PageText(number, "".join(parts), tuple(words), float(width), float(height))


def _page_warnings(page: Any, number: int, has_words: bool) -> list[PageWarning]:
    warnings: list[PageWarning] = []
    images = page.get_image_info()
    if not has_words:
        if images:
            warnings.append(
                PageWarning(
                    number,
                    "scanned_page",
                    "page has an image but no text layer (a scan?): check it by eye or OCR it",
                )
            )
        return warnings
    invisible = white = visible = 0
    for span in page.get_texttrace():
        n = len(span.get("chars", ()))
        if span.get("type") == 3 or span.get("opacity", 1.0) == 0:
            invisible += n
        elif tuple(span.get("color") or ()) in ((1.0, 1.0, 1.0), (1.0,)):
            white += n
        else:
            visible += n
    if invisible:
        warnings.append(
            PageWarning(
                number,
                "invisible_text",
                f"{invisible} characters of invisible text (an OCR layer?) are searched; "
                "they are removed from the release copy",
            )
        )
    if white:
        warnings.append(
            PageWarning(number, "white_text", f"{white} characters of white text are searched")
        )
    if images and has_words:
        text_rects = [tuple(w[:4]) for w in page.get_text("words", flags=TEXT_FLAGS)]
        covered = 0
        for info in images:
            bx0, by0, bx1, by1 = info["bbox"]
            for x0, y0, x1, y1 in text_rects:
                if x0 >= bx0 - 1 and y0 >= by0 - 1 and x1 <= bx1 + 1 and y1 <= by1 + 1:
                    covered += 1
        if covered:
            warnings.append(
                PageWarning(
                    number,
                    "text_under_image",
                    f"{covered} words lie within an image's area and may be hidden under it",
                )
            )
    return warnings
