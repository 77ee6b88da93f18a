"""DOCX input: every part a reader could miss (headers, footers, footnotes, endnotes, comments,
text boxes, tracked insertions and deletions, hidden text, alt text, document properties) is
rendered visibly, labelled, with the built-in HTML renderer."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from redaction.convert import Converted, register
from redaction.convert.story import esc, render_html
from redaction.errors import CorruptDocument, DocumentTooLarge, EncryptedDocument
from redaction.extract import Limits
from redaction.findings import PageWarning

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
NS = {"w": W, "mc": MC, "wp": WP}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _q(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


T, DEL_TEXT, R, P, TBL, TR, TC = (
    _q(t) for t in ("w:t", "w:delText", "w:r", "w:p", "w:tbl", "w:tr", "w:tc")
)
INS, DEL, MOVE_TO, MOVE_FROM = (_q(t) for t in ("w:ins", "w:del", "w:moveTo", "w:moveFrom"))
TXBX = _q("w:txbxContent")
ALT, CHOICE = _q("mc:AlternateContent"), _q("mc:Choice")


@dataclass(slots=True)
class _Paragraph:
    segments: list[tuple[str, str]] = field(default_factory=list)
    boxes: list[etree._Element] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, state: str, text: str) -> None:
        if self.segments and self.segments[-1][0] == state:
            self.segments[-1] = (state, self.segments[-1][1] + text)
        else:
            self.segments.append((state, text))


def check_zip(data: bytes, name: str, limits: Limits) -> zipfile.ZipFile:
    """Open an Office zip, refusing encrypted, corrupt and zip-bomb files before parsing."""
    if data.startswith(OLE_MAGIC):
        raise EncryptedDocument(
            f"{name}: an encrypted (password protected) or legacy Office file; ask for an open copy"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise CorruptDocument(f"{name}: damaged or truncated DOCX ({exc})") from exc
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        raise DocumentTooLarge(
            f"{name}: unpacks to {total} bytes, over the limit of {limits.max_unzipped_bytes} "
            "(a zip bomb?)"
        )
    for info in infos:
        if info.file_size > 10_000_000 and info.file_size > 200 * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise DocumentTooLarge(f"{name}: {info.filename} is compressed {ratio}:1 (a zip bomb?)")
    if "word/document.xml" not in archive.namelist():
        raise CorruptDocument(f"{name}: not a Word document (no word/document.xml)")
    return archive


def _read_xml(archive: zipfile.ZipFile, part: str, name: str) -> etree._Element:
    try:
        with archive.open(part) as fh:
            return etree.fromstring(fh.read(), _PARSER)
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise CorruptDocument(f"{name}: damaged part {part} ({exc})") from exc


class _Renderer:
    def __init__(self) -> None:
        self.html: list[str] = []

    def container(self, element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if tag == P:
                self.paragraph(child)
            elif tag == TBL:
                self.table(child)
            elif tag == ALT:
                choice = child.find(CHOICE)
                if choice is not None:
                    self.container(choice)
            elif isinstance(tag, str) and tag.split("}")[-1] in (
                "sdt",
                "sdtContent",
                "customXml",
                "ins",
                "del",
                "moveTo",
                "moveFrom",
                "smartTag",
                "txbxContent",
            ):
                self.container(child)

    def table(self, tbl: etree._Element) -> None:
        self.html.append("<table>")
        for row in tbl.iter(TR):
            if (
                row.getparent() is not tbl
                and row.getparent() is not None
                and (row.getparent().tag != _q("w:sdtContent"))
            ):
                continue
            self.html.append("<tr>")
            for cell in row.findall(TC):
                self.html.append("<td>")
                self.container(cell)
                self.html.append("</td>")
            self.html.append("</tr>")
        self.html.append("</table>")

    def paragraph(self, p: etree._Element) -> None:
        para = _Paragraph()
        self._walk(p, para, "normal")
        parts: list[str] = []
        for state, text in para.segments:
            if not text:
                continue
            if state == "normal":
                parts.append(esc(text))
            else:
                parts.append(f"<i>[{state}: {esc(text)}]</i>")
        for note in para.notes:
            parts.append(f" <i>[{esc(note)}]</i>")
        self.html.append(f"<p>{''.join(parts) or '&#160;'}</p>")
        for box in para.boxes:
            self.html.append('<p class="note">[text box]</p>')
            self.container(box)

    def _walk(self, element: etree._Element, para: _Paragraph, state: str) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            local = tag.split("}")[-1]
            if tag == R:
                self._run(child, para, state)
            elif tag in (DEL, MOVE_FROM):
                self._walk(child, para, "deleted")
            elif tag in (INS, MOVE_TO):
                self._walk(child, para, "inserted" if state == "normal" else state)
            elif tag == ALT:
                choice = child.find(CHOICE)
                if choice is not None:
                    self._walk(choice, para, state)
            elif local in (
                "hyperlink",
                "smartTag",
                "fldSimple",
                "sdt",
                "sdtContent",
                "customXml",
                "bdo",
                "dir",
            ):
                self._walk(child, para, state)

    def _run(self, run: etree._Element, para: _Paragraph, state: str) -> None:
        rpr = run.find(_q("w:rPr"))
        if rpr is not None:
            vanish = rpr.find(_q("w:vanish"))
            if vanish is not None and vanish.get(_q("w:val"), "true") not in ("0", "false"):
                state = "hidden text" if state == "normal" else f"hidden {state}"
        for child in run.iter():
            tag = child.tag
            if tag in (T, DEL_TEXT):
                para.add(
                    "deleted" if tag == DEL_TEXT and state == "normal" else state, child.text or ""
                )
            elif tag in (_q("w:tab"),):
                para.add(state, " ")
            elif tag in (_q("w:br"), _q("w:cr")):
                para.add(state, "\n")
            elif tag == _q("w:footnoteReference"):
                para.add(state, f"[footnote {child.get(_q('w:id'))}]")
            elif tag == _q("w:endnoteReference"):
                para.add(state, f"[endnote {child.get(_q('w:id'))}]")
            elif tag == _q("wp:docPr"):
                alt = " ".join(v for v in (child.get("title"), child.get("descr")) if v)
                if alt:
                    para.notes.append(f"image: {alt}")
            elif tag == TXBX:
                if not any(a.tag == _q("mc:Fallback") for a in child.iterancestors()):
                    para.boxes.append(child)


def _parts(archive: zipfile.ZipFile, pattern: str) -> Iterator[str]:
    regex = re.compile(pattern)
    yield from sorted(n for n in archive.namelist() if regex.fullmatch(n))


@register(".docx")
def convert_docx(data: bytes, name: str, limits: Limits, depth: int) -> Converted:
    """Render a DOCX, hidden parts included, to the working-copy PDF."""
    archive = check_zip(data, name, limits)
    warnings: list[PageWarning] = []
    r = _Renderer()
    body = _read_xml(archive, "word/document.xml", name)
    for part in _parts(archive, r"word/header\d*\.xml"):
        r.html.append(f'<p class="note">[header {esc(part.split("/")[-1])}]</p>')
        r.container(_read_xml(archive, part, name))
    r.html.append('<p class="note">[document body]</p>')
    body_el = body.find(_q("w:body"))
    r.container(body_el if body_el is not None else body)
    for part in _parts(archive, r"word/footer\d*\.xml"):
        r.html.append(f'<p class="note">[footer {esc(part.split("/")[-1])}]</p>')
        r.container(_read_xml(archive, part, name))
    for part, label, tag in (
        ("word/footnotes.xml", "footnote", "w:footnote"),
        ("word/endnotes.xml", "endnote", "w:endnote"),
    ):
        if part in archive.namelist():
            for note in _read_xml(archive, part, name).iter(_q(tag)):
                if note.get(_q("w:type")) in ("separator", "continuationSeparator"):
                    continue
                r.html.append(f'<p class="note">[{label} {esc(note.get(_q("w:id")) or "")}]</p>')
                r.container(note)
    if "word/comments.xml" in archive.namelist():
        for comment in _read_xml(archive, "word/comments.xml", name).iter(_q("w:comment")):
            author = comment.get(_q("w:author")) or "?"
            initials = comment.get(_q("w:initials")) or ""
            date = comment.get(_q("w:date")) or ""
            r.html.append(
                f'<p class="note">[comment by {esc(author)} {esc(initials)} {esc(date)}]</p>'
            )
            r.container(comment)
    props = _properties(archive, name)
    if props:
        r.html.append('<p class="note">[document properties]</p>')
        r.html.extend(f"<p>{esc(k)}: {esc(v)}</p>" for k, v in props)
    skipped = [
        n
        for n in archive.namelist()
        if re.match(r"word/(embeddings|charts|diagrams|glossary|activeX)/", n)
    ]
    if skipped:
        warnings.append(
            PageWarning(
                0,
                "docx_part_not_rendered",
                f"{len(skipped)} embedded parts not rendered: {', '.join(skipped[:5])}",
            )
        )
    media = [n for n in archive.namelist() if n.startswith("word/media/")]
    if media:
        warnings.append(
            PageWarning(
                0,
                "docx_images_not_rendered",
                f"{len(media)} images are not in the working copy; check the original "
                "for photos, signatures or handwriting",
            )
        )
    return Converted(render_html("".join(r.html)), warnings, None, "docx")


def _properties(archive: zipfile.ZipFile, name: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for part in ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml"):
        if part not in archive.namelist():
            continue
        root = _read_xml(archive, part, name)
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            local = el.tag.split("}")[-1]
            text = (el.text or "").strip()
            if part.endswith("custom.xml") and local == "property":
                value = "".join(el.itertext()).strip()
                if value:
                    out.append((el.get("name") or "custom", value))
            elif (
                text
                and len(el) == 0
                and not part.endswith("custom.xml")
                and local
                not in (
                    "TotalTime",
                    "Pages",
                    "Words",
                    "Characters",
                    "Lines",
                    "Paragraphs",
                    "CharactersWithSpaces",
                    "DocSecurity",
                    "ScaleCrop",
                    "LinksUpToDate",
                    "SharedDoc",
                    "HyperlinksChanged",
                    "AppVersion",
                    "Application",
                    "Template",
                    "revision",
                    "created",
                    "modified",
                    "lpstr",
                    "i4",
                    "variant",
                    "vector",
                )
            ):
                out.append((local, text))
    return out
