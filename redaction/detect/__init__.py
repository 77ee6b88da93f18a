"""Detection of third-party data on the pages of a working copy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redaction.detect.gazetteer import Gazetteer, gazetteer
from redaction.detect.names import NameFinder, Span, merge, propagate
from redaction.detect.ner import SpacyPersons, english_words, load_nlp
from redaction.detect.parties import PartyMatcher
from redaction.detect.patterns import Match, find_identifiers
from redaction.extract import PageText, WorkingCopy
from redaction.findings import (
    ADDRESS,
    EMAIL,
    GP_PRACTICE,
    PERSON,
    ROLE_PROFESSIONAL,
    ROLE_SUBJECT,
    ROLE_THIRD_PARTY,
    SCHOOL,
    THIRD_PARTY_EXEMPTION,
    Finding,
    Parties,
)

__all__ = ["Detector", "load_nlp"]

PROFESSIONAL_DOMAINS = (
    ".gov.uk",
    ".nhs.uk",
    ".nhs.net",
    ".police.uk",
    ".sch.uk",
    ".ac.uk",
    "cafcass.gov.uk",
    ".gsi.gov.uk",
    ".cjsm.net",
)
_PLACE_KINDS = (ADDRESS, SCHOOL, GP_PRACTICE)


class Detector:
    """Finds person names and UK identifiers; receives its spaCy pipeline as a collaborator."""

    def __init__(
        self,
        nlp: Any | None = None,
        *,
        min_score: float = 0.3,
        gaz: Gazetteer | None = None,
        identifiers: bool = True,
    ) -> None:
        self.gaz = gaz or gazetteer()
        self.nlp = nlp if nlp is not None else load_nlp()
        self.persons = SpacyPersons(self.nlp, self.gaz)
        self.names = NameFinder(self.gaz, english_words(self.nlp))
        self.persons.words = self.names.is_word
        self.min_score = min_score
        self.identifiers = identifiers

    def detect(self, copy: WorkingCopy, parties: Parties | None = None) -> list[Finding]:
        """All findings on every page of a working copy."""
        return self.detect_pages(copy.pages, parties)

    def detect_text(self, text: str, parties: Parties | None = None) -> list[Finding]:
        """Findings in one text treated as page 1 (no rectangles)."""
        return self.detect_pages([PageText(1, text, ())], parties)

    def detect_pages(
        self, pages: Sequence[PageText], parties: Parties | None = None
    ) -> list[Finding]:
        """Findings for the given pages, the bundle treated as one document."""
        parties = parties or Parties()
        texts = [p.text for p in pages]
        ner, others = self.persons.entities(texts)
        ids = [find_identifiers(t) if self.identifiers else [] for t in texts]
        rules = [self.names.find(t, o) for t, o in zip(texts, others, strict=True)]
        first = [merge(a + b) for a, b in zip(ner, rules, strict=True)]
        mentions = propagate(texts, first, self.gaz)
        matcher = PartyMatcher(parties, self.gaz) if not parties.empty else None
        findings: list[Finding] = []
        for page, base, extra, page_ids in zip(pages, first, mentions, ids, strict=True):
            spans = merge(list(base) + extra)
            places = [m for m in page_ids if m.kind in _PLACE_KINDS]
            spans = [s for s in spans if not _inside(s, places)]
            spans = [_trim(page.text, s) for s in spans if s.score >= self.min_score]
            findings += self._persons(page, spans, matcher)
            findings += self._identifiers(page, page_ids, parties)
        return sorted(findings, key=lambda f: (f.page, f.start, f.end, f.kind))

    def _persons(
        self, page: PageText, spans: Sequence[Span], matcher: PartyMatcher | None
    ) -> list[Finding]:
        out: list[Finding] = []
        matches = matcher.find(page.text) if matcher else []
        used: set[int] = set()
        for s in spans:
            over = [i for i, m in enumerate(matches) if m.start < s.end and s.start < m.end]
            if over and not self._unknown_person(page.text, s, [matches[i] for i in over]):
                continue  # the party match reports it
            used.update(over if over else ())
            if over:
                used.difference_update(over)
                for i in over:
                    used.add(-1 - i)  # superseded by an unknown person sharing a name part
            out.append(
                self._finding(
                    page,
                    PERSON,
                    s.start,
                    s.end,
                    s.score,
                    s.source,
                    s.reason + ("; unknown person" if matcher else ""),
                    THIRD_PARTY_EXEMPTION,
                    None,
                    ROLE_THIRD_PARTY,
                )
            )
        for i, m in enumerate(matches):
            if -1 - i in used:
                continue
            party = m.party
            role = ROLE_SUBJECT if party.subject else party.role
            exemption = None if party.subject or party.professional else THIRD_PARTY_EXEMPTION
            out.append(
                self._finding(
                    page,
                    PERSON,
                    m.start,
                    m.end,
                    m.score,
                    "parties",
                    m.reason,
                    exemption,
                    party.label,
                    role,
                )
            )
        return out

    def _unknown_person(self, text: str, span: Span, matches: Sequence[Any]) -> bool:
        """A name like "Kelly Smith" when only "Kelly Brown" is known: another person."""
        if any(m.full for m in matches):
            return False
        covered: set[int] = set()
        for m in matches:
            covered.update(range(m.start, m.end))
        words = [w for w in text[span.start : span.end].split() if w]
        if len(words) < 2:
            return False
        pos = span.start
        for w in words:
            idx = text.index(w, pos)
            pos = idx + len(w)
            if not any(i in covered for i in range(idx, idx + len(w))) and self.gaz.is_name(
                w.strip(".,'’s")
            ):
                return True
        return False

    def _identifiers(
        self, page: PageText, matches: Sequence[Match], parties: Parties
    ) -> list[Finding]:
        out: list[Finding] = []
        subject_words = {
            w.lower() for n in (parties.subject.names if parties.subject else ()) for w in n.split()
        }
        for m in matches:
            text = page.text[m.start : m.end]
            exemption: str | None = THIRD_PARTY_EXEMPTION
            role: str | None = None
            reason = m.reason
            if m.kind == EMAIL:
                domain = text.rsplit("@", 1)[-1].lower()
                local = text.split("@", 1)[0].lower()
                if domain.endswith(PROFESSIONAL_DOMAINS):
                    exemption, role = None, ROLE_PROFESSIONAL
                    reason += "; an organisation's address (professional)"
                elif subject_words and any(w in local for w in subject_words if len(w) > 2):
                    exemption, role = None, ROLE_SUBJECT
                    reason += "; appears to be the subject's own address"
            out.append(
                self._finding(
                    page, m.kind, m.start, m.end, m.score, "pattern", reason, exemption, None, role
                )
            )
        return out

    def _finding(
        self,
        page: PageText,
        kind: str,
        start: int,
        end: int,
        score: float,
        source: str,
        reason: str,
        exemption: str | None,
        party: str | None,
        role: str | None,
    ) -> Finding:
        return Finding(
            kind=kind,
            text=page.text[start:end],
            page=page.number,
            start=start,
            end=end,
            rects=page.rects_for(start, end),
            score=round(score, 3),
            source=source,
            reason=reason,
            exemption=exemption,
            party=party,
            role=role,
        )


def _inside(span: Span, places: Sequence[Match]) -> bool:
    return any(p.start <= span.start and span.end <= p.end for p in places)


def _trim(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while end > start and text[end - 1] in " .,;:-'’\n\t":
        end -= 1
    while start < end and text[start] in " .,;:-'’\n\t(":
        start += 1
    if text[start:end].lower().endswith(("'s", "’s")):
        end -= 2
    return Span(start, end, span.score, span.source, span.reason)
