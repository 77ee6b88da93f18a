from __future__ import annotations

import pytest

from redaction.findings import Finding, Parties


def test_when_finding_round_trips_through_json_then_equal() -> None:
    f = Finding(
        "PERSON",
        "Kelly",
        2,
        5,
        10,
        ((1.0, 2.0, 3.0, 4.0),),
        0.9,
        "ner",
        "why",
        "TP",
        "Kelly Brown",
        "mother",
    )
    assert Finding.from_dict(f.to_dict()) == f


def test_when_manual_rectangle_then_minimal_dict_is_enough() -> None:
    f = Finding.from_dict({"kind": "MANUAL", "page": 1, "rects": [[0, 0, 10, 10]]})
    assert f.kind == "MANUAL" and f.rects == ((0.0, 0.0, 10.0, 10.0),) and f.source == "manual"


def test_when_parties_json_then_subject_and_roles_parsed() -> None:
    p = Parties.from_json(
        {
            "subject": {"names": ["Dean Brown", "Dean Smith"]},
            "parties": [
                {"names": ["Kelly Brown"], "role": "mother"},
                {"names": ["Sian Evans"], "role": "social worker", "professional": True},
            ],
        }
    )
    assert p.subject is not None and p.subject.names == ("Dean Brown", "Dean Smith")
    assert [o.role for o in p.others] == ["mother", "social worker"]
    assert p.others[1].professional and not p.empty


def test_when_party_is_not_an_object_then_value_error() -> None:
    with pytest.raises(ValueError):
        Parties.from_json({"parties": ["Kelly"]})
