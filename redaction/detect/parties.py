"""Mentions of the known people of a case, each attributed to the person it is about.

Full names, first name and surname, initials with surname are one person's. A surname or a
given name alone may be several people's (a mother sharing the child's surname, a father whose
first name is the child's middle name); it is resolved by the title before it ("Ms Hughes":
the woman), role words beside it ("mum", "(SW)", "the school nurse"), and the nearest full-name
mention before it. Middle names are matched only inside a full name. What stays ambiguous is
reported with every candidate, never silently given to the subject."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from redaction.detect.gazetteer import TITLES, Gazetteer, gazetteer
from redaction.detect.tokens import _sentence_start
from redaction.findings import Parties, Party

_WORD = r"[A-Za-zÀ-ÖØ-öø-ÿ'’\-]+"
# two capitals that are something else in case records, never taken as someone's initials
_ABBREVIATIONS = frozenset(
    """SW TM HV GP DV PC DC DS DI CP IN AA NA UK EH OT SN MH ED AE NI ID TV PE RE IT OK AM PM
    HR BP MP SG CG LA FC CC SC HQ IQ PA VA TA LD ND SM WC""".split()
)
# a title notes give adults: with the child's surname alone, it may be an unlisted relative
_ADULT_TITLES = frozenset({"mr", "mrs", "ms", "mx"})
# the candidate for a person the party list does not hold
UNLISTED = Party(("someone not on the party list",), role="unknown")
_FEMALE_TITLES = frozenset({"mrs", "ms", "miss", "dame", "lady", "sister"})
_MALE_TITLES = frozenset({"mr", "sir", "lord", "master"})
_PROFESSIONAL_TITLES = frozenset(
    {"dr", "prof", "professor", "pc", "dc", "ds", "dci", "di", "sgt", "insp", "cllr", "rev"}
)
# a word beside a mention, and the word that must appear in the candidate's role
ROLE_HINTS: dict[str, str] = {
    "mum": "mother",
    "mummy": "mother",
    "mom": "mother",
    "mother": "mother",
    "dad": "father",
    "daddy": "father",
    "father": "father",
    "nan": "grand",
    "nana": "grand",
    "gran": "grand",
    "granny": "grand",
    "grandma": "grand",
    "grandmother": "grand",
    "grandad": "grand",
    "grandpa": "grand",
    "grandfather": "grand",
    "stepdad": "step",
    "stepmum": "step",
    "stepfather": "step",
    "stepmother": "step",
    "partner": "partner",
    "boyfriend": "partner",
    "girlfriend": "partner",
    "brother": "brother",
    "sister": "sister",
    "sibling": "s",
    "aunt": "aunt",
    "auntie": "aunt",
    "uncle": "uncle",
    "cousin": "cousin",
    "friend": "friend",
    "neighbour": "neighbour",
    "nurse": "nurse",
    "sw": "social worker",
    "social": "social worker",
    "teacher": "teacher",
    "headteacher": "teacher",
    "dsl": "safeguarding",
    "gp": "gp",
    "doctor": "doctor",
    "hv": "health visitor",
    "visitor": "health visitor",
    "midwife": "midwife",
    "police": "police",
    "officer": "officer",
    "pc": "police",
    "iro": "iro",
    "senco": "senco",
    "carer": "carer",
    "foster": "foster",
    "solicitor": "solicitor",
    "paediatrician": "paediatrician",
}


@dataclass(frozen=True, slots=True)
class PartyMatch:
    """A mention of a known party in one text; ``party`` is None when it stays ambiguous and
    ``candidates`` then lists everyone it could be."""

    start: int
    end: int
    party: Party | None
    score: float
    full: bool
    reason: str
    candidates: tuple[Party, ...] = ()


@dataclass(frozen=True, slots=True)
class _Variant:
    regex: re.Pattern[str]
    party: Party
    full: bool
    label: str


def _name_words(name: str) -> list[str]:
    return [w for w in re.findall(_WORD, name) if w.lower().rstrip(".") not in TITLES]


def _words_regex(words: Sequence[str]) -> str:
    parts = [re.escape(w).replace(r"\-", r"[\-\s]?") for w in words]
    return r"\s+".join(parts)


def _bounded(body: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![A-Za-zÀ-ÖØ-öø-ÿ]){body}(?=['’]s\b|['’]|(?![A-Za-zÀ-ÖØ-öø-ÿ]))", re.IGNORECASE
    )


_ADULT_ROLES = (
    "mother father mum dad parent grand aunt uncle partner step carer husband wife lodger neighbour"
).split()


def _known_adult(party: Party) -> bool:
    """Eighteen or older by the register's date of birth (a care leaver asking for their file)."""
    if not party.date_of_birth:
        return False
    try:
        born = date.fromisoformat(party.date_of_birth[:10])
    except ValueError:
        return False
    today = date.today()
    return (today.year - born.year - ((today.month, today.day) < (born.month, born.day))) >= 18


