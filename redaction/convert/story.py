"""Lay out simple HTML as PDF pages with PyMuPDF's Story (the built-in renderer)."""

from __future__ import annotations

import html
import io

import pymupdf

A4 = pymupdf.paper_rect("a4")
MARGIN = 54

CSS = """
body { font-family: sans-serif; font-size: 10pt; }
h1 { font-size: 13pt; } h2 { font-size: 11pt; margin-top: 8pt; }
p { margin: 0 0 5pt 0; }
table { border-collapse: collapse; }
td { border: 0.5pt solid #777; padding: 2pt; vertical-align: top; }
.note { color: #555555; font-style: italic; }
pre { font-family: monospace; font-size: 9pt; }
"""


def esc(text: str) -> str:
    """HTML-escape text, keeping line breaks visible."""
    return html.escape(text, quote=True).replace("\n", "<br/>")


def render_html(body: str) -> bytes:
    """Render an HTML body fragment to PDF bytes on A4 pages."""
    story = pymupdf.Story(html=f"<html><body>{body}</body></html>", user_css=CSS)
    out = io.BytesIO()
    writer = pymupdf.DocumentWriter(out)
    where = A4 + (MARGIN, MARGIN, -MARGIN, -MARGIN)
    more = 1
    pages = 0
    while more:
        device = writer.begin_page(A4)
        more, _ = story.place(where)
        story.draw(device)
        writer.end_page()
        pages += 1
        if pages > 20000:  # a runaway layout must not spin for ever
            break
    writer.close()
    return out.getvalue()
