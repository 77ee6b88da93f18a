"""Mentions of the known people of a case: full names, surname or first name alone, initials
with surname, possessives, any casing; doubtful mentions of names that are ordinary words get a
lower score instead of being dropped."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from redaction.detect.gazetteer import TITLES, Gazetteer, gazetteer
from redaction.detect.names import _sentence_start
from redaction.findings import Parties, Party

_WORD = r"[A-Za-zÀ-ÖØ-öø-ÿ'’\-]+"


@dataclass(frozen=True, slots=True)
class PartyMatch:
    """A mention of a known party in one text."""

    start: int
    end: int
    party: Party
    score: float
    full: bool
    reason: str


@dataclass(frozen=True, slots=True)
class _Variant:
    regex: re.Pattern[str]
    party: Party
    full: bool
    label: str
    token: str | None  # the single name word, for ambiguity checks


def _name_words(name: str) -> list[str]:
    return [w for w in re.findall(_WORD, name) if w.lower().rstrip(".") not in TITLES]


def _words_regex(words: Sequence[str]) -> str:
    parts = [re.escape(w).replace(r"\-", r"[\-\s]?") for w in words]
    return r"\s+".join(parts)


def _bounded(body: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![A-Za-zÀ-ÖØ-öø-ÿ]){body}(?=['’]s\b|['’]|(?![A-Za-zÀ-ÖØ-öø-ÿ]))", re.IGNORECASE
    )


class PartyMatcher:
    """Finds every mention of every known party."""

    PRIORITY = {"subject": 0, "third": 1, "professional": 2}

    def __init__(self, parties: Parties, gaz: Gazetteer | None = None) -> None:
        self.parties = parties
        self.gaz = gaz or gazetteer()
        self.variants: list[_Variant] = []
        for party in parties.all:
            for name in party.names:
                words = _name_words(name)
                if not words:
                    continue
                self.variants.append(
                    _Variant(_bounded(_words_regex(words)), party, True, "full name", None)
                )
                if len(words) > 2:
                    pair = [words[0], words[-1]]
                    self.variants.append(
                        _Variant(
                            _bounded(_words_regex(pair)),
                            party,
                            True,
                            "first name and surname",
                            None,
                        )
                    )
                if len(words) >= 2:
                    initials = r"\.?\s*".join(re.escape(w[0]) for w in words[:-1])
                    body = rf"{initials}\.?\s*{_words_regex(words[-1:])}"
                    self.variants.append(
                        _Variant(_bounded(body), party, True, "initial and surname", None)
                    )
                    for w in words:
                        if len(w) >= 2:
                            label = "surname" if w == words[-1] else "given name"
                            self.variants.append(
                                _Variant(_bounded(_words_regex([w])), party, False, label, w)
                            )

    def _rank(self, party: Party) -> int:
        if party.subject:
            return 0
        return 2 if party.professional else 1

    def find(self, text: str) -> list[PartyMatch]:
        """Mentions in ``text``; overlapping mentions resolved to the longest, then by role."""
        raw: list[PartyMatch] = []
        for v in self.variants:
            for m in v.regex.finditer(text):
                score, reason = self._score(text, m, v)
                raw.append(PartyMatch(m.start(), m.end(), v.party, score, v.full, reason))
        raw.sort(key=lambda p: (-(p.end - p.start), self._rank(p.party), -p.score, p.start))
        chosen: list[PartyMatch] = []
        for cand in raw:
            if any(c.start < cand.end and cand.start < c.end for c in chosen):
                continue
            others = {
                p.party.label
                for p in raw
                if p.start == cand.start and p.end == cand.end and p.party is not cand.party
            }
            if others:
                cand = PartyMatch(
                    cand.start,
                    cand.end,
                    cand.party,
                    cand.score,
                    cand.full,
                    cand.reason + "; also the name of " + ", ".join(sorted(others)),
                )
            chosen.append(cand)
        return sorted(chosen, key=lambda p: p.start)

    def _score(self, text: str, m: re.Match[str], v: _Variant) -> tuple[float, str]:
        who = f"{v.label} of {v.party.label}"
        if v.full:
            return 0.98, who
        token = m.group()
        ambiguous = self.gaz.is_ambiguous(token) or token.lower() in self.gaz.stop
        if not ambiguous:
            return (0.9 if not token.islower() else 0.85), who
        if token.islower():
            return 0.35, who + " (doubtful: also an ordinary word)"
        if token.isupper() and len(token) > 1:
            return 0.6, who + " (in capitals; also an ordinary word)"
        if _sentence_start(text, m.start()):
            return 0.6, who + " (at the start of a sentence; also an ordinary word)"
        return 0.85, who
