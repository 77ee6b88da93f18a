"""Email (.eml): headers, text and HTML bodies, then each attachment converted in turn."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from html.parser import HTMLParser

import pymupdf

from redaction.convert import Converted, converter_for, register
from redaction.convert.story import esc, render_html
from redaction.errors import CorruptDocument, RedactionError
from redaction.extract import Limits
from redaction.findings import PageWarning

HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Date", "Subject")
MAX_DEPTH = 3


class _TextOf(HTMLParser):
    """Visible text of an HTML body, with alt/title text kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        if tag in ("br", "p", "div", "tr", "li", "h1", "h2", "h3", "table"):
            self.parts.append("\n")
        for key, value in attrs:
            if key in ("alt", "title") and value:
                self.parts.append(f" [{key}: {value}] ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment."""
    parser = _TextOf()
    parser.feed(markup)
    parser.close()
    return re.sub(r"\n\s*\n+", "\n\n", "".join(parser.parts)).strip()


@register(".eml")
def convert_eml(data: bytes, name: str, limits: Limits, depth: int) -> Converted:
    """Render an email and append its attachments' working copies."""
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
    except Exception as exc:  # noqa: BLE001 - the email package raises many kinds
        raise CorruptDocument(f"{name}: cannot parse email ({exc})") from exc
    if not isinstance(msg, EmailMessage) or not any(msg.get(h) for h in HEADERS):
        raise CorruptDocument(f"{name}: not an email (no From/To/Subject headers)")
    warnings: list[PageWarning] = []
    parts = ["<h1>Email message</h1>"]
    for header in HEADERS:
        for value in msg.get_all(header) or ():
            parts.append(f"<p><b>{header}:</b> {esc(str(value))}</p>")
    attachments: list[tuple[str, bytes, str]] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        if filename or disposition == "attachment" or ctype == "message/rfc822":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                attachments.append((filename or "attachment", payload, ctype))
            continue
        try:
            content = part.get_content()
        except (LookupError, ValueError, AssertionError):
            raw = part.get_payload(decode=True)
            content = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
        if ctype == "text/plain":
            parts.append(f'<p class="note">[text body]</p><p>{esc(str(content))}</p>')
        elif ctype == "text/html":
            parts.append(f'<p class="note">[HTML body]</p><p>{esc(html_to_text(str(content)))}</p>')
        elif ctype.startswith("image/"):
            raw_image = part.get_payload(decode=True)
            if isinstance(raw_image, bytes):
                attachments.append((filename or f"inline.{ctype.split('/')[-1]}", raw_image, ctype))
    for fname, payload, ctype in attachments:
        parts.append(f"<p><b>Attachment:</b> {esc(fname)} ({esc(ctype)}, {len(payload)} bytes)</p>")
    doc = pymupdf.open(stream=render_html("".join(parts)), filetype="pdf")
    try:
        for fname, payload, ctype in attachments:
            warnings.extend(_append(doc, fname, payload, ctype, limits, depth))
        pdf = doc.tobytes(garbage=3, deflate=True)
    finally:
        doc.close()
    return Converted(pdf, warnings, None, "eml")


def _append(
    doc: pymupdf.Document, fname: str, payload: bytes, ctype: str, limits: Limits, depth: int
) -> list[PageWarning]:
    first = doc.page_count + 1
    if ctype == "message/rfc822" and not fname.lower().endswith(".eml"):
        fname += ".eml"
    if ctype.startswith("image/"):
        try:
            page = doc.new_page()
            page.insert_image(page.rect + (36, 36, -36, -36), stream=payload)
        except Exception:  # noqa: BLE001 - an undecodable picture is reported, not fatal
            return [PageWarning(0, "attachment_not_rendered", f"{fname}: image cannot be read")]
        return [
            PageWarning(
                first,
                "scanned_page",
                f"attached image {fname}: no text layer; check it by eye or OCR it",
            )
        ]
    if depth >= MAX_DEPTH:
        return [PageWarning(0, "attachment_not_rendered", f"{fname}: nested too deep")]
    try:
        converted = converter_for(fname)(payload, fname, limits, depth + 1)
    except RedactionError as exc:
        return [PageWarning(0, "attachment_not_rendered", f"attachment {fname}: {exc}")]
    with pymupdf.open(stream=converted.pdf, filetype="pdf") as extra:
        doc.insert_pdf(extra)
    warnings = [PageWarning(first, "attachment", f"attachment {fname} starts on this page")]
    for w in converted.warnings:
        warnings.append(PageWarning(w.page + first - 1 if w.page else 0, w.code, w.message))
    return warnings
