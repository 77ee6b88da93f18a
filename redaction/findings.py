"""Value objects shared by extraction, detection, redaction and verification."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

Rect = tuple[float, float, float, float]

PERSON = "PERSON"
PHONE = "PHONE"
EMAIL = "EMAIL"
POSTCODE = "POSTCODE"
ADDRESS = "ADDRESS"
DATE_OF_BIRTH = "DATE_OF_BIRTH"
NHS_NUMBER = "NHS_NUMBER"
NI_NUMBER = "NI_NUMBER"
SOCIAL_CARE_ID = "SOCIAL_CARE_ID"
UPN = "UPN"
ULN = "ULN"
VEHICLE_REG = "VEHICLE_REG"
BANK = "BANK"
SCHOOL = "SCHOOL"
GP_PRACTICE = "GP_PRACTICE"
MANUAL = "MANUAL"

KINDS: tuple[str, ...] = (
    PERSON,
    PHONE,
    EMAIL,
    POSTCODE,
    ADDRESS,
    DATE_OF_BIRTH,
    NHS_NUMBER,
    NI_NUMBER,
    SOCIAL_CARE_ID,
    UPN,
    ULN,
    VEHICLE_REG,
    BANK,
    SCHOOL,
    GP_PRACTICE,
    MANUAL,
)

THIRD_PARTY_EXEMPTION = "TP"

ROLE_SUBJECT = "subject"
ROLE_THIRD_PARTY = "third party"
ROLE_PROFESSIONAL = "professional"


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data found on one page of a working copy.

    ``page`` is 1-based; ``start``/``end`` are offsets into that page's extracted text;
    ``rects`` are ``(x0, y0, x1, y1)`` in PDF points, origin top-left.
    """

    kind: str
    text: str
    page: int
    start: int
    end: int
    rects: tuple[Rect, ...] = ()
    score: float = 1.0
    source: str = ""
    reason: str = ""
    exemption: str | None = None
    party: str | None = None
    role: str | None = None
    # everyone the mention could be, when the register cannot tell (the reviewer chooses)
    candidates: tuple[str, ...] = ()

    @property
    def is_third_party(self) -> bool:
        """True when the finding carries a suggested exemption (to be redacted by default)."""
        return self.exemption is not None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form used by the command line."""
        data = asdict(self)
        data["rects"] = [[round(v, 2) for v in r] for r in self.rects]
        data["score"] = round(self.score, 3)
        data["candidates"] = list(self.candidates)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """Build a finding from ``to_dict`` output (manual ones may carry only kind/page/rects)."""
        rects = tuple(_rect(r) for r in data.get("rects") or ())
        return cls(
            kind=str(data.get("kind", MANUAL)),
            text=str(data.get("text") or ""),
            page=int(data["page"]),
            start=int(data.get("start") or 0),
            end=int(data.get("end") or 0),
            rects=rects,
            score=float(data.get("score", 1.0)),
            source=str(data.get("source") or ("manual" if data.get("kind") == MANUAL else "")),
            reason=str(data.get("reason") or ""),
            exemption=_opt_str(data.get("exemption")),
            party=_opt_str(data.get("party")),
            role=_opt_str(data.get("role")),
            candidates=tuple(str(c) for c in data.get("candidates") or ()),
        )


@dataclass(frozen=True, slots=True)
class PageWarning:
    """Something the reviewer must look at on a page (``page`` 0 means the whole document)."""

    page: int
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form used by the command line."""
        return {"page": self.page, "code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class Party:
    """A known person of a case: every name they go by, their role, whether professional, and
    the identifiers the register holds for them (all optional)."""

    names: tuple[str, ...]
    role: str = ROLE_THIRD_PARTY
    professional: bool = False
    subject: bool = False
    sex: str | None = None  # "F", "M" or None
    date_of_birth: str | None = None  # ISO date
    nhs_number: str | None = None
    social_care_number: str | None = None
    addresses: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The name shown to reviewers for this party."""
        return self.names[0] if self.names else ""

    @classmethod
    def from_json(cls, raw: Mapping[str, Any], *, subject: bool = False) -> Party | None:
        """One person of PARTIES.json (None when it has no name)."""
        names = tuple(str(n) for n in raw.get("names") or () if str(n).strip())
        if not names:
            return None
        professional = bool(raw.get("professional", False)) and not subject
        default_role = (
            ROLE_SUBJECT if subject else ROLE_PROFESSIONAL if professional else ROLE_THIRD_PARTY
        )
        role = str(raw.get("role") or default_role)
        sex = str(raw.get("sex") or "").strip().upper()[:1] or sex_from_role(role)
        return cls(
            names,
            role=role,
            professional=professional,
            subject=subject,
            sex=sex if sex in ("F", "M") else None,
            date_of_birth=_opt_str(raw.get("date_of_birth")),
            nhs_number=_opt_str(raw.get("nhs_number")),
            social_care_number=_opt_str(raw.get("social_care_number")),
            addresses=_strings(raw.get("addresses")),
            phones=_strings(raw.get("phones")),
            emails=_strings(raw.get("emails")),
        )


_FEMALE_ROLES = (
    "mother mum mom stepmother stepmum grandmother grandma nan nana gran granny aunt auntie "
    "sister stepsister half-sister daughter stepdaughter niece wife girlfriend godmother"
).split()
_MALE_ROLES = (
    "father dad stepfather stepdad grandfather grandad grandpa uncle brother stepbrother "
    "half-brother son stepson nephew husband boyfriend godfather"
).split()


def sex_from_role(role: str) -> str | None:
    """ "maternal grandmother" -> "F", "father's partner" -> None (the partner's is unknown)."""
    words = role.lower().replace("_", " ").split()
    if not words or "partner" in words[-1:] or "'s" in role or "’s" in role:
        return None
    last = words[-1]
    if last in _FEMALE_ROLES:
        return "F"
    if last in _MALE_ROLES:
        return "M"
    return None


@dataclass(frozen=True, slots=True)
class Parties:
    """The data subject and the other known people of a case."""

    subject: Party | None = None
    others: tuple[Party, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        """True when nobody is known: detection runs in generic mode."""
        return self.subject is None and not self.others

    @property
    def all(self) -> tuple[Party, ...]:
        """The subject first, then the others."""
        return ((self.subject,) if self.subject else ()) + self.others

    @classmethod
    def build(
        cls,
        subject: Sequence[str] = (),
        third_parties: Sequence[str] = (),
        professionals: Sequence[str] = (),
    ) -> Parties:
        """Build parties from plain name lists (one subject with aliases, one party per name)."""
        subj = (
            Party(tuple(subject), role=ROLE_SUBJECT, subject=True)
            if any(s.strip() for s in subject)
            else None
        )
        others = tuple(Party((n,), ROLE_THIRD_PARTY) for n in third_parties if n.strip())
        others += tuple(
            Party((n,), ROLE_PROFESSIONAL, professional=True) for n in professionals if n.strip()
        )
        return cls(subj, others)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Parties:
        """Parse the PARTIES.json form: a subject, and parties with names, role and identifiers
        (documented in ``redaction/README.md``)."""
        subject = None
        raw_subject = data.get("subject")
        if isinstance(raw_subject, Mapping):
            subject = Party.from_json(raw_subject, subject=True)
        others: list[Party] = []
        for raw in data.get("parties") or ():
            if not isinstance(raw, Mapping):
                raise ValueError("each party must be an object with 'names'")
            party = Party.from_json(raw)
            if party is not None:
                others.append(party)
        return cls(subject, tuple(others))

    def merged(self, other: Parties) -> Parties:
        """Combine two descriptions of the same case (subject names are joined)."""
        subject = self.subject
        if other.subject is not None:
            names = (subject.names if subject else ()) + other.subject.names
            subject = replace(other.subject, names=tuple(dict.fromkeys(names)))
        return Parties(subject, self.others + other.others)


def _rect(value: Any) -> Rect:
    x0, y0, x1, y1 = (float(v) for v in value)
    return (x0, y0, x1, y1)


def _opt_str(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value)


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    return tuple(str(v) for v in value or () if str(v).strip())
