"""Redactions applied to the working copy, and a clean new PDF written whole.

Content under each box is removed (text, image pixels, vector graphics), redaction annotations
are applied once per page, and the file is scrubbed of metadata, XMP, annotations, form fields,
outlines, attachments, embedded files, JavaScript and invisible text before a full,
garbage-collected save (never incremental)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pymupdf
from pymupdf import mupdf

from redaction.errors import CorruptDocument
from redaction.extract import TEXT_FLAGS
from redaction.findings import MANUAL, Finding, Rect

_LABEL_FONT = "helv"


@dataclass(frozen=True, slots=True)
class ApplyReport:
    """What was redacted: boxes per page and the terms to check with the verifier."""

    pages: int
    boxes: int
    terms: tuple[str, ...]


def redaction_terms(findings: Iterable[Finding]) -> tuple[str, ...]:
    """Distinct redacted strings, for :func:`redaction.verify.verify`."""
    terms = {f.text.strip() for f in findings if f.text.strip() and len(f.text.strip()) > 1}
    return tuple(sorted(terms))


def apply_redactions(
    pdf: bytes,
    findings: Iterable[Finding],
    *,
    label: bool = True,
    pad: float = 0.5,
) -> tuple[bytes, ApplyReport]:
    """Redact ``findings`` (text spans or manual rectangles) in a working copy; return new PDF.

    Text is removed through thin strips inside the glyphs' own height (a word's font box
    overlaps the lines above and below at ordinary line pitch); image pixels and line art
    are removed under the visible box, which is kept within the line's own height."""
    chosen = list(findings)
    by_page: dict[int, list[tuple[Rect, str | None, bool]]] = defaultdict(list)
    for f in chosen:
        manual = f.kind == MANUAL
        for rect in f.rects:
            by_page[f.page].append((rect, f.exemption if label else None, manual))
    try:
        doc = pymupdf.open(stream=pdf, filetype="pdf")
    except Exception as exc:  # noqa: BLE001
        raise CorruptDocument(f"cannot open the working copy ({exc})") from exc
    boxes = 0
    try:
        # text an officer releases from notes or form fields must survive as page content
        if doc.is_form_pdf or any(True for p in doc for _ in (p.annots() or ())):
            doc.bake(annots=True, widgets=True)
        font = pymupdf.Font("helv")
        for number in sorted(by_page):
            if not 1 <= number <= doc.page_count:
                raise ValueError(
                    f"finding on page {number} but the document has {doc.page_count} pages"
                )
            page = doc[number - 1]
            marks = redaction_marks(page, by_page[number], pad)
            boxes += len(marks)
            # text first, through the strips only; then pixels and line art under the boxes
            strips = [s for m in marks for s in m.strips]
            if strips:
                _add_redact_annots(page, strips)
                _apply_page(page, text=True)
            _add_redact_annots(page, [m.box for m in marks])
            _apply_page(page, text=False)
            _draw_boxes(doc, page, [(m.box, m.code) for m in marks], font)
        scrub(doc)
        out = doc.tobytes(
            garbage=4,
            deflate=True,
            clean=True,
            no_new_id=False,
            encryption=pymupdf.PDF_ENCRYPT_NONE,
        )
        pages = doc.page_count
    finally:
        doc.close()
    return out, ApplyReport(pages, boxes, redaction_terms(f for f in chosen if f.text))


@dataclass(frozen=True, slots=True)
class Mark:
    """One visible box with its label, and the strips through which its text is removed."""

    box: pymupdf.Rect
    code: str | None
    strips: tuple[pymupdf.Rect, ...]


@dataclass(slots=True)
class _Glyph:
    rect: pymupdf.Rect
    origin: tuple[float, float]
    size: float
    line: int
    direction: tuple[float, float]


