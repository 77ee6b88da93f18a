"""Child-process entry point: convert one file under resource limits and write the result."""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    """Run ``python -m redaction._child INPUT OUTDIR LIMITS_JSON``."""
    src, out, raw_limits = Path(argv[0]), Path(argv[1]), json.loads(argv[2])
    memory = int(raw_limits["memory_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(float(raw_limits["timeout_s"])) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
