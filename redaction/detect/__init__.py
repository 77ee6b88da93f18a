"""Detection of third-party data on the pages of a working copy."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from redaction.detect.attribution import attribute, exemption_for
from redaction.detect.gazetteer import ORG_WORDS, PLACE_TAIL, TITLES, Gazetteer, gazetteer
from redaction.detect.known import KnownIdentifiers
from redaction.detect.mentions import org_follows, propagate
from redaction.detect.names import NameFinder
from redaction.detect.ner import SpacyPersons, english_words, load_nlp
from redaction.detect.parties import PartyMatcher
from redaction.detect.patterns import Match, find_identifiers
from redaction.detect.tokens import Span, merge, tokenize
from redaction.extract import PageText, WorkingCopy
from redaction.findings import (
    ADDRESS,
    EMAIL,
    GP_PRACTICE,
    PERSON,
    ROLE_PROFESSIONAL,
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
        min_score: float = 0.5,
        gaz: Gazetteer | None = None,
        identifiers: bool = True,
    ) -> None:
        self.gaz = gaz or gazetteer()
        self.nlp = nlp if nlp is not None else load_nlp()
        self.persons = SpacyPersons(self.nlp, self.gaz)
        self.names = NameFinder(self.gaz, english_words(self.nlp))
        self.persons.words = self.names.is_word
        self.persons.plain_word = self.names.is_plain_word
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
        mentions = propagate(texts, first, self.gaz, self.names.is_word, others)
        matcher = PartyMatcher(parties, self.gaz) if not parties.empty else None
        known = KnownIdentifiers(parties) if not parties.empty else None
        kept: list[list[Span]] = []
        english_doc = self._english(texts)
        foreign: list[bool] = []
        for page, base, extra, page_ids in zip(pages, first, mentions, ids, strict=True):
            spans = merge(list(base) + extra)
            english = english_doc if english_doc is not None else self._english([page.text])
            foreign.append(english is False)
            if english is False:
                # the model and the English rules guess wildly on other languages: only names
                # the lists know, or names introduced by a title, role or label, are kept
                spans = [t for s in spans if (t := self._supported(page.text, s)) is not None]
            places = [m for m in page_ids if m.kind in _PLACE_KINDS]
            spans = [s for s in spans if not _inside(s, places) and not _place_name(page.text, s)]
            spans = [s for s in spans if not self._acronym(page.text, s)]
            spans = [_trim(page.text, s) for s in spans if s.score >= self.min_score]
            kept.append(self._with_given_names(page.text, spans))
        again = self._same_again(texts, kept, foreign)
        staff = frozenset(
            w.lower()
            for text, page_ids in zip(texts, ids, strict=True)
            for m in page_ids
            if m.kind == EMAIL and text[m.start : m.end].lower().endswith(PROFESSIONAL_DOMAINS)
            for w in re.split(r"[._\-+']", text[m.start : m.end].split("@", 1)[0])
            if len(w) > 1
        )
        findings: list[Finding] = []
        for page, spans, more, page_ids in zip(pages, kept, again, ids, strict=True):
            spans = self._with_given_names(page.text, merge(spans + more))
            people = self._persons(page, spans, matcher, staff)
            found = self._identifiers(page, page_ids, parties, people, known)
            # a name inside an email address goes with the address, redacted whole
            emails = [f for f in found if f.kind == EMAIL]
            people = [
                p for p in people if not any(e.start <= p.start and p.end <= e.end for e in emails)
            ]
            findings += people + found
        return sorted(findings, key=lambda f: (f.page, f.start, f.end, f.kind))

    def _acronym(self, text: str, span: Span) -> bool:
        """ "MAAA", "ERA", "CSHL" in ordinary text: an abbreviation, not a person (unless a
        title, role or label introduces it, or the lists know it as a name)."""
        strong = {"title", "role", "field", "signature", "letter"}
        if strong & set(span.source.split("+")):
            return False
        word = text[span.start : span.end].strip()
        if not (2 <= len(word) <= 4 and word.isalpha() and word.isupper()):
            return False
        if self.gaz.is_name_word(word):
            return False
        line_start = text.rfind("\n", 0, span.start) + 1
        line_end = text.find("\n", span.end)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        letters = [c for c in line if c.isalpha()]
        return sum(c.isupper() for c in letters) < 0.7 * len(letters)  # not a line in capitals

    def _with_given_names(self, text: str, spans: list[Span]) -> list[Span]:
        """A capitalised name word just before a reported name ("Kelly" in "Kelly BROWN" when
        only "BROWN" was found) belongs to it: the given name is not left readable beside a
        redacted surname."""
        toks = tokenize(text)
        starts = {t.start: i for i, t in enumerate(toks)}
        out: list[Span] = []
        for s in spans:
            i = starts.get(s.start)
            if i:
                prev = toks[i - 1]
                gap = text[prev.end : s.start]
                if (
                    gap == " "
                    and prev.shape in ("cap", "upper")
                    and prev.low not in TITLES
                    and not self.gaz.is_non_name(prev.low)
                    and (self.gaz.is_name(prev.raw) or not self.names.is_word(prev.low))
                    and not any(o.start <= prev.start < o.end for o in spans)
                ):
                    s = Span(prev.start, s.end, s.score, s.source, s.reason)
            out.append(s)
        return out

    def _english(self, texts: Sequence[str]) -> bool | None:
        """Mostly English words; None when there are too few words to tell."""
        words = [
            t.low for text in texts for t in tokenize(text) if t.shape == "lower" and len(t.low) > 1
        ]
        if len(words) < 30:
            return None
        known = sum(1 for w in words if w in self.gaz.stop or self.names.is_word(w))
        return known >= 0.5 * len(words)

    def _supported(self, text: str, span: Span) -> Span | None:
        """On a page in another language: a span introduced by a title, role, label or
        signature as it is; otherwise only its words known as names ("Beispiel von Martin
        Thoma" -> "Martin Thoma"), or nothing."""
        strong = {"title", "role", "field", "signature"}
        if strong & set(span.source.split("+")):
            return span
        toks = tokenize(text[span.start : span.end])
        first = next(
            (i for i, t in enumerate(toks) if t.shape != "lower" and self.gaz.is_name(t.raw)), None
        )
        if first is None:
            return None
        last = first
        while (
            last + 1 < len(toks)
            and toks[last + 1].shape != "lower"
            and toks[last + 1].line == toks[last].line
            and text[span.start + toks[last].end : span.start + toks[last + 1].start] == " "
        ):
            last += 1  # "Martin Thoma": the capitalised words after a known given name
        start, end = span.start + toks[first].start, span.start + toks[last].end
        return Span(start, end, span.score, span.source, span.reason)

    def _same_again(
        self, texts: Sequence[str], kept: Sequence[Sequence[Span]], foreign: Sequence[bool]
    ) -> list[list[Span]]:
        """Every other mention of a name that is reported somewhere in the document, so that
        a redacted name is never left readable a line further on ("Dean's mother" after
        "about Dean"); lower-case mentions only where the name is no ordinary word."""
        names: dict[str, float] = {}
        for text, spans, other in zip(texts, kept, foreign, strict=True):
            for s in spans:
                toks = tokenize(text[s.start : s.end])
                for t in toks:
                    low = t.low
                    if len(low) < 3 or low in TITLES or self.gaz.is_non_name(low):
                        continue
                    if low in PLACE_TAIL:
                        continue  # "Playfield" of a name run that ends a place's name
                    if other and t.shape == "lower":
                        continue  # another language: "das" is an article there
                    if len(toks) > 1 and self.names.is_word(low) and not self.gaz.is_name(t.raw):
                        continue  # "River" of "Sandy River": reported only as part of it
                    names[low] = max(names.get(low, 0.0), s.score)
        # whole phrases too ("Hydro Network" where "Network" alone is a word), written with
        # or without the spaces, as the verifier reads them
        phrases: dict[str, float] = {}
        for text, spans in zip(texts, kept, strict=True):
            for s in spans:
                words = text[s.start : s.end].split()
                if len(words) > 1:
                    key = " ".join(w.lower() for w in words)
                    phrases[key] = max(phrases.get(key, 0.0), s.score)
        phrase_rx = (
            re.compile(
                r"(?<![^\W_])(?:"  # the verifier's word boundaries: "CL_Obstacle Type" holds it
                + "|".join(
                    r"[\s-]*".join(re.escape(w) for w in p.split())
                    for p in sorted(phrases, key=len, reverse=True)
                )
                + r")(?![^\W_])",
                re.IGNORECASE,
            )
            if phrases
            else None
        )
        out: list[list[Span]] = []
        for text, spans in zip(texts, kept, strict=True):
            found: list[Span] = []
            for m in phrase_rx.finditer(text) if phrase_rx else ():
                if any(s.start < m.end() and m.start() < s.end for s in spans):
                    continue
                score = phrases.get(" ".join(m.group().lower().split()), max(phrases.values()))
                found.append(
                    Span(
                        m.start(),
                        m.end(),
                        max(self.min_score, score - 0.1),
                        "mention",
                        "the same name is reported elsewhere in the document",
                    )
                )
            covered = [*spans, *found]
            for t in tokenize(text):
                known = names.get(t.low)
                if known is None or any(s.start <= t.start < s.end for s in covered):
                    continue
                if org_follows(text, t.end):
                    continue  # "the Stanley Cup" after "Stanley Matthews"
                if t.shape == "lower" and (
                    not self.gaz.is_name(t.raw) or self.names.is_word(t.low)
                ):
                    continue
                found.append(
                    Span(
                        t.start,
                        t.end,
                        max(self.min_score, known - 0.1),
                        "mention",
                        "the same name is reported elsewhere in the document",
                    )
                )
            out.append(found)
        return out

    def _persons(
        self,
        page: PageText,
        spans: Sequence[Span],
        matcher: PartyMatcher | None,
        staff: frozenset[str] = frozenset(),
    ) -> list[Finding]:
        """Person findings: party matches with their person, and unknown people (third
        parties, unless their name is that of an organisation's email address: staff)."""
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
            words = {t.low for t in tokenize(page.text[s.start : s.end]) if len(t.low) > 1}
            exemption: str | None
            role: str | None
            if words and words <= staff:
                # "Stacey Khan" who writes from stacey.khan@...gov.uk: acting in their role
                exemption, role = None, ROLE_PROFESSIONAL
                reason = s.reason + "; the name of an organisation's email address (professional)"
            else:
                exemption, role = THIRD_PARTY_EXEMPTION, ROLE_THIRD_PARTY
                reason = s.reason + ("; unknown person" if matcher else "")
            out.append(
                self._finding(
                    page, PERSON, s.start, s.end, s.score, s.source, reason, exemption, None, role
                )
            )
        for i, m in enumerate(matches):
            if -1 - i in used:
                continue
            exemption, role = exemption_for(m.party)
            if m.party is None:
                role = "ambiguous"
            finding = self._finding(
                page,
                PERSON,
                m.start,
                m.end,
                m.score,
                "parties",
                m.reason,
                exemption,
                m.party.label if m.party else None,
                role,
            )
            if m.candidates:
                finding = replace(finding, candidates=tuple(p.label for p in m.candidates))
            out.append(finding)
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
        self,
        page: PageText,
        matches: Sequence[Match],
        parties: Parties,
        people: Sequence[Finding],
        known: KnownIdentifiers | None,
    ) -> list[Finding]:
        """The register's identifiers as their person's; the rest found by pattern and given to
        whoever is named beside them."""
        out: list[Finding] = []
        hits = known.find(page.text) if known else []
        for k in hits:
            exemption, role = exemption_for(k.party)
            out.append(
                self._finding(
                    page,
                    k.kind,
                    k.start,
                    k.end,
                    1.0,
                    "register",
                    k.reason,
                    exemption,
                    k.party.label,
                    role,
                )
            )
        for m in matches:
            if any(k.start < m.end and m.start < k.end for k in hits):
                continue  # the register's match says whose it is
            text = page.text[m.start : m.end]
            finding = self._finding(
                page,
                m.kind,
                m.start,
                m.end,
                m.score,
                "pattern",
                m.reason,
                THIRD_PARTY_EXEMPTION,
                None,
                None,
            )
            if m.kind == EMAIL and text.rsplit("@", 1)[-1].lower().endswith(PROFESSIONAL_DOMAINS):
                finding = replace(
                    finding,
                    exemption=None,
                    role=ROLE_PROFESSIONAL,
                    reason=m.reason + "; an organisation's address (professional)",
                )
            elif not parties.empty:
                finding = attribute(finding, page.text, people, parties)
            out.append(finding)
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


def _place_name(text: str, span: Span) -> bool:
    """ "Sandy River Railroad", "Hancock Pond": a run of capitalised words ending in a word
    for a place or an organisation names that, not a person."""
    words = text[span.start : span.end].split()
    if len(words) < 2 or not words[-1][0].isupper():
        return False
    last = words[-1].lower().strip(".,")
    return last in ORG_WORDS and last not in gazetteer().surnames  # "Deshawn Hill" stays


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
