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

from redaction.errors import CorruptDocument
from redaction.findings import Finding, Rect


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
        for number in sorted(by_page):
            if not 1 <= number <= doc.page_count:
                raise ValueError(f"finding on page {number} but the document has "
                                 f"{doc.page_count} pages")
            page = doc[number - 1]
            for rect, code in by_page[number]:
                r = pymupdf.Rect(rect) + (-pad, -pad, pad, pad)
                annot = page.add_redact_annot(r, text=code or "", fontsize=6, fill=(0, 0, 0),
                                              text_color=(1, 1, 1), align=1)
                if annot is not None:
                    boxes += 1
            page.apply_redactions(
                images=pymupdf.PDF_REDACT_IMAGE_PIXELS,
                graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_TOUCHED,
                text=pymupdf.PDF_REDACT_TEXT_REMOVE,
            )
        scrub(doc)
        out = doc.tobytes(garbage=4, deflate=True, clean=True, no_new_id=False,
                          encryption=pymupdf.PDF_ENCRYPT_NONE)
        pages = doc.page_count
    finally:
        doc.close()
    return out, ApplyReport(pages, boxes, redaction_terms(f for f in chosen if f.text))


def scrub(doc: pymupdf.Document) -> None:
    """Remove everything a release must not carry beyond the visible page content."""
    doc.scrub(
        attached_files=True, clean_pages=True, embedded_files=True, hidden_text=True,
        javascript=True, metadata=True, redactions=True, redact_images=0, remove_links=True,
        reset_fields=True, reset_responses=True, thumbnails=True, xml_metadata=True,
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
    for key in ("OpenAction", "AA", "Names", "AcroForm", "Outlines", "PieceInfo", "Metadata",
                "StructTreeRoot", "MarkInfo", "SpiderInfo", "Threads"):
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
