"""The verifier's matching: one pass over each text finds exactly what one pattern per term
would find (case, spacing, hyphenation and line breaks ignored, word boundaries kept)."""

from __future__ import annotations

import random
import re

import pymupdf
import pytest

from redaction.verify import (
    _capital_hits,
    _Checker,
    _only_a_name,
    _term_regex,
    normalise,
    verify_bytes,
)


def _reference(terms: list[str], text: str) -> set[str]:
    """The slow definition: every term's own pattern, on the text and with spaces removed."""
    if not text:
        return set()
    norm = normalise(text)
    hits = set()
    by_norm: dict[str, list[str]] = {}
    for term in terms:
        by_norm.setdefault(normalise(term.strip()), []).append(term.strip())
    for term in terms:
        regex = _term_regex(term)
        n = normalise(term.strip())
        spellings = by_norm[n]
        if " " not in n.strip() and all(t[:1].isupper() for t in spellings) and not _only_a_name(n):
            if _capital_hits(regex, text):
                hits.add(term)
            continue
        if regex.search(norm) or (
            " " in normalise(term).strip() and regex.search(norm.replace(" ", ""))
        ):
            hits.add(term)
    return hits


def _fast(terms: list[str], text: str) -> set[str]:
    checker = _Checker(terms)
    checker.check(text, 1, "text")
    return {leak.term for leak in checker.leaks}


@pytest.mark.parametrize(
    ("text", "terms", "expected"),
    [
        ("Seen with KELLY   BROWN today", ["Kelly Brown"], {"Kelly Brown"}),
        ("Seen with Kel-\nly Brown today", ["Kelly Brown"], {"Kelly Brown"}),
        ("Seen with Kelly\nBrown", ["Kelly Brown", "kelly brown"], {"Kelly Brown", "kelly brown"}),
        ("Seen with Mary-Jane", ["Mary Jane"], {"Mary Jane"}),
        ("K e l l y B r o w n", ["Kelly Brown"], {"Kelly Brown"}),
        ("The Deanery", ["Dean"], set()),
        ("Deans and Dean", ["Dean", "Deans", "Deanery"], {"Dean", "Deans"}),
        ("report by J.  Bloggs", ["J. Bloggs"], {"J. Bloggs"}),
        (
            "mail kelly.brown@gmail.com",
            ["kelly.brown@gmail.com", "brown"],
            {"kelly.brown@gmail.com", "brown"},
        ),
        ("nothing here", ["Kelly", "Brown"], set()),
        # a capitalised word's lower-case twin is an ordinary word, unless only a name
        ("a rose by any other name", ["Rose"], set()),
        ("kelly came round", ["Kelly"], {"Kelly"}),
        ("ROSE came round", ["Rose"], {"Rose"}),
    ],
)
def test_when_term_written_differently_then_still_found(
    text: str, terms: list[str], expected: set[str]
) -> None:
    assert _fast(terms, text) == expected == _reference(terms, text)


def test_combined_search_equals_one_pattern_per_term() -> None:
    rng = random.Random(7)
    alphabet = "abA -\n._'é\u00ad"
    for _ in range(1500):
        terms = [
            "".join(rng.choice("abA -._é") for _ in range(rng.randint(1, 6))).strip() or "a"
            for _ in range(rng.randint(1, 6))
        ]
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert _fast(terms, text) == _reference(terms, text), (terms, text)


def test_when_term_in_metadata_or_attachment_then_leak_reported() -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Nothing to see")
    doc.set_metadata({"author": "Kelly Brown"})
    doc.embfile_add("notes.txt", b"Tom Jones was here")
    data = doc.tobytes()
    leaks = verify_bytes(data, ["Kelly Brown", "Tom Jones", "Absent Person"]).leaks
    where = {(leak.term, leak.where.split(" ")[0]) for leak in leaks}
    assert ("Kelly Brown", "metadata") in where
    assert any(term == "Tom Jones" for term, _ in where)
    assert not any(leak.term == "Absent Person" for leak in leaks)
    assert re.search("pdftotext|pypdf", " ".join(verify_bytes(data, ["x"]).extractors))


def test_when_text_uses_ligatures_then_the_term_still_matches() -> None:
    from redaction.verify import normalise

    assert normalise("Gri\ufb03ths") == normalise("Griffiths")


def test_when_term_is_only_pdf_syntax_or_font_data_then_no_leak() -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Nothing to see here", fontname="helv")
    page.insert_text(
        (72, 100), "embedded font", fontfile="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    )
    data = doc.tobytes()
    # PDF names (/Page, /Font, /Helvetica, /Contents) and font programs are not readable text
    leaks = verify_bytes(data, ["Page", "Font", "Helvetica", "Contents", "Catalog", "DejaVu"]).leaks
    assert leaks == []
    assert {leak.term for leak in verify_bytes(data, ["Nothing"]).leaks} == {"Nothing"}


def test_a_redacted_word_inside_text_disclosed_on_purpose_is_no_leak_but_another_is() -> None:
    """The sibling "Tyrone" is redacted; the subject "Tyrone Andre Thompson" stays readable. The
    subject's name is no leak; a further "Tyrone" the detector missed still is."""
    import pymupdf

    from redaction.verify import verify_bytes

    def pdf(lines: list[str]) -> bytes:
        doc = pymupdf.open()
        page = doc.new_page()
        for i, line in enumerate(lines):
            page.insert_text((72, 72 + 20 * i), line, fontname="helv", fontsize=11)
        data = doc.tobytes()
        doc.close()
        return bytes(data)

    subject = "Tyrone Andre Thompson"
    ok = pdf([f"{subject} lives with his mother.", "His brother [TP] visits."])
    assert verify_bytes(ok, ["Tyrone", "Andre"], allowed=[(1, subject)]).ok
    assert not verify_bytes(ok, ["Tyrone"]).ok  # without the allowance the subject's name hits
    missed = pdf([f"{subject} lives with his mother.", "His brother Tyrone visits."])
    report = verify_bytes(missed, ["Tyrone"], allowed=[(1, subject)])
    assert not report.ok and {leak.page for leak in report.leaks} == {1}
    # the allowance is per page: the subject's name on page 1 does not cover page 2
    two = pymupdf.open()
    two.new_page().insert_text((72, 72), subject, fontname="helv", fontsize=11)
    two.new_page().insert_text((72, 72), "Tyrone visits.", fontname="helv", fontsize=11)
    data = two.tobytes()
    assert not verify_bytes(data, ["Tyrone"], allowed=[(1, subject)]).ok
