"""The demo documents as files: text PDFs laid out line by line, DOCX and EML (with a PDF or
DOCX attachment), and a scanned PDF with no text layer. Metadata, zip entry dates, MIME boundaries
and email dates are fixed, so the same blocks give the same bytes.
"""

from __future__ import annotations

import io
import textwrap
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

import docx
import fitz
from docx.oxml.ns import qn
from docx.shared import Pt

from demo.document import Block, _Doc
from demo.people import _Person

_META_DATE = "D:20261001090000Z"
_ZIP_DATE = (2026, 10, 1, 9, 0, 0)


# -- rendering ---------------------------------------------------------------------------------
_W, _H = fitz.paper_size("a4")
_LEFT, _RIGHT, _TOP, _BOTTOM = 56.0, _W - 56.0, 70.0, _H - 60.0


_ADVANCES: dict[tuple[str, str], float] = {}


def _text_width(text: str, font: str, size: float) -> float:
    """Width of text in a base-14 font, from cached glyph advances (fitz's own is slow per call)."""
    total = 0.0
    for ch in text:
        adv = _ADVANCES.get((font, ch))
        if adv is None:
            adv = _ADVANCES[(font, ch)] = fitz.get_text_length(ch, fontname=font, fontsize=1)
        total += adv
    return total * size


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    space = _text_width(" ", font, size)
    for para in text.split("\n"):
        line, line_w = "", 0.0
        for word in para.split(" "):
            word_w = _text_width(word, font, size)
            if line and line_w + space + word_w > width:
                lines.append(line)
                line, line_w = word, word_w
            elif line:
                line, line_w = f"{line} {word}", line_w + space + word_w
            else:
                line, line_w = word, word_w
        lines.append(line)
    return lines


def _pdf(blocks: Sequence[Block], header: str, footer: str, title: str) -> fitz.Document:
    """A text PDF laid out line by line (multi-page, header and page footer on every page)."""
    pages: list[list[tuple[float, float, str, str, float]]] = [[]]
    y = _TOP

    def need(height: float) -> None:
        nonlocal y
        if y + height > _BOTTOM:
            pages.append([])
            y = _TOP

    for kind, value in blocks:
        if kind == "table":
            ncol = len(value[0])
            colw = (_RIGHT - _LEFT) / ncol
            for r_i, row in enumerate(value):
                font = "hebo" if r_i == 0 else "helv"
                cells = [_wrap(str(cell), font, 9, colw - 6) for cell in row]
                height = max(len(c) for c in cells) * 12 + 4
                need(height)
                for k, cell_lines in enumerate(cells):
                    for j, line in enumerate(cell_lines):
                        pages[-1].append((_LEFT + k * colw, y + 9 + j * 12, line, font, 9))
                y += height
            y += 6
            continue
        if kind == "quote":
            lines = [ln for q in value for ln in _wrap(q, "helv", 9, _RIGHT - _LEFT - 20)]
            font, size, indent = "helv", 9.0, 12.0
        else:
            font, size = ("hebo", 11.0) if kind == "h" else ("helv", 10.0)
            lines, indent = _wrap(value, font, size, _RIGHT - _LEFT), 0.0
            if kind == "h":
                y += 6
        for line in lines:
            need(size * 1.4)
            pages[-1].append((_LEFT + indent, y + size, line, font, size))
            y += size * 1.4
        y += 5
    doc = fitz.open()
    for n, ops in enumerate(pages, start=1):
        page = doc.new_page(width=_W, height=_H)
        shape = page.new_shape()  # one content stream per page: far quicker than per line
        if header:
            shape.insert_text((_LEFT, 40), header, fontname="helv", fontsize=8)
        foot = f"{footer}    Page {n} of {len(pages)}" if footer else f"Page {n} of {len(pages)}"
        shape.insert_text((_LEFT, _H - 30), foot, fontname="helv", fontsize=8)
        for x, yy, text, font, size in ops:
            shape.insert_text((x, yy), text, fontname=font, fontsize=size)
        shape.commit()
    doc.set_metadata(
        {
            "title": title,
            "author": "",
            "subject": "",
            "keywords": "",
            "creator": "Disclose demo records",
            "producer": "Disclose demo records",
            "creationDate": _META_DATE,
            "modDate": _META_DATE,
        }
    )
    return doc


def _pdf_bytes(blocks: Sequence[Block], header: str, footer: str, title: str) -> bytes:
    doc = _pdf(blocks, header, footer, title)
    data: bytes = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    doc.close()
    return data


