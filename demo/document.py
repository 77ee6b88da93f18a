"""A document being written: its blocks and every name and identifier it mentions, recorded
exactly as written (the ground truth), and the phrasing helpers the content writers share.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from demo.people import _age, _Case, _date_text, _name_form, _Person

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


def _one(r: random.Random, *options: Callable[[], str]) -> str:
    """One of several phrasings, built only once chosen (building one records its names)."""
    return r.choice(options)()


def _kids_present(d: _Doc, c: _Case) -> list[_Person]:
    kids = [k for k in c.family.children if k is not c.child]
    return [c.child] + d.rng.sample(kids, k=min(len(kids), d.rng.randrange(0, 3)))


def _parent(c: _Case) -> _Person:
    adults = c.family.adults
    return adults.get("mother") or adults.get("carer") or c.get("foster_carer") or c.child


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
