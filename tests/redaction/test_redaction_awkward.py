"""Awkward PDFs of the kinds found in other projects' test suites: every one converted with
what cannot be carried safely dropped and listed, never a traceback or a leak."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from redaction.extract import extract
from redaction.verify import verify_bytes


def _save(doc: pymupdf.Document, path: Path, tail: bytes = b"") -> Path:
    path.write_bytes(doc.tobytes() + tail)
    return path


def _text(data: bytes) -> str:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return "\n".join(p.get_text() for p in doc)


def test_when_text_lies_outside_the_page_then_removed_and_warned(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Visible note", fontname="helv")
    page.insert_text((72, -40), "Kelly Brown", fontname="helv")  # above the MediaBox
    copy = extract(_save(doc, tmp_path / "outside.pdf"))
    assert any(w.code == "text_outside_page" for w in copy.warnings)
    assert verify_bytes(copy.pdf, ["Kelly Brown"]).ok
    assert "Visible note" in _text(copy.pdf)


def test_when_file_is_listed_only_in_af_then_shown_and_not_kept(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Covering letter", fontname="helv")
    stream = doc.get_new_xref()
    doc.update_object(stream, "<< /Type /EmbeddedFile >>")
    doc.update_stream(stream, b"Attached note about Kelly Brown")
    spec = doc.get_new_xref()
    doc.update_object(
        spec, f"<< /Type /Filespec /F (note.txt) /UF (note.txt) /EF << /F {stream} 0 R >> >>"
    )
    doc.xref_set_key(doc.pdf_catalog(), "AF", f"[{spec} 0 R]")
    copy = extract(_save(doc, tmp_path / "af.pdf"))
    assert "Kelly Brown" in _text(copy.pdf), "the reviewer sees the attached file"
    with pymupdf.open(stream=copy.pdf, filetype="pdf") as out:
        assert out.xref_get_key(out.pdf_catalog(), "AF")[0] == "null"


def test_when_signature_data_in_dss_then_not_in_the_working_copy(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Signed report", fontname="helv")
    cert = doc.get_new_xref()
    doc.update_object(cert, "<<>>")
    doc.update_stream(cert, b"CN=Kelly Brown, O=Example Council", compress=False)
    doc.xref_set_key(doc.pdf_catalog(), "DSS", f"<< /Certs [{cert} 0 R] >>")
    copy = extract(_save(doc, tmp_path / "dss.pdf"))
    with pymupdf.open(stream=copy.pdf, filetype="pdf") as out:
        assert out.xref_get_key(out.pdf_catalog(), "DSS")[0] == "null"
    assert verify_bytes(copy.pdf, ["Kelly Brown"]).ok


def test_when_metadata_is_badly_encoded_then_converted(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Body text", fontname="helv")
    doc.set_metadata({"title": "placeholder"})
    info = int(doc.xref_get_key(-1, "Info")[1].split()[0])
    doc.xref_set_key(info, "Title", "<FEFFD800004B>")  # a lone surrogate, then "K"
    copy = extract(_save(doc, tmp_path / "meta.pdf"))
    assert copy.page_count >= 1


def test_when_zeros_follow_the_end_of_file_marker_then_converted(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Padded file", fontname="helv")
    copy = extract(_save(doc, tmp_path / "padded.pdf", b"\x00" * 4096))
    assert "Padded file" in _text(copy.pdf)


def test_when_an_annotation_is_damaged_then_dropped_and_warned(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Annotated page", fontname="helv")
    page.add_text_annot((100, 100), "a note")
    broken = doc.get_new_xref()
    doc.update_object(broken, "<< /Type /Annot /Subtype /Bogus >>")
    annots = doc.xref_get_key(page.xref, "Annots")[1]
    doc.xref_set_key(page.xref, "Annots", annots.rstrip("]") + f" {broken} 0 R]")
    copy = extract(_save(doc, tmp_path / "annot.pdf"))
    assert "Annotated page" in _text(copy.pdf)
