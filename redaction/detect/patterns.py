"""Regular-expression recognisers for UK identifiers, each with validation where one exists."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from redaction.findings import (
    ADDRESS,
    BANK,
    DATE_OF_BIRTH,
    EMAIL,
    GP_PRACTICE,
    NHS_NUMBER,
    NI_NUMBER,
    PHONE,
    POSTCODE,
    SCHOOL,
    SOCIAL_CARE_ID,
    ULN,
    UPN,
    VEHICLE_REG,
)


@dataclass(frozen=True, slots=True)
class Match:
    """An identifier found in a text: kind, character span, score and why."""

    kind: str
    start: int
    end: int
    score: float
    reason: str


def nhs_number_valid(digits: str) -> bool:
    """Modulus 11 check of a ten-digit NHS number."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_valid(upn: str) -> bool:
    """Check letter of a unique pupil number (DfE algorithm, weights 2..13 mod 23)."""
    upn = upn.upper()
    if len(upn) != 13 or upn[0] not in _UPN_LETTERS or not upn[1:12].isdigit():
        return False
    if not (upn[12].isdigit() or upn[12] in _UPN_LETTERS):
        return False
    total = 0
    for weight, ch in zip(range(2, 14), upn[1:], strict=True):
        value = int(ch) if ch.isdigit() else _UPN_LETTERS.index(ch)
        total += weight * value
    return _UPN_LETTERS[total % 23] == upn[0]


_NI_BAD_PREFIX = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}


def ni_number_valid(text: str) -> bool:
    """National Insurance number: valid prefix letters, six digits, suffix A-D."""
    s = re.sub(r"\s", "", text).upper()
    if not re.fullmatch(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]", s):
        return False
    return s[:2] not in _NI_BAD_PREFIX


MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
DATE = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?[ \-]{MONTHS}\.?,?[ \-]\d{{2,4}}"
    rf"|{MONTHS}\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}"
    r"|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2}))"
)
STREET_TYPES = (
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Cl|Drive|Dr|Way|Crescent|Cres|Court|Ct|"
    r"Place|Pl|Gardens|Gdns|Terrace|Grove|Walk|Row|Hill|Park|Square|Sq|Mews|Rise|View|Green|"
    r"Parade|Croft|Meadow|Meadows|Fields|Gate|Wharf|Quay|Boulevard|Vale|Yard|Estate)"
)
_CAPWORD = r"[A-Z][A-Za-z'’\-]+"
POSTCODE_RE = (
    r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:[A-HK-Y]\d[A-Z\d]?|\d[A-HJKPSTUW\d]?) ?\d[ABD-HJLNP-UW-Z]{2})\b"
)

