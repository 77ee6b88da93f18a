"""Fine-tune the NER component of ``en_core_web_md`` for person names and save it as package data.

Run: ``python scripts/train_ner.py [--epochs N] [--out redaction/data/ner_person]``.

Training data: the ``tune`` halves of the public corpora in ``bench/corpora/`` (wikigold,
Wikipedia; wnut17, social-media posts; both CC BY 4.0) and the hand-written ``tune_*.txt``
case texts in ``bench/redaction_corpus/``. The ``test`` halves, ``heldout_*`` and ``fresh_*``
are never read here: they are what ``make bench`` measures.

Only person names are corrected. Each training text starts from what the original model says
(rehearsal, so it keeps its places, organisations and dates); then gold PERSON spans become
PERSON, gold ORG spans ORG, gold LOCATION spans a place (the model's own place label, else GPE),
a PERSON the model found where the gold has none becomes "not an entity", and gold OTHER spans
are left unknown (not taught either way). One fifth of
the tune texts is kept aside to choose the number of epochs; nothing of the test halves is.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus_eval import NAMES, in_dev, load  # noqa: E402
from redaction_corpus import HERE as OWN_TEXTS  # noqa: E402
from redaction_corpus import parse  # noqa: E402

from redaction.detect.gazetteer import gazetteer  # noqa: E402
from redaction.detect.ner import load_nlp  # noqa: E402
from redaction.detect.tokens import normalise_case  # noqa: E402

PLACES = ("GPE", "LOC", "FAC")
Item = tuple[str, list[tuple[int, int, str]]]  # text, gold spans (start, end, PERSON|ORG|MISSING)


def public_items() -> list[Item]:
    """Tune halves of the public corpora, labels mapped to what we teach."""
    items: list[Item] = []
    for name in NAMES:
        with (ROOT / "bench" / "corpora" / f"{name}.jsonl").open(encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh]
        tune_ids = {d.id for d in load(name, "tune")}
        for row in rows:
            if row["id"] not in tune_ids:
                continue
            spans = []
            for s in row["spans"]:
                label = {"PERSON": "PERSON", "ORG": "ORG", "LOCATION": "PLACE"}.get(
                    s["label"], "MISSING"
                )
                spans.append((int(s["start"]), int(s["end"]), label))
            items.append((row["text"], spans))
    return items


def own_items() -> list[Item]:
    """The hand-written tune texts, one item per paragraph, case-normalised as the engine does."""
    gaz = gazetteer()
    items: list[Item] = []
    for path in sorted(OWN_TEXTS.glob("tune_*.txt")):
        doc = parse(path.name, path.read_text(encoding="utf-8"))
        text = normalise_case(doc.text, gaz)
        spans = [(s, e, "PERSON") for kind, s, e in doc.spans if kind == "PERSON"]
        spans += [(s, e, "MISSING") for kind, s, e in doc.spans if kind != "PERSON"]
        items.append((text, spans))
    return items


def example(
    nlp: Any, text: str, spans: list[tuple[int, int, str]], rehearse: str | None = None
) -> Any:
    """A training Example: the model's own entities (on ``rehearse``, the text as first
    written, when ``text`` is a lower-case copy), corrected for persons by the gold."""
    from spacy.training import Example

    predicted = nlp(rehearse or text)
    reference = nlp.make_doc(text)
    gold: list[Any] = []
    missing: list[Any] = []
    for s, e, label in spans:
        if label == "PLACE":  # the model's own place label where it has one, else GPE
            said = [
                ent.label_
                for ent in predicted.ents
                if ent.start_char == s and ent.end_char == e and ent.label_ in PLACES
            ]
            label = said[0] if said else "GPE"
        span = reference.char_span(
            s, e, label="PERSON" if label == "MISSING" else label, alignment_mode="expand"
        )
        if span is None:
            continue
        (missing if label == "MISSING" else gold).append(span)
    kept = []
    for ent in predicted.ents:
        if ent.label_ == "PERSON":
            continue  # persons come from the gold only
        if any(
            sp.start_char < ent.end_char and ent.start_char < sp.end_char for sp in gold + missing
        ):
            continue
        span = reference.char_span(ent.start_char, ent.end_char, label=ent.label_)
        if span is not None:
            kept.append(span)
    ents = sorted(gold + kept, key=lambda sp: sp.start)
    reference.set_ents(ents, missing=missing, default="outside")
    return Example(nlp.make_doc(text), reference)


def persons(doc: Any) -> list[tuple[int, int]]:
    return [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]


def evaluate(nlp: Any, items: list[Item]) -> tuple[float, float]:
    """Person recall and precision by overlap, as the benchmark counts them."""
    gold_n = found = pred_n = correct = 0
    for text, spans in items:
        gold = [(s, e) for s, e, label in spans if label == "PERSON"]
        pred = persons(nlp(text))
        gold_n += len(gold)
        pred_n += len(pred)
        found += sum(any(ps < e and s < pe for ps, pe in pred) for s, e in gold)
        correct += sum(any(ps < e and s < pe for s, e in gold) for ps, pe in pred)
    return found / max(gold_n, 1), correct / max(pred_n, 1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--out", type=Path, default=ROOT / "redaction" / "data" / "ner_person")
    parser.add_argument("--lower-share", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(args.seed)
    os.environ["REDACTION_NER_WEIGHTS"] = "none"  # start from the original weights
    nlp = load_nlp()
    other = [n for n in nlp.pipe_names if n != "ner"]
    nlp.select_pipes(disable=other)
    items = public_items() + own_items()
    dev = [it for it in items if in_dev(it[0])]
    train = [it for it in items if it not in dev]
    print(f"train {len(train)} texts, dev {len(dev)}", flush=True)
    examples = [example(nlp, t, s) for t, s in train]
    # lower-case copies of a share of the edited texts: notes and messages are often written so
    rng0 = random.Random(args.seed)
    for t, s in train:
        low = t.lower()
        if len(low) == len(t) and low != t and rng0.random() < args.lower_share:
            examples.append(example(nlp, low, s, rehearse=t))
    print("before: dev recall {:.3f} precision {:.3f}".format(*evaluate(nlp, dev)), flush=True)
    optimizer = nlp.resume_training()
    optimizer.learn_rate = 0.0005
    rng = random.Random(args.seed)
    best: tuple[float, bytes] | None = None
    for epoch in range(args.epochs):
        start = time.perf_counter()
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        recall, precision = evaluate(nlp, dev)
        f = 2 * recall * precision / max(recall + precision, 1e-9)
        print(
            f"epoch {epoch + 1}: loss {losses.get('ner', 0):.1f} dev recall {recall:.3f} "
            f"precision {precision:.3f} F {f:.3f} ({time.perf_counter() - start:.0f} s)",
            flush=True,
        )
        if best is None or f > best[0]:
            best = (f, nlp.get_pipe("ner").to_bytes())
    assert best is not None
    nlp.get_pipe("ner").from_bytes(best[1])
    args.out.mkdir(parents=True, exist_ok=True)
    nlp.get_pipe("ner").to_disk(args.out, exclude=["vocab"])
    print(f"kept F {best[0]:.3f}; saved to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
