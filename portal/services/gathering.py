"""Finding the records about a data subject, "reasonably and proportionately", and showing what
was searched.

Order of the search:
1. people in the records who are the subject: by social care or NHS number, by name (and its
   short forms, previous names, aliases) with the date of birth, by name alone (weaker);
2. documents of the cases those people belong to, and documents linked to them by the export;
3. full-text matches anywhere in the records on every name form, the date of birth as written
   in several ways, and the reference numbers;
4. possible misspellings: documents with a word starting like the first name and one starting
   like the surname, kept when a word in them is close to the name (difflib ratio >= 0.8).
Each candidate document gets a score (the strongest reason, a little more for each further one)
and every reason it matched.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select

from portal.extensions import db
from portal.models import (
    Candidate,
    CaseMember,
    Document,
    DocumentPerson,
    RecordPerson,
    Request,
    RequestParty,
    SearchRun,
)
from portal.models.records import PROFESSIONAL_ROLES
from portal.services import audit, lifecycle, nicknames, search
from portal.services.actor import Actor
from portal.services.errors import ServiceError
from portal.timeutil import utcnow

SCORE_CASE = 0.95
SCORE_LINKED = 0.9
SCORE_REFERENCE = 0.85
SCORE_NAME = 0.7
SCORE_FIRST_NAME_IN_CASE = 0.6
SCORE_DOB = 0.5
SCORE_FUZZY = 0.4
FUZZY_RATIO = 0.8


@dataclass
class Hits:
    """Reasons per document, gathered while searching."""

    reasons: dict[int, list[tuple[float, str]]] = field(default_factory=lambda: defaultdict(list))
    searched: list[dict[str, object]] = field(default_factory=list)

    def add(self, doc_ids: list[int], score: float, reason: str) -> None:
        for doc_id in doc_ids:
            if reason not in [r for _, r in self.reasons[doc_id]]:
                self.reasons[doc_id].append((score, reason))

    def log(self, how: str, term: str, hits: int) -> None:
        entry: dict[str, object] = {"how": how, "term": term, "hits": hits}
        if hits >= search.LIMIT:
            entry["note"] = f"stopped at the first {search.LIMIT} matches"
        self.searched.append(entry)


def name_forms(first_names: str, last_name: str, others: list[str]) -> list[str]:
    """Every full name to search for: short forms of the first name, previous names, aliases."""
    firsts = (first_names or "").split()
    forms = {f"{first_names} {last_name}".strip()}
    if firsts:
        for variant in nicknames.variants(firsts[0]):
            forms.add(f"{variant} {last_name}")
    forms.update(o for o in others if o.strip())
    # case-insensitive de-duplication, keeping a readable spelling
    seen: dict[str, str] = {}
    for form in sorted(forms):
        seen.setdefault(
            search.fold(form), " ".join(w.capitalize() if w.islower() else w for w in form.split())
        )
    return sorted(seen.values())


def dob_forms(born: date) -> list[str]:
    """The date of birth as case notes write it."""
    return sorted(
        {
            f"{born:%d/%m/%Y}",
            f"{born.day}/{born.month}/{born.year}",
            f"{born:%d.%m.%Y}",
            f"{born.day} {born:%B %Y}",
            f"{born.day} {born:%b %Y}",
            f"{born:%d-%m-%Y}",
        }
    )


def _subject_people(request: Request, hits: Hits) -> dict[int, float]:
    """People of the records who are the subject, with how sure we are."""
    subject = request.subject
    matches: dict[int, float] = {}
    if subject.social_care_number:
        number = subject.social_care_number.strip().upper()
        found = db.session.scalars(
            select(RecordPerson.id).where(func.upper(RecordPerson.social_care_number) == number)
        ).all()
        hits.log("person by social care number", number, len(found))
        matches.update({i: 1.0 for i in found})
    if subject.nhs_number:
        digits = re.sub(r"\D", "", subject.nhs_number)
        found = db.session.scalars(
            select(RecordPerson.id).where(RecordPerson.nhs_number == digits)
        ).all()
        hits.log("person by NHS number", subject.nhs_number, len(found))
        matches.update({i: 1.0 for i in found})
    wanted = {
        search.fold(f)
        for f in name_forms(
            subject.first_names, subject.last_name, [*subject.previous_names, *subject.aliases]
        )
    }
    surnames = {f.split()[-1] for f in wanted if f}
    # Current and previous names alike: the folded names column holds aliases too.
    rows = (
        db.session.scalars(
            select(RecordPerson).where(
                or_(*[RecordPerson.search_names.like(f"% {s} %") for s in surnames]),
                RecordPerson.professional.is_(False),
            )
        ).all()
        if surnames
        else []
    )
    for person in rows:
        names = {search.fold(n) for n in person.all_names}
        names |= {
            search.fold(f"{v} {person.last_name}")
            for v in nicknames.variants(person.first_names.split()[0])
        }
        if not names & wanted:
            continue
        if subject.date_of_birth and person.date_of_birth == subject.date_of_birth:
            matches[person.id] = max(matches.get(person.id, 0), 0.95)
        elif subject.date_of_birth and person.date_of_birth:
            continue  # same name, another date of birth: someone else
        else:
            matches[person.id] = max(matches.get(person.id, 0), 0.6)
    hits.log("person by name and date of birth", ", ".join(sorted(wanted)), len(matches))
    return matches


def gather(request_id: int, actor: Actor) -> SearchRun:
    """Search the records for the request's data subject; store candidates and the parties."""
    request = db.session.get(Request, request_id)
    if request is None:
        raise ServiceError("No such request")
    lifecycle.require_running(request)
    subject = request.subject
    hits = Hits()
    run = SearchRun(request_id=request.id)
    db.session.add(run)

    people = _subject_people(request, hits)
    strong = {pid for pid, score in people.items() if score >= 0.9}
    names = {pid: db.session.get(RecordPerson, pid) for pid in people}

    # 2. the subject's cases and linked documents
    memberships = (
        db.session.scalars(select(CaseMember).where(CaseMember.person_id.in_(strong))).all()
        if strong
        else []
    )
    for member in memberships:
        docs = db.session.scalars(
            select(Document.id).where(Document.case_id == member.case_id)
        ).all()
        hits.add(
            list(docs),
            SCORE_CASE,
            f"in case {member.case.external_id} ({member.case.case_type.label.lower()}) "
            f"where the subject is the {member.role.replace('_', ' ')}",
        )
        hits.log("documents of the subject's case", member.case.external_id, len(docs))
    for pid, score in people.items():
        docs = db.session.scalars(
            select(DocumentPerson.document_id).where(DocumentPerson.person_id == pid)
        ).all()
        person = names[pid]
        label = person.full_name if person else str(pid)
        hits.add(
            list(docs),
            SCORE_LINKED if score >= 0.9 else 0.55,
            f"linked to {label} in the records"
            + ("" if score >= 0.9 else " (same name, no date of birth)"),
        )

    # 3. full text: names, date of birth, reference numbers
    forms = name_forms(
        subject.first_names, subject.last_name, [*subject.previous_names, *subject.aliases]
    )
    for form in forms:
        found = search.phrase_search(form)
        hits.log("full text", form, len(found))
        hits.add(found, SCORE_NAME, f"mentions '{form}'")
    reversed_forms = {f"{subject.last_name} {subject.first_names.split()[0]}"}
    for form in reversed_forms:  # "BROWN Kelly" in forms and chronologies
        found = search.phrase_search(form)
        hits.log("full text", form, len(found))
        hits.add(found, SCORE_NAME, f"mentions '{form}'")
    if subject.date_of_birth:
        for form in dob_forms(subject.date_of_birth):
            found = search.phrase_search(form)
            hits.log("full text (date of birth)", form, len(found))
            hits.add(found, SCORE_DOB, f"mentions the date of birth ({form})")
    for label, value in (
        ("social care number", subject.social_care_number),
        ("NHS number", subject.nhs_number),
    ):
        if value:
            found = search.phrase_search(value)
            hits.log(f"full text ({label})", value, len(found))
            hits.add(found, SCORE_REFERENCE, f"mentions the {label}")
    # the first name alone, only inside the subject's own cases
    case_docs = {
        d for d, reasons in hits.reasons.items() if any(s == SCORE_CASE for s, _ in reasons)
    }
    first = subject.first_names.split()[0] if subject.first_names else ""
    if first:
        found = [d for d in search.phrase_search(first) if d in case_docs]
        hits.add(found, SCORE_FIRST_NAME_IN_CASE, f"mentions '{first}' by first name")

    # 4. possible misspellings
    if first and len(first) >= 3 and len(subject.last_name) >= 3:
        prefix_hits = search.prefix_search([first[:3], subject.last_name[:3]])
        targets = [search.fold(f) for f in forms]
        fuzzy = []
        for doc_id in prefix_hits:
            if doc_id in hits.reasons:
                continue
            text = db.session.scalar(select(Document.search_text).where(Document.id == doc_id))
            best = next(filter(None, (_closest(t, text or "") for t in targets)), None)
            if best is not None:
                fuzzy.append(doc_id)
                hits.add([doc_id], SCORE_FUZZY, f"possible misspelling: '{best}'")
        hits.log("fuzzy name (misspellings)", f"{first} {subject.last_name}", len(fuzzy))

    _store_candidates(request, hits)
    run.searched = hits.searched
    run.candidates = len(hits.reasons)
    run.finished_at = utcnow()
    _store_parties(request, strong or set(people))
    group_duplicates(request.id)
    audit.record(
        actor,
        "records_searched",
        request.id,
        candidates=run.candidates,
        searches=len(hits.searched),
    )
    db.session.flush()
    return run