_EMAIL = re.compile(r"\b[A-Za-z0-9][A-Za-z0-9._%+'\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+\b")
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+44\s?\(?0?\)?\s?|0044\s?|\(?0)(?:\d[\s\-)]{0,2}){9,10})(?!\d)"
)
_POSTCODE = re.compile(POSTCODE_RE)
_POSTCODE_ANYCASE = re.compile(POSTCODE_RE.replace(" ?", " "), re.IGNORECASE)
_ADDRESS = re.compile(
    rf"(?:\b(?:Flat|Apartment|Apt|Unit|Room)\s+\d+[A-Za-z]?,?\s+(?:{_CAPWORD}\s+)?)?"
    rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:{_CAPWORD}\s+){{1,3}}{STREET_TYPES}\b"
    rf"(?:,?\s+(?!(?:on|in|at|and|the)\b){_CAPWORD}(?:\s+{_CAPWORD})?\b(?!\d))?"
    rf"(?:,?\s+{POSTCODE_RE})?"
)
_ADDRESS_LOWER = re.compile(
    rf"\b\d{{1,4}}[a-z]?,?\s+(?:[a-z]+\s+){{1,3}}{STREET_TYPES.lower()}\b", re.IGNORECASE
)
_NAMED_PLACE = re.compile(
    rf"\b(?:refuge|placement|placed|foster (?:home|placement)|residential (?:home|unit)|"
    rf"children's home|lives|living|resides|residing|staying|moved)\s+(?:at|in|to)\s+"
    rf"((?:{_CAPWORD}\s+){{1,3}}(?:House|Lodge|Cottage|Farm|Hall|Court|Refuge|Home|Place|"
    rf"Manor|Barn|Villa|Mews)\b)"
)
_DOB = re.compile(
    rf"\b(?:d\.?o\.?b\.?|dates? of birth|born(?: on)?|b\.)\s*(?:[:\-]|is|was|as|of)?\s*\(?({DATE})",
    re.IGNORECASE,
)
# "Kerry Walsh (mother), 05/03/1985", "Dean (brother) 4.9.2016": a date right after a
# relationship in brackets is that person's date of birth
_DOB_GROUP = re.compile(
    rf"\((?:[\w' -]{{0,20}}\b)?(?:mother|mum|father|dad|brother|sister|sibling|half[- ]\w+|step\w+|"
    rf"aunt|uncle|grand\w+|partner|cousin|child|son|daughter|carer)\b[^)\n]{{0,20}}\)[,;:\s-]*({DATE})",
    re.IGNORECASE,
)
# a table with a "DOB" / "Date of birth" column: the dates in the rows below it
_DOB_HEADER = re.compile(r"(?im)^.*\b(?:d\.?o\.?b\.?|date of birth)\b.*$")
_ANY_DATE = re.compile(rf"(?<![\w/.-])({DATE})(?![\w/])", re.IGNORECASE)
_NHS = re.compile(r"(?<![\d\-])(\d{3})[ \-]?(\d{3})[ \-]?(\d{4})(?![\d\-])")
_NI = re.compile(r"\b[A-Za-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-Da-d]\b")
_CARE_ID = re.compile(
    r"\b(?:(?:LCS|Mosaic|Liquidlogic|CareFirst|Carefirst|ICS|Frameworki|EHM|Azeus|Eclipse|"
    r"social care|case|client|child|person|family|record|CP|LAC|CIN)"
    r"\s*(?:ID|ref(?:erence)?|number|no\.?|#)|(?:ID|ref(?:erence)?)\s*(?:no\.?|number)?)"
    r"\s*[:#.]?\s*([A-Z]{0,4}[-/]?\d[\dA-Z\-/]{3,14})\b",
    re.IGNORECASE,
)
_UPN = re.compile(r"\b[A-Za-z]\d{11}[0-9A-Za-z]\b")
_ULN = re.compile(
    r"\b(?:ULN|unique learner number)\s*(?:no\.?|number)?\s*[:#]?\s*(\d{10})\b", re.IGNORECASE
)
_VEHICLE = re.compile(r"\b([A-Z]{2}(?:0[2-9]|[1-7]\d)\s?[A-Z]{3})\b")
_VEHICLE_OLD = re.compile(
    r"\b(?:reg(?:istration)?|vehicle|car|van|number plate)\b[^.\n]{0,40}?"
    r"\b([A-Z]\d{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?\d{1,3}[A-Z])\b",
    re.IGNORECASE,
)
_SORT_CODE = re.compile(r"\bsort\s*code\s*[:\-]?\s*(\d{2}[-\s]?\d{2}[-\s]?\d{2})\b", re.IGNORECASE)
_ACCOUNT = re.compile(
    r"\b(?:account|acc|a/c)\s*(?:no\.?|number)?\s*[:\-]?\s*(\d{8})\b", re.IGNORECASE
)
_IBAN = re.compile(r"\bGB\d{2}\s?[A-Z]{4}(?:\s?\d{4}){3}\s?\d{2}\b")
_SCHOOL = re.compile(
    r"\b(?:(?:St\.?|Saint)\s+)?(?:[A-Z][A-Za-z'’\-]+\s+){1,4}"
    r"(?:(?:C\s?of\s?E|CE|RC|Catholic|Church of England|Community|County|Junior|Infant|Infants|"
    r"First|Middle|Primary|Secondary|High|Grammar|Free|Special|Nursery)\s+)*"
    r"(?:School|Academy|College|Nursery|Pre-?School)\b"
)
_GP = re.compile(
    r"\b(?:[A-Z][A-Za-z'’\-]+\s+){1,3}"
    r"(?:Surgery|Medical Centre|Medical Practice|Health Centre|Family Practice|Group Practice)\b"
)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone_ok(text: str) -> bool:
    digits = _digits(text)
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    if digits.startswith("00440"):
        digits = digits[4:]
    return len(digits) in (10, 11) and digits[:2] in ("01", "02", "03", "07", "08")


def _context(text: str, start: int, words: tuple[str, ...], window: int = 40) -> bool:
    before = text[max(0, start - window) : start].lower()
    return any(w in before for w in words)


