"""Words of a page as the name rules see them, the spans they propose, and the small tests
they share (capital lines, sentence starts, word-like endings)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from redaction.detect.gazetteer import Gazetteer

_LETTER = r"A-Za-zÀ-ÖØ-öø-ÿ"
TOKEN = re.compile(rf"[{_LETTER}](?:[{_LETTER}'’\-]*[{_LETTER}])?(?:['’]s?)?")
POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True, slots=True)
class Span:
    """A candidate person name: offsets into a page's text, score, source and reason."""

    start: int
    end: int
    score: float
    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class Tok:
    start: int
    end: int
    raw: str  # as written, possessive removed
    line: int
    low: str  # lower case, computed once
    shape: str  # "upper", "cap", "lower" or "mixed"


def _shape(r: str) -> str:
    if len(r) > 1 and r.isupper():
        return "upper"
    if r[0].isupper():
        return "cap"
    if r.islower():
        return "lower"
    return "mixed"


def tokenize(text: str) -> list[Tok]:
    """Word tokens with possessive endings stripped ("Dean's" -> "Dean")."""
    return list(_tokens(text))


@lru_cache(maxsize=1024)
def _tokens(text: str) -> tuple[Tok, ...]:
    # cached: every rule pass, the case normaliser and name propagation read the same pages
    toks: list[Tok] = []
    line = 0
    last = 0
    for m in TOKEN.finditer(text):
        start = m.start()
        line += text.count("\n", last, start)
        last = start
        raw = m.group()
        if len(raw) > 2 and raw[-1] in "'’s":
            pm = POSSESSIVE.search(raw)
            if pm:
                raw = raw[: pm.start()]
        raw = raw.rstrip("-'’")
        if raw:
            toks.append(Tok(start, start + len(raw), raw, line, raw.lower(), _shape(raw)))
    return tuple(toks)


def caps_lines(toks: Sequence[Tok]) -> set[int]:
    """Lines written mostly in capitals: capitalisation there says nothing."""
    counts: dict[int, list[int]] = {}
    for t in toks:
        if len(t.raw) > 1:
            c = counts.setdefault(t.line, [0, 0])
            c[0] += 1
            c[1] += t.shape == "upper"
    return {ln for ln, (n, up) in counts.items() if n >= 3 and up / n >= 0.7}


def normalise_case(text: str, gaz: Gazetteer) -> str:
    """Same-length text for the NER model: lines in CAPITALS and lower-case gazetteer names
    title-cased (an acronym in ordinary text stays as it is: the model knows "NASCAR")."""
    out = list(text)
    toks = tokenize(text)
    caps = caps_lines(toks)
    for tok in toks:
        raw = tok.raw
        fix = False
        if tok.shape == "upper" and len(raw) > 2 and tok.line in caps and not gaz.is_non_name(raw):
            fix = True
        elif tok.shape == "lower" and gaz.is_name(raw) and raw not in gaz.stop:
            fix = True
        if fix:
            titled = "-".join(p[:1].upper() + p[1:].lower() for p in raw.split("-"))
            if len(titled) == len(raw):
                out[tok.start : tok.end] = titled
    return "".join(out)


# verbs after which a capitalised word is a person: "Ruaridh said"
NAME_AFTER = (
    "said",
    "says",
    "told",
    "tells",
    "stated",
    "states",
    "reported",
    "reports",
    "asked",
    "asks",
    "explained",
    "explains",
    "disclosed",
    "discloses",
    "denied",
    "denies",
    "agreed",
    "agrees",
    "confirmed",
    "confirms",
    "admitted",
    "admits",
    "alleged",
    "alleges",
    "attended",
    "arrived",
    "returned",
    "cried",
    "shouted",
    "refused",
    "accepted",
    "wants",
    "wanted",
    "gave",
    "became",
)
_WORD_ENDINGS = (
    "ED",
    "ING",
    "TION",
    "MENT",
    "NESS",
    "ABLE",
    "IBLE",
    "ICAL",
    "ISED",
    "IZED",
    "ITY",
    "ENCE",
    "ANCE",
    "LESS",
    "FUL",
    "IVE",
    "OUS",
    "SHIP",
    "HOOD",
)


def word_like(word: str) -> bool:
    """Looks like an ordinary English word by its ending (ATTENDED, Meeting, Assessment)."""
    w = word.upper()
    return len(w) > 5 and w.endswith(_WORD_ENDINGS)


def _sentence_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t\"'“‘(*•-–":
        i -= 1
    return i < 0 or text[i] in ".!?:\n;>|"


def merge(spans: Iterable[Span]) -> list[Span]:
    """Union overlapping candidates; keep the best score and list every source."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[Span] = []
    for s in ordered:
        if merged and s.start < merged[-1].end:
            last = merged[-1]
            best = last if last.score >= s.score else s
            sources = "+".join(dict.fromkeys(last.source.split("+") + s.source.split("+")))
            score = min(1.0, max(last.score, s.score) + (0.05 if s.source != last.source else 0))
            merged[-1] = Span(last.start, max(last.end, s.end), score, sources, best.reason)
        else:
            merged.append(s)
    return merged
