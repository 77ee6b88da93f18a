"""Pages per second on one core: extraction, spaCy alone (NER only and the whole pipeline) and
detection on the same pages, then apply and verify, on a few hundred generated pages. Prints
figures; never pass/fail."""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pymupdf  # noqa: E402
from redaction_corpus import corpus  # noqa: E402

from redaction.apply import apply_redactions  # noqa: E402
from redaction.detect import Detector  # noqa: E402
from redaction.detect.ner import load_nlp  # noqa: E402
from redaction.extract import extract_in_process  # noqa: E402
from redaction.verify import verify_bytes  # noqa: E402


def make_pdf(path: Path, pages: int) -> None:
    """A PDF of ``pages`` pages of generated case notes."""
    texts = [d.text for d in corpus("tune")]
    doc = pymupdf.open()
    for i in range(pages):
        page = doc.new_page()
        page.insert_textbox(page.rect + (54, 54, -54, -54), texts[i % len(texts)], fontsize=10)
    doc.save(path, garbage=3, deflate=True)


def main() -> int:
    """Run the benchmark and print pages per second."""
    pages = int(os.environ.get("BENCH_PAGES", "300"))
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "bench.pdf"
        make_pdf(src, pages)
        t = time.perf_counter()
        copy = extract_in_process(src)
        t_extract = time.perf_counter() - t
        nlp = load_nlp()
        detector = Detector(nlp=nlp)
        texts = [p.text for p in copy.pages]
        disable = [n for n in nlp.pipe_names if n not in detector.persons.enable]
        for _ in nlp.pipe(texts[:20], batch_size=32):
            pass  # warm up, as a worker that has already run is
        t = time.perf_counter()
        for _ in nlp.pipe(texts, disable=disable, batch_size=32):
            pass
        t_spacy = time.perf_counter() - t
        t = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=32):
            pass
        t_spacy_full = time.perf_counter() - t
        t = time.perf_counter()
        findings = [f for f in detector.detect(copy) if f.is_third_party]
        t_detect = time.perf_counter() - t
        t = time.perf_counter()
        data, report = apply_redactions(copy.pdf, findings)
        t_apply = time.perf_counter() - t
        t = time.perf_counter()
        result = verify_bytes(data, report.terms)
        t_verify = time.perf_counter() - t
    print(f"== redaction engine on one core ({os.cpu_count()} cores on this machine)")
    print(f"pages: {pages}, findings: {len(findings)}, leaks: {len(result.leaks)}")
    print(f"extraction alone:           {pages / t_extract:8.1f} pages/s")
    print(f"spaCy NER alone:            {pages / t_spacy:8.1f} pages/s ({detector.persons.enable})")
    print(f"spaCy whole pipeline:       {pages / t_spacy_full:8.1f} pages/s")
    print(
        f"detect:                     {pages / t_detect:8.1f} pages/s "
        f"({t_spacy / t_detect:.2f} of spaCy NER alone, {t_spacy_full / t_detect:.2f} of the "
        "whole pipeline)"
    )
    print(f"apply:                      {pages / t_apply:8.1f} pages/s")
    print(f"verify:                     {pages / t_verify:8.1f} pages/s")
    print(f"apply + verify:             {pages / (t_apply + t_verify):8.1f} pages/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
