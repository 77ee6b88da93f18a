"""Person names: spaCy NER plus rules for the forms case records use and the model misses
(capitals, lower case, titles, roles, possessives, hyphens, initials, email local parts,
signatures, later mentions of a name already seen)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from redaction.detect.gazetteer import (
    FIELD_LABELS,
    ORG_WORDS,
    PLACE_TAIL,
    RELATIONS,
    ROLE_WORDS,
    SIGN_OFFS,
    TITLES,
    Gazetteer,
    gazetteer,
)
from redaction.detect.letters import judgment_letters
from redaction.detect.mentions import org_follows
from redaction.detect.tokens import (
    NAME_AFTER,
    POSSESSIVE,
    TOKEN,
    Span,
    Tok,
    _sentence_start,
    caps_lines,
    tokenize,
    word_like,
)

# words after which a capitalised word is most likely a person: "spoke to Aurelia"
NAME_BEFORE = frozenset(
    """dear told said asked saw seen called named met visited phoned rang texted emailed
    informed contacted hi hello thanks tell ask son daughter""".split()
)
WEAK_BEFORE = frozenset("and with to by from".split())
CONTACT_VERBS = frozenset(
    """spoke speak speaks speaking talked talk talks talking chatted chat lives live living
    stays stay staying stayed lived went goes go going played plays playing met meet meeting
    argued fighting fought shouted screamed wrote write writes written sent sends gave given
    introduced referred related married engaged""".split()
)
# verbs after which: "Ruaridh said"
# before a place, not a person: "in Pershore", "at Oakfield"
PLACE_BEFORE = frozenset("in at near into towards via outside inside around of on".split())


def gaz_first_names(gaz: Gazetteer) -> frozenset[str]:
    """Given names and surnames: never ordinary words for the lexicon test."""
    return gaz.first | gaz.surnames


class NameFinder:
    """Rule-based person-name candidates for one page's text."""

    def __init__(self, gaz: Gazetteer | None = None, lexicon: frozenset[str] = frozenset()) -> None:
        self.gaz = gaz or gazetteer()
        # ordinary English words (from the spaCy model's lemmatizer tables, when it has them)
        self.lexicon = lexicon - gaz_first_names(self.gaz)
        self.full_lexicon = lexicon  # names that are also words ("brain", "paddy") included

    # -- token classification -------------------------------------------------------------
    def _caps_line(self, toks: Sequence[Tok]) -> set[int]:
        """Lines written mostly in capitals: capitalisation there says nothing."""
        return caps_lines(toks)

    def _namelike(self, t: Tok, caps: bool) -> bool:
        """Could be part of a name by shape (capitalised, not a known non-name)."""
        if t.shape == "lower":
            return False
        if self.gaz.is_name(t.raw) or self.gaz.is_ambiguous(t.raw):
            return True
        return (
            not self.gaz.is_non_name(t.raw)
            and not (caps and len(t.raw) <= 3)
            and (not word_like(t.raw))
        )

    # -- main ------------------------------------------------------------------------------
    def find(self, text: str, avoid: Sequence[tuple[int, int]] = ()) -> list[Span]:
        """All rule-based candidates in ``text`` (overlaps resolved later); ``avoid``: spans
        the model calls places or organisations, which lower a position-only guess."""
        toks = tokenize(text)
        caps_lines = self._caps_line(toks)
        spans: list[Span] = []
        spans += self._titled(text, toks, caps_lines)
        spans += self._gazetteer_runs(text, toks, caps_lines)
        spans += self._initials(text, toks)
        spans += self._name_role(text, toks, caps_lines)
        spans += self._fields(text, caps_lines)
        spans += self._signatures(text)
        spans += self._emails(text)
        spans += self._context(text, toks, caps_lines, avoid)
        spans += judgment_letters(text, self.gaz)
        return [s for s in spans if not self._org(text, s)]

    def is_plain_word(self, low: str) -> bool:
        """In the English lexicon, whether or not it is also somebody's name."""
        return low in self.full_lexicon or self._word(low)

    def is_word(self, low: str) -> bool:
        """An ordinary English word that is not a known name."""
        return self._word(low)

    def _word(self, low: str) -> bool:
        """An ordinary English word, inflected forms included ("Concerns", "Visited")."""
        lex = self.lexicon
        if low in lex:
            return True
        for suffix, repl in (
            ("ies", "y"),
            ("es", ""),
            ("s", ""),
            ("ied", "y"),
            ("ed", ""),
            ("ed", "e"),
            ("ing", ""),
            ("ing", "e"),
            ("ly", ""),
            ("er", ""),
            ("ers", ""),
            ("'s", ""),
        ):
            if low.endswith(suffix) and len(low) - len(suffix) >= 3:
                if low[: -len(suffix)] + repl in lex:
                    return True
        return False

    # -- names known only by their position --------------------------------------------
    def _context(
        self, text: str, toks: Sequence[Tok], caps: set[int], avoid: Sequence[tuple[int, int]]
    ) -> list[Span]:
        """A capitalised word that is no known word, place or organisation, scored by where
        it stands: after "and", "with", "told", "Dear" ..., before "said", next to a name."""
        gaz = self.gaz
        out: list[Span] = []
        lower_words = {t.low for t in toks if t.shape == "lower"}
        for i, t in enumerate(toks):
            caps_line = t.line in caps
            if (
                t.shape not in ("cap", "upper")
                or len(t.raw) < 3
                or (t.shape == "upper" and not caps_line)
            ):
                continue
            low = t.low
            known = gaz.is_name(t.raw)
            if known:
                continue  # the gazetteer pass reports it
            if low in RELATIONS or low in ROLE_WORDS or low in TITLES:
                continue  # "SON REPORTS PAIN": a relation or a role, not its name
            ambiguous = gaz.is_ambiguous(t.raw)
            if not ambiguous and (
                gaz.is_non_name(low)
                or low in ORG_WORDS
                or word_like(t.raw)
                or any(self._word(part) or gaz.is_non_name(part) for part in low.split("-"))
            ):
                continue
            prev = toks[i - 1] if i and toks[i - 1].line == t.line else None
            nxt = toks[i + 1] if i + 1 < len(toks) and toks[i + 1].line == t.line else None
            before = (
                prev.low if prev and re.fullmatch(r"[ ,]{1,2}", text[prev.end : t.start]) else ""
            )
            after = nxt.low if nxt and text[t.end : nxt.start] == " " else ""
            beside = (
                prev is not None
                and text[prev.end : t.start] == " "
                and (gaz.is_name(prev.raw) and prev.shape != "lower")
            ) or (nxt is not None and after and gaz.is_name(nxt.raw) and nxt.shape != "lower")
            # a clear cue ("told X", "X said", beside a known name) makes a name; "and",
            # "with", "to" stand before places and things as often as before people
            score = 0.0
            if before in NAME_BEFORE or before in RELATIONS:
                score = 0.7
            elif before in WEAK_BEFORE:
                # "spoke to X", "lives with X": the verb before makes it a person
                prev2 = toks[i - 2] if i >= 2 and toks[i - 2].line == t.line else None
                score = 0.7 if prev2 is not None and prev2.low in CONTACT_VERBS else 0.45
            if after in NAME_AFTER:
                score = max(score, 0.7)
            if beside:
                score = max(score, 0.75)
            positional = score >= 0.7
            if ambiguous or caps_line:
                # an ordinary word or a line in capitals: only a clear position makes it a name
                score = min(score, 0.6) if positional else 0.0
            elif not score:
                score = 0.3  # capitalised and unknown, nothing more: not enough alone
            if low in lower_words and not positional:
                continue  # written in lower case elsewhere and in no name's position: a word
            if score and before in PLACE_BEFORE:
                score = 0.25
            if score and any(s <= t.start < e for s, e in avoid):
                # the model calls it a place or an organisation (it often does so with a
                # name it does not know): only a clear position still wins
                score = 0.55 if positional else 0.0
            if score > 0:
                out.append(
                    Span(
                        t.start,
                        t.end,
                        score,
                        "context",
                        "capitalised word in a name's position"
                        if score >= 0.5
                        else "capitalised unknown word (doubtful)",
                    )
                )
        return out

    def _org(self, text: str, span: Span) -> bool:
        """A name that is part of an organisation or place ("Kelly Road", "St Mary's")."""
        words = text[span.start : span.end].split()
        if len(words) >= 2 and words[-1].lower() in PLACE_TAIL and words[-1][0].isupper():
            return span.source != "title"  # "Bobby Morris Playfield", "Ashdown Road"
        if org_follows(text, span.end):
            return span.source != "title"
        before = text[max(0, span.start - 6) : span.start]
        return bool(re.search(r"\b(?:St\.?|Saint)\s$", before))

    def _titled(self, text: str, toks: Sequence[Tok], caps: set[int]) -> list[Span]:
        out: list[Span] = []
        for i, t in enumerate(toks):
            if t.low not in TITLES or i + 1 >= len(toks):
                continue
            if (
                t.low
                in ("father", "sister", "master", "lord", "lady", "justice", "judge", "sr", "fr")
                and t.shape == "lower"
            ):
                continue
            gap = text[t.end : toks[i + 1].start]
            if gap not in (" ", ". ", ".", " .") and not re.fullmatch(r"\.?\s", gap):
                continue
            j = i + 1
            run: list[Tok] = []
            while j < len(toks) and len(run) < 3:
                n = toks[j]
                if run and text[run[-1].end : n.start] not in (" ", ". ", "."):
                    break
                ok = n.shape != "lower" and not (
                    self.gaz.is_non_name(n.raw) and not self.gaz.is_ambiguous(n.raw)
                )
                if n.shape == "lower" and t.shape == "lower" and not self.gaz.is_non_name(n.raw):
                    ok = len(run) == 0
                if (
                    ok
                    and run
                    and n.line in caps
                    and not self.gaz.is_name_word(n.raw)
                    and self._word(n.low)
                ):
                    ok = False  # "DR PATEL INFORMED": in capitals an ordinary word ends the name
                if not ok:
                    break
                run.append(n)
                j += 1
            if run:
                out.append(
                    Span(run[0].start, run[-1].end, 0.95, "title", f"after the title '{t.raw}'")
                )
        return out

    def _gazetteer_runs(self, text: str, toks: Sequence[Tok], caps: set[int]) -> list[Span]:
        out: list[Span] = []
        gaz = self.gaz
        i = 0
        while i < len(toks):
            t = toks[i]
            caps_line = t.line in caps
            if not self._namelike(t, caps_line) and not (
                t.shape == "lower" and gaz.is_first(t.raw) and t.raw not in gaz.stop
            ):
                i += 1
                continue
            if (
                t.shape == "cap"
                and not gaz.is_name_word(t.raw)
                and self._word(t.low)
                and _sentence_start(text, t.start)
            ):
                i += 1  # "Later Oyelaran ...": an ordinary word capitalised by the sentence
                continue
            run = [t]
            j = i + 1
            while j < len(toks) and len(run) < 4:
                n = toks[j]
                gap = text[run[-1].end : n.start]
                if gap not in (" ", "-") or n.line != t.line:
                    break
                if t.shape == "lower":
                    if (
                        n.shape == "lower"
                        and (gaz.is_name(n.raw) or gaz.is_ambiguous(n.raw))
                        and (n.raw not in gaz.stop)
                    ):
                        run.append(n)
                        j += 1
                        continue
                    break
                if not self._namelike(n, caps_line) or n.shape == "lower":
                    break
                if (
                    caps_line
                    and not (gaz.is_name(n.raw) or gaz.is_ambiguous(n.raw))
                    and (
                        not (
                            gaz.is_first(run[-1].raw)
                            and all(gaz.is_name(r.raw) or gaz.is_ambiguous(r.raw) for r in run)
                        )
                        or self._word(n.low)
                    )
                ):
                    break  # in capitals only the dictionary tells "CONOR RANG" from a surname
                run.append(n)
                j += 1
            score, reason = self._score_run(text, run, caps_line)
            if score > 0:
                out.append(Span(run[0].start, run[-1].end, score, "gazetteer", reason))
            i = j
        return out

    def _score_run(self, text: str, run: Sequence[Tok], caps_line: bool) -> tuple[float, str]:
        gaz = self.gaz
        firsts = [t for t in run if gaz.is_first(t.raw)]
        surnames = [
            t for t in run if gaz.is_surname(t.raw) or ("-" in t.raw and gaz.is_name(t.raw))
        ]
        ambiguous = [t for t in run if gaz.is_ambiguous(t.raw)]
        known = len({id(t) for t in firsts + surnames})
        start_of_sentence = _sentence_start(text, run[0].start)
        if run[0].shape == "lower":
            if (
                len(run) >= 2
                and not any(t in surnames for t in run[1:])
                and all(self.is_plain_word(t.low) for t in run)
            ):
                return 0.0, ""  # "paddy fields": words, whatever else they are
            if len(run) >= 2 and firsts:
                return 0.8, "given name and surname in lower case"
            if firsts and len(run[0].raw) > 2:
                return 0.6, "given name in lower case"
            return 0.0, ""
        if known == 0:
            if len(run) >= 2 and len(ambiguous) >= 2 and not caps_line:
                return 0.55, "two capitalised name words"
            if ambiguous and len(run) == 1 and not caps_line:
                if text[run[0].end : run[0].end + 2] in ("'s", "’s") and gaz.is_name_word(
                    run[0].raw
                ):
                    return 0.6, "a name that is also a word, with a possessive"
                if not start_of_sentence:
                    return 0.25, "capitalised word that is also a name (doubtful)"
            return 0.0, ""
        if len(run) >= 2 and firsts:
            return 0.92, "given name followed by a capitalised word"
        if len(run) >= 2:
            return 0.85 if not caps_line else 0.75, "surname in a run of capitalised words"
        if firsts:
            return (0.8 if start_of_sentence else 0.88), "known given name"
        return (0.5 if start_of_sentence else 0.65), "known surname"

    def _initials(self, text: str, toks: Sequence[Tok]) -> list[Span]:
        out: list[Span] = []
        for m in re.finditer(
            r"\b((?:[A-Z]\.\s?){1,3}|(?:[A-Z]\s){1,2})([A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?|[A-Z]{3,})\b",
            text,
        ):
            surname = m.group(2)
            if self.gaz.is_non_name(surname) and not self.gaz.is_ambiguous(surname):
                continue
            if m.start() and text[m.start() - 1] in "/&\\-":
                continue  # "C/O HEADACHE", "D/W REG": abbreviations, not initials
            if (
                surname.isupper()
                and self._word(surname.lower())
                and not self.gaz.is_name_word(surname)
            ):
                continue  # "A HEADACHE" in capitals: a letter and an ordinary word
            if m.group(1).strip().rstrip(".") in ("A", "I") and not m.group(1).endswith("."):
                continue
            score = 0.9 if self.gaz.is_name(surname) or self.gaz.is_ambiguous(surname) else 0.7
            out.append(Span(m.start(), m.end(2), score, "initials", "initials with surname"))
        return out

    def _name_role(self, text: str, toks: Sequence[Tok], caps: set[int]) -> list[Span]:
        out: list[Span] = []
        gaz = self.gaz
        # relation or role word followed by a name: "mother Kelly", "MOTHER KELLY BROWN"
        for i, t in enumerate(toks[:-1]):
            if t.low not in RELATIONS:
                continue
            gap = text[t.end : toks[i + 1].start]
            if not re.fullmatch(r"\s?[:\-–(]?\s?|\s-\s", gap) or "\n" in gap:
                continue
            run: list[Tok] = []
            for n in toks[i + 1 : i + 4]:
                if run and text[run[-1].end : n.start] not in (" ", "-"):
                    break
                if n.low in RELATIONS or n.low in ROLE_WORDS:
                    break
                lower_ok = n.shape == "lower" and gaz.is_name(n.raw) and n.raw not in gaz.stop
                if n.shape == "lower" and not lower_ok:
                    break
                if gaz.is_non_name(n.raw) and not gaz.is_ambiguous(n.raw):
                    break
                if not gaz.is_name(n.raw) and (
                    word_like(n.raw) or (n.line in caps and self._word(n.low))
                ):
                    break  # "MUM STATES", "mum asleep": a word, not a name
                if (
                    n.line in caps
                    and run
                    and not gaz.is_name(n.raw)
                    and not gaz.is_first(run[-1].raw)
                ):
                    break
                run.append(n)
            if run:
                known = any(gaz.is_name(n.raw) for n in run)
                score = 0.9 if known else (0.8 if run[0].shape != "lower" else 0.0)
                if score:
                    out.append(
                        Span(run[0].start, run[-1].end, score, "role", f"after the word '{t.raw}'")
                    )
        # a name followed by a role in brackets: "Kelly Brown (mother)", "Dean (14)"
        for m in re.finditer(r"\(\s*([A-Za-z0-9][^()\n]{0,40})\)", text):
            inside = m.group(1).lower()
            words = re.findall(r"[a-z]+|\d+", inside)
            if not words or not (
                words[0] in ROLE_WORDS
                or (words[0].isdigit() and not re.search(r"\d[.,:]\d", inside))
                or any(w in ROLE_WORDS for w in words[:3])
            ):
                continue  # "(3.09)" after "ERA" is a figure, not an age
            # "KB (mum)" are initials; "ERA (3.09)" an acronym and a figure
            numeric = not any(w in ROLE_WORDS for w in words[:3])
            before = [t for t in toks if t.end <= m.start() and t.end >= m.start() - 60]
            run = []
            for t in reversed(before):
                nxt = run[0].start if run else m.start()
                if text[t.end : nxt].strip() not in ("", "-") or "\n" in text[t.end : nxt]:
                    break
                if (
                    t.shape == "lower"
                    or (numeric and t.shape == "upper" and t.line not in caps)
                    or t.low in ROLE_WORDS
                    or t.low in TITLES
                    or (gaz.is_non_name(t.raw) and not gaz.is_ambiguous(t.raw))
                ):
                    break
                run.insert(0, t)
                if len(run) == 3:
                    break
            if run:
                out.append(
                    Span(
                        run[0].start,
                        run[-1].end,
                        0.9,
                        "role",
                        f"name followed by '({m.group(1)[:20]})'",
                    )
                )
        return out

    def _fields(self, text: str, caps: set[int]) -> list[Span]:
        """ "Mother: Kelly Brown", "Present: Jane Doe (SW), Dr Patel (GP)"."""
        out: list[Span] = []
        gaz = self.gaz
        for m in re.finditer(r"(?m)^[ \t•*\-]*([A-Za-z][A-Za-z' ]{1,30}?)\s*[:\-–]\s*(.+)$", text):
            label = m.group(1).strip().lower()
            if not all(w in FIELD_LABELS or w in ("of", "the", "by") for w in label.split()):
                continue
            if label in ("subject", "re", "date", "to", "from") and "@" not in m.group(2):
                if label not in ("to", "from"):
                    continue
            value_start = m.start(2)
            for item in re.finditer(r"[^,;/&]+", m.group(2)):
                chunk = item.group()
                chunk = re.sub(r"\(.*?\)|\s[-–]\s.*$|<.*?>", lambda x: " " * len(x.group()), chunk)
                words = list(TOKEN.finditer(chunk))
                run: list[re.Match[str]] = []
                for w in words:
                    raw = POSSESSIVE.sub("", w.group())
                    if raw.lower() in TITLES or raw.lower() == "and":
                        if run:
                            break
                        continue
                    if raw[0].islower() or (gaz.is_non_name(raw) and not gaz.is_ambiguous(raw)):
                        break
                    run.append(w)
                    if len(run) == 4:
                        break
                if run and (len(run) >= 2 or gaz.is_name(run[0].group()) or len(words) == 1):
                    base = value_start + item.start()
                    end = base + run[-1].start() + len(POSSESSIVE.sub("", run[-1].group()))
                    out.append(
                        Span(
                            base + run[0].start(),
                            end,
                            0.85,
                            "field",
                            f"after the label '{m.group(1).strip()}:'",
                        )
                    )
        return out

    def _signatures(self, text: str) -> list[Span]:
        out: list[Span] = []
        lines = list(re.finditer(r"[^\n]*", text))
        for idx, line in enumerate(lines):
            content = line.group().strip().rstrip(",.!").lower()
            if content not in SIGN_OFFS:
                continue
            for nxt in lines[idx + 1 : idx + 4]:
                value = nxt.group().strip()
                if not value:
                    continue
                words = TOKEN.findall(value)
                if (
                    1 <= len(words) <= 4
                    and all(w[0].isupper() for w in words)
                    and not all(self.gaz.is_non_name(w) for w in words)
                ):
                    start = nxt.start() + nxt.group().index(value)
                    out.append(
                        Span(
                            start,
                            start + len(value.rstrip(".,")),
                            0.9,
                            "signature",
                            f"signature after '{line.group().strip()}'",
                        )
                    )
                break
        return out

    def _emails(self, text: str) -> list[Span]:
        out: list[Span] = []
        gaz = self.gaz
        for m in re.finditer(r"\b([A-Za-z][A-Za-z0-9._'\-]*)@[A-Za-z0-9\-]+\.[A-Za-z.]+", text):
            local = m.group(1)
            for part in re.finditer(r"[A-Za-z]+", local):
                word = part.group()
                if len(word) < 2:
                    continue
                s = m.start(1) + part.start()
                if gaz.is_name(word) or (
                    gaz.is_ambiguous(word) and len(word) > 3 and word.lower() not in gaz.stop
                ):
                    out.append(Span(s, s + len(word), 0.8, "email", "name in an email address"))
                elif len(word) > 4 and gaz.is_surname(word[1:]):
                    out.append(
                        Span(
                            s,
                            s + len(word),
                            0.7,
                            "email",
                            "initial and surname in an email address",
                        )
                    )
        return out
