"""Recall and precision per kind on the held-out development corpus (never tuned on).

Run: ``python bench/redaction_eval.py [--split heldout|tune] [--min-score 0.3]``.
A prediction matches a gold span of the same kind when they overlap; PERSON predictions inside
a gold EMAIL are ignored (a name in an address is reported both ways by design)."""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from redaction_corpus import Doc, corpus  # noqa: E402

from redaction.detect import Detector  # noqa: E402
from redaction.detect.gazetteer import Gazetteer  # noqa: E402


def evaluate(
    detector: Detector, docs: list[Doc], min_score: float = 0.0
) -> dict[str, dict[str, float]]:
    """Per kind: gold, predicted, recall, precision (overlap matching)."""
    tp_gold: dict[str, int] = defaultdict(int)
    gold_n: dict[str, int] = defaultdict(int)
    tp_pred: dict[str, int] = defaultdict(int)
    pred_n: dict[str, int] = defaultdict(int)
    misses: list[str] = []
    false: list[str] = []
    for doc in docs:
        preds = [
            (f.kind, f.start, f.end) for f in detector.detect_text(doc.text) if f.score >= min_score
        ]
        emails = [(s, e) for k, s, e in doc.spans if k == "EMAIL"]
        for kind, s, e in doc.spans:
            gold_n[kind] += 1
            if any(k == kind and ps < e and s < pe for k, ps, pe in preds):
                tp_gold[kind] += 1
            else:
                misses.append(f"{doc.name}: {kind} {doc.text[s:e]!r}")
        for kind, s, e in preds:
            if kind == "PERSON" and any(es <= s and e <= ee for es, ee in emails):
                continue
            pred_n[kind] += 1
            if any(k == kind and gs < e and s < ge for k, gs, ge in doc.spans):
                tp_pred[kind] += 1
            else:
                false.append(f"{doc.name}: {kind} {doc.text[s:e]!r}")
    out: dict[str, dict[str, float]] = {}
    for kind in sorted(set(gold_n) | set(pred_n)):
        out[kind] = {
            "gold": gold_n[kind],
            "predicted": pred_n[kind],
            "recall": tp_gold[kind] / gold_n[kind] if gold_n[kind] else float("nan"),
            "precision": tp_pred[kind] / pred_n[kind] if pred_n[kind] else float("nan"),
        }
    out["_misses"] = {m: 0 for m in misses}  # type: ignore[dict-item]
    out["_false"] = {m: 0 for m in false}  # type: ignore[dict-item]
    return out


def without_gold_names(docs: list[Doc]) -> Gazetteer:
    """A gazetteer that knows none of the split's names: recall from the rules alone."""
    words = {
        w.lower()
        for doc in docs
        for kind, s, e in doc.spans
        if kind == "PERSON"
        for w in re.findall(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", doc.text[s:e])
    }
    gaz = Gazetteer()
    gaz.first = frozenset(gaz.first - words)
    gaz.surnames = frozenset(gaz.surnames - words)
    return gaz


def main() -> int:
    """Print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="heldout", choices=["heldout", "tune", "fresh"])
    parser.add_argument("--min-score", type=float, default=0.0)
    parser.add_argument("--show", action="store_true", help="list misses and false positives")
    parser.add_argument(
        "--unseen-names",
        action="store_true",
        help="first remove every gold name word of the split from the gazetteer",
    )
    args = parser.parse_args()
    docs = corpus(args.split)
    gaz = without_gold_names(docs) if args.unseen_names else None
    result = evaluate(Detector(gaz=gaz), docs, args.min_score)
    print(
        f"split={args.split} documents={len(docs)}"
        + (" (gold names removed from the gazetteer)" if gaz else "")
    )
    print(f"{'kind':16} {'gold':>5} {'pred':>5} {'recall':>7} {'precision':>9}")
    for kind, row in result.items():
        if kind.startswith("_"):
            continue
        print(
            f"{kind:16} {row['gold']:5.0f} {row['predicted']:5.0f} {row['recall']:7.3f} "
            f"{row['precision']:9.3f}"
        )
    if args.show:
        for key in ("_misses", "_false"):
            print(key)
            for line in result[key]:
                print("  ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
