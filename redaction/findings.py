"""Value objects shared by extraction, detection, redaction and verification."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
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

    @property
    def is_third_party(self) -> bool:
        """True when the finding carries a suggested exemption (to be redacted by default)."""
        return self.exemption is not None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form used by the command line."""
        data = asdict(self)
        data["rects"] = [[round(v, 2) for v in r] for r in self.rects]
        data["score"] = round(self.score, 3)
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
    """A known person of a case: every name they go by, their role and whether professional."""

    names: tuple[str, ...]
    role: str = ROLE_THIRD_PARTY
    professional: bool = False
    subject: bool = False

    @property
    def label(self) -> str:
        """The name shown to reviewers for this party."""
        return self.names[0] if self.names else ""


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
        """Parse the PARTIES.json form: a subject with names, and parties with names and roles."""
        subject = None
        raw_subject = data.get("subject")
        if isinstance(raw_subject, Mapping):
            names = tuple(str(n) for n in raw_subject.get("names") or () if str(n).strip())
            if names:
                subject = Party(names, role=ROLE_SUBJECT, subject=True)
        others: list[Party] = []
        for raw in data.get("parties") or ():
            if not isinstance(raw, Mapping):
                raise ValueError("each party must be an object with 'names'")
            names = tuple(str(n) for n in raw.get("names") or () if str(n).strip())
            if not names:
                continue
            professional = bool(raw.get("professional", False))
            default_role = ROLE_PROFESSIONAL if professional else ROLE_THIRD_PARTY
            role = str(raw.get("role") or default_role)
            others.append(Party(names, role=role, professional=professional))
        return cls(subject, tuple(others))

    def merged(self, other: Parties) -> Parties:
        """Combine two descriptions of the same case (subject names are joined)."""
        subject = self.subject
        if other.subject is not None:
            names = (subject.names if subject else ()) + other.subject.names
            subject = Party(tuple(dict.fromkeys(names)), role=ROLE_SUBJECT, subject=True)
        return Parties(subject, self.others + other.others)


def _rect(value: Any) -> Rect:
    x0, y0, x1, y1 = (float(v) for v in value)
    return (x0, y0, x1, y1)


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