def _adult(party: Party) -> bool:
    """Known to be an adult: a professional, or a role only adults hold."""
    role = party.role.lower()
    return party.professional or any(w in role for w in _ADULT_ROLES)


def _roles_match(party: Party, hint: str) -> bool:
    role = party.role.lower().replace("_", " ")
    if hint == "s":
        return "brother" in role or "sister" in role or "sibling" in role
    return hint in role


class PartyMatcher:
    """Finds every mention of every known party and says whose it is."""

    def __init__(self, parties: Parties, gaz: Gazetteer | None = None) -> None:
        self.parties = parties
        self.gaz = gaz or gazetteer()
        self.variants: list[_Variant] = []
        # single name words (first given name, surname) -> the parties who carry them
        self.tokens: dict[str, list[tuple[Party, str]]] = {}
        for party in parties.all:
            for name in party.names:
                words = _name_words(name)
                if not words:
                    continue
                self.variants.append(
                    _Variant(_bounded(_words_regex(words)), party, True, "full name")
                )
                if len(words) > 2:
                    pair = [words[0], words[-1]]
                    self.variants.append(
                        _Variant(
                            _bounded(_words_regex(pair)), party, True, "first name and surname"
                        )
                    )
                if len(words) >= 2:
                    # "WILLIAMS, Cerys Ann": the surname first, as case headers write it
                    body = rf"{_words_regex(words[-1:])},?\s+{_words_regex(words[:-1])}"
                    self.variants.append(
                        _Variant(_bounded(body), party, True, "surname and given names")
                    )
                    body = rf"{_words_regex(words[-1:])},\s+{_words_regex(words[:1])}"
                    self.variants.append(
                        _Variant(_bounded(body), party, True, "surname and given name")
                    )
                forms = {"".join(w[0] for w in words)}
                forms.add("".join(part[0] for w in words for part in w.split("-") if part))
                for letters in sorted(forms) if len(words) >= 2 else ():
                    if len(letters) >= 3 or letters.upper() not in _ABBREVIATIONS:
                        # "SDH" for Sarah Dawn Hughes: notes use initials for people
                        self.variants.append(
                            _Variant(
                                re.compile(
                                    rf"(?<![A-Za-z]){re.escape(letters.upper())}(?![A-Za-z])"
                                ),
                                party,
                                True,
                                "initials",
                            )
                        )
                if len(words) >= 2:
                    initials = r"\.?\s*".join(re.escape(w[0]) for w in words[:-1])
                    body = rf"{initials}\.?\s*{_words_regex(words[-1:])}"
                    self.variants.append(
                        _Variant(_bounded(body), party, True, "initial and surname")
                    )
                singles = [(words[0], "given name")] + (
                    [(words[-1], "surname")] if len(words) > 1 else []
                )
                for word, label in singles:
                    if len(word) < 2:
                        continue
                    entry = self.tokens.setdefault(word.lower(), [])
                    if all(p is not party for p, _ in entry):
                        entry.append((party, label))
        self.single = (
            _bounded(
                "(?:"
                + "|".join(_words_regex([w]) for w in sorted(self.tokens, key=len, reverse=True))
                + ")"
            )
            if self.tokens
            else None
        )

    def find(self, text: str) -> list[PartyMatch]:
        """Mentions in ``text``, longest first where they overlap, each with its person."""
        full: list[PartyMatch] = []
        for v in self.variants:
            for m in v.regex.finditer(text):
                full.append(
                    PartyMatch(
                        m.start(), m.end(), v.party, 0.98, True, f"{v.label} of {v.party.label}"
                    )
                )
        full.sort(key=lambda p: (-(p.end - p.start), p.start))
        chosen: list[PartyMatch] = []
        for cand in full:
            if any(c.start < cand.end and cand.start < c.end for c in chosen):
                continue
            same = {
                p.party.label
                for p in full
                if p.start == cand.start
                and p.end == cand.end
                and p.party is not cand.party
                and p.party
            }
            if same:  # two people with the same full name: the reviewer chooses
                parties = tuple(
                    dict.fromkeys(
                        p.party
                        for p in full
                        if p.start == cand.start and p.end == cand.end and p.party
                    )
                )
                cand = self._ambiguous(cand.start, cand.end, parties, 0.98, True, "full name")
            chosen.append(cand)
        chosen.sort(key=lambda p: p.start)
        singles: list[PartyMatch] = []
        if self.single is not None:
            for m in self.single.finditer(text):
                if any(c.start < m.end() and m.start() < c.end for c in chosen):
                    continue
                singles.append(self._resolve(text, m, chosen))
        return sorted(chosen + singles, key=lambda p: p.start)

    # -- one name word alone --------------------------------------------------------------
    def _resolve(self, text: str, m: re.Match[str], full: Sequence[PartyMatch]) -> PartyMatch:
        token = m.group()
        entries = self.tokens[token.lower()]
        score, doubt = self._score(text, m)
        cands = [p for p, _ in entries]
        labels = {id(p): label for p, label in entries}
        how: list[str] = []
        title = self._title_before(text, m.start())
        if title and len(cands) > 1:
            cands = self._by_title(title, cands, how)
        if len(cands) > 1:
            hint = self._hint(text, m.start(), m.end())
            fits = [p for p in cands if hint and _roles_match(p, ROLE_HINTS[hint])]
            if fits and len(fits) < len(cands):
                cands = fits
                how.append(f"'{hint}' beside it")
        if len(cands) > 1:
            before = [c.party for c in full if c.end <= m.start() and c.party in cands]
            if before and before[-1] is not None:
                cands = [before[-1]]
                how.append("the nearest full-name mention")
        if (
            len(cands) == 1
            and cands[0].subject
            and title in _ADULT_TITLES
            and not _known_adult(cands[0])
        ):
            # "Mr Walsh" when the only Walsh on the list is the child: most likely a relative
            # the records do not hold; never silently the subject's
            return self._ambiguous(
                m.start(),
                m.end(),
                (cands[0], UNLISTED),
                score,
                False,
                f"'{title}' and name" + doubt,
            )
        if len(cands) == 1:
            party = cands[0]
            why = f"{labels[id(party)]} of {party.label}"
            if how:
                why += " (by " + ", ".join(how) + ")"
            return PartyMatch(m.start(), m.end(), party, score, False, why + doubt)
        return self._ambiguous(m.start(), m.end(), tuple(cands), score, False, "name" + doubt)

    def _by_title(self, title: str, cands: list[Party], how: list[str]) -> list[Party]:
        """ "Ms Hughes": a woman, or someone whose sex is not known, never a known man;
        "Dr Patel": a professional; any title: an adult rather than the child."""
        sex = "F" if title in _FEMALE_TITLES else "M" if title in _MALE_TITLES else None
        narrowed = cands
        if sex:
            narrowed = [p for p in cands if p.sex == sex] or [p for p in cands if p.sex is None]
        elif title in _PROFESSIONAL_TITLES:
            narrowed = [p for p in cands if p.professional] or cands
        if len(narrowed) > 1:
            # a title and surname is how notes name adults, seldom the child or a sibling
            narrowed = [p for p in narrowed if not p.subject] or narrowed
            narrowed = [p for p in narrowed if _adult(p)] or narrowed
        if narrowed and len(narrowed) < len(cands):
            how.append(f"'{title.capitalize()}'")
            return narrowed
        return cands

    def _ambiguous(
        self, start: int, end: int, cands: tuple[Party, ...], score: float, full: bool, what: str
    ) -> PartyMatch:
        names = " or ".join(p.label for p in cands)
        return PartyMatch(
            start,
            end,
            None,
            score,
            full,
            f"{what} of {names}: cannot tell who; choose",
            cands,
        )

    def _title_before(self, text: str, pos: int) -> str | None:
        m = re.search(r"\b([A-Za-z]{2,9})\.?\s+$", text[max(0, pos - 14) : pos])
        if m and m.group(1).lower() in TITLES:
            return m.group(1).lower()
        return None

    def _hint(self, text: str, start: int, end: int) -> str | None:
        """A role word just before the name ("mum Kerry", "school nurse Mrs Patel"), in
        brackets after it ("Patel (SW)") or in apposition ("Kerry, the mother")."""
        after = re.match(
            r"(?:['’]s)?\s*(?:\(([^)\n]{1,40})\)|,\s+(?:the|her|his|their)\s+([\w\s-]{1,30}))",
            text[end : end + 45],
        )
        words: list[str] = []
        if after:
            words += re.findall(r"[a-z]+", (after.group(1) or after.group(2) or "").lower())[:4]
        line_start = text.rfind("\n", 0, start) + 1
        words += list(
            reversed(re.findall(r"[a-z]+", text[max(line_start, start - 40) : start].lower()))
        )[:4]
        for w in words:
            if w in ROLE_HINTS:
                return w
        return None

    def _score(self, text: str, m: re.Match[str]) -> tuple[float, str]:
        token = m.group()
        ambiguous = self.gaz.is_ambiguous(token) or token.lower() in self.gaz.stop
        if not ambiguous:
            return (0.9 if not token.islower() else 0.85), ""
        if token.islower():
            return 0.35, " (doubtful: also an ordinary word)"
        if token.isupper() and len(token) > 1:
            return 0.6, " (in capitals; also an ordinary word)"
        if _sentence_start(text, m.start()):
            return 0.6, " (at the start of a sentence; also an ordinary word)"
        return 0.85, ""
