"""PDF input: used as it is, with annotations and form fields baked into the page and
content that a viewer hides (notes, attachments, bookmarks, properties) listed on extra pages."""

from __future__ import annotations

import pymupdf

from redaction.convert import Converted, converter_for, register
from redaction.convert.story import esc, render_html
from redaction.errors import CorruptDocument, DocumentTooLarge, EncryptedDocument, RedactionError
from redaction.extract import Limits
from redaction.findings import PageWarning

MAX_DEPTH = 2


def open_pdf(data: bytes, name: str) -> pymupdf.Document:
    """Open PDF bytes or raise a typed error for encrypted or unreadable files."""
    if not data.lstrip()[:1024].count(b"%PDF"):
        raise CorruptDocument(f"{name}: not a PDF file (no %PDF header)")
    if b"%%EOF" not in data[-2048:]:
        raise CorruptDocument(f"{name}: truncated PDF (no end-of-file marker); ask for a full copy")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # noqa: BLE001 - MuPDF raises plain RuntimeError/FileDataError
        raise CorruptDocument(f"{name}: damaged PDF ({str(exc)[:120]})") from exc
    if doc.needs_pass:
        doc.close()
        raise EncryptedDocument(f"{name}: the PDF is password protected; ask for an open copy")
    if doc.page_count == 0:
        doc.close()
        raise CorruptDocument(f"{name}: damaged or truncated PDF (no readable pages)")
    return doc


@register(".pdf")
def convert_pdf(data: bytes, name: str, limits: Limits, depth: int) -> Converted:
    """Make the working copy of a PDF: baked annotations, hidden content made visible."""
    doc = open_pdf(data, name)
    try:
        return _convert(doc, name, limits, depth)
    except RedactionError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise CorruptDocument(f"{name}: damaged PDF ({type(exc).__name__}: {exc})") from exc
    finally:
        doc.close()


def _convert(doc: pymupdf.Document, name: str, limits: Limits, depth: int) -> Converted:
    if doc.page_count > limits.max_pages:
        raise DocumentTooLarge(
            f"{name}: {doc.page_count} pages is over the limit of {limits.max_pages}"
        )
    warnings: list[PageWarning] = []
    if doc.is_repaired:
        warnings.append(PageWarning(0, "repaired", f"{name}: the PDF was damaged and repaired"))
    hidden: list[str] = []
    for key, value in (doc.metadata or {}).items():
        if value and key not in ("format", "encryption", "creator", "producer"):
            hidden.append(f"Document property {key}: {value}")
    xmp = doc.get_xml_metadata()
    if xmp.strip():
        hidden.append(f"XMP metadata: {_strip_xml(xmp)[:4000]}")
    for level, title, page_no, *_ in doc.get_toc(simple=False):
        hidden.append(f"Bookmark (level {level}, page {page_no}): {title}")
    attachments: list[tuple[str, bytes]] = []
    for index in range(doc.page_count):
        page = doc[index]
        for annot in page.annots() or ():
            content = (annot.info or {}).get("content", "")
            title = (annot.info or {}).get("title", "")
            kind = annot.type[1]
            if content or title:
                hidden.append(f"Page {index + 1} {kind} annotation by {title or '?'}: {content}")
            if annot.type[0] == pymupdf.PDF_ANNOT_FILE_ATTACHMENT:
                info = annot.file_info
                attachments.append((str(info.get("filename") or "attachment"), annot.get_file()))
        for widget in page.widgets() or ():
            value = widget.field_value
            if value not in (None, "", "Off", False):
                hidden.append(f"Page {index + 1} form field {widget.field_name or '?'}: {value}")
    for ename in doc.embfile_names():
        info = doc.embfile_info(ename)
        attachments.append((str(info.get("filename") or ename), doc.embfile_get(ename)))
        hidden.append(f"Attached file: {info.get('filename') or ename}")
    if doc.is_form_pdf or any(True for p in doc for _ in (p.annots() or ())):
        doc.bake(annots=True, widgets=True)
    for ename in list(doc.embfile_names()):
        doc.embfile_del(ename)
    original_pages = doc.page_count
    if hidden:
        body = "<h1>Content hidden in the original file</h1>" + "".join(
            f"<p>{esc(line)}</p>" for line in hidden
        )
        with pymupdf.open(stream=render_html(body), filetype="pdf") as extra:
            doc.insert_pdf(extra)
        warnings.append(
            PageWarning(
                original_pages + 1,
                "hidden_content",
                f"{len(hidden)} hidden items (properties, notes, form fields, bookmarks, "
                "attachments) are listed from this page on",
            )
        )
    for fname, payload in attachments:
        warnings.extend(_append_attachment(doc, fname, payload, limits, depth))
    if doc.page_count > limits.max_pages:
        raise DocumentTooLarge(f"{name}: {doc.page_count} pages with attachments is over the limit")
    pdf = doc.tobytes(garbage=3, deflate=True, encryption=pymupdf.PDF_ENCRYPT_NONE)
    return Converted(pdf, warnings, None, "pdf")


def _append_attachment(
    doc: pymupdf.Document, fname: str, payload: bytes, limits: Limits, depth: int
) -> list[PageWarning]:
    """Convert an attached file and append its pages; an unconvertible one is a warning."""
    first = doc.page_count + 1
    if depth >= MAX_DEPTH:
        return [PageWarning(0, "attachment_not_rendered", f"{fname}: attachments nested too deep")]
    try:
        converted = converter_for(fname)(payload, fname, limits, depth + 1)
    except RedactionError as exc:
        return [PageWarning(0, "attachment_not_rendered", f"attachment {exc}")]
    with pymupdf.open(stream=converted.pdf, filetype="pdf") as extra:
        doc.insert_pdf(extra)
    warnings = [PageWarning(first, "attachment", f"attachment {fname} starts on this page")]
    for w in converted.warnings:
        page = w.page + first - 1 if w.page else 0
        warnings.append(PageWarning(page, w.code, w.message))
    return warnings


def _strip_xml(text: str) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()
