"""A deterministic demo export of Children's Services records, with the ground truth of every
person and identifier each document mentions.

``generate(out_dir, children=50, seed=2026)`` writes::

    out_dir/manifest.json       people, cases (with roles) and documents ("disclose-records/1")
    out_dir/ground_truth.json   per document: every name mention and identifier, exactly as written
    out_dir/documents/          D000001.pdf | .docx | .eml

Name mentions are the strings as they stand in the text, titles and possessives included
("Kelly Brown", "KELLY", "kelly", "Ms Brown", "Kelly's", "KB", "PC 1234 Hughes"); role words
("mum", "SW") are not names. An address is listed as ADDRESS (the street line, or the whole one-line
address) and its postcode again as POSTCODE. In an email, the header display names and addresses
and the text of any attachment count as the email's text. Three PDFs are deliberately awkward
("truncated", "encrypted", "scanned"): their ground truth is what a reader of the original would
see, marked with ``"awkward"``.

Only the standard library, PyMuPDF and python-docx are used, so the generator runs anywhere. All
randomness comes from one ``random.Random(seed)`` and every date from a fixed anchor, so two runs
write byte-identical JSON and documents (the encrypted PDF's keys excepted). Phone numbers are in
Ofcom's drama ranges, NHS numbers start 999 (never issued) with a valid check digit, and email
domains are under example.org / example.com.
"""

from __future__ import annotations

import io
import json
import random
import re
import textwrap
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import docx
import fitz
from docx.oxml.ns import qn
from docx.shared import Pt

FORMAT = "disclose-records/1"
ANCHOR = date(2026, 10, 1)
_META_DATE = "D:20261001090000Z"
_ZIP_DATE = (2026, 10, 1, 9, 0, 0)
_ENCRYPTED_PASSWORD = "disclose-demo"

WCF = "Worcestershire Children First"
NHS_TRUST = "Herefordshire and Worcestershire Health and Care NHS Trust"
POLICE = "West Mercia Police"
ADVOCACY = "Worcestershire Advocacy Service"
SURGERIES = ["Cathedral View Surgery", "Riverside Medical Practice", "Elmbridge Health Centre"]
SCHOOLS = [
    ("St Mary's Primary School", "primary"),
    ("Oakfield Primary School", "primary"),
    ("Brookside First School", "primary"),
    ("Kingfisher Academy", "secondary"),
    ("Severn Vale High School", "secondary"),
    ("Hillcrest Middle School", "secondary"),
]
TOWNS = [
    ("Worcester", ["WR1", "WR2", "WR3", "WR4", "WR5"]),
    ("Redditch", ["B97", "B98"]),
    ("Kidderminster", ["DY10", "DY11"]),
    ("Evesham", ["WR11"]),
    ("Malvern", ["WR14"]),
    ("Bromsgrove", ["B60", "B61"]),
]
# fmt: off
STREETS = [
    "Oak Road", "Station Street", "Mill Lane", "Windsor Close", "Church Avenue", "Elm Grove",
    "Victoria Road", "Meadow Way", "Severn Terrace", "Brook Street", "Hawthorn Drive",
    "Laburnum Close", "Cherry Tree Walk", "Lansdowne Crescent", "Barbourne Road", "Park View"
]
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# (female first names, male first names, surnames) by heritage
NAMES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "english": (
        ["Kelly", "Jade", "Chloe", "Emma", "Sarah", "Rebecca", "Gemma", "Stacey", "Lauren",
         "Katherine", "Charlotte", "Rose", "Grace", "Hope", "Olivia", "Amelia", "Poppy", "Lily",
         "Elizabeth", "Jessica", "Abigail", "Paige", "Leanne", "Summer"],
        ["Jayden", "Tyler", "Liam", "Kyle", "Alfred", "William", "Thomas", "Oliver", "Harry",
         "Jack", "Dean", "Wayne", "Craig", "Lee", "Daniel", "Frederick", "Samuel", "Mason",
         "Riley", "Will", "Joseph", "Matthew"],
        ["Brown", "Green", "Wood", "Smith", "Taylor", "Hughes", "Walker", "Baker", "Harris",
         "Cooper", "Turner", "Hill", "White", "Young", "Haworth-Booth", "Davies-Hill", "Bird",
         "Pilkington", "Fairweather", "Ashcroft"],
    ),
    "scottish": (
        ["Eilidh", "Isla", "Morag", "Kirsty", "Catriona"],
        ["Callum", "Ewan", "Fraser", "Hamish", "Ruaridh"],
        ["MacDonald", "Campbell", "McLeod", "Stewart", "Robertson"],
    ),
    "welsh": (
        ["Cerys", "Seren", "Lowri", "Rhiannon", "Ffion", "Bethan"],
        ["Rhys", "Dafydd", "Gethin", "Owain", "Iwan"],
        ["Jones", "Davies", "Evans", "Williams", "Morgan", "Price", "Lloyd"],
    ),
    "irish": (
        ["Siobhan", "Niamh", "Aoife", "Roisin", "Caoimhe", "Saoirse"],
        ["Sean", "Ciaran", "Padraig", "Oisin", "Cormac", "Declan"],
        ["O'Brien", "Murphy", "Kelly", "Byrne", "O'Connor", "McCarthy", "Doherty"],
    ),
    "south_asian": (
        ["Priya", "Aisha", "Fatima", "Sana", "Anjali", "Harpreet", "Nadia", "Zara"],
        ["Arjun", "Mohammed", "Imran", "Rohan", "Aarav", "Hamza", "Gurpreet", "Zain"],
        ["Patel", "Khan", "Hussain", "Ahmed", "Singh", "Begum", "Sharma", "Chaudhry", "Mistry"],
    ),
    "african": (
        ["Chioma", "Adaeze", "Amara", "Blessing", "Precious", "Abena", "Nkechi", "Zainab"],
        ["Oluwaseun", "Chidi", "Kwame", "Tunde", "Emeka", "Kofi", "Femi", "Tobi"],
        ["Okafor", "Adeyemi", "Mensah", "Okonkwo", "Boateng", "Ogunbiyi", "Nwosu", "Asante"],
    ),
    "caribbean": (
        ["Shanice", "Tiana", "Keisha", "Marcia", "Jada", "Aaliyah"],
        ["Marcus", "Delroy", "Jermaine", "Tyrone", "Andre", "Kai"],
        ["Campbell", "Clarke", "Thompson", "Richards", "Francis", "Bailey", "Grant"],
    ),
    "eastern_european": (
        ["Agnieszka", "Katarzyna", "Oksana", "Ioana", "Monika", "Zuzana", "Alina"],
        ["Marcin", "Tomasz", "Andrei", "Lukas", "Piotr", "Mateusz", "Bogdan"],
        ["Nowak", "Kowalski", "Wisniewski", "Popescu", "Szczepanski", "Horvath", "Kaminski"],
    ),
    "arabic": (
        ["Layla", "Mariam", "Noor", "Yasmin", "Huda", "Salma"],
        ["Omar", "Yusuf", "Khalid", "Tariq", "Karim", "Ali"],
        ["Al-Hassan", "Haddad", "Mansour", "Nasser", "Saleh", "Abdullah"],
    ),
    "chinese": (
        ["Mei", "Xiu", "Jia", "Wen", "Lin"],
        ["Wei", "Jun", "Hao", "Ming", "Bo"],
        ["Chen", "Wang", "Zhang", "Liu", "Wong", "Lam"],
    ),
}
_HERITAGE_WEIGHTS = {
    "english": 40, "scottish": 5, "welsh": 6, "irish": 6, "south_asian": 12, "african": 8,
    "caribbean": 7, "eastern_european": 9, "arabic": 4, "chinese": 3
}
SHORT_FORMS = {
    "Katherine": "Katie", "Alfred": "Alfie", "William": "Will", "Elizabeth": "Lizzie",
    "Thomas": "Tom", "Samuel": "Sam", "Rebecca": "Becky", "Daniel": "Danny", "Oliver": "Ollie",
    "Frederick": "Freddie", "Charlotte": "Lottie", "Joseph": "Joe", "Jessica": "Jess",
    "Abigail": "Abbie", "Matthew": "Matt", "Oluwaseun": "Seun", "Mohammed": "Mo",
    "Katarzyna": "Kasia", "Padraig": "Paddy"
}
MIDDLE_NAMES = {
    "f": ["Lee", "Rose", "Mae", "Louise", "Grace", "Ann", "Marie"],
    "m": ["Lee", "James", "John", "Ray", "Jay", "Anthony", "David"],
}
# fmt: on

