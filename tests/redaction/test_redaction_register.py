"""Whose data each mention is: the register of known people with their identifiers."""

from __future__ import annotations

from typing import Any

import pytest

from redaction.detect import Detector
from redaction.findings import Finding, Parties

FAMILY: dict[str, Any] = {
    "subject": {
        "names": ["Jack Daniel Walsh"],
        "date_of_birth": "2015-04-02",
        "nhs_number": "943 476 5919",
        "addresses": ["3 Elm Close, Redditch, B97 4AA"],
    },
    "parties": [
        {
            "names": ["Kerry Walsh"],
            "role": "mother",
            "date_of_birth": "1985-03-05",
            "phones": ["07700 900123"],
            "emails": ["kerry.walsh84@outlook.com"],
        },
        {
            "names": ["Daniel Walsh"],
            "role": "father",
            "date_of_birth": "1982-11-11",
            "addresses": ["12 Oak Road, Worcester, WR1 2AB"],
        },
        {"names": ["Raj Patel"], "role": "mother's partner", "sex": "M"},
        {"names": ["Anita Patel"], "role": "school nurse", "professional": True, "sex": "F"},
        {"names": ["Sam Walsh"], "role": "sister"},
        {"names": ["Sam Jones"], "role": "uncle"},
        {"names": ["Shannon"], "role": "family friend"},
    ],
}


def _find(detector: Detector, text: str, needle: str, kind: str | None = None) -> Finding:
    parties = Parties.from_json(FAMILY)
    start = text.index(needle)
    found = [
        f
        for f in detector.detect_text(text, parties)
        if f.start <= start < f.end and (kind is None or f.kind == kind)
    ]
    assert found, (needle, text)
    return found[0]


@pytest.mark.parametrize(
    ("text", "needle", "party", "redact"),
    [
        # a parent sharing the subject's surname: resolved by title and sex
        ("Ms Walsh said that Jack was tired.", "Walsh", "Kerry Walsh", True),
        ("Mr Walsh collected Jack from school.", "Walsh", "Daniel Walsh", True),
        ("Ms Walsh said that Jack was tired.", "Jack", "Jack Daniel Walsh", False),
        # a father whose first name is the subject's middle name
        ("Daniel collected Jack at 3pm.", "Daniel", "Daniel Walsh", True),
        ("Jack Daniel Walsh attended.", "Daniel", "Jack Daniel Walsh", False),
        # a professional sharing a surname with the mother's partner
        ("Mrs Patel, the school nurse, saw Jack.", "Patel", "Anita Patel", False),
        ("Mr Patel was not present.", "Patel", "Raj Patel", True),
        ("Jack told the nurse Patel about it.", "Patel", "Anita Patel", False),
        # role words beside a given name
        ("Mum Kerry rang; Kerry was upset.", "Kerry was", "Kerry Walsh", True),
        # the nearest full-name mention decides a given name shared by two people
        ("Sam Jones visited. Later Sam left.", "Sam left", "Sam Jones", True),
        # the surname first, as case headers write it, and initials
        ("Re: WALSH, Jack Daniel (DOB 02/04/2015)", "WALSH", "Jack Daniel Walsh", False),
        ("Actions: KW to attend the GP.", "KW", "Kerry Walsh", True),
        # a family friend known only by a lower-case first name in copied messages
        ("[12:03] shannon: u coming round later?", "shannon", "Shannon", True),
    ],
)
def test_when_name_alone_then_attributed_to_the_right_person(
    detector: Detector, text: str, needle: str, party: str, redact: bool
) -> None:
    f = _find(detector, text, needle, "PERSON")
    assert f.party == party, f.reason
    assert f.is_third_party is redact


def test_when_given_name_shared_and_nothing_tells_then_candidates_listed(
    detector: Detector,
) -> None:
    f = _find(detector, "Sam came round after tea.", "Sam", "PERSON")
    assert f.party is None
    assert set(f.candidates) == {"Sam Walsh", "Sam Jones"}
    assert f.is_third_party, "an unresolved mention is never silently given to the subject"