def _glyphs(page: pymupdf.Page) -> list[_Glyph]:
    """Every character on the page with its box, baseline origin, size and line."""
    out: list[_Glyph] = []
    line_no = 0
    data = page.get_text("rawdict", flags=TEXT_FLAGS)
    for block in data.get("blocks", ()):
        for line in block.get("lines", ()):
            line_no += 1
            direction = tuple(line.get("dir") or (1.0, 0.0))
            for span in line.get("spans", ()):
                size = float(span.get("size") or 0.0)
                for ch in span.get("chars", ()):
                    if not ch.get("c", "").strip():
                        continue
                    out.append(
                        _Glyph(
                            pymupdf.Rect(ch["bbox"]),
                            (float(ch["origin"][0]), float(ch["origin"][1])),
                            size,
                            line_no,
                            (float(direction[0]), float(direction[1])),
                        )
                    )
    return out


def redaction_marks(
    page: pymupdf.Page, items: Iterable[tuple[Rect, str | None, bool]], pad: float = 0.5
) -> list[Mark]:
    """The boxes to draw and the strips to remove text through, for one page.

    A found span's rectangle is resolved to the characters whose centre lies in it; for each
    line they stand on, the text strip runs along the characters' middle (between 0.2 and 0.55
    of the font size above the baseline, each end pulled in from the neighbours) and the box
    from just under the baseline to just under the next line's descenders. A manual rectangle
    is used as drawn. Overlapping boxes on one line are joined, so labels never overprint."""
    glyphs: list[_Glyph] | None = None
    raw: list[Mark] = []
    for rect, code, manual in items:
        box = pymupdf.Rect(rect)
        if glyphs is None:
            glyphs = _glyphs(page)
        inside = [
            g
            for g in glyphs
            if box.x0 - 0.5 <= (g.rect.x0 + g.rect.x1) / 2 <= box.x1 + 0.5
            and box.y0 - 0.5 <= (g.rect.y0 + g.rect.y1) / 2 <= box.y1 + 0.5
        ]
        lines: dict[int, list[_Glyph]] = defaultdict(list)
        for g in inside:
            lines[g.line].append(g)
        marks = [_line_mark(line, code, pad) for line in lines.values()]
        if manual:
            # drawn by a reviewer: the box as drawn (pixels and line art under it go), the
            # characters whose middle it covers go through their strips
            strips = tuple(s for m in marks for s in m.strips)
            raw.append(Mark(box, code, strips))
        elif not marks:
            # nothing extractable under it (text drawn as an image?): the rectangle as it is
            raw.append(Mark(box + (-pad, -pad, pad, pad), code, (box,)))
        else:
            raw.extend(marks)
    return _join(raw)


def _line_mark(line: list[_Glyph], code: str | None, pad: float) -> Mark:
    """Box and strip for characters of one line, in the line's own direction."""
    ux, uy = line[0].direction
    norm = math.hypot(ux, uy) or 1.0
    ux, uy = ux / norm, uy / norm
    vx, vy = uy, -ux  # "up" from the baseline, in MuPDF's top-left coordinates
    ox, oy = line[0].origin
    size = max(g.size for g in line) or max(g.rect.height for g in line)

    def along(x: float, y: float) -> float:
        return (x - ox) * ux + (y - oy) * uy

    lo = min(along(*c) for g in line for c in _corners(g.rect))
    hi = max(along(*c) for g in line for c in _corners(g.rect))
    narrow = min(
        max(along(g.rect.x1, g.rect.y1), along(g.rect.x0, g.rect.y0))
        - min(along(g.rect.x1, g.rect.y1), along(g.rect.x0, g.rect.y0))
        for g in line
    )
    inset = min(max(narrow, 0.5) * 0.2, size * 0.1)
    base = sum((g.origin[0] - ox) * vx + (g.origin[1] - oy) * vy for g in line) / len(line)

    def rect(a0: float, a1: float, b0: float, b1: float) -> pymupdf.Rect:
        pts = [
            (ox + a * ux + (base + b) * vx, oy + a * uy + (base + b) * vy)
            for a in (a0, a1)
            for b in (b0, b1)
        ]
        return pymupdf.Rect(
            min(p[0] for p in pts),
            min(p[1] for p in pts),
            max(p[0] for p in pts),
            max(p[1] for p in pts),
        )

    strip = rect(lo + inset, hi - inset, size * 0.2, size * 0.55)
    box = rect(lo - pad, hi + pad, -size * 0.2, size * 0.78)
    return Mark(box, code, (strip,))