PRO_ROLES = {  # role -> (abbreviation, job title, organisation)
    "social_worker": ("SW", "Social Worker", WCF),
    "team_manager": ("TM", "Team Manager", WCF),
    "independent_reviewing_officer": ("IRO", "Independent Reviewing Officer", WCF),
    "health_visitor": ("HV", "Health Visitor", NHS_TRUST),
    "school_nurse": ("School Nurse", "School Nurse", NHS_TRUST),
    "gp": ("GP", "GP", ""),
    "police_officer": ("Police", "Police Constable", POLICE),
    "advocate": ("Advocate", "Advocate", ADVOCACY),
    "teacher": ("Class teacher", "Class Teacher", ""),
    "designated_safeguarding_lead": ("DSL", "Designated Safeguarding Lead", ""),
}
_DOMAINS = {
    WCF: "childrenfirst.example.org",
    NHS_TRUST: "hwhct.example.org",
    POLICE: "police.example.org",
    ADVOCACY: "advocacy.example.org",
}
_FAMILY_DOMAINS = ["example.com", "example.co.uk", "example.net"]
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class ExportSummary:
    """What a demo export holds."""

    out_dir: Path
    people: int
    professionals: int
    cases: int
    documents: int
    by_format: dict[str, int]
    by_type: dict[str, int]
    awkward: dict[str, str]


@dataclass
class _Person:
    id: str
    first_names: str
    last_name: str
    known: str
    gender: str
    professional: bool = False
    role: str = ""
    organisation: str | None = None
    title: str = ""
    aliases: list[str] = field(default_factory=list)
    dob: date | None = None
    sc_number: str | None = None
    nhs: str | None = None
    ni: str | None = None
    address: tuple[str, str, str] | None = None  # street line, town, postcode
    old_address: tuple[str, str, str] | None = None
    phone: str | None = None
    email: str | None = None
    vehicle: str | None = None
    school: str | None = None

    @property
    def abbr(self) -> str:
        return PRO_ROLES[self.role][0] if self.professional else ""

    @property
    def job(self) -> str:
        return PRO_ROLES[self.role][1] if self.professional else ""

    def pronoun(self) -> str:
        return "she" if self.gender == "f" else "he"

    def their(self) -> str:
        return "her" if self.gender == "f" else "his"


@dataclass
class _Family:
    children: list[_Person]
    adults: dict[str, _Person]
    address: tuple[str, str, str]


@dataclass
class _Case:
    id: str
    type: str
    opened: date
    closed: date | None
    child: _Person
    family: _Family
    roles: list[tuple[_Person, str]]

    def get(self, role: str) -> _Person | None:
        return next((p for p, r in self.roles if r == role), None)

    def all(self, role: str) -> list[_Person]:
        return [p for p, r in self.roles if r == role]

    @property
    def pros(self) -> list[_Person]:
        return [p for p, _ in self.roles if p.professional]


Block = tuple[str, Any]  # ("h", str) | ("p", str) | ("table", list[list[str]]) | ("gap", None)


@dataclass
class _Attachment:
    filename: str
    fmt: str
    title: str
    blocks: list[Block]


@dataclass
class _Doc:
    """A document being written: its blocks and everything it names, recorded as written."""

    id: str
    case: _Case
    type: str
    date: date
    title: str
    fmt: str
    rng: random.Random
    author: _Person | None = None
    header: str = ""
    footer: str = ""
    blocks: list[Block] = field(default_factory=list)
    mentions: dict[str, list[str]] = field(default_factory=dict)
    identifiers: list[tuple[str, str]] = field(default_factory=list)
    first_only: set[str] = field(default_factory=set)
    # email only
    sender: _Person | None = None
    to: list[_Person] = field(default_factory=list)
    cc: list[_Person] = field(default_factory=list)
    subject: str = ""
    in_reply_to: str | None = None
    attachment: _Attachment | None = None
    awkward: str | None = None

    # -- recording -------------------------------------------------------------------------------
    def n(self, p: _Person, form: str = "full", poss: bool = False) -> str:
        """A name of p in the given form, recorded as a mention."""
        if p.id in self.first_only and form not in ("first", "FIRST", "lower"):
            form = "first"
        text = _name_form(p, form)
        if poss:
            text += "'" if text.endswith("s") and form in ("title", "surname") else "'s"
        got = self.mentions.setdefault(p.id, [])
        if text not in got:
            got.append(text)
        return text

    def i(self, kind: str, text: str) -> str:
        """An identifier, recorded as written."""
        if (kind, text) not in self.identifiers:
            self.identifiers.append((kind, text))
        return text

    def seen(self, p: _Person) -> bool:
        return p.id in self.mentions

    def fam(self, p: _Person, poss: bool = False, style: str = "note") -> str:
        """A family member named the way a busy worker would: full first, then shorter forms."""
        r = self.rng
        if p.id in self.first_only:
            return self.n(p, r.choice(["first", "first", "FIRST", "lower"]), poss)
        if not self.seen(p):
            form = r.choice(["full", "full", "formal", "FULL"] if style == "note" else ["full"])
        elif style == "formal":
            form = r.choice(["title", "title", "first"] if p.dob and _age(p) >= 18 else ["first"])
        else:
            adult = p.dob is None or _age(p) >= 18
            choices = ["first", "first", "first", "FIRST", "lower"]
            if adult:
                choices += ["title", "title", "initials", "surname"]
            form = r.choice(choices)
        return self.n(p, form, poss)

    def pro(self, p: _Person, poss: bool = False) -> str:
        """A professional: full name and role first, then title, first name or initials."""
        if not self.seen(p):
            return f"{self.n(p, 'full', poss)} ({p.abbr})"
        return self.n(
            p, self.rng.choice(["title", "title", "first", "initials", "init_surname"]), poss
        )

    def dob(self, p: _Person) -> str:
        assert p.dob is not None
        return self.i("DATE_OF_BIRTH", _date_text(p.dob, self.rng.choice(["slash", "long"])))

    def addr(self, a: tuple[str, str, str], one_line: bool = True) -> str:
        self.i("POSTCODE", a[2])
        if one_line:
            return self.i("ADDRESS", f"{a[0]}, {a[1]}, {a[2]}")
        self.i("ADDRESS", a[0])
        return f"{a[0]}\n{a[1]}\n{a[2]}"

    def h(self, text: str) -> None:
        self.blocks.append(("h", text))

    def p(self, *parts: str) -> None:
        self.blocks.append(("p", " ".join(x for x in parts if x)))

    def table(self, rows: list[list[str]]) -> None:
        self.blocks.append(("table", rows))


# -- small helpers -----------------------------------------------------------------------------
def _age(p: _Person, on: date = ANCHOR) -> int:
    assert p.dob is not None
    return on.year - p.dob.year - ((on.month, on.day) < (p.dob.month, p.dob.day))


def _initials(p: _Person) -> str:
    return p.known[0] + "".join(part[0] for part in re.split(r"[- ']", p.last_name) if part)


def _name_form(p: _Person, form: str) -> str:
    k, last = p.known, p.last_name
    forms = {
        "full": f"{k} {last}",
        "formal": f"{p.first_names} {last}",
        "first": k,
        "FIRST": k.upper(),
        "FULL": f"{k} {last}".upper(),
        "lower": k.lower(),
        "title": f"{p.title} {last}",
        "surname": last,
        "SURNAME": last.upper(),
        "initials": _initials(p).upper(),
        "init_surname": f"{k[0]}. {last}",
        "SURNAME_first": f"{last.upper()}, {p.first_names}",
    }
    return forms[form]


def _date_text(d: date, style: str) -> str:
    if style == "slash":
        return d.strftime("%d/%m/%Y")
    if style == "short":
        return d.strftime("%d.%m.%y")
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _nhs_number(rng: random.Random) -> str:
    while True:
        digits = "999" + "".join(str(rng.randrange(10)) for _ in range(6))
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            d = digits + str(check)
            return f"{d[:3]} {d[3:6]} {d[6:]}"


def nhs_number_valid(text: str) -> bool:
    """Modulus 11 check of a ten-digit NHS number (spaces allowed)."""
    digits = text.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _ni_number(rng: random.Random) -> str:
    first, second = "ABCEGHJKLMNPRSTWXYZ", "ABCEGHJKLMNPRSTWXYZ"
    while True:
        prefix = rng.choice(first) + rng.choice(second)
        if prefix not in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}:
            break
    digits = "".join(str(rng.randrange(10)) for _ in range(6))
    return f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {rng.choice('ABCD')}"


