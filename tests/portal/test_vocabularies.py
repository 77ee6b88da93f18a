"""Every closed vocabulary is an enum with the words staff see (portal/models/enums.py)."""

from __future__ import annotations

import pytest

from portal.filters import label
from portal.models.enums import VOCABULARIES, FindingKind, PackStatus
from redaction.findings import KINDS


def test_finding_kinds_cover_the_engines() -> None:
    assert set(KINDS) <= {k.value for k in FindingKind}


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_every_value_has_words_for_staff(name: str) -> None:
    for member in VOCABULARIES[name]:
        words = label(member.value, name)
        assert words and words != member.value.replace("_", " ") or name == "FindingKind"


def test_unknown_codes_are_shown_as_they_are() -> None:
    assert label("built", "PackStatus") == PackStatus.BUILT.label == "Built and verified"
    assert label("something_else", "PackStatus") == "something_else"
    assert label(None, "JobStatus") == ""
