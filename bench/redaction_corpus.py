"""Labelled development corpus for the redaction engine: a deterministic generator of
children's-services texts plus hand-written texts in ``redaction_corpus/`` (``tune_*.txt`` and
``heldout_*.txt``, and ``fresh_*.txt``: written after the engine, in styles it was not developed
on, and never used to tune a rule or a word list). Labels are inline: ``[[KIND|text]]``."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent / "redaction_corpus"
LABEL = re.compile(r"\[\[([A-Z_]+)\|(.*?)\]\]", re.S)


@dataclass(frozen=True)
class Doc:
    """A text and its gold spans (kind, start, end)."""

    name: str
    text: str
    spans: tuple[tuple[str, int, int], ...]


def parse(name: str, marked: str) -> Doc:
    """Strip ``[[KIND|text]]`` labels, keeping their offsets."""
    out: list[str] = []
    spans: list[tuple[str, int, int]] = []
    pos = 0
    length = 0
    for m in LABEL.finditer(marked):
        out.append(marked[pos : m.start()])
        length += m.start() - pos
        spans.append((m.group(1), length, length + len(m.group(2))))
        out.append(m.group(2))
        length += len(m.group(2))
        pos = m.end()
    out.append(marked[pos:])
    return Doc(name, "".join(out), tuple(spans))


TUNE_FIRST = [
    "Kelly",
    "Dean",
    "Jade",
    "Tyler",
    "Shannon",
    "Liam",
    "Chantelle",
    "Kyle",
    "Paige",
    "Connor",
    "Demi",
    "Callum",
    "Leanne",
    "Reece",
    "Courtney",
    "Jordan",
    "Stacey",
]
TUNE_SURNAME = [
    "Brown",
    "Smith",
    "Hughes",
    "Evans",
    "Taylor",
    "Walsh",
    "Patel",
    "Khan",
    "Nowak",
    "Okafor",
    "Morgan",
    "Price",
    "Lloyd",
    "Jenkins",
]
# held-out names: many deliberately absent from the gazetteer
HELD_FIRST = [
    "Tamsin",
    "Brogan",
    "Kacey",
    "Lowri",
    "Marcin",
    "Aurelia",
    "Deshawn",
    "Keeley",
    "Tegan",
    "Ruaridh",
    "Precious",
    "Oluwadamilare",
    "Jaxon",
    "Kenzie",
    "Will",
    "Grace",
    "Brooklyn",
    "Rhianna",
    "Haris",
    "Lacey-Mae",
]
HELD_SURNAME = [
    "Kettleby",
    "Throup",
    "Oyelowo",
    "Pilkington",
    "Szczepanski",
    "Marchetti",
    "Ashcroft",
    "Brown",
    "Hill",
    "Duckworth",
    "Quaye",
    "Fairweather",
    "Le Roux",
    "Ogunbiyi",
    "Stott",
    "Wild",
    "Pennock",
    "Haworth-Booth",
]
PROF_ROLE = ["Social Worker", "Team Manager", "Health Visitor", "IRO", "DSL", "GP"]
TOWNS = ["Worcester", "Redditch", "Kidderminster", "Evesham", "Malvern", "Bromsgrove"]
STREETS = ["Oak Tree Road", "Station Street", "Mill Lane", "Windsor Close", "Church Avenue"]

TEMPLATES = [
    "CASE NOTE\nDate: 12/05/2024\nVisit to [[ADDRESS|{num} {street}]], {town}. Present: "
    "[[PERSON|{m_first} {m_last}]] (mother), [[PERSON|{c_first}]] (child, 7) and "
    "[[PERSON|{p_first} {p_last}]] ({role}).\n"
    "[[PERSON|{m_first}]] said that [[PERSON|{f_first}]] had not "
    "visited since March. [[PERSON|{c_first}]]'s bedroom was clean. [[PERSON|{m_last}]] agreed "
    "to call on [[PHONE|07700 900{n3}]].\n",
    "MOTHER [[PERSON|{m_first_U} {m_last_U}]] ATTENDED WITH [[PERSON|{c_first_U}]]. "
    "FATHER [[PERSON|{f_first_U} {f_last_U}]] DID NOT ATTEND.\nseen by nurse, pt says mum "
    "[[PERSON|{m_first_l}]] is unwell. [[PERSON|{c_first_l}]] tired.\n",
    "Dear [[PERSON|{m_title} {m_last}]],\nI am writing about [[PERSON|{c_first} {m_last}]] "
    "(DOB [[DATE_OF_BIRTH|0{d}/0{d}/2016]]). NHS number [[NHS_NUMBER|943 476 5919]].\n"
    "Please contact me at [[EMAIL|{p_first_l}.{p_last_l}@worcestershire.gov.uk]].\n"
    "Kind regards,\n[[PERSON|{p_first} {p_last}]]\n{role}\n",
    "Strategy meeting minutes\nAttendees: [[PERSON|{p_first} {p_last}]] - {role}; "
    "DC [[PERSON|{p2_last}]] - Police; [[PERSON|{g_first} {g_last}]] (maternal grandmother).\n"
    "Concerns were raised that [[PERSON|{f_first} {f_last}]]'s partner, "
    "[[PERSON|{x_first}]], drives a car reg [[VEHICLE_REG|AB12 CDE]]. The family live near "
    "[[POSTCODE|WR{d} 2AB]].\n",
    "Assessment summary: [[PERSON|{c_first}]] lives with her mother and her brother "
    "[[PERSON|{s_first}]] ([[PERSON|{s_first}]] is 14). The Monday visit in June was cancelled "
    "by Children's Services. The school reported no concerns. [[PERSON|{s_first}]]'s NI "
    "number is [[NI_NUMBER|AB123456C]].\n",
]


def _fill(rng: random.Random, first: list[str], last: list[str]) -> dict[str, str]:
    def pick(pool: list[str]) -> str:
        return rng.choice(pool)

    v = {
        "m_first": pick(first),
        "m_last": pick(last),
        "c_first": pick(first),
        "f_first": pick(first),
        "f_last": pick(last),
        "p_first": pick(first),
        "p_last": pick(last),
        "p2_last": pick(last),
        "g_first": pick(first),
        "g_last": pick(last),
        "x_first": pick(first),
        "s_first": pick(first),
        "role": pick(PROF_ROLE),
        "town": pick(TOWNS),
        "street": pick(STREETS),
        "num": str(rng.randint(1, 99)),
        "n3": f"{rng.randint(100, 999)}",
        "d": str(rng.randint(1, 9)),
        "m_title": pick(["Mrs", "Ms", "Miss"]),
    }
    for key in list(v):
        v[key + "_U"] = v[key].upper()
        v[key + "_l"] = v[key].lower()
    v["m_first_u"] = v["m_first"]
    return v


def generated(split: str, count: int = 40) -> list[Doc]:
    """Deterministic generated documents for ``tune`` or ``heldout``."""
    base = 0 if split == "tune" else 10_000
    first, last = (TUNE_FIRST, TUNE_SURNAME) if split == "tune" else (HELD_FIRST, HELD_SURNAME)
    docs = []
    for i in range(count):
        rng = random.Random(base + i)
        values = _fill(rng, first, last)
        chosen = rng.sample(TEMPLATES, 3)
        docs.append(parse(f"{split}-gen-{i}", "\n".join(t.format(**values) for t in chosen)))
    return docs


def handwritten(split: str) -> list[Doc]:
    """Hand-written labelled texts for ``tune`` or ``heldout``."""
    return [parse(p.name, p.read_text("utf-8")) for p in sorted(HERE.glob(f"{split}_*.txt"))]


def corpus(split: str) -> list[Doc]:
    """All documents of one split; ``fresh`` is hand-written only and never tuned on."""
    if split == "fresh":
        return handwritten(split)
    return generated(split) + handwritten(split)