def _corners(r: pymupdf.Rect) -> tuple[tuple[float, float], ...]:
    return ((r.x0, r.y0), (r.x1, r.y0), (r.x0, r.y1), (r.x1, r.y1))


def _join(marks: list[Mark]) -> list[Mark]:
    """Boxes that overlap, or stand a word space apart, on the same line become one box with
    one label (two labels side by side would overprint: "TTP")."""
    out: list[Mark] = []
    for m in sorted(marks, key=lambda m: (round(m.box.y0), m.box.x0)):
        for i, o in enumerate(out):
            same_line = abs(o.box.y0 - m.box.y0) < 0.5 * max(m.box.height, 1) and abs(
                o.box.y1 - m.box.y1
            ) < 0.5 * max(m.box.height, 1)
            gap = 0.4 * max(m.box.height, 1)
            if same_line and m.box.x0 <= o.box.x1 + gap and o.box.x0 <= m.box.x1 + gap:
                out[i] = Mark(o.box | m.box, o.code or m.code, o.strips + m.strips)
                break
        else:
            out.append(m)
    return out


def _add_redact_annots(page: pymupdf.Page, rects: list[pymupdf.Rect]) -> int:
    """Plain redaction annotations (no fill, no overlay text, no appearance stream).

    PyMuPDF's ``add_redact_annot`` builds a crossed-out appearance and overlay text for each
    one, which dominates the time on pages with many names; the annotation MuPDF redacts by
    needs only its rectangle. Falls back to the public call if the binding changes."""
    rotation = page.rotation
    pdf_page = getattr(page, "_pdf_page", None)
    if pdf_page is None or not hasattr(mupdf, "pdf_create_annot"):
        return sum(page.add_redact_annot(r, cross_out=False) is not None for r in rects)
    if rotation:
        page.set_rotation(0)  # as add_redact_annot does: rectangles are unrotated coordinates
    try:
        raw = pdf_page()
        for r in rects:
            annot = mupdf.pdf_create_annot(raw, mupdf.PDF_ANNOT_REDACT)
            mupdf.pdf_set_annot_rect(annot, mupdf.FzRect(r.x0, r.y0, r.x1, r.y1))
    finally:
        if rotation:
            page.set_rotation(rotation)
    return len(rects)


def _apply_page(page: pymupdf.Page, *, text: bool) -> None:
    """All of the page's redaction annotations at once: text (``text``) or else image pixels
    and covered line art.

    MuPDF directly, boxes left to :func:`_draw_boxes`: PyMuPDF's ``apply_redactions`` reads
    every annotation back and writes each overlay separately."""
    text_mode = pymupdf.PDF_REDACT_TEXT_REMOVE if text else pymupdf.PDF_REDACT_TEXT_NONE
    images = pymupdf.PDF_REDACT_IMAGE_NONE if text else pymupdf.PDF_REDACT_IMAGE_PIXELS
    line_art = (
        pymupdf.PDF_REDACT_LINE_ART_NONE if text else pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_COVERED
    )
    pdf_page = getattr(page, "_pdf_page", None)
    if pdf_page is None or not hasattr(mupdf, "PdfRedactOptions"):
        page.apply_redactions(images=images, graphics=line_art, text=text_mode)
        return
    raw = pdf_page()
    opts = mupdf.PdfRedactOptions()
    opts.black_boxes = 0
    opts.text = text_mode
    opts.image_method = images
    opts.line_art = line_art
    if not mupdf.pdf_redact_page(raw.doc(), raw, opts):
        raise CorruptDocument(f"MuPDF could not redact page {page.number + 1}")


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _draw_boxes(
    doc: pymupdf.Document,
    page: pymupdf.Page,
    boxes: list[tuple[pymupdf.Rect, str | None]],
    font: pymupdf.Font,
) -> None:
    """Black boxes, and each exemption code in white, centred, 6 pt shrinking to 4 pt.

    Written as one content stream per page with one font resource: drawing each label through
    PyMuPDF looks the page's fonts up again for every box."""
    if not boxes:
        return
    a, b, c, d, e, f = tuple(~page.transformation_matrix)  # MuPDF (top-left) to PDF space
    ops = ["q 0 g 0 G 0 w"]
    for r, _code in boxes:
        xs = [x * a + y * c + e for x, y in ((r.x0, r.y0), (r.x1, r.y1))]
        ys = [x * b + y * d + f for x, y in ((r.x0, r.y0), (r.x1, r.y1))]
        ops.append(
            f"{min(xs):.2f} {min(ys):.2f} {abs(xs[1] - xs[0]):.2f} {abs(ys[1] - ys[0]):.2f} re"
        )
    ops.append("f")
    labels: list[str] = []
    widths: dict[str, float] = {}
    for r, code in boxes:
        if not code:
            continue
        unit = widths.get(code)
        if unit is None:
            unit = widths[code] = font.text_length(code, 1.0)
        size = 6.0
        while size >= 4 and (unit * size > r.width or size > r.height + 1):
            size -= 0.5
        if size < 4:
            continue
        x = r.x0 + (r.width - unit * size) / 2
        y = r.y0 + (r.height + size * 0.7) / 2  # baseline: the capitals centred vertically
        # text matrix: MuPDF space with y pointing up again, then into PDF space
        labels.append(
            f"{a:g} {b:g} {-c:g} {-d:g} {x * a + y * c + e:.2f} "
            f"{x * b + y * d + f:.2f} Tm /{_LABEL_FONT} {size:g} Tf "
            f"{_pdf_string(code)} Tj"
        )
    if labels:
        page.insert_font(fontname=_LABEL_FONT)
        ops += ["1 g BT"] + labels + ["ET"]
    ops.append("Q")
    if not page.is_wrapped:
        page.wrap_contents()  # a graphics state left changed by the page must not move the boxes
    xref = doc.get_new_xref()
    doc.update_object(xref, "<<>>")
    doc.update_stream(xref, "\n".join(ops).encode("ascii"))
    kind, value = doc.xref_get_key(page.xref, "Contents")
    if kind == "array":
        contents = value.strip()[1:-1]
    elif kind == "xref":
        contents = value
    else:
        contents = ""
    doc.xref_set_key(page.xref, "Contents", f"[{contents} {xref} 0 R]")


