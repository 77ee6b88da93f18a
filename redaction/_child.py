"""Child-process entry point: convert one file, or apply redactions to or verify a working
copy, under resource limits, and write the result (or one typed error) to ``result.json``."""

from __future__ import annotations

import json
import resource
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _limit(raw_limits: dict[str, Any]) -> None:
    memory = int(raw_limits["memory_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(float(raw_limits["timeout_s"])) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _guarded(result: Path, what: str, memory_mb: object, run: Callable[[], dict[str, Any]]) -> int:
    """Run ``run`` and write its payload, or the one typed error it ended in, to ``result``."""
    from redaction.errors import DocumentTooLarge, RedactionError

    try:
        import pymupdf

        pymupdf.TOOLS.mupdf_display_errors(False)
        pymupdf.TOOLS.mupdf_display_warnings(False)
        payload = run()
    except RedactionError as exc:
        result.write_text(json.dumps({"error": exc.code, "message": str(exc)}), "utf-8")
        return 3
    except MemoryError:
        message = f"{what} exceeded the memory limit of {memory_mb} MB"
        result.write_text(json.dumps({"error": DocumentTooLarge.code, "message": message}))
        return 3
    except Exception as exc:  # noqa: BLE001 - any library failure is a damaged input here
        message = f"{what} failed ({type(exc).__name__}: {str(exc)[:160]})"
        result.write_text(json.dumps({"error": "corrupt", "message": message}), "utf-8")
        return 3
    result.write_text(json.dumps(payload), "utf-8")
    return 0


def _convert(src: Path, out: Path, raw_limits: dict[str, Any]) -> dict[str, Any]:
    from redaction.extract import Limits, extract_in_process

    copy = extract_in_process(src, Limits(**raw_limits))
    (out / "working.pdf").write_bytes(copy.pdf)
    return copy.to_json()


def _apply(work: Path) -> dict[str, Any]:
    from redaction.apply import apply_redactions
    from redaction.findings import Finding

    job = json.loads((work / "findings.json").read_text("utf-8"))
    findings = [Finding.from_dict(f) for f in job["findings"]]
    pdf = (work / "in.pdf").read_bytes()
    data, report = apply_redactions(pdf, findings, label=bool(job.get("label", True)))
    (work / "out.pdf").write_bytes(data)
    return {"pages": report.pages, "boxes": report.boxes, "terms": list(report.terms)}


def _verify(work: Path) -> dict[str, Any]:
    from redaction.verify import verify_bytes

    terms = json.loads((work / "terms.json").read_text("utf-8"))
    allowed_file = work / "allowed.json"
    allowed = (
        [(int(page), str(text)) for page, text in json.loads(allowed_file.read_text("utf-8"))]
        if allowed_file.exists()
        else []
    )
    verified = verify_bytes((work / "in.pdf").read_bytes(), terms, allowed)
    return {"leaks": [leak.to_dict() for leak in verified.leaks], "extractors": verified.extractors}


def main(argv: list[str]) -> int:
    """Run ``python -m redaction._child INPUT OUTDIR LIMITS_JSON`` (conversion) or
    ``python -m redaction._child apply|verify WORKDIR LIMITS_JSON`` (on ``WORKDIR/in.pdf``)."""
    if argv and argv[0] in ("apply", "verify"):
        mode, work, raw_limits = argv[0], Path(argv[1]), json.loads(argv[2])
        _limit(raw_limits)
        run = (lambda: _apply(work)) if mode == "apply" else (lambda: _verify(work))
        return _guarded(work / "result.json", mode, raw_limits["memory_mb"], run)
    src, out, raw_limits = Path(argv[0]), Path(argv[1]), json.loads(argv[2])
    _limit(raw_limits)
    return _guarded(
        out / "result.json",
        f"{src.name}: conversion",
        raw_limits["memory_mb"],
        lambda: _convert(src, out, raw_limits),
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
