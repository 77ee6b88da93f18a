"""Judgment style: people known by a letter ("Re A and B (Children)", "the child, C", "M, her
former partner"), then every other mention of the same letter on the page."""

from __future__ import annotations

import re

from redaction.detect.gazetteer import Gazetteer
from redaction.detect.tokens import NAME_AFTER, POSSESSIVE, TOKEN, Span

_RE_TITLE = re.compile(
    r"\bRe:?\s+((?:[A-Z][\w'’-]*(?:\s*,\s*|\s+and\s+|\s*&\s*|\s+)?){1,6}?)\s*"
    r"\((?:[Aa]\s+)?(?:Child|Children|Minor|Minors|child|children)\b"
)
_LETTER_PAIR = re.compile(
    r"(?<![\w&.’'/-])([A-Z])(?:\s*,\s*|\s+and\s+|\s*&\s*)([A-Z])(?![\w&/.’'-])"
)
_KIN = (
    r"(?:child|children|mother|father|boy|girl|baby|sibling|brother|sister|partner|aunt|"
    r"uncle|grandmother|grandfather|neighbour|friend|applicant|respondent|intervenor|"
    r"witness|man|woman|son|daughter|stepfather|stepmother|boyfriend|girlfriend|husband|"
    r"wife)"
)
_LETTER_APPOSITION = re.compile(
    rf"\b{_KIN},\s+([A-Z])(?![\w&.’'/])|(?<![\w&.’'/-])([A-Z]),\s+(?:his|her|their|the)\s+"
    rf"(?:(?:former|ex|maternal|paternal|older|younger|eldest|youngest)[\s-]+)?{_KIN}\b"
)
_LETTER_LABEL = re.compile(
    r"\b(?:part|schedule|appendix|annexe?|form|plan|section|grade|type|category|class|tier|"
    r"block|ward|level|option|exhibit|stage|phase|box|column|room|unit|flat|vitamin|"
    r"hepatitis|group|bundle|page|paragraph|para|question|item|point|step)\s*$",
    re.IGNORECASE,
)


def judgment_letters(text: str, gaz: Gazetteer) -> list[Span]:
    """Judgment style: "Re A and B (Children)", "the child, C", "M, her former partner";
    then every other mention of the same letter on the page."""
    letters: set[str] = set()
    out: list[Span] = []
    for m in _RE_TITLE.finditer(text):
        letters.update(re.findall(r"\b[A-Z]\b", m.group(1)))
        for w in TOKEN.finditer(m.group(1)):
            word = POSSESSIVE.sub("", w.group())
            if (
                len(word) > 1
                and word[0].isupper()
                and word.lower() != "and"
                and not (gaz.is_non_name(word) and not gaz.is_ambiguous(word))
            ):
                out.append(
                    Span(
                        m.start(1) + w.start(),
                        m.start(1) + w.start() + len(word),
                        0.85,
                        "letter",
                        "name in the title of a case (Re ...)",
                    )
                )
    for m in _LETTER_PAIR.finditer(text):
        pair = {m.group(1), m.group(2)}
        label = _LETTER_LABEL.search(text[max(0, m.start() - 12) : m.start()])
        if pair in ({"A", "E"}, {"B", "Q"}) or label:
            continue
        # "X and Y" in mathematics or a list is no one: only beside words for people
        # ("the children, A and B", "A and B's mother")
        around = text[max(0, m.start() - 40) : m.end() + 30].lower()
        if not re.search(rf"\b{_KIN}s?\b|\bre\b|\bparents?\b|\bfamily\b", around):
            continue
        letters.update(pair)
    for m in _LETTER_APPOSITION.finditer(text):
        letters.add(m.group(1) or m.group(2))
    letters.discard("I")
    if not letters:
        return out
    for m in re.finditer(r"(?<![\w&.’'/-])([A-Z])(?![\w&/]|\.\s?[A-Z]\b|\.[A-Za-z])", text):
        letter = m.group(1)
        if letter not in letters:
            continue
        after = text[m.end() : m.end() + 12]
        if (
            letter == "A"
            and re.match(r"\s+[a-z]", after)
            and not re.match(rf"\s+(?:(?:and|or)\s+[A-Z]\b|(?:{'|'.join(NAME_AFTER)})\b)", after)
        ):
            continue  # the article
        if _LETTER_LABEL.search(text[max(0, m.start() - 12) : m.start()]):
            continue
        out.append(
            Span(
                m.start(),
                m.end(),
                0.8,
                "letter",
                "a letter standing for a person (judgment style)",
            )
        )
    return out
