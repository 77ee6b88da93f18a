"""Plain text: one page laid out in a monospaced font so that offsets index the file's text."""

from __future__ import annotations

import re

import pymupdf

from redaction.convert import Converted, register
from redaction.errors import DocumentTooLarge
from redaction.extract import Limits, PageText, Word

COLUMNS = 100
MARGIN = 36.0
MAX_HEIGHT = 14400.0  # the largest page size PDF allows
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def decode_text(data: bytes) -> str:
    """Decode a text file as UTF-8 (BOM dropped), falling back to Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


@register(".txt", ".text")
def convert_text(data: bytes, name: str, limits: Limits, depth: int) -> Converted:
    """Render a text file as a single page whose text is exactly the file's text."""
    text = decode_text(data)
    pdf, page = render_text_page(text, name)
    return Converted(pdf, [], [page], "txt")


def _rows(text: str) -> list[tuple[int, str]]:
    """Visual rows as (offset of first character, characters without the line ending)."""
    rows: list[tuple[int, str]] = []
    for match in _LINE.finditer(text):
        if match.start() == len(text) and match.group() == "" and rows:
            break
        line = match.group().rstrip("\r\n")
        start = match.start()
        if not line:
            rows.append((start, ""))
        for i in range(0, len(line), COLUMNS):
            rows.append((start + i, line[i : i + COLUMNS]))
        if match.end() == len(text):
            break
    return rows or [(0, "")]


def render_text_page(text: str, name: str = "text") -> tuple[bytes, PageText]:
    """Lay ``text`` out on one page; return the PDF and its page text with word boxes."""
    rows = _rows(text)
    size = 9.0
    needed = 2 * MARGIN + len(rows) * size * 1.2
    if needed > MAX_HEIGHT:
        size = (MAX_HEIGHT - 2 * MARGIN) / (len(rows) * 1.2)
        if size < 1.0:
            raise DocumentTooLarge(f"{name}: {len(rows)} lines do not fit on one page")
    line_h = size * 1.2
    char_w = size * 0.6
    width = max(612.0, 2 * MARGIN + COLUMNS * char_w)
    height = max(792.0, 2 * MARGIN + len(rows) * line_h)
    doc = pymupdf.open()
    page = doc.new_page(width=width, height=height)
    words: list[Word] = []
    for index, (offset, chars) in enumerate(rows):
        baseline = MARGIN + (index + 1) * line_h - size * 0.3
        shown = chars.replace("\t", " ")
        if shown.strip():
            page.insert_text((MARGIN, baseline), shown, fontname="cour", fontsize=size)
        for m in re.finditer(r"\S+", chars):
            x0 = MARGIN + m.start() * char_w
            x1 = MARGIN + m.end() * char_w
            rect = (x0, baseline - size * 0.85, x1, baseline + size * 0.25)
            words.append(Word(offset + m.start(), offset + m.end(), rect))
    pdf = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return pdf, PageText(1, text, tuple(words), width, height)