def _closest(target: str, text: str) -> str | None:
    words = text.split()
    size = len(target.split())
    best, best_ratio = None, 0.0
    for i in range(len(words) - size + 1):
        window = " ".join(words[i : i + size])
        if window == target:
            return None  # an exact match is not a misspelling (found by the phrase search)
        ratio = difflib.SequenceMatcher(None, target, window).ratio()
        if ratio > best_ratio:
            best, best_ratio = window, ratio
    return best if best_ratio >= FUZZY_RATIO else None


def _store_candidates(request: Request, hits: Hits) -> None:
    existing = {
        c.document_id: c
        for c in db.session.scalars(select(Candidate).where(Candidate.request_id == request.id))
    }
    for doc_id, reasons in hits.reasons.items():
        ordered = sorted(reasons, key=lambda r: -r[0])
        score = min(1.0, ordered[0][0] + 0.03 * (len(ordered) - 1))
        texts = [r for _, r in ordered]
        candidate = existing.get(doc_id)
        if candidate is None:
            db.session.add(
                Candidate(
                    request_id=request.id, document_id=doc_id, score=round(score, 3), reasons=texts
                )
            )
        else:  # a search run again keeps the caseworker's decisions
            candidate.score = round(score, 3)
            candidate.reasons = texts
    db.session.flush()


