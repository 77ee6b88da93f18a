"""PDF input: used as it is, with annotations and form fields baked into the page and
content that a viewer hides (notes, attachments, bookmarks, properties) listed on extra pages."""

from __future__ import annotations

import re
from typing import Any

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
    if b"%%EOF" not in data.rstrip(b"\x00 \t\r\n")[-2048:]:
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
        readable, dropped = _readable_annots(doc, page)
        if dropped:
            warnings.append(
                PageWarning(
                    index + 1,
                    "annotation_dropped",
                    f"{dropped} damaged annotations could not be read and were left out",
                )
            )
        for annot in readable:
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
    for fname, payload in _associated_files(doc):
        attachments.append((fname, payload))
        hidden.append(f"Associated file: {fname}")
    for key in ("DSS", "Perms", "Collection", "Legal"):
        # signature validation data (certificates, OCSP answers) and other catalog extras
        if doc.xref_get_key(doc.pdf_catalog(), key)[0] != "null":
            doc.xref_set_key(doc.pdf_catalog(), key, "null")
            hidden.append(f"Removed from the file: /{key} (signature or package data)")
    for index in range(doc.page_count):
        gone = _remove_text_outside(doc[index])
        if gone:
            warnings.append(
                PageWarning(
                    index + 1,
                    "text_outside_page",
                    f"{gone} characters of text placed outside the page were removed",
                )
            )
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
            f"<p>{esc(_printable(line))}</p>" for line in hidden
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


def _printable(text: str) -> str:
    """Text that can be written out: lone surrogates (from badly encoded metadata) replaced."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _readable_annots(doc: pymupdf.Document, page: pymupdf.Page) -> tuple[list[Any], int]:
    """The page's annotations that MuPDF can load; damaged ones are removed from the page
    (they could be neither shown to the reviewer nor redacted)."""
    readable: list[Any] = []
    broken: list[int] = []
    for xref in page.annot_xrefs():
        if xref[1] == pymupdf.PDF_ANNOT_WIDGET:
            continue  # form fields are read as widgets
        try:
            annot = page.load_annot(xref[0])
        except Exception:  # noqa: BLE001 - a damaged annotation dictionary
            annot = None
        if annot is None:
            broken.append(xref[0])
        else:
            readable.append(annot)
    if broken:
        keep = [x for x in page.annot_xrefs() if x[0] not in broken]
        doc.xref_set_key(page.xref, "Annots", "[" + " ".join(f"{x[0]} 0 R" for x in keep) + "]")
    return readable, len(broken)


def _associated_files(doc: pymupdf.Document) -> list[tuple[str, bytes]]:
    """Files listed only in an /AF array (of the catalog or of a page), which PyMuPDF's
    embedded-file list does not show; the arrays are removed once read."""
    holders = [doc.pdf_catalog()] + [doc[i].xref for i in range(doc.page_count)]
    found: list[tuple[str, bytes]] = []
    for holder in holders:
        kind, value = doc.xref_get_key(holder, "AF")
        if kind == "null":
            continue
        refs = [int(x) for x in re.findall(r"(\d+) 0 R", value)]
        if kind == "xref":
            refs = (
                [int(x) for x in re.findall(r"(\d+) 0 R", doc.xref_object(refs[0]))] if refs else []
            )
        for ref in refs:
            ef_kind, ef = doc.xref_get_key(ref, "EF/F")
            if ef_kind != "xref":
                continue
            name = doc.xref_get_key(ref, "UF")[1] or doc.xref_get_key(ref, "F")[1] or "attachment"
            try:
                data = doc.xref_stream(int(ef.split()[0]))
            except Exception:  # noqa: BLE001 - a damaged stream is no attachment
                continue
            found.append((name.strip("()"), data or b""))
        doc.xref_set_key(holder, "AF", "null")
    return found


def _remove_text_outside(page: pymupdf.Page) -> int:
    """Text drawn outside the visible page (never shown, never extracted, yet kept in the
    file) is removed from the working copy; returns how many characters went."""
    rotation = page.rotation
    if rotation:
        page.set_rotation(0)
    try:
        box = pymupdf.Rect(0, 0, page.cropbox.width, page.cropbox.height)
        outside = 0
        for span in page.get_texttrace():
            x0, y0, x1, y1 = span["bbox"]
            if not box.contains(pymupdf.Point((x0 + x1) / 2, (y0 + y1) / 2)):
                outside += len(span.get("chars", ()))
        if not outside:
            return 0
        far = 1_000_000
        for rect in (
            pymupdf.Rect(-far, -far, far, box.y0),
            pymupdf.Rect(-far, box.y1, far, far),
            pymupdf.Rect(-far, -far, box.x0, far),
            pymupdf.Rect(box.x1, -far, far, far),
        ):
            page.add_redact_annot(rect, cross_out=False)
        page.apply_redactions(
            images=pymupdf.PDF_REDACT_IMAGE_NONE,
            graphics=pymupdf.PDF_REDACT_LINE_ART_NONE,
            text=pymupdf.PDF_REDACT_TEXT_REMOVE,
        )
        return outside
    finally:
        if rotation:
            page.set_rotation(rotation)


def _strip_xml(text: str) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()