@pytest.mark.parametrize(
    ("text", "needle", "kind", "party", "redact"),
    [
        # the register's dates of birth in every written form
        ("Mother's DOB 05/03/1985.", "05/03/1985", "DATE_OF_BIRTH", "Kerry Walsh", True),
        (
            "She was born on 5 March 1985 in Leeds.",
            "5 March 1985",
            "DATE_OF_BIRTH",
            "Kerry Walsh",
            True,
        ),
        ("Kerry (5.3.85) attended.", "5.3.85", "DATE_OF_BIRTH", "Kerry Walsh", True),
        ("born March 5th, 1985", "March 5th", "DATE_OF_BIRTH", "Kerry Walsh", True),
        # running text: "gave his date of birth as ..."
        (
            "Mr Walsh gave his date of birth as 11/11/1982.",
            "11/11/1982",
            "DATE_OF_BIRTH",
            "Daniel Walsh",
            True,
        ),
        # the subject's own identifiers are never suggested for redaction
        ("Jack (DOB 2.4.15) is in Year 6.", "2.4.15", "DATE_OF_BIRTH", "Jack Daniel Walsh", False),
        ("NHS no: 9434765919", "9434765919", "NHS_NUMBER", "Jack Daniel Walsh", False),
        (
            "Jack lives at 3 Elm Close, Redditch.",
            "3 Elm Close",
            "ADDRESS",
            "Jack Daniel Walsh",
            False,
        ),
        # phones with and without spaces
        ("Call 07700900123 after 5.", "07700900123", "PHONE", "Kerry Walsh", True),
        ("Mobile +44 7700 900 123", "+44 7700", "PHONE", "Kerry Walsh", True),
    ],
)
def test_when_register_identifier_written_any_way_then_found_as_theirs(
    detector: Detector, text: str, needle: str, kind: str, party: str, redact: bool
) -> None:
    f = _find(detector, text, needle, kind)
    assert f.party == party, f.reason
    assert f.is_third_party is redact


def test_when_a_title_and_the_childs_surname_match_only_the_child_then_the_reviewer_chooses(
    detector: Detector,
) -> None:
    # the only Hughes on the list is the child: "Mr Hughes" is most likely an unlisted relative
    parties = Parties.from_json(
        {"subject": {"names": ["Jack Hughes"], "date_of_birth": "2015-04-02"}, "parties": []}
    )
    text = "Mr Hughes came to the door. Jack was upstairs."
    found = {f.text: f for f in detector.detect_text(text, parties) if f.kind == "PERSON"}
    hughes = found["Hughes"]
    assert hughes.party is None and hughes.is_third_party
    assert hughes.candidates == ("Jack Hughes", "someone not on the party list")
    assert found["Jack"].party == "Jack Hughes" and not found["Jack"].is_third_party
    # a care leaver asking for their own file is an adult: "Mr Hughes" is them
    adult = Parties.from_json(
        {"subject": {"names": ["Jack Hughes"], "date_of_birth": "1990-04-02"}, "parties": []}
    )
    mr = next(f for f in detector.detect_text(text, adult) if f.text == "Hughes")
    assert mr.party == "Jack Hughes" and not mr.is_third_party


def test_when_family_table_then_each_row_date_belongs_to_its_person(detector: Detector) -> None:
    text = (
        "Household\n"
        "Name | Relationship | DOB\n"
        "Jack Walsh | subject | 02/04/2015\n"
        "Kerry Walsh | mother | 05/03/1985\n"
        "Bob Carter | lodger | 14/07/1979\n"
    )
    jack = _find(detector, text, "02/04/2015", "DATE_OF_BIRTH")
    kerry = _find(detector, text, "05/03/1985", "DATE_OF_BIRTH")
    bob = _find(detector, text, "14/07/1979", "DATE_OF_BIRTH")
    assert not jack.is_third_party and jack.party == "Jack Daniel Walsh"
    assert kerry.is_third_party and kerry.party == "Kerry Walsh"
    assert bob.is_third_party, "an unknown person's date of birth is withheld"


def test_when_relation_stands_between_then_not_given_to_the_subject(detector: Detector) -> None:
    text = "Jack lives with his aunt, DOB 01/02/1970."
    f = _find(detector, text, "01/02/1970", "DATE_OF_BIRTH")
    assert f.is_third_party


def test_when_address_of_a_person_then_found_whole(detector: Detector) -> None:
    text = "Dad now lives at 12 Oak Road, Worcester WR1 2AB with a friend."
    f = _find(detector, text, "12 Oak Road", "ADDRESS")
    assert f.text == "12 Oak Road, Worcester WR1 2AB"
    assert f.party == "Daniel Walsh" and f.is_third_party


def test_when_email_shares_the_subject_surname_then_whole_address_is_the_mothers(
    detector: Detector,
) -> None:
    text = "Email from kerry.walsh84@outlook.com received."
    parties = Parties.from_json(FAMILY)
    found = [f for f in detector.detect_text(text, parties) if f.start < text.index(" received")]
    emails = [f for f in found if f.kind == "EMAIL"]
    assert [e.text for e in emails] == ["kerry.walsh84@outlook.com"]
    assert emails[0].party == "Kerry Walsh" and emails[0].is_third_party
    assert not [f for f in found if f.kind == "PERSON" and f.start >= text.index("kerry")]


def test_parties_json_round_trip_keeps_identifiers() -> None:
    parties = Parties.from_json(FAMILY)
    assert parties.subject is not None and parties.subject.date_of_birth == "2015-04-02"
    mother = parties.others[0]
    assert mother.sex == "F" and mother.phones == ("07700 900123",)
    assert parties.others[1].sex == "M"
