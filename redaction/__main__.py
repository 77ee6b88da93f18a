"""Command line: ``python -m redaction detect|apply|verify``."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from redaction.errors import RedactionError
from redaction.findings import Finding, Parties


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m redaction", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def party_options(p: argparse.ArgumentParser, many: bool = False) -> None:
        if many:
            p.add_argument("files", nargs="+", metavar="FILE", help="PDF, DOCX, EML or TXT files")
        else:
            p.add_argument("file", help="PDF, DOCX, EML or TXT file")
        p.add_argument(
            "--subject",
            action="append",
            default=[],
            metavar="NAME",
            help="a name of the data subject (repeat for aliases)",
        )
        p.add_argument(
            "--party", action="append", default=[], metavar="NAME", help="a known third party"
        )
        p.add_argument(
            "--professional",
            action="append",
            default=[],
            metavar="NAME",
            help="a professional acting in their role",
        )
        p.add_argument("--parties", metavar="PARTIES.json", help="known people of the case")

    detect = sub.add_parser(
        "detect", help="print findings as JSON Lines: one object per file, with its name"
    )
    party_options(detect, many=True)
    apply = sub.add_parser("apply", help="redact and write a clean PDF")
    party_options(apply)
    apply.add_argument("--out", required=True, metavar="OUT.pdf")
    apply.add_argument(
        "--findings",
        metavar="FINDINGS.json",
        help="redact exactly these findings (detect's format)",
    )
    apply.add_argument("--no-label", action="store_true", help="leave the boxes unlabelled")
    verify = sub.add_parser("verify", help="check a redacted PDF for recoverable terms")
    verify.add_argument("file")
    verify.add_argument("--term", action="append", default=[], metavar="TEXT", required=True)
    return parser


def _parties(args: argparse.Namespace) -> Parties:
    parties = Parties.build(args.subject, args.party, args.professional)
    if args.parties:
        try:
            data = json.loads(Path(args.parties).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise RedactionError(f"{args.parties}: cannot read parties file ({exc})") from exc
        if not isinstance(data, dict):
            raise RedactionError(f"{args.parties}: expected a JSON object")
        try:
            parties = parties.merged(Parties.from_json(data))
        except ValueError as exc:
            raise RedactionError(f"{args.parties}: {exc}") from exc
    return parties


def _detect(args: argparse.Namespace, file: str | None = None) -> tuple[Any, list[Finding]]:
    from redaction.detect import Detector
    from redaction.extract import extract

    parties = _parties(args)
    copy = extract(file or args.file)
    findings = _detector(Detector).detect(copy, parties)
    return copy, findings


_DETECTOR: Any = None


def _detector(factory: Any) -> Any:
    """One detector (one spaCy pipeline) for every file of a batch."""
    global _DETECTOR
    if _DETECTOR is None:
        _DETECTOR = factory()
    return _DETECTOR


def _detect_many(args: argparse.Namespace) -> int:
    """JSON Lines: each file's findings, or its one-line error; exit 2 if any file failed."""
    _parties(args)  # a bad parties file is one error for the whole batch
    failed = 0
    # a person at a terminal sees each file start and end (a large file takes a while)
    progress = sys.stderr.isatty()
    for number, file in enumerate(args.files, start=1):
        started = time.monotonic()
        if progress:
            print(f"[{number}/{len(args.files)}] {file} ...", file=sys.stderr, flush=True)
        try:
            copy, findings = _detect(args, file)
        except (RedactionError, OSError, ValueError) as exc:
            failed += 1
            message = (
                str(exc) if isinstance(exc, RedactionError) else f"{type(exc).__name__}: {exc}"
            )
            if Path(file).name not in message:
                message = f"{file}: {message}"
            print(f"error: {message}", file=sys.stderr)
            if len(args.files) == 1:
                continue  # one file: the error line alone, nothing on standard output
            row: dict[str, Any] = {"file": file, "error": message}
        else:
            if progress:
                took = time.monotonic() - started
                print(
                    f"[{number}/{len(args.files)}] {file}: {copy.page_count} pages, "
                    f"{len(findings)} findings, {took:.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
            row = {
                "file": file,
                "pages": copy.page_count,
                "findings": [f.to_dict() for f in findings],
                "warnings": [w.to_dict() for w in copy.warnings],
            }
        sys.stdout.write(json.dumps(row) + "\n")
        sys.stdout.flush()
    return 2 if failed else 0


def _load_findings(path: str) -> list[Finding]:
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise RedactionError(f"{path}: cannot read findings file ({exc})") from exc
    items = data.get("findings", []) if isinstance(data, dict) else data
    try:
        return [Finding.from_dict(item) for item in items]
    except (KeyError, TypeError, ValueError) as exc:
        raise RedactionError(f"{path}: bad finding ({exc})") from exc


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "detect":
            return _detect_many(args)
        if args.command == "apply":
            return _apply(args)
        return _verify(args)
    except RedactionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


def _apply(args: argparse.Namespace) -> int:
    from redaction.extract import extract
    from redaction.limited import apply_limited

    if args.findings:
        parties = _parties(args)  # validate options even when findings are given
        del parties
        copy = extract(args.file)
        chosen = _load_findings(args.findings)
    else:
        copy, findings = _detect(args)
        chosen = [f for f in findings if f.is_third_party]
    data, report = apply_limited(copy.pdf, chosen, label=not args.no_label)
    out = Path(args.out)
    with tempfile.NamedTemporaryFile(dir=out.parent or ".", delete=False, suffix=".pdf") as fh:
        fh.write(data)
    Path(fh.name).replace(out)
    json.dump({"out": str(out), "pages": report.pages, "redactions": report.boxes}, sys.stderr)
    sys.stderr.write("\n")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from redaction.limited import verify_limited

    path = Path(args.file)
    if not path.is_file():
        raise RedactionError(f"{path}: no such file")
    if not path.read_bytes()[:1024].count(b"%PDF"):
        raise RedactionError(f"{path.name}: not a PDF file")
    report = verify_limited(path.read_bytes(), args.term)
    if report.ok:
        return 0
    json.dump({"leaks": [leak.to_dict() for leak in report.leaks]}, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
