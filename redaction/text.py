"""Plain text of a document, for search indexes (no detection, no spaCy)."""

from __future__ import annotations

import os

from redaction.errors import RedactionError
from redaction.extract import extract


def plain_text(path: str | os.PathLike[str]) -> tuple[str, str]:
    """The document's text page by page, and "ok" or the reason it could not be read."""
    try:
        copy = extract(path)
    except RedactionError as exc:
        return "", exc.code
    text = "\n".join(p.text for p in copy.pages)
    if any(w.code == "scanned_page" for w in copy.warnings):
        return text, "scanned"  # what text there is stays searchable; the scan needs a person
    return text, "ok"
