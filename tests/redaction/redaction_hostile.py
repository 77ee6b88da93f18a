"""Builders for hostile and awkward test inputs (all generated, deterministic)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pymupdf

SECRET = "Kelly Brown"


def plain_pdf(path: Path, lines: list[str]) -> Path:
    """A simple PDF with one line of text per entry."""
    doc = pymupdf.open()
    page = doc.new_page()
    for i, line in enumerate(lines):
        page.insert_text((72, 72 + 18 * i), line, fontsize=11)
    doc.save(path)
    return path


def encrypted_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), f"Mother {SECRET} visited.")
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    return path


def truncated_pdf(path: Path) -> Path:
    src = plain_pdf(path.with_suffix(".full.pdf"), [f"Mother {SECRET} visited."])
    data = src.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def garbage_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    return path


def zip_bomb_docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<" + b" " * 40_000_000 + b"/>")
    return path


def many_pages_pdf(path: Path, pages: int) -> Path:
    doc = pymupdf.open()
    for i in range(pages):
        doc.new_page(width=300, height=200).insert_text((20, 40), f"Page {i + 1} of notes.")
    doc.new_page(width=300, height=200).insert_text((20, 40), f"Mother {SECRET} visited.")
    doc.save(path, garbage=1, deflate=True)
    return path


def text_under_image_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), f"Hidden note: mother {SECRET} visited.", fontsize=11)
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 20), False)
    pix.set_rect(pix.irect, (200, 200, 200))
    page.insert_image(pymupdf.Rect(60, 80, 400, 120), pixmap=pix)
    doc.save(path)
    return path


def white_text_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Visible line about the family.")
    page.insert_text((72, 100), f"Mother {SECRET} visited.", color=(1, 1, 1))
    doc.save(path)
    return path


def invisible_text_pdf(path: Path) -> Path:
    """A 'scan' image with an invisible OCR text layer (render mode 3)."""
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 80), False)
    pix.set_rect(pix.irect, (240, 240, 240))
    page.insert_image(page.rect, pixmap=pix)
    page.insert_text((72, 100), f"Mother {SECRET} visited.", render_mode=3)
    doc.save(path)
    return path


def scanned_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 80), False)
    pix.set_rect(pix.irect, (230, 230, 230))
    page.insert_image(page.rect, pixmap=pix)
    doc.save(path)
    return path


def cid_font_pdf(path: Path) -> Path:
    """Text set in an embedded TrueType font (Type0/CID, Identity-H encoding)."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), f"Mother {SECRET} visited.", fontname="china-s", fontsize=12)
    assert "Type0" in str(doc.get_page_fonts(0))
    doc.save(path)
    return path


def annotated_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Case note.")
    page.add_text_annot((72, 200), f"Sticky note: call {SECRET}")
    page.add_freetext_annot(pymupdf.Rect(72, 300, 400, 330), "Tom Jones phoned", fontsize=11)
    doc.set_metadata({"author": "Jane Doe", "title": f"Notes on {SECRET}"})
    doc.set_toc([[1, f"Visit by {SECRET}", 1]])
    doc.save(path)
    return path


def form_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 60), "Referral form")
    widget = pymupdf.Widget()
    widget.field_name = "mother_name"
    widget.field_type = pymupdf.PDF_WIDGET_TYPE_TEXT
    widget.field_value = SECRET
    widget.rect = pymupdf.Rect(72, 80, 300, 100)
    page.add_widget(widget)
    doc.save(path)
    return path


def attachment_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "See attached.")
    doc.embfile_add("note.txt", f"Mother {SECRET} visited.".encode(), filename="note.txt")
    doc.save(path)
    return path


def incremental_pdf(path: Path) -> Path:
    """Old text removed in an incremental update: still in the file's old objects."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), f"Mother {SECRET} visited.")
    doc.save(path)
    doc.close()
    doc = pymupdf.open(path)
    page = doc[0]
    page.add_redact_annot(page.search_for(SECRET)[0])
    page.apply_redactions()
    page.insert_text((72, 120), "Updated note about Tom Jones.")
    doc.save(path, incremental=True, encryption=pymupdf.PDF_ENCRYPT_KEEP)
    doc.close()
    return path


def hidden_docx(path: Path) -> Path:
    """Comments, tracked changes, hidden runs, header, footer, properties, table, footnote-free."""
    d = docx.Document()
    d.core_properties.author = "Jane Doe"
    d.core_properties.title = "Notes on Tom Jones"
    d.sections[0].header.paragraphs[0].text = "Header: prepared by Sian Evans"
    d.sections[0].footer.paragraphs[0].text = "Footer: copy to Gary Hughes"
    p = d.add_paragraph("Visit today. ")
    hidden = p.add_run("Hidden: Mother Kelly Brown visited.")
    hidden.font.hidden = True
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Uncle"
    table.cell(0, 1).text = "Ravi Patel"
    para = d.add_paragraph("Agreed plan.")
    d.add_comment(para.runs[0], text="Check with Ian Walsh", author="Amy Clark", initials="AC")
    buf = io.BytesIO()
    d.save(buf)
    # add a tracked deletion and insertion by editing the XML
    tracked = (
        '<w:p><w:del w:id="91" w:author="X"><w:r><w:delText>Deleted Paul Moss</w:delText>'
        '</w:r></w:del><w:ins w:id="92" w:author="X"><w:r><w:t>Inserted Lucy Gray </w:t>'
        "</w:r></w:ins><w:r><w:t>Tracked changes.</w:t></w:r></w:p>"
    )
    data = _rewrite(
        buf.getvalue(),
        "word/document.xml",
        lambda x: x.replace("<w:sectPr", tracked + "<w:sectPr", 1),
    )
    path.write_bytes(data)
    return path


def _rewrite(data: bytes, part: str, edit: object) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == part:
                text = payload.decode("utf-8")
                new = edit(text)  # type: ignore[operator]
                assert new != text, "XML edit did not apply"
                payload = new.encode("utf-8")
            z.writestr(info, payload)
    return out.getvalue()


def email_with_attachments(path: Path, attachment_docx: Path) -> Path:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "Sue Smith <sue.smith@example.com>"
    msg["To"] = "duty.team@worcestershire.gov.uk"
    msg["Subject"] = "Concern about Dean"
    msg.set_content(
        "Hello,\n\nDean's mother Kelly Brown phoned on 07700 900123.\n\nRegards,\nSue Smith"
    )
    msg.add_alternative("<p>Dean's mother <b>Kelly Brown</b> phoned.</p>", subtype="html")
    msg.add_attachment(
        attachment_docx.read_bytes(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="notes.docx",
    )
    msg.add_attachment(
        b"Referral from Gary Hughes", maintype="text", subtype="plain", filename="referral.txt"
    )
    path.write_bytes(bytes(msg))
    return path
