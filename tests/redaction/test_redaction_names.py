from __future__ import annotations

import pytest

from redaction.detect import Detector
from redaction.findings import Parties


def _persons(detector: Detector, text: str, parties: Parties | None = None) -> list[str]:
    return [f.text for f in detector.detect_text(text, parties) if f.kind == "PERSON"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("MOTHER KELLY BROWN ATTENDED THE MEETING", "KELLY BROWN"),
        ("seen at home, mum kelly was present", "kelly"),
        ("Mrs Okonkwo phoned the office", "Okonkwo"),
        ("Cllr Hargreaves chaired the panel", "Hargreaves"),
        ("PC Dobson attended the address", "Dobson"),
        ("Dean's bedroom was untidy", "Dean"),
        ("Sarah-Jane Wilkins is the maternal aunt", "Sarah-Jane Wilkins"),
        ("The report by J. Bloggs was read", "J. Bloggs"),
        ("Present: Zofia Nowak (mother), Tariq Mahmood (SW)", "Zofia Nowak"),
        ("Present: Zofia Nowak (mother), Tariq Mahmood (SW)", "Tariq Mahmood"),
        ("Kind regards,\nAled Pritchard\nSocial Worker", "Aled Pritchard"),
        ("the child, Tyler Zabrowski (7), was quiet", "Tyler Zabrowski"),
    ],
)
def test_when_messy_name_form_then_flagged(detector: Detector, text: str, name: str) -> None:
    assert name in _persons(detector, text)


def test_when_name_inside_an_email_then_the_whole_address_is_redacted(detector: Detector) -> None:
    found = detector.detect_text("Emailed kelly.brown@gmail.com yesterday")
    assert [(f.kind, f.text, f.exemption) for f in found] == [
        ("EMAIL", "kelly.brown@gmail.com", "TP")
    ]


def test_when_surname_only_after_full_mention_then_flagged(detector: Detector) -> None:
    text = "Kelly Brown arrived late. Later Brown said that she was tired. KELLY left."
    found = _persons(detector, text)
    assert "Brown" in found and "KELLY" in found


@pytest.mark.parametrize(
    "text",
    [
        "The meeting was held on Monday in March at County Hall.",
        "Children's Services and the Police attended the strategy meeting.",
        "The Social Worker completed the Child Protection Plan.",
    ],
)
def test_when_no_person_then_nothing_flagged(detector: Detector, text: str) -> None:
    assert _persons(detector, text) == []


def test_when_ambiguous_name_in_lower_case_then_doubtful_score(detector: Detector) -> None:
    parties = Parties.build(third_parties=["Grace Hill"])
    found = [
        f
        for f in detector.detect_text("Grace came. We said grace at dinner.", parties)
        if f.kind == "PERSON"
    ]
    scores = {f.text: f.score for f in found}
    assert scores["Grace"] >= 0.6 and 0 < scores["grace"] < 0.5


def test_when_parties_given_then_roles_and_exemptions(detector: Detector) -> None:
    parties = Parties.build(
        subject=["Dean Brown"], third_parties=["Kelly Brown"], professionals=["Sian Evans"]
    )
    text = (
        "Dean was seen with his mother KELLY BROWN. kelly's partner Gary Hughes was out. "
        "Sian Evans (SW) visited. K. Brown signed."
    )
    by_text = {f.text: f for f in detector.detect_text(text, parties) if f.kind == "PERSON"}
    assert by_text["Dean"].role == "subject" and by_text["Dean"].exemption is None
    assert (
        by_text["KELLY BROWN"].party == "Kelly Brown" and by_text["KELLY BROWN"].exemption == "TP"
    )
    assert by_text["kelly"].party == "Kelly Brown"
    assert by_text["Sian Evans"].role == "professional" and by_text["Sian Evans"].exemption is None
    assert by_text["Gary Hughes"].exemption == "TP" and by_text["Gary Hughes"].party is None
    assert by_text["K. Brown"].party == "Kelly Brown"


def test_detection_is_deterministic(detector: Detector) -> None:
    text = "Mother Kelly Brown and Dean met Dr Patel at 14 Oak Road, WR1 2AB."
    assert detector.detect_text(text) == detector.detect_text(text)


def test_when_text_is_in_another_language_then_only_known_names_are_flagged(
    detector: Detector,
) -> None:
    text = (
        "Sei X ein topologischer Raum und A eine Teilmenge. Dann ist die Abbildung stetig, "
        "wenn für jede offene Menge das Urbild offen ist. Beweis: Die Aussage folgt direkt "
        "aus der Definition, denn jede Umgebung enthält eine offene Menge. Bemerkung: Für "
        "metrische Räume gilt das auch mit Folgen. Beispiel von Martin Thoma und Kelly Brown. "
        "Seien X und Y zwei Räume und die Abbildung ein Homöomorphismus zwischen ihnen."
    )
    found = set(_persons(detector, text))
    assert {"Martin Thoma", "Kelly Brown"} <= found
    assert not found & {"Sei", "Dann", "Beweis", "Bemerkung", "Beispiel", "Raum", "X", "Y", "A"}


def test_when_letters_are_mathematics_then_not_people(detector: Detector) -> None:
    text = "Let X and Y be sets. Then X is a subset of Y, and the map from X to Y is onto."
    assert not set(_persons(detector, text)) & {"X", "Y"}
    judgment = "The children, A and B, live with their mother. A is 7 and B is 4."
    assert {"A", "B"} <= set(_persons(detector, judgment))


def test_when_a_given_name_stands_before_a_found_surname_then_it_goes_too(
    detector: Detector,
) -> None:
    text = "Mr Braithwaite rang the office. Later Oyelaran Braithwaite arrived with the forms."
    found = _persons(detector, text)
    assert "Oyelaran Braithwaite" in found, found
