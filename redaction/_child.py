"""Child-process entry point: convert one file under resource limits and write the result."""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path


def _limit(raw_limits: dict[str, object]) -> None:
    memory = int(str(raw_limits["memory_mb"])) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(float(str(raw_limits["timeout_s"]))) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def main(argv: list[str]) -> int:
    """Run ``python -m redaction._child INPUT OUTDIR LIMITS_JSON`` (conversion) or
    ``python -m redaction._child apply|verify WORKDIR LIMITS_JSON``."""
    if argv and argv[0] in ("apply", "verify"):
        return _work(argv[0], Path(argv[1]), json.loads(argv[2]))
    src, out, raw_limits = Path(argv[0]), Path(argv[1]), json.loads(argv[2])
    _limit(raw_limits)

    from redaction.errors import DocumentTooLarge, RedactionError
    from redaction.extract import Limits, extract_in_process

    limits = Limits(**raw_limits)
    result = out / "result.json"
    try:
        import pymupdf

        pymupdf.TOOLS.mupdf_display_errors(False)
        pymupdf.TOOLS.mupdf_display_warnings(False)
        copy = extract_in_process(src, limits)
    except RedactionError as exc:
        result.write_text(json.dumps({"error": exc.code, "message": str(exc)}), "utf-8")
        return 3
    except MemoryError:
        limit = raw_limits["memory_mb"]
        message = f"{src.name}: conversion exceeded the memory limit of {limit} MB"
        result.write_text(json.dumps({"error": DocumentTooLarge.code, "message": message}))
        return 3
    except Exception as exc:  # noqa: BLE001 - any library failure is a corrupt input here
        message = f"{src.name}: cannot read file ({type(exc).__name__}: {str(exc)[:160]})"
        result.write_text(json.dumps({"error": "corrupt", "message": message}), "utf-8")
        return 3
    (out / "working.pdf").write_bytes(copy.pdf)
    result.write_text(json.dumps(copy.to_json()), "utf-8")
    return 0


def _work(mode: str, work: Path, raw_limits: dict[str, object]) -> int:
    """Apply redactions to ``work/in.pdf`` (``work/findings.json``) or verify it against
    ``work/terms.json``, under the same limits as conversion."""
    _limit(raw_limits)
    from redaction.errors import DocumentTooLarge, RedactionError

    result = work / "result.json"
    try:
        import pymupdf

        pymupdf.TOOLS.mupdf_display_errors(False)
        pymupdf.TOOLS.mupdf_display_warnings(False)
        pdf = (work / "in.pdf").read_bytes()
        if mode == "apply":
            from redaction.apply import apply_redactions
            from redaction.findings import Finding

            job = json.loads((work / "findings.json").read_text("utf-8"))
            findings = [Finding.from_dict(f) for f in job["findings"]]
            data, report = apply_redactions(pdf, findings, label=bool(job.get("label", True)))
            (work / "out.pdf").write_bytes(data)
            payload = {"pages": report.pages, "boxes": report.boxes, "terms": list(report.terms)}
        else:
            from redaction.verify import verify_bytes

            terms = json.loads((work / "terms.json").read_text("utf-8"))
            verified = verify_bytes(pdf, terms)
            payload = {
                "leaks": [leak.to_dict() for leak in verified.leaks],
                "extractors": verified.extractors,
            }
    except RedactionError as exc:
        result.write_text(json.dumps({"error": exc.code, "message": str(exc)}), "utf-8")
        return 3
    except MemoryError:
        message = f"{mode} exceeded the memory limit of {raw_limits['memory_mb']} MB"
        result.write_text(json.dumps({"error": DocumentTooLarge.code, "message": message}))
        return 3
    except Exception as exc:  # noqa: BLE001 - any library failure is a damaged file here
        message = f"cannot {mode} this file ({type(exc).__name__}: {str(exc)[:160]})"
        result.write_text(json.dumps({"error": "corrupt", "message": message}), "utf-8")
        return 3
    result.write_text(json.dumps(payload), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
