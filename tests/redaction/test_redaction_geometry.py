"""A redaction removes exactly its own characters: never a character of a neighbouring word or
of the lines above and below, whatever the font, line pitch, page rotation or CropBox."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import pymupdf
import pytest

from redaction.apply import apply_redactions
from redaction.extract import pdf_pages
from redaction.findings import MANUAL, Finding

NAME = "Kowalczyk"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONTS = ["helv", "tiro", "cour"] + (["dejavu"] if DEJAVU.exists() else [])


def _page_pdf(font: str, size: float, pitch: float, rotation: int, crop: bool) -> tuple[bytes, str]:
    doc = pymupdf.open()
    page = doc.new_page()
    kwargs = {"fontname": font, "fontsize": size}
    if font == "dejavu":
        kwargs["fontfile"] = str(DEJAVU)
    lines = []
    y = 90.0
    for i in range(24):
        if i % 3 == 1:
            line = f"row{i} PC {NAME} confirmed that police attended ({NAME}'s car) today"
        else:
            line = f"row{i} makes a good day quietly gathered fjord bridge wiggly"
        page.insert_text((72, y), line, **kwargs)
        lines.append(line)
        y += size * pitch
    if crop:
        page.set_cropbox(pymupdf.Rect(18, 40, 560, 760))
    if rotation:
        page.set_rotation(rotation)
    return doc.tobytes(), "\n".join(lines)


def _words(pdf: bytes, tmp: Path) -> Counter[str]:
    path = tmp / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return Counter(re.findall(r"[A-Za-z0-9]+", text))


def _name_findings(pdf: bytes) -> list[Finding]:
    pages, _ = pdf_pages(pdf)
    page = pages[0]
    return [
        Finding(
            "PERSON",
            NAME,
            1,
            m.start(),
            m.end(),
            page.rects_for(m.start(), m.end()),
            0.9,
            exemption="TP",
        )
        for m in re.finditer(NAME, page.text)
    ]


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize("pitch", [1.0, 1.1, 1.25])
@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("crop", [False, True])
def test_when_name_redacted_then_every_neighbouring_word_survives(
    font: str, pitch: float, rotation: int, crop: bool, tmp_path: Path
) -> None:
    pdf, text = _page_pdf(font, 11, pitch, rotation, crop)
    findings = _name_findings(pdf)
    assert len(findings) == 16
    # without labels: pdftotext may read a label into the neighbouring line's words
    out, report = apply_redactions(pdf, findings, label=False)
    assert report.boxes == 16
    got = _words(out, tmp_path)
    assert got[NAME] == 0
    expected = Counter(re.findall(r"[A-Za-z0-9]+", text))
    del expected[NAME]
    missing = expected - got
    assert not missing, f"neighbouring words lost: {dict(missing)}"


def test_when_two_findings_touch_then_one_box_and_one_label(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "Seen by Anna Kowalczyk at home", fontname="helv", fontsize=11)
    pdf = doc.tobytes()
    page_text = pdf_pages(pdf)[0][0]
    a = page_text.text.index("Anna")
    b = page_text.text.index(NAME)
    findings = [
        Finding("PERSON", "Anna", 1, a, a + 4, page_text.rects_for(a, a + 4), exemption="TP"),
        Finding(
            "PERSON",
            NAME,
            1,
            b,
            b + len(NAME),
            page_text.rects_for(b, b + len(NAME)),
            exemption="TP",
        ),
    ]
    out, report = apply_redactions(pdf, findings)
    assert report.boxes == 1
    words = _words(out, tmp_path)
    assert words["TP"] == 1 and words["TTP"] == 0
    assert words["Seen"] == words["by"] == words["at"] == words["home"] == 1
    assert words["Anna"] == 0 and words[NAME] == 0


def test_when_redaction_covers_an_image_then_its_pixels_are_removed() -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 100, 100), False)
    pix.set_rect(pix.irect, (200, 30, 30))
    page.insert_image(pymupdf.Rect(100, 100, 300, 300), pixmap=pix)
    pdf = doc.tobytes()
    rect = (150.0, 150.0, 250.0, 250.0)
    out, _ = apply_redactions(pdf, [Finding(MANUAL, "", 1, 0, 0, (rect,))], label=False)
    with pymupdf.open(stream=out, filetype="pdf") as red:
        images = red[0].get_images(full=True)
        assert images, "the image itself stays"
        data = pymupdf.Pixmap(red, images[0][0])
        # the middle of the image (under the box) no longer holds the red pixels
        assert data.pixel(data.width // 2, data.height // 2) != (200, 30, 30)
        assert data.pixel(2, 2) == (200, 30, 30)


def test_when_text_has_ligatures_then_extracted_as_letters(
    tmp_path: Path,
) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text(
        (72, 100),
        "Mail riley.gri\ufb03ths@childrenfirst.example.org today",
        fontname="dejavu",
        fontfile=str(DEJAVU),
        fontsize=11,
    )
    pdf = doc.tobytes()
    text = pdf_pages(pdf)[0][0].text
    assert "griffiths" in text and "\ufb03" not in text