Recogniser = Callable[[str], Iterator[Match]]


def _emails(text: str) -> Iterator[Match]:
    for m in _EMAIL.finditer(text):
        yield Match(EMAIL, m.start(), m.end(), 0.99, "email address")


def _phones(text: str) -> Iterator[Match]:
    for m in _PHONE.finditer(text):
        raw = m.group().rstrip(" -)")
        if _phone_ok(raw):
            start = m.start()
            # a date or an NHS number in 3-3-4 form is not a phone number
            if re.fullmatch(r"\d{3} \d{3} \d{4}", raw) and nhs_number_valid(_digits(raw)):
                continue
            yield Match(PHONE, start, start + len(raw), 0.95, "UK telephone number")


def _postcodes(text: str) -> Iterator[Match]:
    seen: set[int] = set()
    for m in _POSTCODE.finditer(text):
        seen.add(m.start())
        yield Match(POSTCODE, m.start(), m.end(), 0.95, "UK postcode")
    for m in _POSTCODE_ANYCASE.finditer(text):
        if (
            m.start() not in seen
            and not m.group().islower()
            or (m.start() not in seen and _context(text, m.start(), ("postcode", "address")))
        ):
            if m.start() not in seen:
                yield Match(POSTCODE, m.start(), m.end(), 0.7, "UK postcode (unusual case)")


def _addresses(text: str) -> Iterator[Match]:
    for m in _ADDRESS.finditer(text):
        yield Match(ADDRESS, m.start(), m.end(), 0.9, "street address")
    for m in _ADDRESS_LOWER.finditer(text):
        yield Match(ADDRESS, m.start(), m.end(), 0.75, "street address")
    for m in _NAMED_PLACE.finditer(text):
        yield Match(ADDRESS, m.start(1), m.end(1), 0.85, "named placement or refuge address")


def _dobs(text: str) -> Iterator[Match]:
    for m in _DOB.finditer(text):
        yield Match(DATE_OF_BIRTH, m.start(1), m.end(1), 0.95, "date after 'DOB'/'born'")
    for m in _DOB_GROUP.finditer(text):
        yield Match(DATE_OF_BIRTH, m.start(1), m.end(1), 0.9, "date after a relationship")
    for header in _DOB_HEADER.finditer(text):
        if _ANY_DATE.search(header.group()):
            continue  # a label with its own value, not a column heading
        # the rows of the table: the following lines up to a blank line (at most 40)
        rest = text[header.end() : header.end() + 4000]
        block = re.split(r"\n\s*\n", rest, maxsplit=1)[0]
        block = "\n".join(block.split("\n")[:41])
        for m in _ANY_DATE.finditer(block):
            s = header.end() + m.start(1)
            yield Match(DATE_OF_BIRTH, s, s + len(m.group(1)), 0.85, "date in a 'DOB' column")


def _nhs(text: str) -> Iterator[Match]:
    for m in _NHS.finditer(text):
        digits = "".join(m.groups())
        if not nhs_number_valid(digits):
            continue
        spaced = m.group() != digits
        near = _context(text, m.start(), ("nhs",), 30)
        if near or spaced:
            score = 0.97 if near else 0.8
            yield Match(NHS_NUMBER, m.start(), m.end(), score, "NHS number (modulus 11 valid)")


def _ni(text: str) -> Iterator[Match]:
    for m in _NI.finditer(text):
        raw = m.group()
        if not ni_number_valid(raw):
            continue
        if raw != raw.upper() and not _context(text, m.start(), ("ni ", "insurance", "nino")):
            continue
        yield Match(NI_NUMBER, m.start(), m.end(), 0.95, "National Insurance number")


# the council's own case and file references identify a record, not a person
_CASE_LABEL = re.compile(r"(?i)^(?:case|record|family|CP|LAC|CIN)\b")


def _care_ids(text: str) -> Iterator[Match]:
    for m in _CARE_ID.finditer(text):
        value = m.group(1)
        if _CASE_LABEL.match(m.group()):
            continue
        if sum(c.isdigit() for c in value) < 4:
            continue
        if re.fullmatch(DATE, value):
            continue
        yield Match(SOCIAL_CARE_ID, m.start(1), m.end(1), 0.85, "case or person reference")


