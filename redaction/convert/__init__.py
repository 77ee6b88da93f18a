"""One converter per input format, each turning a file into the PDF working copy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from redaction.errors import UnsupportedFormat
from redaction.findings import PageWarning

if TYPE_CHECKING:
    from redaction.extract import Limits, PageText


@dataclass(slots=True)
class Converted:
    """A converter's output: the PDF, and the page texts where the converter laid them out."""

    pdf: bytes
    warnings: list[PageWarning] = field(default_factory=list)
    pages: list[PageText] | None = None
    source_type: str = "pdf"


Converter = Callable[[bytes, str, "Limits", int], Converted]

_REGISTRY: dict[str, Converter] = {}


def register(*suffixes: str) -> Callable[[Converter], Converter]:
    """Register a converter for file name suffixes such as ``.pdf``."""

    def wrap(func: Converter) -> Converter:
        for suffix in suffixes:
            _REGISTRY[suffix] = func
        return func

    return wrap


def converter_for(name: str) -> Converter:
    """The converter for a file name, or :class:`UnsupportedFormat`."""
    _load()
    suffix = Path(name).suffix.lower()
    try:
        return _REGISTRY[suffix]
    except KeyError:
        raise UnsupportedFormat(f"{name}: unsupported file type {suffix or '(none)'}") from None


def convert(path: Path, limits: Limits) -> Converted:
    """Convert the file at ``path`` to a working-copy PDF."""
    func = converter_for(path.name)
    return func(path.read_bytes(), path.name, limits, 0)


def _load() -> None:
    # importing the modules fills the registry
    from redaction.convert import docx, eml, pdf, text  # noqa: F401
