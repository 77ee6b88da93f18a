"""Pages of a working copy for people to read and mark: PNG images, page texts, where a phrase
stands, and a check that an uploaded PDF can be used. The portal's review screen calls these;
nothing here knows about Flask or the database."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import pymupdf

Rect = list[float]


class PageError(ValueError):
    """A page or file that cannot be used, with a message for people."""


@dataclass(frozen=True)
class PageText:
    """One page's size in points and its extracted text."""

    number: int
    width: float
    height: float
    text: str


def render_png(source: str, page: int, target: str, zoom: float) -> str:
    """Write a PNG of one page to ``target`` (once: kept while newer than ``source``)."""
    if os.path.exists(target) and os.path.getmtime(target) >= os.path.getmtime(source):
        return target
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with pymupdf.open(source) as pdf:
        if page < 1 or page > pdf.page_count:
            raise PageError("No such page")
        pix = pdf[page - 1].get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
        partial = target + ".tmp"
        pix.save(partial, output="png")
    os.replace(partial, target)
    return target


def page_texts(source: str) -> list[PageText]:
    """Each page's size and text."""
    with pymupdf.open(source) as pdf:
        return [
            PageText(i + 1, p.rect.width, p.rect.height, p.get_text()) for i, p in enumerate(pdf)
        ]


def _rounded(r: pymupdf.Rect) -> Rect:
    return [round(r.x0, 2), round(r.y0, 2), round(r.x1, 2), round(r.y1, 2)]


def phrase_rects(source: str, page: int, phrase: str) -> list[Rect]:
    """Where ``phrase`` stands on one page (every occurrence), in PDF points."""
    with pymupdf.open(source) as pdf:
        if page < 1 or page > pdf.page_count:
            raise PageError("That page is not in the document")
        return [_rounded(r) for r in pdf[page - 1].search_for(phrase)]


def find_everywhere(source: str, words: list[str]) -> list[tuple[int, Rect]]:
    """Every occurrence of the words (case-insensitive, any white space between them) on every
    page: (page number, rectangle)."""
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
    wanted = " ".join(words)
    out: list[tuple[int, Rect]] = []
    with pymupdf.open(source) as pdf:
        for index, page in enumerate(pdf):
            if pattern.search(page.get_text()):
                out.extend((index + 1, _rounded(hit)) for hit in page.search_for(wanted))
    return out


def usable_pdf(data: bytes) -> int:
    """The page count of an uploaded PDF that can become a working copy, or PageError."""
    if not data.startswith(b"%PDF"):
        raise PageError("The handled version must be a PDF")
    try:
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            if doc.needs_pass:
                raise PageError("The handled version must not be password protected")
            pages = int(doc.page_count)
    except (RuntimeError, ValueError) as exc:
        if isinstance(exc, PageError):
            raise
        raise PageError("The handled version could not be read as a PDF") from exc
    if pages < 1:
        raise PageError("The handled version has no pages")
    return pages