def _docx_bytes(blocks: Sequence[Block], header: str, title: str) -> bytes:
    """A DOCX with a header, paragraphs and tables; fixed core properties and zip dates."""
    document = docx.Document(io.BytesIO(_docx_template()))
    if header:
        document.sections[0].header.paragraphs[0].text = header
    for kind, value in blocks:
        if kind == "h":
            document.add_heading(value, level=2)
        elif kind == "p":
            document.add_paragraph(value)
        elif kind == "quote":
            for line in value:
                document.add_paragraph(line)
        elif kind == "table":
            table = document.add_table(rows=len(value), cols=len(value[0]))
            table.style = "Table Grid"
            for r_i, row in enumerate(value):
                for k, cell in enumerate(row):
                    table.cell(r_i, k).text = str(cell)
    props = document.core_properties
    fixed = datetime(2026, 10, 1, 9, 0, 0)
    props.author = props.last_modified_by = "Disclose demo records"
    props.title, props.comments, props.keywords, props.subject = title, "", "", ""
    props.created = props.modified = props.last_printed = fixed
    props.revision = 1
    raw = io.BytesIO()
    document.save(raw)
    return _fixed_zip(raw.getvalue())


_TEMPLATE: list[bytes] = []
_KEEP_STYLES = {
    "Normal",
    "Heading2",
    "Heading2Char",
    "TableGrid",
    "Header",
    "HeaderChar",
    "DefaultParagraphFont",
    "TableNormal",
    "NoList",
}


def _docx_template() -> bytes:
    """python-docx's default template without its 400 KB of unused styles and thumbnail."""
    if not _TEMPLATE:
        document = docx.Document()
        styles = document.styles.element
        for el in list(styles):
            if el.tag == qn("w:latentStyles") or (
                el.tag == qn("w:style") and el.get(qn("w:styleId")) not in _KEEP_STYLES
            ):
                styles.remove(el)
        normal = document.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(10)
        for rels in (document.part.rels, document.part.package.rels):
            for r_id, rel in list(rels.items()):
                if rel.reltype.endswith(("/stylesWithEffects", "/thumbnail")):
                    rels.pop(r_id)
        raw = io.BytesIO()
        document.save(raw)
        _TEMPLATE.append(raw.getvalue())
    return _TEMPLATE[0]


def _fixed_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for name in src.namelist():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(name))
    return out.getvalue()


def _address_header(p: _Person, d: _Doc) -> str:
    assert p.email is not None
    d.i("EMAIL", p.email)
    return f"{d.n(p, 'full')} <{p.email}>"


def _wrap_plain(text: str, names: list[str], width: int) -> list[str]:
    """Wrap email text at ``width`` without breaking a name across lines."""
    for name in names:
        text = text.replace(name, name.replace(" ", "\u00a0"))
    wrapped = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]
    return [ln.replace("\u00a0", " ") for ln in wrapped]


def _eml_bytes(d: _Doc) -> bytes:
    assert d.sender is not None
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = _address_header(d.sender, d)
    msg["To"] = ", ".join(_address_header(p, d) for p in d.to)
    if d.cc:
        msg["Cc"] = ", ".join(_address_header(p, d) for p in d.cc)
    when = datetime(
        d.date.year,
        d.date.month,
        d.date.day,
        9 + int(d.id[-2:]) % 8,
        int(d.id[-3:]) % 60,
        tzinfo=UTC,
    )
    msg["Date"] = format_datetime(when)
    msg["Subject"] = d.subject
    msg["Message-ID"] = f"<{d.id}.{d.case.id}@demo.example.org>"
    if d.in_reply_to:
        msg["In-Reply-To"] = f"<{d.in_reply_to}.{d.case.id}@demo.example.org>"
    names = sorted({m for ms in d.mentions.values() for m in ms if " " in m}, key=len, reverse=True)
    lines: list[str] = []
    for kind, value in d.blocks:
        if kind == "quote":
            for q in value:
                lines.extend("> " + ln for ln in _wrap_plain(q[2:], names, 70))
        elif kind == "table":
            lines.extend(" | ".join(row) for row in value)
        else:
            lines.extend(_wrap_plain(value, names, 76))
        lines.append("")
    msg.set_content("\n".join(lines))
    if d.attachment:
        a = d.attachment
        if a.fmt == "pdf":
            msg.add_attachment(
                _pdf_bytes(a.blocks, "", "", a.title),
                maintype="application",
                subtype="pdf",
                filename=a.filename,
            )
        else:
            msg.add_attachment(
                _docx_bytes(a.blocks, "", a.title),
                maintype="application",
                subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                filename=a.filename,
            )
        msg.set_boundary(f"=_disclose_{d.id}")
    return msg.as_bytes()


def _scanned(doc: fitz.Document) -> bytes:
    """Every page as a grey image only: a scan with no text layer."""
    out = fitz.open()
    for src in doc:
        pix = src.get_pixmap(dpi=110, colorspace=fitz.csGRAY)
        page = out.new_page(width=_W, height=_H)
        page.insert_image(page.rect, stream=pix.tobytes("png"))
    out.set_metadata(
        {
            "creator": "Scanner",
            "producer": "Scanner",
            "creationDate": _META_DATE,
            "modDate": _META_DATE,
        }
    )
    data: bytes = out.tobytes(garbage=3, deflate=True, no_new_id=True)
    out.close()
    return data
