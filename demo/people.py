"""Names, places, organisations and identifiers of the demo world, and its people, families and
cases.

Phone numbers are in Ofcom's drama ranges, NHS numbers start 999 (never issued) with a valid
check digit, and email domains are under example.org / example.com. Every date is counted from
one fixed anchor, ``ANCHOR``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date

ANCHOR = date(2026, 10, 1)

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
