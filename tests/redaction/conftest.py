"""Fixtures for the redaction library: the real spaCy model loaded once, a detector, files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from redaction.detect import Detector, load_nlp


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The real offline spaCy pipeline, loaded once per test session."""
    return load_nlp()


@pytest.fixture(scope="session")
def detector(nlp: Any) -> Detector:
    """A detector on the real pipeline."""
    return Detector(nlp=nlp)


@pytest.fixture(scope="session")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for generated input files shared by the session."""
    return tmp_path_factory.mktemp("redaction-files")
