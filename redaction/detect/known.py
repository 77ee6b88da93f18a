"""The register's own identifiers found wherever they appear, in every written form: a date of
birth as ``05/03/1985``, ``5.3.85``, ``5 March 1985`` or ``March 5th, 1985``; a phone with or
without spaces or +44; NHS numbers in any grouping; addresses whole (house and street, then
town and postcode when they follow) and their postcodes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from redaction.detect.patterns import POSTCODE_RE
from redaction.findings import (
    ADDRESS,
    DATE_OF_BIRTH,
    EMAIL,
    NHS_NUMBER,
    PHONE,
    POSTCODE,
    SOCIAL_CARE_ID,
    Parties,
    Party,
)

_MONTHS = (
    "january february march april may june july august september october november december"
).split()


@dataclass(frozen=True, slots=True)
class KnownMatch:
    """An identifier of a known person found in a text."""

    kind: str
    start: int
    end: int
    party: Party
    reason: str


def _date_patterns(iso: str) -> list[str]:
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return []
    day, month, year = d.day, d.month, d.year
    yy = f"{year % 100:02d}"
    sep = r"\s?[/.\-]\s?"
    month_word = (
        rf"(?:{_MONTHS[month - 1]}|{_MONTHS[month - 1][:3]}\.?|sept\.?)"
        if month == 9
        else (rf"(?:{_MONTHS[month - 1]}|{_MONTHS[month - 1][:3]}\.?)")
    )
    ordinal = r"(?:st|nd|rd|th)?"
    return [
        rf"(?<![\d/.\-])0?{day}{sep}0?{month}{sep}(?:{year}|{yy})(?![\d/]|\.\d)",
        rf"(?<![\d/.\-]){year}{sep}0?{month}{sep}0?{day}(?![\d/]|\.\d)",
        rf"\b0?{day}{ordinal}\s+(?:of\s+)?{month_word},?\s+(?:{year}|'{yy})\b",
        rf"\b{month_word}\s+0?{day}{ordinal},?\s+{year}\b",
    ]


def _digit_pattern(digits: str) -> str:
    return r"[\s\-]?".join(re.escape(c) for c in digits)


def _phone_patterns(phone: str) -> list[str]:
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("44") and len(digits) > 10:
        digits = "0" + digits[2:]
    if len(digits) < 6:
        return []
    national = digits[1:] if digits.startswith("0") else digits
    body = r"[\s\-)]{0,2}".join(re.escape(c) for c in national)
    return [rf"(?<![\d+])(?:\+44\s?\(?0?\)?\s?|0044\s?|\(?0)?{body}(?!\d)"]


def _address_patterns(address: str) -> list[tuple[str, str, str]]:
    """(kind, pattern, reason) for an address: the whole of it from the house and street on,
    the first line alone, and the postcode alone."""
    parts = [p.strip() for p in re.split(r"[,\n]", address) if p.strip()]
    if not parts:
        return []
    flex = [r"\s+".join(re.escape(w) for w in p.split()) for p in parts]
    out: list[tuple[str, str, str]] = []
    postcode = next((p for p in parts if re.fullmatch(POSTCODE_RE, p.upper())), None)
    # the first line, then whatever of the rest follows it in order
    tail = ""
    for piece in reversed(flex[1:]):
        tail = rf"(?:[,\s]+{piece}{tail})?"
    if not re.fullmatch(POSTCODE_RE, parts[0].upper()):
        out.append((ADDRESS, rf"\b{flex[0]}{tail}\b", "an address of"))
    if postcode:
        pc = postcode.upper().replace(" ", "")
        out.append(
            (POSTCODE, rf"\b{re.escape(pc[:-3])}\s?{re.escape(pc[-3:])}\b", "the postcode of")
        )
    return out


def _patterns(party: Party) -> Iterator[tuple[str, str, str]]:
    if party.date_of_birth:
        for p in _date_patterns(party.date_of_birth):
            yield DATE_OF_BIRTH, p, "the date of birth of"
    if party.nhs_number:
        digits = re.sub(r"\D", "", party.nhs_number)
        if len(digits) == 10:
            yield NHS_NUMBER, rf"(?<![\d\-]){_digit_pattern(digits)}(?![\d\-])", "the NHS number of"
    if party.social_care_number:
        ref = party.social_care_number.strip()
        body = r"[\s\-/]?".join(re.escape(c) for c in ref if not c.isspace())
        yield SOCIAL_CARE_ID, rf"(?<![\w]){body}(?![\w])", "the social care number of"
    for phone in party.phones:
        for p in _phone_patterns(phone):
            yield PHONE, p, "a phone number of"
    for email in party.emails:
        yield EMAIL, rf"(?<![\w.+-]){re.escape(email.strip())}(?![\w-])", "an email address of"
    for address in party.addresses:
        yield from _address_patterns(address)


class KnownIdentifiers:
    """Finds the register's identifiers of every party; compiled once per register."""

    def __init__(self, parties: Parties) -> None:
        self.rules: list[tuple[str, re.Pattern[str], Party, str]] = []
        for party in parties.all:
            for kind, pattern, reason in _patterns(party):
                self.rules.append((kind, re.compile(pattern, re.IGNORECASE), party, reason))

    def find(self, text: str) -> list[KnownMatch]:
        """Every match; where two overlap, the longer wins (the whole address over its postcode)."""
        raw = [
            KnownMatch(kind, m.start(), m.end(), party, f"{reason} {party.label} (register)")
            for kind, rx, party, reason in self.rules
            for m in rx.finditer(text)
            if m.end() > m.start()
        ]
        raw.sort(key=lambda k: (-(k.end - k.start), k.start))
        chosen: list[KnownMatch] = []
        for k in raw:
            if any(c.start < k.end and k.start < c.end for c in chosen):
                continue
            chosen.append(k)
        return sorted(chosen, key=lambda k: k.start)