def _store_parties(request: Request, subject_people: set[int]) -> None:
    """The known people of the subject's cases become the request's party list."""
    for party in db.session.scalars(
        select(RequestParty).where(
            RequestParty.request_id == request.id, RequestParty.source == "records"
        )
    ):
        db.session.delete(party)
    subject = request.subject
    subject_names = set(subject.all_names)
    for pid in subject_people:
        person = db.session.get(RecordPerson, pid)
        if person:
            subject_names.update(person.all_names)
    db.session.add(
        RequestParty(
            request_id=request.id,
            names=sorted(subject_names),
            role="data subject",
            subject=True,
            source="records",
            # the record the subject was matched to: its identifiers are the subject's own
            person_id=min(subject_people) if subject_people else None,
        )
    )
    case_ids = (
        db.session.scalars(
            select(CaseMember.case_id).where(CaseMember.person_id.in_(subject_people))
        ).all()
        if subject_people
        else []
    )
    seen: set[int] = set(subject_people)
    members = (
        db.session.scalars(
            select(CaseMember).where(CaseMember.case_id.in_(case_ids)).order_by(CaseMember.id)
        ).all()
        if case_ids
        else []
    )
    for member in members:
        if member.person_id in seen:
            continue
        seen.add(member.person_id)
        person = member.person
        db.session.add(
            RequestParty(
                request_id=request.id,
                person_id=person.id,
                names=person.all_names,
                role=member.role.replace("_", " "),
                professional=person.professional or member.role in PROFESSIONAL_ROLES,
                source="records",
            )
        )
    db.session.flush()


