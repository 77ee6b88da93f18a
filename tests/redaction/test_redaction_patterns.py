from __future__ import annotations

import pytest

from redaction.detect.patterns import find_identifiers, nhs_number_valid, ni_number_valid, upn_valid


def _upn(body: str) -> str:
    letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
    total = sum(w * int(c) for w, c in zip(range(2, 14), body, strict=True))
    return letters[total % 23] + body


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("Call 01905 765765 today", "PHONE", "01905 765765"),
        ("mobile: 07700 900123.", "PHONE", "07700 900123"),
        ("mob +44 7700 900123", "PHONE", "+44 7700 900123"),
        ("kelly.brown@gmail.com wrote", "EMAIL", "kelly.brown@gmail.com"),
        ("lives in WR1 2AB now", "POSTCODE", "WR1 2AB"),
        ("Address: 14 Oak Tree Road, Worcester", "ADDRESS", "14 Oak Tree Road, Worcester"),
        ("She is now placed at Willow Lodge with staff", "ADDRESS", "Willow Lodge"),
        ("DOB: 12/03/2015", "DATE_OF_BIRTH", "12/03/2015"),
        ("born on 3 March 2016 at", "DATE_OF_BIRTH", "3 March 2016"),
        ("NHS number 943 476 5919", "NHS_NUMBER", "943 476 5919"),
        ("NI number AB123456C", "NI_NUMBER", "AB123456C"),
        ("LCS ID: 1234567", "SOCIAL_CARE_ID", "1234567"),
        ("ULN 1234567890", "ULN", "1234567890"),
        ("car reg AB12 CDE seen", "VEHICLE_REG", "AB12 CDE"),
        ("sort code 12-34-56", "BANK", "12-34-56"),
        ("account number 12345678", "BANK", "12345678"),
        (
            "attends St Mary's C of E Primary School daily",
            "SCHOOL",
            "St Mary's C of E Primary School",
        ),
        ("registered at Brook Lane Surgery", "GP_PRACTICE", "Brook Lane Surgery"),
    ],
)
def test_when_identifier_present_then_found(text: str, kind: str, expected: str) -> None:
    found = [(m.kind, text[m.start : m.end]) for m in find_identifiers(text)]
    assert (kind, expected) in found


@pytest.mark.parametrize(
    "text",
    [
        "NHS number 943 476 5918",  # bad check digit
        "NI number BG123456C",  # invalid prefix
        "meeting on 12-03-15 at 10",  # a date, not a sort code
        "the school said",
    ],
)
def test_when_invalid_or_plain_then_not_found(text: str) -> None:
    kinds = {m.kind for m in find_identifiers(text)}
    assert not kinds & {"NHS_NUMBER", "NI_NUMBER", "BANK", "SCHOOL"}


def test_checksums() -> None:
    assert nhs_number_valid("9434765919") and not nhs_number_valid("9434765918")
    assert ni_number_valid("AB 12 34 56 C") and not ni_number_valid("AB123456E")
    upn = _upn("801200000001")
    assert upn_valid(upn) and not upn_valid("Z" + upn[1:] if upn[0] != "Z" else "A" + upn[1:])
    assert [m.kind for m in find_identifiers(f"UPN {upn}")] == ["UPN"]
