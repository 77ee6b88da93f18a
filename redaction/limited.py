"""Apply and verify in a child process under the conversion limits (time and memory), so that
a hostile working copy (an image bomb, a page MuPDF loops on) can neither hang nor exhaust the
caller: the release worker, the command line."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from redaction.apply import ApplyReport
from redaction.extract import Limits, run_child
from redaction.findings import Finding
from redaction.verify import Leak, VerifyReport


def _run(mode: str, work: Path, limits: Limits) -> dict[str, Any]:
    return run_child([mode, str(work)], work, limits, mode)


def apply_limited(
    pdf: bytes, findings: Iterable[Finding], *, label: bool = True, limits: Limits | None = None
) -> tuple[bytes, ApplyReport]:
    """:func:`redaction.apply.apply_redactions` in a child process under ``limits``."""
    limits = limits or Limits.from_env()
    with tempfile.TemporaryDirectory(prefix="redaction-apply-") as tmp:
        work = Path(tmp)
        (work / "in.pdf").write_bytes(pdf)
        job = {"findings": [f.to_dict() for f in findings], "label": label}
        (work / "findings.json").write_text(json.dumps(job), "utf-8")
        result = _run("apply", work, limits)
        data = (work / "out.pdf").read_bytes()
    report = ApplyReport(int(result["pages"]), int(result["boxes"]), tuple(result["terms"]))
    return data, report


def verify_limited(
    pdf: bytes,
    terms: Sequence[str],
    limits: Limits | None = None,
    allowed: Sequence[tuple[int, str]] = (),
) -> VerifyReport:
    """:func:`redaction.verify.verify_bytes` in a child process under ``limits``."""
    limits = limits or Limits.from_env()
    with tempfile.TemporaryDirectory(prefix="redaction-verify-") as tmp:
        work = Path(tmp)
        (work / "in.pdf").write_bytes(pdf)
        (work / "terms.json").write_text(json.dumps(list(terms)), "utf-8")
        (work / "allowed.json").write_text(json.dumps([list(a) for a in allowed]), "utf-8")
        result = _run("verify", work, limits)
    leaks = [Leak(str(x["term"]), int(x["page"]), str(x["where"])) for x in result["leaks"]]
    return VerifyReport(leaks, list(result["extractors"]))
