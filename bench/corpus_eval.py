"""Person-name recall and precision on public labelled corpora nobody on this project wrote.

Run: ``python bench/corpus_eval.py [--corpus wikigold|wnut17|all] [--split test|tune|all]
[--spacy] [--show N]``.

Each corpus (``bench/corpora/*.jsonl``, see the README there) is split in two by a hash of the
document id: ``tune`` may be looked at while changing rules, ``test`` never is (the figures
that count). A gold PERSON span is found when a PERSON finding overlaps it; a PERSON finding
that overlaps no gold PERSON span is a false positive. Documents are run one at a time, in
generic mode (no known parties). ``--spacy`` prints plain spaCy on the same documents beside it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from redaction.detect import Detector, load_nlp  # noqa: E402

CORPORA = Path(__file__).resolve().parent / "corpora"
NAMES = ("wikigold", "wnut17")

Spans = list[tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Doc:
    """One labelled document: its text and its gold PERSON spans."""

    id: str
    text: str
    persons: tuple[tuple[int, int], ...]


def split_of(doc_id: str) -> str:
    """``tune`` or ``test``, fixed by the id (half each, the same on every machine)."""
    return "tune" if hashlib.sha256(doc_id.encode()).digest()[0] % 2 == 0 else "test"


def in_dev(text: str) -> bool:
    """The fifth of the tune texts kept aside from training to choose epochs."""
    return hashlib.sha256(text.encode()).digest()[1] % 5 == 0


def load(name: str, split: str = "test") -> list[Doc]:
    """The documents of one corpus in ``split`` (``all`` for both)."""
    docs: list[Doc] = []
    with (CORPORA / f"{name}.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if split == "dev":  # the part of tune that scripts/train_ner.py does not train on
                if split_of(row["id"]) != "tune" or not in_dev(row["text"]):
                    continue
            elif split != "all" and split_of(row["id"]) != split:
                continue
            persons = tuple(
                (int(s["start"]), int(s["end"])) for s in row["spans"] if s["label"] == "PERSON"
            )
            docs.append(Doc(row["id"], row["text"], persons))
    return docs


@dataclass(slots=True)
class Score:
    """Counts for recall and precision, and the commonest misses and false finds."""

    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0
    pages: int = 0
    seconds: float = 0.0
    misses: Counter[str] | None = None
    false: Counter[str] | None = None

    @property
    def recall(self) -> float:
        """Share of gold names overlapped by a finding."""
        return self.found / self.gold if self.gold else float("nan")

    @property
    def precision(self) -> float:
        """Share of findings that overlap a gold name."""
        return self.correct / self.predicted if self.predicted else float("nan")


def score(docs: Iterable[Doc], find: Callable[[str], Spans]) -> Score:
    """Run ``find`` on every document and count overlaps with the gold spans."""
    result = Score(misses=Counter(), false=Counter())
    assert result.misses is not None and result.false is not None
    start = time.perf_counter()
    for doc in docs:
        preds = find(doc.text)
        result.pages += 1
        result.gold += len(doc.persons)
        result.predicted += len(preds)
        for s, e in doc.persons:
            if any(ps < e and s < pe for ps, pe in preds):
                result.found += 1
            else:
                result.misses[doc.text[s:e]] += 1
        for ps, pe in preds:
            if any(ps < e and s < pe for s, e in doc.persons):
                result.correct += 1
            else:
                result.false[doc.text[ps:pe]] += 1
    result.seconds = time.perf_counter() - start
    return result


def engine_finder(detector: Detector) -> Callable[[str], Spans]:
    """PERSON findings of the redaction engine, generic mode."""

    def find(text: str) -> Spans:
        return [(f.start, f.end) for f in detector.detect_text(text) if f.kind == "PERSON"]

    return find


def spacy_finder(nlp: object) -> Callable[[str], Spans]:
    """PERSON entities of the plain spaCy pipeline."""

    def find(text: str) -> Spans:
        doc = nlp(text)  # type: ignore[operator]
        return [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]

    return find


def main() -> int:
    """Print recall and precision per corpus."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default="all", choices=[*NAMES, "all"])
    parser.add_argument("--split", default="test", choices=["test", "tune", "dev", "all"])
    parser.add_argument("--spacy", action="store_true", help="plain spaCy beside the engine")
    parser.add_argument("--show", type=int, default=0, help="list the N commonest errors")
    args = parser.parse_args()
    nlp = load_nlp()
    detector = Detector(nlp=nlp)
    names = NAMES if args.corpus == "all" else (args.corpus,)
    print(
        f"{'corpus':10} {'split':5} {'who':6} {'docs':>5} {'gold':>5} {'pred':>5} "
        f"{'recall':>7} {'precision':>9}"
    )
    for name in names:
        docs = load(name, args.split)
        rows = [("engine", score(docs, engine_finder(detector)))]
        if args.spacy:
            rows.append(("spacy", score(docs, spacy_finder(nlp))))
        for who, r in rows:
            print(
                f"{name:10} {args.split:5} {who:6} {len(docs):5d} {r.gold:5d} {r.predicted:5d} "
                f"{r.recall:7.3f} {r.precision:9.3f}"
            )
        if args.show:
            r = rows[0][1]
            assert r.false is not None and r.misses is not None
            print("  false:", ", ".join(f"{t!r}x{n}" for t, n in r.false.most_common(args.show)))
            print("  missed:", ", ".join(f"{t!r}x{n}" for t, n in r.misses.most_common(args.show)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
