"""Other projects' awkward test files (bench/corpora/files) through the command line as a
user runs it: each one detected, redacted and verified clean, or refused with one line and
exit status 2; never a traceback, a hang or a leak. `make bench` runs the whole folder; this
is the sample of kinds that once failed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FILES = Path(__file__).resolve().parents[2] / "bench" / "corpora" / "files"

# (file, what it is, expected outcome)
SAMPLE = [
    ("pypdf/imagemagick-CCITTFaxDecode.pdf", "CCITT image, badly encoded metadata", "ok"),
    ("pypdf/imagemagick-lzw.pdf", "LZW image, lone surrogates in metadata", "ok"),
    ("pypdf/r5-empty-password.pdf", "encrypted with an empty user password", "ok"),
    ("pypdf/r6-user-password.pdf", "encrypted with a real user password", "refused"),
    ("pypdf/selenium-pypdf-issue-177.pdf", "zeros after the end-of-file marker", "ok"),
    ("py-pdf-sample-files/024-annotations_annotated_pdf.pdf", "a damaged annotation", "ok"),
    ("pypdf/GeoBase_NHNC1_Data_Model_UML_EN.pdf", "phrases repeated without spaces", "ok"),
    ("py-pdf-sample-files/025-attachment_with-attachment.pdf", "an attached file", "ok"),
    ("pypdf/indirect-rotation.pdf", "rotation inherited from the page tree", "ok"),
    ("py-pdf-sample-files/012-libreoffice-form_libreoffice-form.pdf", "a form", "ok"),
    ("py-pdf-sample-files/015-arabic_habibi-rotated.pdf", "Arabic, rotated", "ok"),
    ("py-pdf-sample-files/026-latex-multicolumn_multicolumn.pdf", "two columns, Latin", "ok"),
    ("python-docx/features_steps_test_files_comments-rich-para.docx", "DOCX comments", "ok"),
]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "redaction", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(("name", "what", "outcome"), SAMPLE, ids=[s[0] for s in SAMPLE])
def test_awkward_file_gets_a_clean_result_or_one_clear_error(
    name: str, what: str, outcome: str, tmp_path: Path
) -> None:
    src = FILES / name
    assert src.is_file(), f"{name} ({what}) is missing from bench/corpora/files"
    detect = _cli("detect", str(src))
    assert "Traceback" not in detect.stderr, detect.stderr
    if outcome == "refused":
        assert detect.returncode == 2 and detect.stdout == ""
        assert len(detect.stderr.strip().splitlines()) == 1
        return
    assert detect.returncode == 0, detect.stderr
    row = json.loads(detect.stdout)
    assert row["file"] == str(src) and row["pages"] >= 1
    chosen = [f for f in row["findings"] if f["exemption"]]
    findings = tmp_path / "findings.json"
    findings.write_text(json.dumps({"findings": chosen}), "utf-8")
    out = tmp_path / "out.pdf"
    apply = _cli("apply", str(src), "--out", str(out), "--findings", str(findings))
    assert apply.returncode == 0 and "Traceback" not in apply.stderr, apply.stderr
    terms = sorted({f["text"] for f in chosen if len(f["text"].strip()) > 2})
    if not terms:
        return
    args = ["verify", str(out)]
    for term in terms:
        args += ["--term", term]
    verify = _cli(*args)
    assert verify.returncode == 0, f"{what}: {verify.stdout[:500]}"
