"""Later mentions of a name already found, and the words that make a name a place's."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from redaction.detect.gazetteer import ORG_WORDS, TITLES, Gazetteer
from redaction.detect.tokens import Span, _sentence_start, tokenize


def org_follows(text: str, end: int) -> bool:
    """The word after ``end`` makes it a place or an organisation ("Stanley Cup", "Watson
    School", "Kelly Road")."""
    after = re.match(r"(?:['’]s)?\s+([A-Za-z]+)", text[end : end + 30])
    return bool(after and after.group(1).lower() in ORG_WORDS and after.group(1)[0].isupper())


def propagate(
    texts: Sequence[str],
    spans: Sequence[Sequence[Span]],
    gaz: Gazetteer,
    is_word: Callable[[str], bool] | None = None,
    avoid: Sequence[Sequence[tuple[int, int]]] = (),
) -> list[list[Span]]:
    """Later mentions of a name already found with confidence: "Kelly Brown" ... "Kelly" ...
    "BROWN's". A doubtful find is never propagated, nor an ordinary English word ("Reading",
    "Old"), nor into what the model calls a place or an organisation (``avoid``, per text)."""
    word = is_word or (lambda _low: False)
    known: dict[str, float] = {}
    worded: set[str] = set()  # ordinary words known as a name only from a full name
    strong = {"title", "role", "field", "signature", "initials", "context"}
    for page_text, page_spans in zip(texts, spans, strict=True):
        for s in page_spans:
            if s.score < 0.8:
                continue
            words = [t.raw for t in tokenize(page_text[s.start : s.end])]
            if len(words) < 2 and not strong & set(s.source.split("+")):
                continue
            for w in words:
                low = w.lower()
                if len(w) < 3 or (gaz.is_non_name(low) and not gaz.is_ambiguous(low)):
                    continue
                if low in TITLES:
                    continue
                if word(low) and not gaz.is_name(w):
                    # "Player" of "Gary Player": a name only where it is written as one
                    if len(words) < 2 or s.score < 0.85 or not w[0].isupper():
                        continue
                    worded.add(low)
                known[low] = max(known.get(low, 0.0), s.score)
    out: list[list[Span]] = []
    for index, page_text in enumerate(texts):
        places = avoid[index] if index < len(avoid) else ()
        found: list[Span] = []
        for t in tokenize(page_text):
            if t.low not in known:
                continue
            if any(a <= t.start < b for a, b in places) or org_follows(page_text, t.end):
                continue
            ambiguous = gaz.is_ambiguous(t.raw) or t.low in gaz.stop
            if t.shape == "lower":
                if ambiguous or t.low in worded or not gaz.is_name(t.raw):
                    continue  # "railroad" after "Railroad": a word, whatever its capital
                score = 0.7
            elif t.low in worded:
                score = 0.55 if _sentence_start(page_text, t.start) else 0.7
            elif ambiguous:
                score = 0.45 if _sentence_start(page_text, t.start) else 0.7
            else:
                score = 0.85
            found.append(
                Span(t.start, t.end, score, "mention", "a name found elsewhere in the document")
            )
        out.append(found)
    return out