def _vehicle(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNOPRSTUVWXYZ"
    year = rng.choice(["15", "16", "17", "18", "19", "65", "66", "67", "68", "69", "70", "21"])
    return f"{rng.choice(['WR', 'YX', 'FN', 'BK', 'DY', 'LB'])}{year} " + "".join(
        rng.choice(letters) for _ in range(3)
    )


def _mobile(rng: random.Random) -> str:
    n = rng.randrange(1000)
    return rng.choice([f"07700 900{n:03d}", f"07700900{n:03d}", f"07700 900 {n:03d}"])


def _landline(rng: random.Random) -> str:
    return f"01632 960{rng.randrange(1000):03d}"


# -- the world: people, families, professionals and cases -------------------------------------
class _World:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people: list[_Person] = []
        self.cases: list[_Case] = []
        self.used_names: set[tuple[str, str]] = set()
        self.pros: dict[str, list[_Person]] = {}
        self.schools: dict[str, dict[str, list[_Person]]] = {}

    def _id(self) -> str:
        return f"P{len(self.people) + 1:05d}"

    def _heritage(self) -> str:
        keys = list(_HERITAGE_WEIGHTS)
        return self.rng.choices(keys, weights=[_HERITAGE_WEIGHTS[k] for k in keys])[0]

    def person(
        self,
        gender: str,
        *,
        heritage: str | None = None,
        last_name: str | None = None,
        dob: date | None = None,
        child: bool = False,
    ) -> _Person:
        r = self.rng
        heritage = heritage or self._heritage()
        females, males, surnames = NAMES[heritage]
        for _ in range(50):
            first = r.choice(females if gender == "f" else males)
            last = last_name or r.choice(surnames)
            if (first, last) not in self.used_names:
                break
        self.used_names.add((first, last))
        first_names = first
        if child and r.random() < 0.4:
            first_names = f"{first} {r.choice(MIDDLE_NAMES[gender])}"
        known = SHORT_FORMS.get(first, first) if r.random() < 0.7 else first
        p = _Person(
            self._id(),
            first_names,
            last,
            known,
            gender,
            dob=dob,
            title="Ms" if gender == "f" else "Mr",
        )
        if known != first:
            p.aliases.append(f"{known} {last}")
        self.people.append(p)
        return p

    def _address(self) -> tuple[str, str, str]:
        r = self.rng
        town, districts = r.choice(TOWNS)
        postcode = (
            f"{r.choice(districts)} {r.randrange(1, 10)}"
            f"{r.choice(_POSTCODE_LETTERS)}{r.choice(_POSTCODE_LETTERS)}"
        )
        street = f"{r.randrange(1, 120)} {r.choice(STREETS)}"
        if r.random() < 0.15:
            street = (
                f"Flat {r.randrange(1, 12)}, {r.choice(['Severn', 'Malvern', 'Elgar'])} "
                f"House, {r.choice(STREETS)}"
            )
        return street, town, postcode

    def _dob(self, min_age: int, max_age: int) -> date:
        days = self.rng.randrange(min_age * 365 + 150, max_age * 365 + 350)
        return ANCHOR - timedelta(days=days)

    # professionals -----------------------------------------------------------------------------
    def professional(self, role: str, organisation: str | None = None) -> _Person:
        r = self.rng
        p = self.person(r.choice("ffffm" if role in ("health_visitor", "school_nurse") else "fm"))
        p.professional, p.role = True, role
        p.organisation = organisation or PRO_ROLES[role][2]
        if role == "gp":
            p.title = "Dr"
        elif role == "police_officer":
            p.title = f"PC {r.randrange(1000, 9999)}"
        domain = _DOMAINS.get(p.organisation or "", "")
        if not domain:
            slug = re.sub(r"[^a-z]", "", (p.organisation or "").lower())[:24]
            domain = f"{slug}.example.org"
        local = re.sub(r"[^a-z.\-]", "", f"{p.known}.{p.last_name}".lower())
        p.email = f"{local}@{domain}"
        p.phone = r.choice([_landline(r), _mobile(r)])
        self.pros.setdefault(role, []).append(p)
        return p

    def build_professionals(self, children: int) -> None:
        scale = max(1, children // 10)
        for role, count in [
            ("social_worker", 2 + 2 * scale),
            ("team_manager", 1 + scale // 2),
            ("independent_reviewing_officer", 1 + scale // 3),
            ("health_visitor", 1 + scale // 2),
            ("school_nurse", 1 + scale // 3),
            ("police_officer", 1 + scale // 2),
            ("advocate", 1 + scale // 4),
        ]:
            for _ in range(count):
                self.professional(role)
        for surgery in SURGERIES:
            self.professional("gp", surgery)
        for school, _phase in SCHOOLS:
            self.schools[school] = {
                "designated_safeguarding_lead": [
                    self.professional("designated_safeguarding_lead", school)
                ],
                "teacher": [self.professional("teacher", school) for _ in range(2)],
            }

    # families ----------------------------------------------------------------------------------
    def family(self, case_children: int) -> _Family:
        r = self.rng
        heritage = self._heritage()
        address = self._address()
        mother = self.person("f", heritage=heritage, dob=self._dob(19, 45))
        adults: dict[str, _Person] = {}
        if r.random() < 0.9:
            adults["mother"] = mother
        else:
            mother.dob = self._dob(50, 68)
            adults["carer"] = mother  # a kinship carer (usually a grandparent) holds the home
        dad_heritage = heritage if r.random() < 0.7 else self._heritage()
        father = self.person("m", heritage=dad_heritage, dob=self._dob(20, 50))
        adults["father"] = father
        father_home = r.random() < 0.5
        if not father_home:
            father.address = self._address()
            if r.random() < 0.35:
                step = self.person("m", dob=self._dob(22, 50))
                step.address = address
                adults["stepfather"] = step
        if r.random() < 0.3 and "mother" in adults:
            gp = self.person(
                "f", heritage=heritage, last_name=mother.last_name, dob=self._dob(50, 75)
            )
            gp.address = self._address()
            gp.title = "Mrs"
            adults["grandparent"] = gp
        if r.random() < 0.15:
            aunt = self.person(
                "f", heritage=heritage, last_name=mother.last_name, dob=self._dob(20, 45)
            )
            aunt.address = self._address()
            adults["relative"] = aunt
        if r.random() < 0.3:
            friend = self.person(r.choice("ffm"), dob=self._dob(20, 50))
            friend.address = self._address()
            adults["family_friend"] = friend  # known in texts only by a lower-case first name
        # a previous name for some mothers (maiden or earlier married name)
        if r.random() < 0.35:
            prev = r.choice(NAMES[heritage][2])
            if prev != mother.last_name:
                mother.aliases.append(f"{mother.first_names} {prev}")
        mother.address = address
        if father_home:
            father.address = address
        # children: the case children plus 0-3 siblings, some with their father's surname
        n_children = case_children + r.choice([0, 0, 1, 1, 2, 3])
        kids: list[_Person] = []
        surname = father.last_name if r.random() < 0.6 else mother.last_name
        # siblings 14 months to 4 years apart, the youngest at least five months old
        gaps = [r.randrange(420, 1460) for _ in range(n_children - 1)]
        youngest = r.randrange(150, max(151, 17 * 365 + 300 - sum(gaps)))
        ages = [youngest + sum(gaps[k:]) for k in range(n_children)]
        for k in range(n_children):
            last = surname
            if k and r.random() < 0.25:
                last = mother.last_name  # a half-sibling
            elif r.random() < 0.1:
                last = f"{mother.last_name}-{father.last_name}"
            kid = self.person(
                r.choice("fm"),
                heritage=heritage,
                last_name=last,
                dob=ANCHOR - timedelta(days=ages[k]),
                child=True,
            )
            if kid.gender == "m" and " " not in kid.first_names and r.random() < 0.35:
                # named after his father: the father's first name is the child's middle name
                kid.first_names = f"{kid.first_names} {father.first_names.split()[0]}"
            kid.address = address
            kid.nhs = _nhs_number(r)
            kid.sc_number = f"SC{r.randrange(100000, 999999)}"
            kids.append(kid)
        kids.sort(key=lambda c: c.dob or ANCHOR)
        oldest = kids[0].dob or ANCHOR
        for parent in (mother, father):  # parents at least 17 years older than their eldest
            if parent.dob and parent.dob > oldest - timedelta(days=17 * 365):
                parent.dob = oldest - timedelta(days=r.randrange(17 * 365 + 30, 32 * 365))
        nan = adults.get("grandparent")
        if nan and mother.dob:
            nan.dob = mother.dob - timedelta(days=r.randrange(18 * 365, 30 * 365))
        for adult in adults.values():
            if r.random() < 0.85:
                adult.phone = _mobile(r)
            if r.random() < 0.4:
                tag = re.sub(r"[^a-z]", "", adult.known.lower() + adult.last_name.lower()[:4])
                adult.email = f"{tag}{r.randrange(70, 99)}@{r.choice(_FAMILY_DOMAINS)}"
            if r.random() < 0.5:
                adult.sc_number = f"SC{r.randrange(100000, 999999)}"
            if r.random() < 0.25:
                adult.nhs = _nhs_number(r)
            if r.random() < 0.2:
                adult.ni = _ni_number(r)
            if adult.gender == "m" and r.random() < 0.3:
                adult.vehicle = _vehicle(r)
        for kid in kids:
            if _age(kid) >= 4:
                phase = "primary" if _age(kid) < 11 else "secondary"
                kid.school = r.choice([s for s, ph in SCHOOLS if ph == phase])
        return _Family(kids, adults, address)

    def pick(self, role: str) -> _Person:
        return self.rng.choice(self.pros[role])

    def cases_for(self, fam: _Family, child: _Person) -> list[_Case]:
        r = self.rng
        age = _age(child)
        options: list[list[str]] = [
            ["child_in_need"],
            ["early_help"],
            ["child_protection"],
            ["early_help", "child_in_need"],
            ["child_in_need", "child_protection"],
            ["early_help", "child_in_need", "child_protection"],
            ["disabilities"],
            ["child_protection", "looked_after"],
            ["looked_after"],
        ]
        if age >= 17:
            options += [["looked_after", "care_leaver"]] * 3
        seq = r.choice(options)
        start = ANCHOR - timedelta(days=r.randrange(200, 1400))
        start = max(start, (child.dob or start) + timedelta(days=30))
        sw, tm = self.pick("social_worker"), self.pick("team_manager")
        out: list[_Case] = []
        for k, ctype in enumerate(seq):
            length = r.randrange(120, 420)
            closed: date | None = start + timedelta(days=length)
            if closed is not None and (
                closed > ANCHOR - timedelta(days=10) or (k == len(seq) - 1 and r.random() < 0.5)
            ):
                closed = None
            if k and r.random() < 0.5:
                sw = self.pick("social_worker")  # a change of worker
            case = _Case(f"C{len(self.cases) + 1:05d}", ctype, start, closed, child, fam, [])
            self._roles(case, sw, tm)
            self.cases.append(case)
            out.append(case)
            if closed is None:
                break
            start = closed + timedelta(days=r.randrange(1, 90))
            if start > ANCHOR - timedelta(days=40):
                break
        return out

    def _roles(self, case: _Case, sw: _Person, tm: _Person) -> None:
        r, fam, child = self.rng, case.family, case.child
        roles = case.roles
        roles.append((child, "child"))
        for role, adult in fam.adults.items():
            roles.append((adult, role))
        for kid in fam.children:
            if kid is not child:
                roles.append((kid, "sibling"))
        roles += [(sw, "social_worker"), (tm, "team_manager")]
        if case.type in ("child_protection", "looked_after", "care_leaver"):
            roles.append(
                (self.pick("independent_reviewing_officer"), "independent_reviewing_officer")
            )
        if _age(child, case.opened) < 5:
            roles.append((self.pick("health_visitor"), "health_visitor"))
        elif r.random() < 0.4:
            nurse = self.pick("school_nurse")
            if r.random() < 0.5:
                # a professional who shares a surname with someone in the family
                relative = r.choice(list(fam.adults.values()))
                nurse = self.person("f", last_name=relative.last_name, dob=self._dob(28, 60))
                nurse.professional, nurse.role = True, "school_nurse"
                nurse.organisation = PRO_ROLES["school_nurse"][2]
                nurse.title = "Mrs"
                nurse.email = f"{nurse.known.lower()}.{nurse.last_name.lower()}@nhs.example.org"
            roles.append((nurse, "school_nurse"))
        if child.school and _age(child, case.opened) >= 4:
            staff = self.schools[child.school]
            roles.append((staff["designated_safeguarding_lead"][0], "designated_safeguarding_lead"))
            roles.append((r.choice(staff["teacher"]), "teacher"))
        roles.append((self.pick("gp"), "gp"))
        if case.type == "child_protection" or r.random() < 0.25:
            roles.append((self.pick("police_officer"), "police_officer"))
        if case.type in ("looked_after", "care_leaver") or (
            case.type == "child_protection" and r.random() < 0.3
        ):
            roles.append((self.pick("advocate"), "advocate"))
        if case.type == "looked_after":
            fc1 = self.person("f", dob=self._dob(35, 60))
            fc2 = self.person("m", last_name=fc1.last_name, dob=self._dob(35, 62))
            fc1.title, fc2.title = "Mrs", "Mr"
            fc1.address = fc2.address = self._address()
            fc1.phone, fc1.email = _mobile(r), f"{fc1.known.lower()}.fc@{r.choice(_FAMILY_DOMAINS)}"
            roles += [(fc1, "foster_carer"), (fc2, "foster_carer")]

    def fostering_case(self, lac: _Case) -> _Case | None:
        carers = lac.all("foster_carer")
        if not carers:
            return None
        sw = self.pick("social_worker")
        case = _Case(
            f"C{len(self.cases) + 1:05d}",
            "fostering",
            lac.opened - timedelta(days=self.rng.randrange(200, 700)),
            None,
            carers[0],
            _Family([], {}, carers[0].address or self._address()),
            [],
        )
        case.roles = [(c, "foster_carer") for c in carers] + [
            (lac.child, "child"),
            (sw, "social_worker"),
            (self.pick("team_manager"), "team_manager"),
        ]
        self.cases.append(case)
        return case


# -- document writing ------------------------------------------------------------------------------
_OPENERS_MOOD = [
    "presented as tired",
    "presented as calm and engaged",
    "was welcoming",
    "appeared anxious",
    "was in good spirits",
    "seemed low in mood",
    "was open and chatty",
    "was initially guarded but warmed up",
]
_HOME = [
    "Home conditions adequate, kitchen clean, fridge stocked.",
    "Living room cluttered, washing piled on sofa. Discussed routines.",
    "Home warm and tidy. Smoke alarm tested - working.",
    "Home conditions poor, strong smell of smoke in hallway. Discussed with parent.",
    "No concerns about the home today.",
]
_CHILD_OBS = [
    "{c} was happy to show SW {their} drawings.",
    "{c} sat with SW and talked about school and {their} friends.",
    "{c}'s bedroom cluttered, no sheets on the bed.",
    "{c} was quiet today and did not want to talk.",
    "{c} appeared well presented, clean clothes.",
    "{c} said {pro} likes {their} new teacher.",
    "Saw {c} alone in {their} room. {c} said things at home are 'ok'.",
]


def _one(r: random.Random, *options: Callable[[], str]) -> str:
    """One of several phrasings, built only once chosen (building one records its names)."""
    return r.choice(options)()


def _kids_present(d: _Doc, c: _Case) -> list[_Person]:
    kids = [k for k in c.family.children if k is not c.child]
    return [c.child] + d.rng.sample(kids, k=min(len(kids), d.rng.randrange(0, 3)))


def _parent(c: _Case) -> _Person:
    adults = c.family.adults
    return adults.get("mother") or adults.get("carer") or c.get("foster_carer") or c.child


def _fostering_note(d: _Doc, c: _Case) -> None:
    r, child, sw = d.rng, c.child, d.author or c.pros[0]
    fc1, fc2 = c.all("foster_carer")[:2]
    d.header = f"Supervising social worker visit | {c.id}"
    d.h(f"SUPERVISORY VISIT - {_date_text(d.date, 'short')}")
    d.p(
        f"SSW {d.pro(sw)} visited foster carers {d.n(fc1, 'full')} and {d.fam(fc2)} at "
        f"{d.addr(fc1.address or c.family.address)}."
    )
    d.p(
        f"{d.fam(child)}",
        f"{r.choice(['settling well', 'had a difficult week', 'enjoying football'])}."
        f" {d.n(fc1, 'title')} said {d.fam(child)} is sleeping better.",
    )
    d.p(
        f"Training: {d.n(fc2, 'first')} to complete safer caring refresher. "
        f"Next visit {_date_text(d.date + timedelta(days=28), 'slash')}."
    )
    d.p(d.n(sw, "initials"))


def _sign(d: _Doc, p: _Person, formal: bool) -> None:
    if formal:
        d.p("Yours sincerely")
        d.p(d.n(p, "full"))
        d.p(f"{p.job}, {p.organisation}")
    else:
        d.p(d.n(p, d.rng.choice(["first", "full", "init_surname"])))
        d.p(f"{p.job} | {p.organisation}")
    bits = []
    if p.phone:
        bits.append("Tel: " + d.i("PHONE", p.phone))
    if p.email:
        bits.append("Email: " + d.i("EMAIL", p.email))
    d.p(" ".join(bits))


def _case_note(d: _Doc, c: _Case) -> None:
    r, sw, child = d.rng, d.author or c.pros[0], c.child
    mum, dad = _parent(c), c.family.adults.get("father")
    kind = d.title
    if c.type == "fostering":
        _fostering_note(d, c)
        return
    if child.id in d.first_only:
        d.header = f"Case ref {c.id} | OFFICIAL-SENSITIVE"
    else:
        d.header = f"Case ref {c.id} | {d.n(child, 'SURNAME_first')} | OFFICIAL-SENSITIVE"
    d.h(f"{kind.upper()} - {_date_text(d.date, 'slash')}")
    if kind == "Phone call":
        who = r.choice([mum, dad]) if dad else mum
        d.p(
            f"Call from {d.fam(who)} at {r.randrange(9, 17)}:{r.choice(['05', '20', '45'])}.",
            f"spoke to {d.n(who, 'lower')} on phone re {d.fam(child, poss=True)} appointments.",
        )
        if who.phone and r.random() < 0.6:
            d.p(f"New number given: {d.i('PHONE', who.phone)}.")
        d.p(
            f"{d.fam(who)} "
            + r.choice(
                [
                    f"said {child.pronoun()} has been sleeping better.",
                    "upset that school phoned about lateness again.",
                    "asked for help with a food bank referral - agreed.",
                ]
            )
        )
        d.p(f"{d.pro(sw)} to follow up by letter.")
        return
    if kind == "Supervision":
        tm = c.get("team_manager") or sw
        d.p(f"Supervision between {d.pro(sw)} and {d.pro(tm)}.")
        d.p(
            f"Discussed {d.fam(child)} ({c.type.replace('_', ' ').upper()}).",
            f"{d.n(tm, 'initials')} noted drift in plan, visits not weekly as agreed.",
        )
        d.p(
            f"ACTIONS: {d.n(sw, 'initials')} to visit within 5 working days; "
            f"chase GP {d.pro(c.get('gp') or tm)} for health update."
        )
        return
    if kind == "School visit" and child.school:
        dsl = c.get("designated_safeguarding_lead") or sw
        d.p(
            f"Visited {d.i('SCHOOL', child.school)}. Met {d.pro(dsl)} and saw "
            f"{d.fam(child)} in the library."
        )
        d.p(r.choice(_CHILD_OBS).format(c=d.fam(child), their=child.their(), pro=child.pronoun()))
        d.p(
            f"Attendance this term {r.randrange(71, 99)}%. {d.n(dsl, 'title')} reports "
            f"{r.choice(['improved punctuality', 'missed PE kit most weeks', 'good friendships'])}."
        )
        return
    # home visit (and anything else)
    kids = _kids_present(d, c)
    present = [f"{d.fam(mum)} ({'mum' if c.get('mother') is mum else 'carer'})"]
    present += [f"{d.fam(k)} (child)" for k in kids]
    d.p(f"Visit by: {d.pro(sw)}")
    d.p("Present: " + ", ".join(present))
    addr = mum.address or c.family.address
    d.p(f"{sw.abbr} visited home at {d.addr(addr)}.")
    first = d.n(mum, "FIRST")
    d.p(
        f"MUM ({first}) {r.choice(_OPENERS_MOOD)}."
        if mum.gender == "f"
        else f"{d.fam(mum)} {r.choice(_OPENERS_MOOD)}."
    )
    for k in kids:
        d.p(r.choice(_CHILD_OBS).format(c=d.fam(k), their=k.their(), pro=k.pronoun()))
    if dad:
        dad_address = dad.address
        d.p(
            _one(
                r,
                lambda: f"Dad {d.n(dad, 'first')} not present.",
                lambda: f"{d.fam(dad)} arrived during visit, polite.",
                lambda: (
                    f"{d.n(dad, 'first')} now living at {d.addr(dad_address)}."
                    if dad_address
                    else f"Dad {d.n(dad, 'first')} not present."
                ),
            )
        )
        if dad.vehicle and r.random() < 0.5:
            d.p(
                f"Car {d.i('VEHICLE_REG', dad.vehicle)} parked outside, believed to be "
                f"{d.fam(dad, poss=True)}."
            )
    friend = c.family.adults.get("family_friend")
    if friend is not None and r.random() < 0.6:
        # copied text messages: a friend known only by a lower-case first name
        d.p(f"{d.fam(mum)} showed SW these texts from a friend on {mum.their()} phone:")
        d.p(f"[21:14] {d.n(friend, 'lower')}: u ok hun? is he still there")
        d.p(f"[21:20] {d.n(mum, 'lower')}: yeh cant talk. tomoro")
        d.p(f"[21:22] {d.n(friend, 'lower')}: ring me when u can x")
    d.p(r.choice(_HOME))
    hv = c.get("health_visitor") or c.get("school_nurse")
    actions = [f"{d.fam(mum)} to attend GP appt"]
    if hv:
        actions.append(
            f"SW to liaise with {d.pro(hv)} re {d.fam(kids[-1], poss=True)} development check"
        )
    d.p("ACTIONS: " + "; ".join(actions) + ".")
    d.p(d.n(sw, r.choice(["init_surname", "initials", "full"])))


def _referral(d: _Doc, c: _Case) -> None:
    child = c.child
    referrer = (
        c.get("designated_safeguarding_lead")
        or c.get("health_visitor")
        or c.get("police_officer")
        or c.pros[0]
    )
    d.author = referrer
    mum, dad = _parent(c), c.family.adults.get("father")
    d.header = "MULTI-AGENCY REFERRAL FORM"
    d.h("MULTI-AGENCY REFERRAL FORM (MARF)")
    rows = [
        ["Field", "Details"],
        ["Child's name", d.n(child, "formal")],
        ["Date of birth", d.dob(child)],
        ["NHS number", d.i("NHS_NUMBER", child.nhs or "")],
        ["Address", d.addr(child.address or c.family.address)],
    ]
    if child.school:
        rows.append(["School / nursery", d.i("SCHOOL", child.school)])
    rows.append(
        [
            "Parent / carer",
            f"{d.n(mum, 'full')} ({'mother' if mum.gender == 'f' else 'carer'})"
            + (f" tel {d.i('PHONE', mum.phone)}" if mum.phone else ""),
        ]
    )
    if dad:
        rows.append(["Father", d.n(dad, "full")])
    sibs = [k for k in c.family.children if k is not child]
    if sibs:
        rows.append(
            [
                "Other children in household",
                "; ".join(f"{d.n(k, 'full')} DOB {d.dob(k)}" for k in sibs),
            ]
        )
    rows.append(["Referrer", f"{d.n(referrer, 'full')}, {referrer.job}, {referrer.organisation}"])
    rows.append(["Referrer contact", d.i("PHONE", referrer.phone or "")])
    d.table(rows)
    d.h("REASON FOR REFERRAL")
    reasons = {
        "early_help": "Family struggling with routines; parent asked for support with "
        "{c}'s sleep and behaviour.",
        "child_in_need": "Concerns about {c}'s attendance and presentation over the last term.",
        "child_protection": "{c} disclosed worries about arguments at home; police attended "
        "an incident at the address.",
        "looked_after": "Parent unable to care for {c} at present; family network explored.",
        "care_leaver": "Pathway planning needed as {c} approaches 18.",
        "disabilities": "{c} has additional needs; assessment of short breaks requested.",
        "fostering": "Referral for support to the placement.",
    }
    d.p(reasons[c.type].format(c=d.fam(child)))
    d.p(
        f"{d.fam(mum)} is aware of this referral and consents.",
        f"{d.n(child, 'first')} has been told in an age-appropriate way.",
    )


def _assessment(d: _Doc, c: _Case) -> None:
    r, child, sw = d.rng, c.child, d.author or c.pros[0]
    mum = _parent(c)
    d.header = f"Child and Family Assessment | {c.id} | {d.n(child, 'full')}"
    d.h("CHILD AND FAMILY ASSESSMENT")
    d.p(
        f"Child: {d.n(child, 'formal')}  DOB {d.dob(child)}",
        f"ID {d.i('SOCIAL_CARE_ID', child.sc_number or '')}",
    )
    d.h("HOUSEHOLD")
    rows = [["Name", "Relationship", "DOB"]]
    for role, a in c.family.adults.items():
        if a.address == c.family.address:
            rows.append([d.n(a, "full"), role, d.dob(a) if a.dob else "not known"])
    for k in c.family.children:
        rows.append([d.n(k, "full"), "subject" if k is child else "sibling", d.dob(k)])
    d.table(rows)
    d.h("CHILD'S DEVELOPMENTAL NEEDS")
    d.p(
        f"{d.fam(child, style='formal')} is {_age(child, d.date)} years old.",
        _one(
            r,
            lambda: f"{child.pronoun().capitalize()} is meeting milestones.",
            lambda: f"{d.n(child, 'first')} needs support with speech and language.",
            lambda: f"{d.n(child, 'first', poss=True)} attendance has dipped this year.",
        ),
    )
    d.h("PARENTING CAPACITY")
    d.p(
        f"{d.fam(mum, style='formal')} loves {d.n(child, 'first')} and wants to make changes.",
        f"{d.n(mum, 'title')} told the assessing SW {d.pro(sw)} that {mum.pronoun()} "
        "finds mornings hard.",
    )
    dad = c.family.adults.get("father")
    if dad:
        if dad.address != c.family.address and dad.address:
            d.p(f"Father's address: {d.addr(dad.address)}.")
        d.p(
            f"{d.n(dad, 'full')}",
            "lives in the home;" if dad.address == c.family.address else "lives separately;",
            f"{d.n(dad, 'title')} has {r.choice(['regular', 'irregular', 'no'])} contact.",
        )
    d.h("ANALYSIS AND RECOMMENDATION")
    d.p(
        f"Recommendation: {c.type.replace('_', ' ').title()} plan for",
        f"{d.fam(child, style='formal')}.",
    )
    _sign(d, sw, formal=False)


def _minutes(d: _Doc, c: _Case) -> None:
    r, child = d.rng, c.child
    iro = c.get("independent_reviewing_officer") or c.pros[0]
    d.author = iro
    d.header = f"CONFIDENTIAL - Child Protection Conference - {c.id}"
    kind = r.choice(["INITIAL", "REVIEW"])
    d.h(f"{kind} CHILD PROTECTION CONFERENCE - MINUTES")
    kids = [k for k in c.family.children]
    d.p(
        "Children subject of conference: "
        + "; ".join(f"{d.n(k, 'full')} (DOB {d.dob(k)})" for k in kids)
    )
    present = [f"{d.n(iro, 'full')} (Chair, IRO)"]
    for p, role in c.roles:
        if p.professional and p is not iro and role != "advocate":
            present.append(f"{d.n(p, 'full')} ({p.abbr})")
    for role in ("mother", "carer", "stepfather"):
        if role in c.family.adults:
            present.append(f"{d.n(c.family.adults[role], 'full')} ({role})")
    d.p("Present: " + ", ".join(present))
    dad = c.family.adults.get("father")
    if dad:
        d.p(
            f"Apologies: {d.n(dad, 'full')} (father) -",
            r.choice(["working", "unwell", "no reason given"]),
        )
    d.h("PURPOSE")
    d.p(f"{d.n(iro, 'title')} explained the purpose of the conference and confidentiality.")
    d.h("REPORTS AND DISCUSSION")
    for p in c.pros:
        if p is iro:
            continue
        d.p(
            f"{p.abbr.upper()} ({d.n(p, 'title')}): "
            + _one(
                r,
                lambda: f"{d.fam(child)} is attending well and presents as happy.",
                lambda: f"worried about {d.fam(child, poss=True)} lateness and tiredness.",
                lambda: f"{d.fam(_parent(c))} has engaged with the plan since the last meeting.",
                lambda: "no new concerns to report.",
                lambda: f"{d.n(child, 'FIRST')} has missed two health appointments.",
            )
        )
    if len(kids) > 1:
        d.p(
            ("Siblings " if len(kids) > 2 else "Sibling ")
            + ", ".join(d.n(k, "first") for k in kids if k is not child)
            + (" were" if len(kids) > 2 else " was")
            + " discussed; needs are similar."
        )
    d.h("DECISION")
    d.p(
        f"{d.n(child, 'FULL')} to {r.choice(['become', 'remain'])} subject to a child "
        f"protection plan under the category of {r.choice(['neglect', 'emotional abuse'])}."
    )
    d.p(
        "Core group to meet within 10 working days.",
        f"Next review {_date_text(d.date + timedelta(days=90), 'long')}.",
    )


def _letter(d: _Doc, c: _Case) -> None:
    sw, child = d.author or c.pros[0], c.child
    to = d.rng.choice([a for a in c.family.adults.values() if a.address] or [_parent(c)])
    d.header = f"{WCF} | Our ref: {c.id}"
    d.p(d.n(to, "full"))
    for line in d.addr(to.address or c.family.address, one_line=False).split("\n"):
        d.p(line)
    d.p(_date_text(d.date, "long"))
    d.p(f"Dear {d.n(to, 'title')},")
    d.p(f"Re: {d.n(child, 'formal')} (DOB {d.dob(child)})")
    body = {
        "early_help": "Thank you for meeting me. As agreed, the Early Help plan for {c} will be "
        "reviewed in six weeks.",
        "child_in_need": "I am writing to confirm the Child in Need meeting for {c} on {when}.",
        "child_protection": "I am writing to invite you to the child protection conference for "
        "{c} on {when}. You are welcome to bring a supporter.",
        "looked_after": "I am writing to confirm contact arrangements for {c} from {when}.",
        "care_leaver": "I am writing about {c}'s pathway plan review on {when}.",
        "disabilities": "I am writing to confirm short breaks for {c} starting on {when}.",
        "fostering": "I am writing to confirm your annual foster carer review on {when}.",
    }[c.type]
    d.p(body.format(c=d.n(child, "first"), when=_date_text(d.date + timedelta(days=14), "long")))
    d.p(f"If you have any questions please call me on {d.i('PHONE', sw.phone or '')}.")
    _sign(d, sw, formal=True)


def _chronology(d: _Doc, c: _Case) -> None:
    r, child = d.rng, c.child
    d.header = f"Chronology | {d.n(child, 'SURNAME_first')} | {c.id}"
    d.h(f"CHRONOLOGY - {d.n(child, 'FULL')}")
    rows = [["Date", "Event", "Source"]]
    day = c.opened
    people = [p for p, _ in c.roles if p is not child]
    for _ in range(r.randrange(4, 9)):
        day = day + timedelta(days=r.randrange(7, 45))
        if day > d.date:
            break
        p = r.choice(people)

        def name(p: _Person = p) -> str:
            return d.pro(p) if p.professional else d.fam(p)

        event = _one(
            r,
            lambda: f"Strategy discussion; {name()} attended.",
            lambda: f"{name()} contacted SW about {d.n(child, 'first')}.",
            lambda: f"Home visit - {d.n(child, 'first')} seen alone.",
            lambda: f"Missed appointment, {name()} informed.",
        )
        rows.append([_date_text(day, "slash"), event, p.abbr or "family"])
    d.table(rows)


def _care_plan(d: _Doc, c: _Case) -> None:
    r, child = d.rng, c.child
    d.header = f"Care Plan | {c.id}"
    d.h("CARE PLAN")
    d.p(
        f"Name: {d.n(child, 'formal')}   DOB: {d.dob(child)}  ",
        f"NHS No: {d.i('NHS_NUMBER', child.nhs or '')}",
    )
    carers = c.all("foster_carer")
    if carers:
        d.h("PLACEMENT")
        d.p(
            f"{d.fam(child)} lives with foster carers {d.n(carers[0], 'full')} and "
            f"{d.n(carers[1], 'full')} at {d.addr(carers[0].address or c.family.address)}."
        )
    d.h("CONTACT")
    for a in c.family.adults.values():
        d.p(f"{d.fam(a)}: {r.choice(['weekly supervised', 'fortnightly', 'monthly', 'by phone'])}.")
    d.h("ACTIONS")
    rows = [["Action", "Who", "By when"]]
    for p in r.sample(c.pros, k=min(3, len(c.pros))):
        rows.append(
            [
                r.choice(["Health assessment", "PEP review", "Life story work", "Update plan"]),
                d.pro(p),
                _date_text(d.date + timedelta(days=28), "slash"),
            ]
        )
    d.table(rows)


def _email(d: _Doc, c: _Case, pool: dict[str, list[_Doc]]) -> None:
    r, child = d.rng, c.child
    sw = c.get("social_worker") or c.pros[0]
    family = [a for a in c.family.adults.values() if a.email]
    pros = [p for p in c.pros if p is not sw and p.email]
    earlier = [e for e in pool.get(c.id, []) if e.fmt == "eml" and e.awkward is None]
    prev = earlier[-1] if earlier and r.random() < 0.4 else None
    if family and r.random() < 0.3:
        sender = r.choice(family)
        d.sender, d.to = sender, [sw]
        topic = r.choice(["meeting", "contact", "appointment"])
        if not prev:
            d.subject = f"{d.n(child, 'first')} - {topic}"
        d.p(f"Hi {d.n(sw, 'first')},")
        d.p(
            f"just to say {d.n(child, 'lower')}",
            r.choice(["has a dentist appt", "is off sick", "has a school trip"]),
            f"on {_date_text(d.date + timedelta(days=3), 'long')} so can we move the visit.",
        )
        d.p(f"thanks {d.n(sender, 'lower')}")
        d.author = None
    else:
        sender = r.choice(pros) if pros and r.random() < 0.5 else sw
        d.sender = sender
        recipients = [sw] if sender is not sw else (r.sample(pros, k=min(2, len(pros))) or [sender])
        d.to = recipients
        if pros and r.random() < 0.4:
            d.cc = [
                p for p in [c.get("team_manager")] if p and p not in recipients and p is not sender
            ]
        form = r.choice(["first", "init_surname", "full"])
        topic = r.choice(["update", "concern", "visit", "meeting", "CIN review"])
        if not prev:
            d.subject = f"{d.n(child, form)} - {topic}"
        d.p(f"Hi {' and '.join(d.n(p, 'first') for p in recipients)},")
        d.p(
            _one(
                r,
                lambda: (
                    f"Quick update on {d.fam(child)}. {d.fam(_parent(c))} came to see me "
                    "today and was upset about the letter."
                ),
                lambda: (
                    f"{d.fam(child)} was seen today and seemed well. "
                    f"{child.pronoun().capitalize()} said {d.fam(_parent(c))} has been 'stressed'."
                ),
                lambda: (
                    f"Can we arrange a professionals meeting about {d.fam(child)} and "
                    f"{d.fam(_parent(c), poss=True)} support?"
                ),
            )
        )
        kids = [k for k in c.family.children if k is not child]
        if kids and r.random() < 0.5:
            d.p(
                f"Also {d.fam(kids[0])} has been",
                f"{r.choice(['late', 'absent', 'doing well'])} this week.",
            )
        dad = c.family.adults.get("father")
        if dad and dad.phone and r.random() < 0.3:
            d.p(f"Dad's number is {d.i('PHONE', dad.phone)} if needed.")
        d.p("Thanks,")
        _sign(d, sender, formal=False)
        d.author = sender
    if prev:
        d.in_reply_to = prev.id
        d.subject = "RE: " + prev.subject.removeprefix("RE: ")
        assert prev.sender is not None
        prev_from = d.n(prev.sender, "full")
        d.blocks.append(("p", f"On {_date_text(prev.date, 'long')}, {prev_from} wrote:"))
        quoted: list[str] = []
        for kind, text in prev.blocks:
            if kind == "p":
                quoted.append("> " + text)
        d.blocks.append(("quote", quoted))
        # what the quote and the inherited subject repeat of the earlier email is named here too
        repeated = "\n".join([*quoted, d.subject])
        for pid, ms in prev.mentions.items():
            for m in ms:
                if re.search(rf"(?<!\w){re.escape(m)}(?!\w)", repeated):
                    got = d.mentions.setdefault(pid, [])
                    if m not in got:
                        got.append(m)
        for kind, text in prev.identifiers:
            if text in repeated:
                d.i(kind, text)
    if r.random() < 0.25:
        att_blocks_start = len(d.blocks)
        title = r.choice(["Meeting notes", "Attendance summary", "Actions"])
        d.h(title.upper())
        d.p(
            f"Re: {d.n(child, 'full')},",
            d.i("SCHOOL", child.school) if child.school else "pre-school",
        )
        for p in r.sample(c.pros, k=min(3, len(c.pros))):
            d.p(
                f"- {d.n(p, 'full')} ({p.abbr}) to",
                f"{r.choice(['share report', 'visit', 'review plan'])}.",
            )
        blocks = d.blocks[att_blocks_start:]
        del d.blocks[att_blocks_start:]
        fmt = r.choice(["pdf", "docx"])
        d.attachment = _Attachment(f"{title.replace(' ', '_')}.{fmt}", fmt, title, blocks)


_WRITERS: dict[str, Callable[[_Doc, _Case], None]] = {
    "case_note": _case_note,
    "referral": _referral,
    "assessment": _assessment,
    "cp_conference_minutes": _minutes,
    "letter": _letter,
    "chronology": _chronology,
    "care_plan": _care_plan,
}
_NOTE_TITLES = [
    "Home visit",
    "Home visit",
    "Home visit",
    "Phone call",
    "School visit",
    "Supervision",
]
_TITLES = {
    "referral": "Multi-agency referral",
    "assessment": "Child and family assessment",
    "cp_conference_minutes": "Child protection conference minutes",
    "letter": "Letter",
    "chronology": "Chronology",
    "care_plan": "Care plan",
}


# -- rendering ---------------------------------------------------------------------------------
_W, _H = fitz.paper_size("a4")
_LEFT, _RIGHT, _TOP, _BOTTOM = 56.0, _W - 56.0, 70.0, _H - 60.0


_ADVANCES: dict[tuple[str, str], float] = {}


def _text_width(text: str, font: str, size: float) -> float:
    """Width of text in a base-14 font, from cached glyph advances (fitz's own is slow per call)."""
    total = 0.0
    for ch in text:
        adv = _ADVANCES.get((font, ch))
        if adv is None:
            adv = _ADVANCES[(font, ch)] = fitz.get_text_length(ch, fontname=font, fontsize=1)
        total += adv
    return total * size


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    space = _text_width(" ", font, size)
    for para in text.split("\n"):
        line, line_w = "", 0.0
        for word in para.split(" "):
            word_w = _text_width(word, font, size)
            if line and line_w + space + word_w > width:
                lines.append(line)
                line, line_w = word, word_w
            elif line:
                line, line_w = f"{line} {word}", line_w + space + word_w
            else:
                line, line_w = word, word_w
        lines.append(line)
    return lines


def _pdf(blocks: Sequence[Block], header: str, footer: str, title: str) -> fitz.Document:
    """A text PDF laid out line by line (multi-page, header and page footer on every page)."""
    pages: list[list[tuple[float, float, str, str, float]]] = [[]]
    y = _TOP

    def need(height: float) -> None:
        nonlocal y
        if y + height > _BOTTOM:
            pages.append([])
            y = _TOP

    for kind, value in blocks:
        if kind == "table":
            ncol = len(value[0])
            colw = (_RIGHT - _LEFT) / ncol
            for r_i, row in enumerate(value):
                font = "hebo" if r_i == 0 else "helv"
                cells = [_wrap(str(cell), font, 9, colw - 6) for cell in row]
                height = max(len(c) for c in cells) * 12 + 4
                need(height)
                for k, cell_lines in enumerate(cells):
                    for j, line in enumerate(cell_lines):
                        pages[-1].append((_LEFT + k * colw, y + 9 + j * 12, line, font, 9))
                y += height
            y += 6
            continue
        if kind == "quote":
            lines = [ln for q in value for ln in _wrap(q, "helv", 9, _RIGHT - _LEFT - 20)]
            font, size, indent = "helv", 9.0, 12.0
        else:
            font, size = ("hebo", 11.0) if kind == "h" else ("helv", 10.0)
            lines, indent = _wrap(value, font, size, _RIGHT - _LEFT), 0.0
            if kind == "h":
                y += 6
        for line in lines:
            need(size * 1.4)
            pages[-1].append((_LEFT + indent, y + size, line, font, size))
            y += size * 1.4
        y += 5
    doc = fitz.open()
    for n, ops in enumerate(pages, start=1):
        page = doc.new_page(width=_W, height=_H)
        shape = page.new_shape()  # one content stream per page: far quicker than per line
        if header:
            shape.insert_text((_LEFT, 40), header, fontname="helv", fontsize=8)
        foot = f"{footer}    Page {n} of {len(pages)}" if footer else f"Page {n} of {len(pages)}"
        shape.insert_text((_LEFT, _H - 30), foot, fontname="helv", fontsize=8)
        for x, yy, text, font, size in ops:
            shape.insert_text((x, yy), text, fontname=font, fontsize=size)
        shape.commit()
    doc.set_metadata(
        {
            "title": title,
            "author": "",
            "subject": "",
            "keywords": "",
            "creator": "Disclose demo records",
            "producer": "Disclose demo records",
            "creationDate": _META_DATE,
            "modDate": _META_DATE,
        }
    )
    return doc


def _pdf_bytes(blocks: Sequence[Block], header: str, footer: str, title: str) -> bytes:
    doc = _pdf(blocks, header, footer, title)
    data: bytes = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    doc.close()
    return data


def _docx_bytes(blocks: Sequence[Block], header: str, title: str) -> bytes:
    """A DOCX with a header, paragraphs and tables; fixed core properties and zip dates."""
    document = docx.Document(io.BytesIO(_docx_template()))
    if header:
        document.sections[0].header.paragraphs[0].text = header
    for kind, value in blocks:
        if kind == "h":
            document.add_heading(value, level=2)
        elif kind == "p":
            document.add_paragraph(value)
        elif kind == "quote":
            for line in value:
                document.add_paragraph(line)
        elif kind == "table":
            table = document.add_table(rows=len(value), cols=len(value[0]))
            table.style = "Table Grid"
            for r_i, row in enumerate(value):
                for k, cell in enumerate(row):
                    table.cell(r_i, k).text = str(cell)
    props = document.core_properties
    fixed = datetime(2026, 10, 1, 9, 0, 0)
    props.author = props.last_modified_by = "Disclose demo records"
    props.title, props.comments, props.keywords, props.subject = title, "", "", ""
    props.created = props.modified = props.last_printed = fixed
    props.revision = 1
    raw = io.BytesIO()
    document.save(raw)
    return _fixed_zip(raw.getvalue())


_TEMPLATE: list[bytes] = []
_KEEP_STYLES = {
    "Normal",
    "Heading2",
    "Heading2Char",
    "TableGrid",
    "Header",
    "HeaderChar",
    "DefaultParagraphFont",
    "TableNormal",
    "NoList",
}


def _docx_template() -> bytes:
    """python-docx's default template without its 400 KB of unused styles and thumbnail."""
    if not _TEMPLATE:
        document = docx.Document()
        styles = document.styles.element
        for el in list(styles):
            if el.tag == qn("w:latentStyles") or (
                el.tag == qn("w:style") and el.get(qn("w:styleId")) not in _KEEP_STYLES
            ):
                styles.remove(el)
        normal = document.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(10)
        for rels in (document.part.rels, document.part.package.rels):
            for r_id, rel in list(rels.items()):
                if rel.reltype.endswith(("/stylesWithEffects", "/thumbnail")):
                    rels.pop(r_id)
        raw = io.BytesIO()
        document.save(raw)
        _TEMPLATE.append(raw.getvalue())
    return _TEMPLATE[0]


def _fixed_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for name in src.namelist():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(name))
    return out.getvalue()


def _address_header(p: _Person, d: _Doc) -> str:
    assert p.email is not None
    d.i("EMAIL", p.email)
    return f"{d.n(p, 'full')} <{p.email}>"


def _wrap_plain(text: str, names: list[str], width: int) -> list[str]:
    """Wrap email text at ``width`` without breaking a name across lines."""
    for name in names:
        text = text.replace(name, name.replace(" ", "\u00a0"))
    wrapped = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]
    return [ln.replace("\u00a0", " ") for ln in wrapped]


def _eml_bytes(d: _Doc) -> bytes:
    assert d.sender is not None
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = _address_header(d.sender, d)
    msg["To"] = ", ".join(_address_header(p, d) for p in d.to)
    if d.cc:
        msg["Cc"] = ", ".join(_address_header(p, d) for p in d.cc)
    when = datetime(
        d.date.year,
        d.date.month,
        d.date.day,
        9 + int(d.id[-2:]) % 8,
        int(d.id[-3:]) % 60,
        tzinfo=UTC,
    )
    msg["Date"] = format_datetime(when)
    msg["Subject"] = d.subject
    msg["Message-ID"] = f"<{d.id}.{d.case.id}@demo.example.org>"
    if d.in_reply_to:
        msg["In-Reply-To"] = f"<{d.in_reply_to}.{d.case.id}@demo.example.org>"
    names = sorted({m for ms in d.mentions.values() for m in ms if " " in m}, key=len, reverse=True)
    lines: list[str] = []
    for kind, value in d.blocks:
        if kind == "quote":
            for q in value:
                lines.extend("> " + ln for ln in _wrap_plain(q[2:], names, 70))
        elif kind == "table":
            lines.extend(" | ".join(row) for row in value)
        else:
            lines.extend(_wrap_plain(value, names, 76))
        lines.append("")
    msg.set_content("\n".join(lines))
    if d.attachment:
        a = d.attachment
        if a.fmt == "pdf":
            msg.add_attachment(
                _pdf_bytes(a.blocks, "", "", a.title),
                maintype="application",
                subtype="pdf",
                filename=a.filename,
            )
        else:
            msg.add_attachment(
                _docx_bytes(a.blocks, "", a.title),
                maintype="application",
                subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                filename=a.filename,
            )
        msg.set_boundary(f"=_disclose_{d.id}")
    return msg.as_bytes()


def _scanned(doc: fitz.Document) -> bytes:
    """Every page as a grey image only: a scan with no text layer."""
    out = fitz.open()
    for src in doc:
        pix = src.get_pixmap(dpi=110, colorspace=fitz.csGRAY)
        page = out.new_page(width=_W, height=_H)
        page.insert_image(page.rect, stream=pix.tobytes("png"))
    out.set_metadata(
        {
            "creator": "Scanner",
            "producer": "Scanner",
            "creationDate": _META_DATE,
            "modDate": _META_DATE,
        }
    )
    data: bytes = out.tobytes(garbage=3, deflate=True, no_new_id=True)
    out.close()
    return data


# -- the export ------------------------------------------------------------------------------------
def _plan(rng: random.Random, case: _Case, n: int) -> list[tuple[str, date]]:
    """Document types and dates for one case: a referral first, then notes, emails and the rest."""
    end = case.closed or ANCHOR - timedelta(days=3)
    span = max((end - case.opened).days, 10)
    types = ["referral" if case.type != "fostering" else "case_note"]
    extra = {
        "child_protection": ["cp_conference_minutes", "assessment"],
        "looked_after": ["care_plan"],
        "child_in_need": ["assessment"],
        "care_leaver": ["care_plan"],
        "disabilities": ["assessment"],
    }.get(case.type, [])
    types += extra
    while len(types) < n:
        types.append(
            rng.choices(["case_note", "email", "letter", "chronology"], weights=[46, 30, 16, 4])[0]
        )
    offsets = sorted(rng.randrange(0, span) for _ in types)
    offsets[0] = 0
    return [(t, case.opened + timedelta(days=o)) for t, o in zip(types, offsets, strict=True)]


def generate(out_dir: str | Path, *, children: int = 50, seed: int = 2026) -> ExportSummary:
    """Write a deterministic demo export of ``children`` children's records to ``out_dir``."""
    rng = random.Random(seed)
    out = Path(out_dir)
    (out / "documents").mkdir(parents=True, exist_ok=True)
    world = _World(rng)
    world.build_professionals(children)
    subjects: list[tuple[_Person, list[_Case]]] = []
    while len(subjects) < children:
        n_case_children = 2 if children - len(subjects) >= 2 and rng.random() < 0.2 else 1
        fam = world.family(n_case_children)
        for child in rng.sample(fam.children, k=n_case_children):
            cases = world.cases_for(fam, child)
            subjects.append((child, cases))
            lac = next((c for c in cases if c.type == "looked_after"), None)
            if lac and rng.random() < 0.5:
                fc = world.fostering_case(lac)
                if fc:
                    cases.append(fc)

    docs: list[_Doc] = []
    by_case: dict[str, list[_Doc]] = {}
    for _child, cases in subjects:
        total = rng.randrange(6, 13)
        for k, case in enumerate(cases):
            share = max(2, total // len(cases) + (1 if k == len(cases) - 1 else 0))
            for dtype, when in _plan(rng, case, share):
                doc_id = f"D{len(docs) + 1:06d}"
                fmt = "eml" if dtype == "email" else rng.choices(["pdf", "docx"], [40, 35])[0]
                title = rng.choice(_NOTE_TITLES) if dtype == "case_note" else _TITLES.get(dtype, "")
                if title == "School visit" and not case.child.school:
                    title = "Home visit"
                sw = case.get("social_worker")
                d = _Doc(doc_id, case, dtype, when, title, fmt, rng, author=sw)
                if (
                    dtype in ("case_note", "email")
                    and rng.random() < 0.3
                    or case.type == "fostering"
                ):
                    d.first_only.add(case.child.id)
                if dtype == "email":
                    _email(d, case, by_case)
                    d.title = d.subject
                else:
                    _WRITERS[dtype](d, case)
                docs.append(d)
                by_case.setdefault(case.id, []).append(d)

    # three deliberately awkward PDFs, spread through the export
    pdfs = [d for d in docs if d.fmt == "pdf"]
    if len(pdfs) < 3:
        for d in [d for d in docs if d.fmt == "docx"][: 3 - len(pdfs)]:
            d.fmt = "pdf"
        pdfs = [d for d in docs if d.fmt == "pdf"]
    awkward_docs = rng.sample(pdfs, 3)
    for d, kind in zip(awkward_docs, ["truncated", "encrypted", "scanned"], strict=True):
        d.awkward = kind

    manifest_docs: list[dict[str, Any]] = []
    truth: dict[str, Any] = {}
    for d in docs:
        path = out / "documents" / f"{d.id}.{d.fmt}"
        if d.fmt == "pdf":
            footer = f"{d.case.id} - OFFICIAL-SENSITIVE" if rng.random() < 0.6 else ""
            doc = _pdf(d.blocks, d.header, footer, d.title)
            if d.awkward == "scanned":
                data = _scanned(doc)
            elif d.awkward == "encrypted":
                data = doc.tobytes(
                    encryption=fitz.PDF_ENCRYPT_AES_256,
                    owner_pw=_ENCRYPTED_PASSWORD + "-owner",
                    user_pw=_ENCRYPTED_PASSWORD,
                )
            else:
                data = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
                if d.awkward == "truncated":
                    data = data[: max(200, len(data) * 55 // 100)]
            doc.close()
        elif d.fmt == "docx":
            data = _docx_bytes(d.blocks, d.header, d.title)
        else:
            data = _eml_bytes(d)
        path.write_bytes(data)
        people = list(d.mentions)
        if d.author and d.author.id not in people:
            people.append(d.author.id)
        manifest_docs.append(
            {
                "id": d.id,
                "file": f"documents/{d.id}.{d.fmt}",
                "case": d.case.id,
                "type": d.type,
                "date": d.date.isoformat(),
                "author": d.author.id if d.author else None,
                "title": d.title,
                "people": people,
            }
        )
        entry: dict[str, Any] = {
            "people": [{"person": pid, "mentions": ms} for pid, ms in d.mentions.items()],
            "identifiers": [{"kind": k, "text": t} for k, t in d.identifiers if t],
        }
        if d.awkward:
            entry["awkward"] = d.awkward
            if d.awkward == "encrypted":
                entry["password"] = _ENCRYPTED_PASSWORD
        truth[d.id] = entry

    manifest = {
        "format": FORMAT,
        "people": [_person_json(p) for p in world.people],
        "cases": [
            {
                "id": c.id,
                "type": c.type,
                "opened": c.opened.isoformat(),
                "closed": c.closed.isoformat() if c.closed else None,
                "people": [{"person": p.id, "role": role} for p, role in c.roles],
            }
            for c in world.cases
        ],
        "documents": manifest_docs,
    }
    _write_json(out / "manifest.json", manifest)
    _write_json(out / "ground_truth.json", truth)
    return ExportSummary(
        out_dir=out,
        people=len(world.people),
        professionals=sum(1 for p in world.people if p.professional),
        cases=len(world.cases),
        documents=len(docs),
        by_format=dict(sorted(Counter(d.fmt for d in docs).items())),
        by_type=dict(sorted(Counter(d.type for d in docs).items())),
        awkward={d.id: d.awkward for d in awkward_docs if d.awkward},
    )


def _person_json(p: _Person) -> dict[str, Any]:
    addresses = [f"{a[0]}, {a[1]}, {a[2]}" for a in (p.address, p.old_address) if a]
    return {
        "id": p.id,
        "first_names": p.first_names,
        "last_name": p.last_name,
        "aliases": p.aliases,
        "date_of_birth": p.dob.isoformat() if p.dob and not p.professional else None,
        "social_care_number": p.sc_number,
        "nhs_number": p.nhs,
        "addresses": [] if p.professional else addresses,
        "professional": p.professional,
        "organisation": p.organisation,
    }


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