_QUOTE = re.compile(r"^\s*>.*$", re.M)


def group_duplicates(request_id: int) -> None:
    """Group candidates with the same content, and emails quoted whole in a later email."""
    candidates = list(
        db.session.scalars(
            select(Candidate).where(Candidate.request_id == request_id).order_by(Candidate.id)
        )
    )
    for c in candidates:
        c.group_key, c.group_note, c.duplicate_of_id = None, None, None
    by_hash: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_hash[c.document.sha256].append(c)
    for sha, group in by_hash.items():
        if len(group) > 1:
            lead = min(group, key=lambda c: c.document_id)
            for c in group:
                c.group_key = f"same:{sha[:16]}"
                if c is not lead:
                    c.duplicate_of_id = lead.document_id
                    c.group_note = f"same file as {lead.document.external_id}"
    emails = [
        c
        for c in candidates
        if c.document.filename.lower().endswith(".eml") and c.duplicate_of_id is None
    ]
    bodies = {c.id: _email_body(c.document.search_text) for c in emails}
    for earlier in emails:
        body = bodies[earlier.id]
        if len(body) < 80:
            continue
        for later in emails:
            if later is earlier or later.document_id == earlier.document_id:
                continue
            if body in later.document.search_text and len(later.document.search_text) > len(
                earlier.document.search_text
            ):
                earlier.group_key = f"thread:{later.document.external_id}"
                earlier.duplicate_of_id = later.document_id
                earlier.group_note = f"quoted in full in {later.document.external_id}"
                later.group_key = later.group_key or f"thread:{later.document.external_id}"
                break
    db.session.flush()


def _email_body(folded: str) -> str:
    # The folded text has the headers first; the part that a reply quotes is the body's start.
    return folded[len(folded) // 3 :] if folded else ""


def decide(request_id: int, candidate_ids: list[int], decision: str, actor: Actor) -> int:
    """Include or exclude candidates (one or many); returns how many changed."""
    if decision not in {"included", "excluded", "pending"}:
        raise ServiceError("Choose include or exclude")
    if actor.user_id is None:
        raise ServiceError("Only staff decide the scope")
    request = db.session.get(Request, request_id)
    if request is None:
        raise ServiceError("No such request")
    lifecycle.require_editable(request, "scope")
    rows = db.session.scalars(
        select(Candidate).where(Candidate.request_id == request_id, Candidate.id.in_(candidate_ids))
    ).all()
    changed = 0
    for c in rows:
        if c.decision != decision:
            c.decision = decision
            c.decided_by_id = actor.user_id
            c.decided_at = utcnow()
            changed += 1
    audit.record(
        actor,
        "scope_decided",
        request_id,
        decision=decision,
        count=changed,
        candidates=sorted(c.id for c in rows)[:200],
    )
    db.session.flush()
    return changed


def add_party(
    request_id: int, names: list[str], role: str, professional: bool, actor: Actor
) -> RequestParty:
    """A caseworker adds a person to the request's party list (used by detection)."""
    request = db.session.get(Request, request_id)
    if request is None:
        raise ServiceError("No such request")
    lifecycle.require_editable(request, "scope")
    clean = [n.strip() for n in names if n.strip()]
    if not clean:
        raise ServiceError("Enter at least one name")
    if not role.strip():
        raise ServiceError("Enter the role")
    party = RequestParty(
        request_id=request_id,
        names=clean,
        role=role.strip(),
        source="caseworker",
        professional=professional,
    )
    db.session.add(party)
    db.session.flush()
    audit.record(actor, "party_added", request_id, role=party.role)
    return party


def remove_party(request_id: int, party_id: int, actor: Actor) -> None:
    """Take a person off the party list (never the data subject)."""
    request = db.session.get(Request, request_id)
    if request is None:
        raise ServiceError("No such request")
    lifecycle.require_editable(request, "scope")
    party = db.session.get(RequestParty, party_id)
    if party is None or party.request_id != request_id or party.subject:
        raise ServiceError("No such person on this request's list")
    db.session.delete(party)
    audit.record(actor, "party_removed", request_id, role=party.role)
