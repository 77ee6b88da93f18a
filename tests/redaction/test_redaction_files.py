"""End to end on generated and hostile files: extract, detect, apply, verify independently."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import redaction_hostile as h

from redaction.apply import apply_redactions
from redaction.detect import Detector
from redaction.errors import (
    ConversionTimeout,
    CorruptDocument,
    DocumentTooLarge,
    EncryptedDocument,
    UnsupportedFormat,
)
from redaction.extract import Limits, extract
from redaction.verify import verify_bytes

POPPLER = all(shutil.which(x) for x in ("pdftotext", "pdfinfo", "pdfdetach"))


def _poppler_clean(pdf: Path, terms: list[str]) -> None:
    """pdftotext finds none of the terms; pdfinfo -meta and pdfdetach -list show nothing."""
    assert POPPLER, "poppler-utils must be installed (apt-get install poppler-utils)"
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.lower()
    for term in terms:
        assert term.lower() not in text, term
    meta = subprocess.run(
        ["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "<x:xmpmeta" not in meta and "Author:" not in meta and "Title:" not in meta
    listing = subprocess.run(
        ["pdfdetach", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert listing.strip() == "0 embedded files"


def _redact_all(detector: Detector, src: Path, tmp: Path, must: list[str]) -> list[str]:
    copy = extract(src)
    findings = [f for f in detector.detect(copy) if f.is_third_party]
    terms = sorted({f.text for f in findings})
    for name in must:
        assert any(name.lower() in t.lower() for t in terms), (name, terms)
    before = verify_bytes(copy.pdf, must)
    assert not before.ok, "the working copy should contain the names before redaction"
    data, report = apply_redactions(copy.pdf, findings)
    assert report.boxes >= len(must)
    after = verify_bytes(data, terms + must)
    assert after.ok, after.leaks
    out = tmp / (src.stem + ".redacted.pdf")
    out.write_bytes(data)
    _poppler_clean(out, must)
    return terms


CASES: list[tuple[str, Callable[[Path], Path], list[str]]] = [
    ("white.pdf", h.white_text_pdf, ["Kelly Brown"]),
    ("under_image.pdf", h.text_under_image_pdf, ["Kelly Brown"]),
    ("invisible.pdf", h.invisible_text_pdf, ["Kelly Brown"]),
    ("cid.pdf", h.cid_font_pdf, ["Kelly Brown"]),
    ("annotated.pdf", h.annotated_pdf, ["Kelly Brown", "Tom Jones", "Jane Doe"]),
    ("form.pdf", h.form_pdf, ["Kelly Brown"]),
    ("attachment.pdf", h.attachment_pdf, ["Kelly Brown"]),
    ("incremental.pdf", h.incremental_pdf, ["Tom Jones"]),
    (
        "hidden.docx",
        h.hidden_docx,
        [
            "Kelly Brown",
            "Tom Jones",
            "Jane Doe",
            "Sian Evans",
            "Gary Hughes",
            "Ravi Patel",
            "Ian Walsh",
            "Amy Clark",
            "Paul Moss",
            "Lucy Gray",
        ],
    ),
]


@pytest.mark.parametrize(("name", "build", "must"), CASES, ids=[c[0] for c in CASES])
def test_when_hostile_file_redacted_then_nothing_recoverable(
    detector: Detector, tmp_path: Path, name: str, build: Callable[[Path], Path], must: list[str]
) -> None:
    _redact_all(detector, build(tmp_path / name), tmp_path, must)


def test_when_incremental_update_hid_old_text_then_release_has_none(
    detector: Detector, tmp_path: Path
) -> None:
    src = h.incremental_pdf(tmp_path / "inc.pdf")
    assert b"Kelly" in src.read_bytes() or not verify_bytes(src.read_bytes(), ["Kelly Brown"]).ok
    copy = extract(src)
    data, _ = apply_redactions(copy.pdf, [f for f in detector.detect(copy) if f.is_third_party])
    assert verify_bytes(data, ["Kelly Brown", "Tom Jones"]).ok


def test_when_email_with_attachments_then_all_parts_searched(
    detector: Detector, tmp_path: Path
) -> None:
    src = h.email_with_attachments(tmp_path / "mail.eml", h.hidden_docx(tmp_path / "n.docx"))
    copy = extract(src)
    assert copy.page_count >= 2
    assert any(w.code == "attachment" for w in copy.warnings)
    _redact_all(detector, src, tmp_path, ["Kelly Brown", "Sue Smith", "Gary Hughes", "Paul Moss"])


def test_when_text_file_then_offsets_index_the_file(detector: Detector, tmp_path: Path) -> None:
    raw = "\ufeffMOTHER KELLY BROWN\r\nsaw john smith today.\n"
    src = tmp_path / "note.txt"
    src.write_bytes(raw.encode("utf-8"))
    copy = extract(src)
    text = raw[1:]
    assert copy.page_count == 1 and copy.pages[0].text == text
    for f in detector.detect(copy):
        assert text[f.start : f.end] == f.text and f.rects
    _redact_all(detector, src, tmp_path, ["KELLY BROWN", "john smith"])


def test_when_scanned_page_then_warned_not_silent(tmp_path: Path) -> None:
    copy = extract(h.scanned_pdf(tmp_path / "scan.pdf"))
    assert [w.code for w in copy.warnings] == ["scanned_page"]


def test_when_hidden_layers_then_warnings(tmp_path: Path) -> None:
    assert "invisible_text" in {
        w.code for w in extract(h.invisible_text_pdf(tmp_path / "i.pdf")).warnings
    }
    assert "white_text" in {w.code for w in extract(h.white_text_pdf(tmp_path / "w.pdf")).warnings}
    assert "text_under_image" in {
        w.code for w in extract(h.text_under_image_pdf(tmp_path / "u.pdf")).warnings
    }


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (h.encrypted_pdf, EncryptedDocument),
        (h.truncated_pdf, CorruptDocument),
        (h.garbage_pdf, CorruptDocument),
        (h.zip_bomb_docx, DocumentTooLarge),
    ],
    ids=["encrypted", "truncated", "garbage", "zip-bomb"],
)
def test_when_bad_input_then_typed_error(
    tmp_path: Path, build: Callable[[Path], Path], error: type[Exception]
) -> None:
    suffix = ".docx" if build is h.zip_bomb_docx else ".pdf"
    with pytest.raises(error):
        extract(build(tmp_path / f"bad{suffix}"))


def test_when_unsupported_then_typed_error(tmp_path: Path) -> None:
    (tmp_path / "x.xls").write_bytes(b"nope")
    with pytest.raises(UnsupportedFormat):
        extract(tmp_path / "x.xls")


def test_when_limits_exceeded_then_timeout_or_too_large(tmp_path: Path) -> None:
    src = h.many_pages_pdf(tmp_path / "many.pdf", 2500)
    with pytest.raises(DocumentTooLarge):
        extract(src, Limits(max_pages=1000))
    with pytest.raises(ConversionTimeout):
        extract(src, Limits(timeout_s=0.05))
    copy = extract(src)
    assert copy.page_count == 2501 and "Kelly Brown" in copy.pages[-1].text


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "redaction", *args],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def test_cli_detect_apply_verify(tmp_path: Path) -> None:
    src = h.hidden_docx(tmp_path / "case.docx")
    parties = tmp_path / "parties.json"
    parties.write_text(
        json.dumps(
            {
                "subject": {"names": ["Dean Brown"]},
                "parties": [
                    {"names": ["Kelly Brown"], "role": "mother"},
                    {"names": ["Sian Evans"], "role": "social worker", "professional": True},
                ],
            }
        )
    )
    res = _cli("detect", str(src), "--parties", str(parties))
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["pages"] >= 1 and isinstance(data["warnings"], list)
    kelly = [f for f in data["findings"] if f["party"] == "Kelly Brown"]
    assert kelly and all(f["exemption"] == "TP" and f["role"] == "mother" for f in kelly)
    assert set(kelly[0]) == {
        "kind",
        "text",
        "page",
        "start",
        "end",
        "rects",
        "score",
        "source",
        "reason",
        "exemption",
        "party",
        "role",
        "candidates",
    }
    sian = [f for f in data["findings"] if f["party"] == "Sian Evans"]
    assert sian and all(f["exemption"] is None for f in sian)
    out = tmp_path / "out.pdf"
    res = _cli("apply", str(src), "--out", str(out), "--parties", str(parties))
    assert res.returncode == 0, res.stderr
    assert (
        _cli("verify", str(out), "--term", "Kelly Brown", "--term", "Gary Hughes").returncode == 0
    )
    leak = _cli("verify", str(out), "--term", "Sian Evans")
    assert leak.returncode == 1 and json.loads(leak.stdout)["leaks"][0]["term"] == "Sian Evans"


def test_cli_apply_exact_findings_with_manual_rectangle(tmp_path: Path) -> None:
    src = h.plain_pdf(tmp_path / "p.pdf", ["Kelly Brown phoned.", "Signature here"])
    det = json.loads(_cli("detect", str(src)).stdout)
    chosen = [f for f in det["findings"] if f["text"] == "Kelly Brown"]
    chosen.append({"kind": "MANUAL", "page": 1, "rects": [[60, 75, 300, 95]]})
    fpath = tmp_path / "f.json"
    fpath.write_text(json.dumps({"findings": chosen}))
    out = tmp_path / "o.pdf"
    assert _cli("apply", str(src), "--out", str(out), "--findings", str(fpath)).returncode == 0
    assert _cli("verify", str(out), "--term", "Kelly Brown", "--term", "Signature").returncode == 0


@pytest.mark.parametrize("kind", ["encrypted", "unsupported", "missing"])
def test_cli_bad_input_exit_2_one_line(tmp_path: Path, kind: str) -> None:
    if kind == "encrypted":
        path = h.encrypted_pdf(tmp_path / "e.pdf")
    elif kind == "unsupported":
        path = tmp_path / "x.odt"
        path.write_bytes(b"x")
    else:
        path = tmp_path / "missing.pdf"
    res = _cli("detect", str(path))
    assert res.returncode == 2 and res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr


def test_cli_detect_many_files_prints_json_lines_and_fails_only_the_bad_one(
    tmp_path: Path,
) -> None:
    good = tmp_path / "note.txt"
    good.write_text("Kelly Brown phoned about Dean.\n", "utf-8")
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    parties = tmp_path / "parties.json"
    parties.write_text(
        json.dumps(
            {
                "subject": {"names": ["Dean Brown"], "date_of_birth": "2016-09-04"},
                "parties": [{"names": ["Kelly Brown"], "role": "mother"}],
            }
        ),
        "utf-8",
    )
    res = _cli("detect", str(good), str(bad), str(good), "--parties", str(parties))
    assert res.returncode == 2
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["file"] for r in rows] == [str(good), str(bad), str(good)]
    assert "error" in rows[1] and "findings" not in rows[1]
    assert rows[0] == rows[2]
    kelly = [f for f in rows[0]["findings"] if f["text"] == "Kelly Brown"]
    assert kelly and kelly[0]["party"] == "Kelly Brown" and kelly[0]["exemption"] == "TP"
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "broken.pdf" in lines[0]
