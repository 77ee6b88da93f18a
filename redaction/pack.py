"""Assemble a release pack PDF from parts: text pages (letter, index, schedule) rendered from
simple HTML, redacted document copies, then every page stamped "reference - page N of M" and
the whole file scrubbed and written in full (never incremental)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pymupdf

from redaction.apply import scrub

_A4 = pymupdf.paper_rect("a4")
_MARGIN = 56.0  # 2 cm: the stamp sits in the bottom margin
_CSS = """
* { font-family: sans-serif; font-size: 10pt; line-height: 1.3; }
h1 { font-size: 16pt; margin-bottom: 8pt; }
h2 { font-size: 12pt; margin-top: 10pt; margin-bottom: 4pt; }
p { margin-top: 0; margin-bottom: 6pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #666; padding: 2pt; text-align: left; vertical-align: top; }
th { font-weight: bold; }
"""


def html_pages(html: str) -> bytes:
    """Render an HTML fragment (text, headings, lists, tables) onto as many A4 pages as needed."""
    story = pymupdf.Story(html=html, user_css=_CSS)
    buffer = io.BytesIO()
    writer = pymupdf.DocumentWriter(buffer)
    where = _A4 + (_MARGIN, _MARGIN, -_MARGIN, -_MARGIN)
    more = True
    while more:
        device = writer.begin_page(_A4)
        more, _ = story.place(where)
        story.draw(device)
        writer.end_page()
    writer.close()
    return buffer.getvalue()


def page_count(pdf: bytes) -> int:
    """Pages in a PDF held in memory."""
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return int(doc.page_count)


def select_pages(pdf: bytes, keep: Sequence[int]) -> bytes:
    """A new PDF holding only the 1-based pages in ``keep`` (dropped pages' objects removed)."""
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        doc.select([p - 1 for p in keep])
        return bytes(doc.tobytes(garbage=4, deflate=True, clean=True))


def stamp_text(reference: str, number: int, total: int) -> str:
    """The words stamped on every page."""
    return f"{reference} - page {number} of {total}"


def assemble(parts: Sequence[bytes], reference: str) -> bytes:
    """Bind the parts in order, stamp every page, scrub and save the whole file."""
    pack = pymupdf.open()
    try:
        for part in parts:
            with pymupdf.open(stream=part, filetype="pdf") as src:
                if src.page_count:
                    pack.insert_pdf(src)
        total = pack.page_count
        for index, page in enumerate(pack, start=1):
            if not page.is_wrapped:
                page.wrap_contents()  # the page's own graphics state must not move the stamp
            text = stamp_text(reference, index, total)
            width = pymupdf.get_text_length(text, fontname="helv", fontsize=8)
            rect = page.rect
            page.insert_text(
                ((rect.width - width) / 2, rect.height - 18),
                text,
                fontname="helv",
                fontsize=8,
                color=(0, 0, 0),
                rotate=0,
            )
        scrub(pack)
        return bytes(
            pack.tobytes(garbage=4, deflate=True, clean=True, encryption=pymupdf.PDF_ENCRYPT_NONE)
        )
    finally:
        pack.close()
