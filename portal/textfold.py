"""Text folded for searching and matching: the one folding function of the portal.

Lower case, accents removed, letters without a decomposition spelt in ASCII (Ł as l, ø as o,
ß as ss, æ as ae, đ as d, þ as th, Cyrillic and Greek transliterated), anything but letters and
digits a single space. So "Łukasz", "LUKASZ" and "lukasz" fold alike, as do "Søren"/"Soren",
"Straße"/"Strasse" and "Zoë Smith-Jones"/"zoe smith jones".

The full-text index (documents.search_text) and the folded names of the records
(record_people.search_names) are stored folded: a change here needs a migration that re-folds
them (see migrations/versions/0007_refold_search_text.py), or old rows stop matching new searches.
The redaction library folds for detection on its own (redaction/), not with this.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_NON_WORD = re.compile(r"[^0-9a-z]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_CHARS: dict[str, str] = {}


def _ascii(char: str) -> str:
    """One character left over after decomposition: a mark goes, a letter or digit is spelt in
    ASCII, anything else (a symbol, punctuation, a space) separates words."""
    spelt = _CHARS.get(char)
    if spelt is None:
        category = unicodedata.category(char)
        if category[0] == "M":
            spelt = ""
        elif category[0] in "LN":
            spelt = anyascii(char) or " "
        else:
            spelt = " "
        _CHARS[char] = spelt
    return spelt


def _spell_run(match: re.Match[str]) -> str:
    return "".join(_ascii(char) for char in match.group())


def fold(value: str) -> str:
    """Lower case, accents removed, letters in ASCII, anything but letters and digits a single
    space."""
    text = value or ""
    if not text.isascii():
        # Decomposition first, as before anyascii: accents come off and compatibility forms
        # (ligatures, superscripts, "™") read as they always did; then what is left over.
        text = _NON_ASCII.sub(_spell_run, unicodedata.normalize("NFKD", text))
    return _NON_WORD.sub(" ", text.lower()).strip()
