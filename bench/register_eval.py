"""Whose data each mention is, measured on the demo export in parties mode: the register of
each document's case (as the portal builds it from the records) is given to the engine, and
every mention and identifier of the ground truth is checked where it stands.

Run: ``python bench/register_eval.py [--children 12] [--seed 7] [--show 20]``.

- third-party mentions (family, friends, other children): each occurrence must be redacted;
  those left are leaks;
- the subject's and professionals' mentions: each occurrence must stay; those redacted are
  over-redaction (the subject's own words and data lost);
- identifiers whose owner the manifest tells (dates of birth, NHS and social care numbers,
  addresses): the same rule by their owner.

The export is written by this project (a check of attribution, not evidence of quality on
real text: the public corpora are for that).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo.records import generate  # noqa: E402
from redaction.detect import Detector  # noqa: E402
from redaction.extract import PageText, extract_in_process  # noqa: E402
from redaction.findings import Finding, Parties  # noqa: E402

PROFESSIONAL = {
    "social_worker",
    "team_manager",
    "independent_reviewing_officer",
    "health_visitor",
    "school_nurse",
    "gp",
    "police_officer",
    "advocate",
    "teacher",
    "designated_safeguarding_lead",
}


def register(case: dict[str, Any], people: dict[str, dict[str, Any]]) -> Parties:
    """PARTIES.json for one case, as the portal's party list gives it."""
    subject: dict[str, Any] | None = None
    others = []
    for member in case["people"]:
        p = people[member["person"]]
        entry = {
            "names": [f"{p['first_names']} {p['last_name']}", *p["aliases"]],
            "role": member["role"].replace("_", " "),
            "professional": p["professional"] or member["role"] in PROFESSIONAL,
            "date_of_birth": p["date_of_birth"],
            "nhs_number": p["nhs_number"],
            "social_care_number": p["social_care_number"],
            "addresses": p["addresses"],
        }
        if member["role"] == "child" and subject is None:
            subject = entry
        else:
            others.append(entry)
    return Parties.from_json({"subject": subject, "parties": others})


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    body = r"\s+".join(re.escape(w) for w in needle.split())
    rx = re.compile(r"(?<![\w-])" + body + r"(?![\w-])")
    return [(m.start(), m.end()) for m in rx.finditer(text)]


def _redacted(findings: list[Finding], page: int, start: int, end: int) -> bool:
    return any(
        f.page == page and f.is_third_party and f.start < end and start < f.end for f in findings
    )


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts by outcome, and what was left or lost, by label."""

    counts: Counter[str]
    leaks: Counter[str]
    lost: Counter[str]


def _score(
    tally: Tally,
    pages: Sequence[PageText],
    findings: list[Finding],
    needle: str,
    label: str,
    keep: bool,
    what: str,
) -> None:
    """Count every occurrence of ``needle``: one to keep that is redacted is lost, a
    third party's that is not redacted is left."""
    for page in pages:
        for s, e in _occurrences(page.text, needle):
            red = _redacted(findings, page.number, s, e)
            if keep:
                tally.counts[f"keep {what}"] += 1
                if red:
                    tally.counts[f"keep {what} redacted"] += 1
                    tally.lost[label] += 1
            else:
                tally.counts[f"third-party {what}"] += 1
                if not red:
                    tally.counts[f"third-party {what} left"] += 1
                    tally.leaks[label] += 1


def _owner(
    kind: str, text: str, people: dict[str, dict[str, Any]], first: str | None = None
) -> str | None:
    """Whose identifier it is: the subject's when they share it (the family home is the
    child's address too), else the first person whose record holds it."""
    digits = re.sub(r"\D", "", text)
    ordered = sorted(people.items(), key=lambda item: item[0] != first)
    for pid, p in ordered:
        if kind == "NHS_NUMBER" and p["nhs_number"] and digits == p["nhs_number"]:
            return pid
        if kind == "SOCIAL_CARE_ID" and p["social_care_number"] == text.strip():
            return pid
        if kind == "DATE_OF_BIRTH" and p["date_of_birth"]:
            d = date.fromisoformat(p["date_of_birth"])
            forms = {d.strftime("%d/%m/%Y"), d.strftime("%d.%m.%y"), f"{d.day} {d:%B} {d.year}"}
            if text in forms:
                return pid
        if kind in ("ADDRESS", "POSTCODE") and any(text in a for a in p["addresses"]):
            return pid
    return None


def main() -> int:
    """Print the counts and the commonest misses."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=15)
    args = parser.parse_args()
    detector = Detector()
    tally = Tally(Counter(), Counter(), Counter())
    counts, leaks, lost = tally.counts, tally.leaks, tally.lost
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "export"
        generate(out, children=args.children, seed=args.seed)
        manifest = json.loads((out / "manifest.json").read_text("utf-8"))
        truth = json.loads((out / "ground_truth.json").read_text("utf-8"))
        people = {p["id"]: p for p in manifest["people"]}
        cases = {c["id"]: c for c in manifest["cases"]}
        for doc in manifest["documents"]:
            entry = truth[doc["id"]]
            if entry.get("awkward"):
                continue
            case = cases[doc["case"]]
            roles = {m["person"]: m["role"] for m in case["people"]}
            copy = extract_in_process(out / doc["file"])
            findings = detector.detect(copy, register(case, people))
            # a string that is a mention of two people here ("Cerys" for mother and daughter)
            # cannot be scored by its text alone: counted apart
            owners = Counter(m for person in entry["people"] for m in set(person["mentions"]))
            for person in entry["people"]:
                role = roles.get(person["person"], "other")
                keep = (
                    role == "child"
                    or role in PROFESSIONAL
                    or people[person["person"]]["professional"]
                )
                for mention in person["mentions"]:
                    if owners[mention] > 1:
                        counts["mentions shared by two people (not scored)"] += 1
                        continue
                    _score(
                        tally,
                        copy.pages,
                        findings,
                        mention,
                        f"{mention} ({role})",
                        keep,
                        "mentions",
                    )
            for ident in entry["identifiers"]:
                child = next(m["person"] for m in case["people"] if m["role"] == "child")
                owner = _owner(ident["kind"], ident["text"], people, child)
                if owner is None or owner not in roles:
                    continue
                role = roles[owner]
                keep = role == "child" or role in PROFESSIONAL
                label = f"{ident['kind']} {ident['text']} ({role})"
                _score(tally, copy.pages, findings, ident["text"], label, keep, "identifiers")
    print(f"register evaluation on the demo export ({args.children} children, seed {args.seed})")
    shared = counts["mentions shared by two people (not scored)"]
    print(f"  {'mentions shared by two people':32} {shared:5d}")
    for a, b in (
        ("third-party mentions", "third-party mentions left"),
        ("keep mentions", "keep mentions redacted"),
        ("third-party identifiers", "third-party identifiers left"),
        ("keep identifiers", "keep identifiers redacted"),
    ):
        print(f"  {b:32} {counts[b]:5d} of {counts[a]:5d}")
    if args.show:
        print("  left:", "; ".join(f"{k} x{v}" for k, v in leaks.most_common(args.show)))
        print("  lost:", "; ".join(f"{k} x{v}" for k, v in lost.most_common(args.show)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
