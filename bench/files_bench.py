"""Every file of other projects' test suites through the whole engine: convert, detect, redact
every third-party finding, verify. Prints one line per file and the totals.

Run: ``python bench/files_bench.py [DIR] [--timeout 180]`` (default ``bench/corpora/files``).
Each file runs in its own process (``python -m redaction`` with a wall-clock limit), so a hang
or a crash is counted, never fatal. Outcomes: ``ok`` (redacted and verified clean), ``refused``
(one clear error, exit 2), ``leak`` (verify found a redacted term), ``crash`` (a traceback or
another exit status) and ``timeout``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = Path(__file__).resolve().parent / "corpora" / "files"
KINDS = {".pdf", ".docx", ".eml", ".txt"}


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "redaction", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
    )


def one(path: Path, timeout: float) -> tuple[str, str]:
    """(outcome, detail) for one file."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            det = _run(["detect", str(path)], timeout)
        except subprocess.TimeoutExpired:
            return "timeout", "detect"
        if det.returncode == 2:
            return "refused", det.stderr.strip().splitlines()[-1][:100]
        if det.returncode != 0 or "Traceback" in det.stderr:
            return "crash", "detect: " + (det.stderr.strip().splitlines() or ["?"])[-1][:100]
        row = json.loads(det.stdout.splitlines()[0])
        chosen = [f for f in row["findings"] if f.get("exemption")]
        findings = Path(tmp) / "f.json"
        findings.write_text(json.dumps({"findings": chosen}), "utf-8")
        out = Path(tmp) / "out.pdf"
        try:
            app = _run(
                ["apply", str(path), "--out", str(out), "--findings", str(findings)], timeout
            )
        except subprocess.TimeoutExpired:
            return "timeout", "apply"
        if app.returncode == 2:
            return "refused", "apply: " + app.stderr.strip().splitlines()[-1][:100]
        if app.returncode != 0 or "Traceback" in app.stderr:
            return "crash", "apply: " + (app.stderr.strip().splitlines() or ["?"])[-1][:100]
        terms = sorted({f["text"] for f in chosen if len(f["text"].strip()) > 2})
        if not terms:
            return "ok", f"{row['pages']} pages, nothing to redact"
        args = ["verify", str(out)]
        for t in terms[:200]:
            args += ["--term", t]
        try:
            ver = _run(args, timeout)
        except subprocess.TimeoutExpired:
            return "timeout", "verify"
        if ver.returncode == 1:
            leaks = json.loads(ver.stdout)["leaks"]
            return "leak", f"{len(leaks)} leaks of {len(terms)} terms"
        if ver.returncode != 0:
            return "crash", "verify: " + (ver.stderr.strip().splitlines() or ["?"])[-1][:100]
        return "ok", f"{row['pages']} pages, {len(chosen)} redactions verified"


def main() -> int:
    """Print the outcome per file and the totals."""
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", nargs="?", default=str(FILES))
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args()
    files = sorted(p for p in Path(args.dir).rglob("*") if p.suffix.lower() in KINDS)
    totals: Counter[str] = Counter()
    start = time.perf_counter()
    for path in files:
        outcome, detail = one(path, args.timeout)
        totals[outcome] += 1
        print(f"{outcome:8} {path.relative_to(args.dir)}: {detail}", flush=True)
    took = time.perf_counter() - start
    summary = ", ".join(f"{k} {v}" for k, v in sorted(totals.items()))
    print(f"== {len(files)} files in {took:.0f} s on {os.cpu_count()} cores: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