def _upn_uln(text: str) -> Iterator[Match]:
    for m in _UPN.finditer(text):
        if upn_valid(m.group()):
            yield Match(UPN, m.start(), m.end(), 0.95, "unique pupil number (check letter valid)")
        elif _context(text, m.start(), ("upn", "pupil number")):
            yield Match(UPN, m.start(), m.end(), 0.7, "unique pupil number (by context)")
    for m in _ULN.finditer(text):
        yield Match(ULN, m.start(1), m.end(1), 0.9, "unique learner number")


def _vehicles(text: str) -> Iterator[Match]:
    for m in _VEHICLE.finditer(text):
        score = 0.9 if _context(text, m.start(), ("reg", "vehicle", "car", "van", "plate")) else 0.7
        yield Match(VEHICLE_REG, m.start(1), m.end(1), score, "vehicle registration")
    for m in _VEHICLE_OLD.finditer(text):
        if m.group(1).upper() == m.group(1):
            yield Match(VEHICLE_REG, m.start(1), m.end(1), 0.8, "vehicle registration (older)")


def _bank(text: str) -> Iterator[Match]:
    for m in _SORT_CODE.finditer(text):
        yield Match(BANK, m.start(1), m.end(1), 0.95, "sort code")
    for m in _ACCOUNT.finditer(text):
        yield Match(BANK, m.start(1), m.end(1), 0.9, "bank account number")
    for m in _IBAN.finditer(text):
        yield Match(BANK, m.start(), m.end(), 0.95, "IBAN")


# words that stand before a school's name, not in it ("Visited Hillcrest Middle School")
_NOT_A_SCHOOL_WORD = frozenset(
    """the a at to from and attends attended attending visited visit visiting left joined
    contacted phoned called rang emailed met saw spoke told started moved moves via with
    into on in of for by""".split()
)


def _schools(text: str) -> Iterator[Match]:
    for m in _SCHOOL.finditer(text):
        start = m.start()
        words = m.group().split()
        # "the School", "at School" are not names of a school
        while words and words[0].lower() in _NOT_A_SCHOOL_WORD:
            start += len(words[0]) + 1
            words = words[1:]
        if len(words) >= 2:
            yield Match(SCHOOL, start, m.end(), 0.7, "school name (may identify a child)")
    for m in _GP.finditer(text):
        words = m.group().split()
        start = m.start()
        while words and words[0].lower() in ("the", "a", "at", "to", "from", "and"):
            start += len(words[0]) + 1
            words = words[1:]
        if len(words) >= 2:
            yield Match(GP_PRACTICE, start, m.end(), 0.7, "GP practice (may identify a family)")


RECOGNISERS: tuple[Recogniser, ...] = (
    _emails,
    _phones,
    _postcodes,
    _addresses,
    _dobs,
    _nhs,
    _ni,
    _care_ids,
    _upn_uln,
    _vehicles,
    _bank,
    _schools,
)


def find_identifiers(text: str) -> list[Match]:
    """All identifier matches in ``text``; overlapping matches of one kind are merged."""
    matches = [m for rec in RECOGNISERS for m in rec(text)]
    matches.sort(key=lambda m: (m.kind, m.start, -m.end))
    merged: list[Match] = []
    for m in matches:
        last = merged[-1] if merged else None
        if last and last.kind == m.kind and m.start < last.end:
            if m.end > last.end or m.score > last.score:
                merged[-1] = Match(
                    m.kind, last.start, max(last.end, m.end), max(last.score, m.score), last.reason
                )
            continue
        merged.append(m)
    # a phone number inside an NHS number, a date of birth inside an ID, ... the more specific wins
    out: list[Match] = []
    priority = {
        NHS_NUMBER: 0,
        UPN: 0,
        ULN: 0,
        NI_NUMBER: 0,
        BANK: 1,
        EMAIL: 1,
        DATE_OF_BIRTH: 1,
        SOCIAL_CARE_ID: 2,
        PHONE: 3,
        VEHICLE_REG: 3,
        POSTCODE: 4,
        ADDRESS: 5,
        SCHOOL: 6,
        GP_PRACTICE: 6,
    }
    for m in merged:
        clash = [
            o
            for o in merged
            if o is not m
            and o.start <= m.start
            and m.end <= o.end
            and (o.end - o.start) > (m.end - m.start)
            and priority.get(o.kind, 9) <= priority.get(m.kind, 9)
            and o.kind != ADDRESS
        ]
        if clash:
            continue
        out.append(m)
    return sorted(out, key=lambda m: (m.start, m.end))