def scrub(doc: pymupdf.Document) -> None:
    """Remove everything a release must not carry beyond the visible page content."""
    options = {
        "attached_files": True,
        "clean_pages": True,
        "embedded_files": True,
        "hidden_text": True,
        "javascript": True,
        "metadata": True,
        "redactions": True,
        "redact_images": 0,
        "remove_links": True,
        "reset_fields": True,
        "reset_responses": True,
        "thumbnails": True,
        "xml_metadata": True,
    }
    try:
        doc.scrub(**options)
    except IndexError:
        # PyMuPDF's link listing fails on some malformed link annotations: drop every
        # page's annotations at the object level and scrub the rest
        for page in doc:
            if doc.xref_get_key(page.xref, "Annots")[0] != "null":
                doc.xref_set_key(page.xref, "Annots", "null")
        doc.scrub(**{**options, "remove_links": False})
    for page in doc:
        for widget in list(page.widgets() or ()):
            page.delete_widget(widget)
        annot = page.first_annot
        while annot is not None:
            annot = page.delete_annot(annot)
    doc.set_toc([])
    for name in list(doc.embfile_names()):
        doc.embfile_del(name)
    doc.set_metadata({})
    doc.del_xml_metadata()
    catalog = doc.pdf_catalog()
    for key in (
        "OpenAction",
        "AA",
        "Names",
        "AcroForm",
        "Outlines",
        "PieceInfo",
        "Metadata",
        "StructTreeRoot",
        "MarkInfo",
        "AF",
        "DSS",
        "Perms",
        "Collection",
        "SpiderInfo",
        "Threads",
    ):
        if doc.xref_get_key(catalog, key)[0] != "null":
            doc.xref_set_key(catalog, key, "null")
    if doc.xref_get_key(-1, "Info")[0] != "null":
        doc.xref_set_key(-1, "Info", "null")


def apply_file(
    working_pdf: Path, findings: Iterable[Finding], out: Path, *, label: bool = True
) -> ApplyReport:
    """Redact a working-copy PDF file and write the clean copy to ``out``."""
    data, report = apply_redactions(working_pdf.read_bytes(), findings, label=label)
    out.write_bytes(data)
    return report
