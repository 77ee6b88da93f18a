"""Whose data an identifier is: the register's own identifiers are their person's; any other
date of birth, phone, address or email belongs to the person named in the same table row, the
same "Name (relationship), DOB" group or the same sentence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from redaction.findings import (
    EMAIL,
    PERSON,
    ROLE_PROFESSIONAL,
    ROLE_SUBJECT,
    THIRD_PARTY_EXEMPTION,
    Finding,
    Parties,
    Party,
)

_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")


def owner_nearby(text: str, start: int, end: int, people: Sequence[Finding]) -> Finding | None:
    """The person mention that an identifier at ``start:end`` belongs with: the nearest one
    before it on the same line (a table row, "Kerry Walsh (mother), 05/03/1985"), else the
    nearest after it on that line, else the nearest before it in the same sentence."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    # every person mention counts, known or not: "Jack's uncle Bob Smith, DOB ..." is Bob's
    named = [p for p in people if p.kind == PERSON]
    before = [p for p in named if line_start <= p.start and p.end <= start]
    if before:
        return max(before, key=lambda p: p.end)
    after = [p for p in named if end <= p.start and p.end <= line_end]
    if after:
        return min(after, key=lambda p: p.start)
    sentence_start = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        sentence_start = m.end()
    same = [p for p in named if sentence_start <= p.start and p.end <= start]
    return max(same, key=lambda p: p.end) if same else None


def party_by_label(parties: Parties, label: str | None) -> Party | None:
    """The party a finding names."""
    return next((p for p in parties.all if p.label == label), None) if label else None


def exemption_for(party: Party | None) -> tuple[str | None, str | None]:
    """(exemption, role) for data about ``party``: the subject's and professionals' work data
    are not withheld by default; anyone else's, or nobody's we know, are."""
    if party is None:
        return THIRD_PARTY_EXEMPTION, None
    if party.subject:
        return None, ROLE_SUBJECT
    if party.professional:
        return None, party.role or ROLE_PROFESSIONAL
    return THIRD_PARTY_EXEMPTION, party.role


def email_owner(local: str, parties: Parties) -> Party | None:
    """The party an email address is probably about, from the names in its local part: a
    given name decides ("kerry.walsh84" is Kerry's even though Walsh is the child's surname);
    a surname alone decides only when one party carries it."""
    low = local.lower()
    by_given = [
        p
        for p in parties.all
        for n in p.names
        if (w := n.split()[0].lower()) and len(w) > 2 and w in low
    ]
    if by_given:
        return by_given[0] if len({id(p) for p in by_given}) == 1 else None
    by_surname = {
        id(p): p
        for p in parties.all
        for n in p.names
        if len(n.split()) > 1 and len(n.split()[-1]) > 2 and n.split()[-1].lower() in low
    }
    return next(iter(by_surname.values())) if len(by_surname) == 1 else None


_RELATION = re.compile(
    r"\b(?:mother|mum|mom|father|dad|step\w*|brother|sister|sibling|aunt\w*|uncle|nan|gran\w*|"
    r"partner|boyfriend|girlfriend|husband|wife|friend|neighbour|cousin|carer|his|her|their)\b",
    re.IGNORECASE,
)
_REGISTER_FIELD = {
    "DATE_OF_BIRTH": "date_of_birth",
    "NHS_NUMBER": "nhs_number",
    "SOCIAL_CARE_ID": "social_care_number",
    "ADDRESS": "addresses",
    "POSTCODE": "addresses",
    "PHONE": "phones",
}


def _plainly_theirs(finding: Finding, text: str, near: Finding, subject: Party) -> bool:
    """An identifier beside the subject's name is taken as theirs only when nothing between
    the two names someone else ("Jack lives with his mother, DOB ...") and the register does
    not already hold a different value of that kind for the subject."""
    field = _REGISTER_FIELD.get(finding.kind)
    if field and getattr(subject, field):
        return False  # the register's own value would have been found as the subject's
    lo, hi = (
        sorted((near.end, finding.start))
        if near.end <= finding.start
        else (finding.end, near.start)
    )
    return not _RELATION.search(text[lo:hi])


def attribute(finding: Finding, text: str, people: Sequence[Finding], parties: Parties) -> Finding:
    """``finding`` (an identifier found by a pattern) with its owner, exemption and role."""
    if finding.kind == EMAIL:
        local = finding.text.split("@", 1)[0]
        owner = email_owner(local, parties) if not parties.empty else None
        if owner is not None:
            exemption, role = exemption_for(owner)
            return replace(
                finding,
                exemption=exemption,
                role=role,
                party=owner.label,
                reason=finding.reason + f"; the address of {owner.label} (by its name)",
            )
        return finding
    near = owner_nearby(text, finding.start, finding.end, people)
    if near is None:
        return finding
    if near.party is None:
        return replace(
            finding,
            exemption=THIRD_PARTY_EXEMPTION,
            candidates=near.candidates,
            reason=finding.reason + "; beside a mention of " + " or ".join(near.candidates),
        )
    owner = party_by_label(parties, near.party)
    if owner is not None and owner.subject and not _plainly_theirs(finding, text, near, owner):
        return replace(
            finding,
            candidates=(owner.label,),
            reason=finding.reason + f"; beside {owner.label}'s name: check whose it is",
        )
    exemption, role = exemption_for(owner)
    return replace(
        finding,
        exemption=exemption,
        role=role,
        party=near.party,
        reason=finding.reason + f"; beside {near.party}'s name",
    )
