"""Redactions applied to the working copy, and a clean new PDF written whole.

Content under each box is removed (text, image pixels, vector graphics), redaction annotations
are applied once per page, and the file is scrubbed of metadata, XMP, annotations, form fields,
outlines, attachments, embedded files, JavaScript and invisible text before a full,
garbage-collected save (never incremental)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pymupdf
from pymupdf import mupdf

from redaction.errors import CorruptDocument
from redaction.findings import Finding, Rect

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
    """Redact ``findings`` (text spans or manual rectangles) in a working copy; return new PDF."""
    chosen = list(findings)
    by_page: dict[int, list[tuple[Rect, str | None]]] = defaultdict(list)
    for f in chosen:
        for rect in f.rects:
            by_page[f.page].append((rect, f.exemption if label else None))
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
            boxes_on_page = _boxes(by_page[number], pad)
            boxes += _add_redact_annots(page, [r for r, _ in boxes_on_page])
            _apply_page(page)
            _draw_boxes(doc, page, boxes_on_page, font)
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


def _boxes(
    items: list[tuple[Rect, str | None]], pad: float
) -> list[tuple[pymupdf.Rect, str | None]]:
    """Padded boxes, the same box once (several findings often cover the same words)."""
    seen: dict[tuple[float, float, float, float, str | None], None] = {}
    for rect, code in items:
        x0, y0, x1, y1 = rect
        seen.setdefault(
            (round(x0 - pad, 2), round(y0 - pad, 2), round(x1 + pad, 2), round(y1 + pad, 2), code),
            None,
        )
    return [(pymupdf.Rect(k[:4]), k[4]) for k in seen]


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


def _apply_page(page: pymupdf.Page) -> None:
    """All of the page's redactions at once: text, image pixels and touched line art removed.

    MuPDF directly, boxes left to :func:`_draw_boxes`: PyMuPDF's ``apply_redactions`` reads
    every annotation back and writes each overlay separately."""
    pdf_page = getattr(page, "_pdf_page", None)
    if pdf_page is None or not hasattr(mupdf, "PdfRedactOptions"):
        page.apply_redactions(
            images=pymupdf.PDF_REDACT_IMAGE_PIXELS,
            graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_TOUCHED,
            text=pymupdf.PDF_REDACT_TEXT_REMOVE,
        )
        return
    raw = pdf_page()
    opts = mupdf.PdfRedactOptions()
    opts.black_boxes = 0
    opts.text = pymupdf.PDF_REDACT_TEXT_REMOVE
    opts.image_method = pymupdf.PDF_REDACT_IMAGE_PIXELS
    opts.line_art = pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_TOUCHED
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
    doc.scrub(
        attached_files=True,
        clean_pages=True,
        embedded_files=True,
        hidden_text=True,
        javascript=True,
        metadata=True,
        redactions=True,
        redact_images=0,
        remove_links=True,
        reset_fields=True,
        reset_responses=True,
        thumbnails=True,
        xml_metadata=True,
    )
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
