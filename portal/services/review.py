"""Redaction review: decisions on findings and on people, manual redactions, find-and-redact,
withheld pages and documents, harm opinions, claims on documents and review progress.

How a finding's outcome is worked out (one rule, used by the screen and by the release builder):

1. an explicit per-mention decision (``FindingDecision.scope == "mention"``) always wins, whether
   it was made before or after a decision about the person;
2. otherwise a per-person decision: ``decide_person`` writes ``scope == "person"`` rows for every
   finding of that person across the request (and rewrites them when it changes), and a finding
   found later (detection run again) without a row follows the live ``PersonDecision``;
3. otherwise the finding is undecided and is not redacted (progress counts it as still to do).

The data subject's own data is never redacted as third-party data: accepting a subject finding
or withholding the subject as a person is refused.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import pymupdf
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from portal.extensions import db
from portal.models import (
    DocumentWork,
    FindingDecision,
    FindingRecord,
    HarmOpinion,
    ManualRedaction,
    PersonDecision,
    RequestParty,
    User,
    WithheldPart,
)
from portal.services import audit, workflow
from portal.services.actor import Actor
from portal.services.detection import document_work, working_copy_path
from portal.services.errors import NotFound, ServiceError
from portal.timeutil import COUNCIL_TZ, as_utc, utcnow

# DPA 2018 citations as printed on a schedule (sar-rules.md section 3). Paragraph numbers other
# than para 16, para 9 and para 19 are unconfirmed: keep this as data.
EXEMPTIONS: dict[str, str] = {
    "TP": "DPA 2018 Sch 2 Pt 3 para 16",
    "SW-HARM": "DPA 2018 Sch 3 Pt 3 (social work data; serious harm test, para 7(2))",
    "SW-COURT": "DPA 2018 Sch 3 Pt 3 para 9",
    "HEALTH": "DPA 2018 Sch 3 Pt 2",
    "EDU": "DPA 2018 Sch 3 Pt 4",
    "ABUSE": "DPA 2018 Sch 3 Pt 5",
    "LPP": "DPA 2018 Sch 2 Pt 4 para 19",
    "CRIME": "DPA 2018 Sch 2 Pt 1 para 2",
    "REF": "DPA 2018 Sch 2 Pt 4 para 24",
    "ADOPT": "Adoption Agencies Regulations 2005 reg 41 (with DPA 2018 Sch 4)",
}
EXEMPTION_LABELS: dict[str, str] = {
    "TP": "Third-party personal data",
    "SW-HARM": "Social work data: serious harm",
    "SW-COURT": "Court data",
    "HEALTH": "Health data: serious harm",
    "EDU": "Education data: serious harm",
    "ABUSE": "Child abuse data",
    "LPP": "Legal professional privilege",
    "CRIME": "Crime prevention or detection",
    "REF": "Confidential reference",
    "ADOPT": "Adoption records",
}
# Exemptions that need the opinion of the social worker or health professional on harm.
HARM_BASED = frozenset({"SW-HARM", "HEALTH", "EDU", "ABUSE"})
BASES = ("consent", "reasonable_without_consent", "none")


@dataclass(frozen=True)
class Outcome:
    """What happens to one finding: redact or not, why, and where the decision came from."""

    decision: str | None  # accepted | rejected | None (undecided)
    exemption: str | None
    scope: str | None  # mention | person | None
    version: int  # the FindingDecision version (0: no row yet)
    who: str | None = None  # the person chosen for a mention the register could not attribute


def _exemption(code: str | None) -> str:
    code = (code or "").strip().upper()
    if code not in EXEMPTIONS:
        raise ServiceError("Choose an exemption code from the list")
    return code


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain.casefold()).split())


def _user_name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.full_name if user else "someone else"


def _when(value: Any) -> str:
    local = as_utc(value).astimezone(COUNCIL_TZ)
    return f"{local:%H:%M:%S} on {local.day} {local:%B %Y}"


def _stale(what: str, row: FindingDecision | PersonDecision) -> ServiceError:
    return ServiceError(
        f"This {what} was changed by {_user_name(row.decided_by_id)} at {_when(row.decided_at)}; "
        "reload"
    )


# -- people -------------------------------------------------------------------------------


def parties(request_id: int) -> list[RequestParty]:
    """The request's people: the subject first, then third parties, then professionals."""
    return list(
        db.session.scalars(
            select(RequestParty)
            .where(RequestParty.request_id == request_id)
            .order_by(RequestParty.subject.desc(), RequestParty.professional, RequestParty.id)
        )
    )


def _party_of(finding: FindingRecord, people: list[RequestParty]) -> RequestParty | None:
    """The known person a finding is about: by the party label the engine gave it, else by its
    text matching one of the person's names (every spelling on the party list)."""
    for key in (finding.party, finding.text):
        if not key:
            continue
        folded = _fold(key)
        for person in people:
            if folded in {_fold(n) for n in person.names}:
                return person
    return None


def is_subject_finding(finding: FindingRecord, people: list[RequestParty] | None = None) -> bool:
    """True when a finding is the data subject's own data."""
    if finding.role == "subject":
        return True
    person = _party_of(finding, people if people is not None else parties(finding.request_id))
    return person is not None and person.subject


def findings_of_party(request_id: int, party_id: int) -> list[FindingRecord]:
    """Every finding of one person across all documents of the request."""
    people = parties(request_id)
    return [
        f
        for f in db.session.scalars(
            select(FindingRecord).where(FindingRecord.request_id == request_id)
        )
        if (p := _party_of(f, people)) is not None and p.id == party_id
    ]


def person_decisions(request_id: int) -> dict[int, PersonDecision]:
    """Per-person decisions by party id."""
    return {
        d.party_id: d
        for d in db.session.scalars(
            select(PersonDecision).where(PersonDecision.request_id == request_id)
        )
    }


def decide_person(
    request_id: int,
    party_id: int,
    decision: str,
    basis: str,
    factors: str | None,
    exemption: str | None,
    actor: Actor,
    expected_version: int | None = None,
) -> PersonDecision:
    """Withhold or disclose every mention of a person across the request. Per-mention decisions
    keep winning over this one (see the module docstring)."""
    workflow.get_request(request_id)
    party = db.session.get(RequestParty, party_id)
    if party is None or party.request_id != request_id:
        raise NotFound("No such person on this request")
    if decision not in ("withhold", "disclose"):
        raise ServiceError("Choose withhold or disclose")
    if basis not in BASES:
        raise ServiceError("Choose the basis for the decision")
    if decision == "withhold":
        if party.subject:
            raise ServiceError("The data subject's own data cannot be withheld from them")
        code = _exemption(exemption or "TP")
    else:
        code = None
        if not party.professional and not party.subject and basis == "none":
            raise ServiceError(
                "Say why a third party's data can be disclosed: their consent, or that it is "
                "reasonable without consent (Sch 2 para 16(3) factors)"
            )
    if basis == "reasonable_without_consent" and not (factors or "").strip():
        raise ServiceError("Record the para 16(3) factors you weighed")
    row = db.session.scalar(
        select(PersonDecision).where(
            PersonDecision.request_id == request_id, PersonDecision.party_id == party_id
        )
    )
    if expected_version is not None and (row.version if row else 0) != expected_version:
        if row is None:
            raise ServiceError("The decision about this person was removed; reload")
        raise _stale("decision about this person", row)
    if row is None:
        row = PersonDecision(request_id=request_id, party_id=party_id)
        db.session.add(row)
    row.decision, row.basis, row.exemption = decision, basis, code
    row.factors = (factors or "").strip() or None
    row.decided_by_id, row.decided_at = actor.user_id, utcnow()
    finding_decision = "accepted" if decision == "withhold" else "rejected"
    changed = 0
    for finding in findings_of_party(request_id, party_id):
        existing = _decision(finding.id)
        if existing is not None and existing.scope == "mention":
            continue  # an explicit per-mention decision wins
        if existing is None:
            existing = FindingDecision(finding_id=finding.id, request_id=request_id)
            db.session.add(existing)
        existing.decision, existing.exemption, existing.scope = finding_decision, code, "person"
        existing.note = None
        existing.decided_by_id, existing.decided_at = actor.user_id, utcnow()
        changed += 1
    _flush("decision about this person", row)
    audit.record(
        actor,
        "person_decided",
        request_id,
        party_id=party_id,
        decision=decision,
        basis=basis,
        exemption=code,
        findings=changed,
    )
    return row


# -- findings -----------------------------------------------------------------------------


def _decision(finding_id: int) -> FindingDecision | None:
    return db.session.scalar(
        select(FindingDecision).where(FindingDecision.finding_id == finding_id)
    )


def _flush(what: str, row: FindingDecision | PersonDecision) -> None:
    """Flush; a row another reviewer changed since it was read is refused, naming them. The
    caller's session is left for the caller to roll back (services never end a transaction)."""
    model, row_id = type(row), row.id
    try:
        db.session.flush()
    except StaleDataError as exc:
        who, when = None, None
        if row_id is not None:
            # read what was committed on a connection of its own: this session must roll back
            with db.engine.connect() as conn:
                stored = conn.execute(
                    select(User.full_name, model.decided_at)
                    .join(User, User.id == model.decided_by_id)
                    .where(model.id == row_id)
                ).first()
            if stored is not None:
                who, when = stored
        if when is not None:
            raise ServiceError(
                f"This {what} was changed by {who} at {_when(when)}; reload"
            ) from exc
        raise ServiceError(f"This {what} was changed by someone else; reload") from exc


def decide_finding(
    finding_id: int,
    decision: str,
    exemption: str | None,
    note: str | None,
    actor: Actor,
    expected_version: int | None = None,
    who: str | None = None,
) -> FindingDecision:
    """Accept (redact, with an exemption) or reject (disclose) one finding. `expected_version`
    is the version the reviewer saw (0 when undecided): a different stored version is refused
    rather than silently overwritten. A mention the register could not attribute (it has
    candidates) needs `who`: the person the reviewer decides it is."""
    finding = db.session.get(FindingRecord, finding_id)
    if finding is None:
        raise NotFound("No such suggested redaction")
    if decision not in ("accepted", "rejected"):
        raise ServiceError("Choose accept or reject")
    candidates = list(finding.candidates or []) if not finding.party else []
    if candidates:
        if who not in candidates:
            raise ServiceError(
                "This mention could be " + " or ".join(candidates) + ": choose who it is first"
            )
        chosen = next((p for p in parties(finding.request_id) if who in p.names), None)
        if decision == "accepted" and chosen is not None and chosen.subject:
            raise ServiceError(
                "You chose the data subject: their own data cannot be redacted as third-party data"
            )
    row = _decision(finding_id)
    if expected_version is not None and (row.version if row else 0) != expected_version:
        if row is None:
            raise ServiceError("This suggestion's decision was removed; reload")
        raise _stale("suggestion", row)
    code = None
    if decision == "accepted":
        if is_subject_finding(finding):
            raise ServiceError(
                "This is the data subject's own data: it cannot be redacted as third-party data"
            )
        code = _exemption(exemption or finding.exemption)
    if row is None:
        row = FindingDecision(finding_id=finding.id, request_id=finding.request_id)
        db.session.add(row)
    row.decision, row.exemption, row.scope = decision, code, "mention"
    row.who = who if candidates else None
    row.note = (note or "").strip() or None
    row.decided_by_id, row.decided_at = actor.user_id, utcnow()
    _flush("suggestion", row)
    audit.record(
        actor,
        "finding_decided",
        finding.request_id,
        finding_id=finding.id,
        document_id=finding.document_id,
        decision=decision,
        exemption=code,
    )
    return row


def outcomes(request_id: int, document_id: int | None = None) -> dict[int, Outcome]:
    """The outcome of every finding (of one document, or of the whole request) by finding id."""
    query = select(FindingRecord).where(FindingRecord.request_id == request_id)
    if document_id is not None:
        query = query.where(FindingRecord.document_id == document_id)
    findings = list(db.session.scalars(query))
    rows = {
        d.finding_id: d
        for d in db.session.scalars(
            select(FindingDecision).where(FindingDecision.request_id == request_id)
        )
    }
    people = parties(request_id)
    by_person = person_decisions(request_id)
    result = {}
    for f in findings:
        row = rows.get(f.id)
        if row is not None:
            result[f.id] = Outcome(row.decision, row.exemption, row.scope, row.version, row.who)
            continue
        person = _party_of(f, people)
        live = by_person.get(person.id) if person else None
        if live is not None and not (live.decision == "withhold" and is_subject_finding(f, people)):
            accepted = live.decision == "withhold"
            result[f.id] = Outcome(
                "accepted" if accepted else "rejected",
                live.exemption if accepted else None,
                "person",
                0,
            )
        else:
            result[f.id] = Outcome(None, None, None, 0)
    return result


# -- manual redactions, find-and-redact, withheld parts -----------------------------------


def _check_rects(rects: Any, width: float | None = None, height: float | None = None) -> list:
    clean = []
    if not isinstance(rects, list | tuple) or not rects:
        raise ServiceError("Draw a rectangle on the page")
    for rect in rects:
        try:
            x0, y0, x1, y1 = (float(v) for v in rect)
        except (TypeError, ValueError) as exc:
            raise ServiceError("A rectangle needs four numbers") from exc
        x0, x1 = sorted((x0, x1))
        y0, y1 = sorted((y0, y1))
        if x1 - x0 < 1 or y1 - y0 < 1 or x0 < 0 or y0 < 0:
            raise ServiceError("The rectangle is too small or off the page")
        if width is not None and height is not None and (x0 > width or y0 > height):
            raise ServiceError("The rectangle is off the page")
        clean.append([round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2)])
    return clean


def add_manual(
    request_id: int,
    document_id: int,
    page: int,
    rects: list[list[float]],
    exemption: str,
    note: str | None,
    actor: Actor,
    text: str | None = None,
) -> ManualRedaction:
    """A redaction the reviewer drew (rectangles in PDF points, origin top-left) or selected."""
    work = document_work(request_id, document_id)
    if page < 1 or (work.pages and page > work.pages):
        raise ServiceError("That page is not in the document")
    row = ManualRedaction(
        request_id=request_id,
        document_id=document_id,
        page=page,
        rects=_check_rects(rects),
        text=text,
        exemption=_exemption(exemption),
        note=(note or "").strip() or None,
        created_by_id=actor.user_id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor,
        "manual_redaction_added",
        request_id,
        document_id=document_id,
        page=page,
        redaction_id=row.id,
        exemption=row.exemption,
    )
    return row


def add_selected_text(
    request_id: int,
    document_id: int,
    page: int,
    text: str,
    exemption: str,
    note: str | None,
    actor: Actor,
) -> ManualRedaction:
    """Redact text the reviewer selected (or typed) on one page: every place it appears on
    that page, found on the working copy itself so the boxes cover exactly the words."""
    import pymupdf

    phrase = " ".join((text or "").split())
    if not phrase:
        raise ServiceError("Select or type the text to redact")
    work = document_work(request_id, document_id)
    if page < 1 or (work.pages and page > work.pages):
        raise ServiceError("That page is not in the document")
    path = _pdf_path(work)
    if not os.path.exists(path):
        raise NotFound("The working copy of this document is not ready")
    with pymupdf.open(path) as doc:
        found = doc[page - 1].search_for(phrase)
    if not found:
        raise ServiceError(f"That text was not found on page {page}")
    rects = [[round(r.x0, 2), round(r.y0, 2), round(r.x1, 2), round(r.y1, 2)] for r in found]
    return add_manual(request_id, document_id, page, rects, exemption, note, actor, text=phrase)


def remove_manual(request_id: int, redaction_id: int, actor: Actor) -> None:
    """Take a manual redaction back (kept, marked removed, for the audit trail)."""
    row = db.session.get(ManualRedaction, redaction_id)
    if row is None or row.request_id != request_id:
        raise NotFound("No such redaction")
    row.removed = True
    db.session.flush()
    audit.record(actor, "manual_redaction_removed", request_id, redaction_id=row.id)


def _documents_dir() -> str:
    from flask import current_app

    return str(current_app.config["DOCUMENTS_DIR"])


def _pdf_path(work: DocumentWork) -> str:
    return working_copy_path(_documents_dir(), work.request_id, work.document_id)


def find_and_redact(
    request_id: int, phrase: str, exemption: str, actor: Actor
) -> list[ManualRedaction]:
    """Redact every occurrence of a phrase (case-insensitive, any run of whitespace between
    words) on every page of every working copy of the request."""
    words = phrase.split()
    if not words or len(" ".join(words)) < 2:
        raise ServiceError("Enter the words to find")
    code = _exemption(exemption)
    wanted = " ".join(words)
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
    added: list[ManualRedaction] = []
    documents = 0
    for work in db.session.scalars(
        select(DocumentWork)
        .where(DocumentWork.request_id == request_id)
        .order_by(DocumentWork.document_id)
    ):
        path = _pdf_path(work)
        if not os.path.exists(path):
            continue
        before = len(added)
        with pymupdf.open(path) as pdf:
            for index, page in enumerate(pdf):
                if not pattern.search(page.get_text()):
                    continue
                for hit in page.search_for(wanted):
                    row = ManualRedaction(
                        request_id=request_id,
                        document_id=work.document_id,
                        page=index + 1,
                        rects=[[round(v, 2) for v in (hit.x0, hit.y0, hit.x1, hit.y1)]],
                        text=wanted,
                        exemption=code,
                        note="find and redact",
                        created_by_id=actor.user_id,
                    )
                    db.session.add(row)
                    added.append(row)
        documents += len(added) > before
    db.session.flush()
    # the phrase itself is personal data: the audit keeps counts and ids only
    audit.record(
        actor,
        "find_and_redact",
        request_id,
        exemption=code,
        occurrences=len(added),
        documents=documents,
    )
    return added


def resolve_manual(request_id: int, document_id: int, pdf: bytes, actor: Actor) -> DocumentWork:
    """A document marked for manual handling (corrupt, encrypted, scanned) is resolved by an
    officer uploading a handled version: a readable PDF that becomes its working copy."""
    import pymupdf

    work = document_work(request_id, document_id)
    if work.status != "manual":
        raise ServiceError("Only a document marked for manual handling takes a handled version")
    if not pdf.startswith(b"%PDF"):
        raise ServiceError("The handled version must be a PDF")
    try:
        with pymupdf.open(stream=pdf, filetype="pdf") as doc:
            if doc.needs_pass:
                raise ServiceError("The handled version must not be password protected")
            pages = doc.page_count
    except (RuntimeError, ValueError) as exc:
        raise ServiceError("The handled version could not be read as a PDF") from exc
    if pages < 1:
        raise ServiceError("The handled version has no pages")
    from portal.services import detection

    path = detection.working_copy_path(_documents_dir(), request_id, document_id)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(pdf)
    # Suggestions found on the original no longer match the handled version's pages.
    detection.store_findings(request_id, document_id, [], pages, [], os.path.basename(path))
    work.reason = f"handled version uploaded ({pages} pages); review it and add redactions"
    audit.record(actor, "manual_resolved", request_id, document_id=document_id, pages=pages)
    db.session.flush()
    return work


def withhold(
    request_id: int,
    document_id: int,
    page: int | None,
    exemption: str,
    reason: str,
    actor: Actor,
) -> WithheldPart:
    """Withhold a whole document (page None) or one page, with the reason."""
    work = document_work(request_id, document_id)
    if page is not None and (page < 1 or (work.pages and page > work.pages)):
        raise ServiceError("That page is not in the document")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Give the reason for withholding")
    row = WithheldPart(
        request_id=request_id,
        document_id=document_id,
        page=page,
        exemption=_exemption(exemption),
        reason=reason[:2000],
        created_by_id=actor.user_id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor,
        "withheld",
        request_id,
        document_id=document_id,
        page=page,
        exemption=row.exemption,
        withheld_id=row.id,
    )
    return row


def unwithhold(request_id: int, withheld_id: int, actor: Actor) -> None:
    """Release a withheld page or document back into the response."""
    row = db.session.get(WithheldPart, withheld_id)
    if row is None or row.request_id != request_id:
        raise NotFound("No such withheld part")
    audit.record(actor, "withheld_released", request_id, document_id=row.document_id, page=row.page)
    db.session.delete(row)
    db.session.flush()


def withheld_parts(request_id: int, document_id: int | None = None) -> list[WithheldPart]:
    """Withheld documents and pages."""
    query = select(WithheldPart).where(WithheldPart.request_id == request_id)
    if document_id is not None:
        query = query.where(WithheldPart.document_id == document_id)
    return list(db.session.scalars(query.order_by(WithheldPart.document_id, WithheldPart.page)))


def manual_redactions(request_id: int, document_id: int | None = None) -> list[ManualRedaction]:
    """Manual redactions still in force."""
    query = select(ManualRedaction).where(
        ManualRedaction.request_id == request_id, ManualRedaction.removed.is_(False)
    )
    if document_id is not None:
        query = query.where(ManualRedaction.document_id == document_id)
    return list(db.session.scalars(query.order_by(ManualRedaction.page, ManualRedaction.id)))


def effective_redactions(request_id: int, document_id: int) -> list[dict[str, Any]]:
    """Everything to redact in one document: accepted findings (per mention or per person),
    manual redactions, withheld pages (rects [] = the whole page) and a withheld document
    (page None). Each item: {"page", "rects", "exemption", "source"}."""
    result: list[dict[str, Any]] = []
    for part in withheld_parts(request_id, document_id):
        source = "withheld document" if part.page is None else "withheld page"
        result.append(
            {"page": part.page, "rects": [], "exemption": part.exemption, "source": source}
        )
    found = {
        f.id: f
        for f in db.session.scalars(
            select(FindingRecord).where(
                FindingRecord.request_id == request_id, FindingRecord.document_id == document_id
            )
        )
    }
    for finding_id, outcome in sorted(
        outcomes(request_id, document_id).items(), key=lambda kv: (found[kv[0]].page, kv[0])
    ):
        if outcome.decision != "accepted":
            continue
        f = found[finding_id]
        result.append(
            {
                "page": f.page,
                "rects": [list(r) for r in f.rects],
                "exemption": outcome.exemption or f.exemption or "TP",
                "source": f"finding ({outcome.scope})",
            }
        )
    for m in manual_redactions(request_id, document_id):
        result.append(
            {
                "page": m.page,
                "rects": [list(r) for r in m.rects],
                "exemption": m.exemption,
                "source": "manual",
            }
        )
    return result


# -- harm opinions ------------------------------------------------------------------------


def request_harm_opinion(
    request_id: int, exemption: str, asked_of: str, actor: Actor
) -> HarmOpinion:
    """Ask the allocated social worker or appropriate health professional for their opinion."""
    workflow.get_request(request_id)
    code = _exemption(exemption)
    if code not in HARM_BASED:
        raise ServiceError(f"{code} is not a harm-based exemption")
    asked_of = (asked_of or "").strip()
    if not asked_of:
        raise ServiceError("Say who the opinion is asked of")
    row = HarmOpinion(
        request_id=request_id, exemption=code, asked_of=asked_of[:200], asked_by_id=actor.user_id
    )
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "harm_opinion_requested", request_id, exemption=code, opinion_id=row.id)
    return row


def record_harm_opinion(
    request_id: int, opinion_id: int, opinion: str, actor: Actor
) -> HarmOpinion:
    """Record the opinion received."""
    row = db.session.get(HarmOpinion, opinion_id)
    if row is None or row.request_id != request_id:
        raise NotFound("No such opinion request")
    opinion = (opinion or "").strip()
    if not opinion:
        raise ServiceError("Enter the opinion given")
    row.opinion, row.recorded_at, row.recorded_by_id = opinion, utcnow(), actor.user_id
    db.session.flush()
    audit.record(
        actor, "harm_opinion_recorded", request_id, exemption=row.exemption, opinion_id=row.id
    )
    return row


def harm_opinions(request_id: int) -> list[HarmOpinion]:
    """Opinions asked for and recorded."""
    return list(
        db.session.scalars(
            select(HarmOpinion).where(HarmOpinion.request_id == request_id).order_by(HarmOpinion.id)
        )
    )


def exemptions_used(request_id: int) -> set[str]:
    """Every exemption code in force on the request."""
    used = {o.exemption for o in outcomes(request_id).values() if o.decision == "accepted"}
    used |= {m.exemption for m in manual_redactions(request_id)}
    used |= {w.exemption for w in withheld_parts(request_id)}
    used |= {d.exemption for d in person_decisions(request_id).values() if d.decision == "withhold"}
    return {c for c in used if c}


def harm_opinions_missing(request_id: int) -> list[str]:
    """Harm-based exemptions in use without a recorded opinion: the pack cannot be approved."""
    recorded = {o.exemption for o in harm_opinions(request_id) if o.opinion}
    return sorted((exemptions_used(request_id) & HARM_BASED) - recorded)


# -- claims and progress ------------------------------------------------------------------


def claim_document(request_id: int, document_id: int, actor: Actor) -> DocumentWork:
    """Take a document to review, so several caseworkers can work on different documents."""
    work = document_work(request_id, document_id)
    if work.reviewer_id is not None and work.reviewer_id != actor.user_id:
        raise ServiceError(
            f"{_user_name(work.reviewer_id)} is reviewing this document; they must release it first"
        )
    if work.reviewer_id == actor.user_id:
        return work
    work.reviewer_id = actor.user_id
    if work.review_status == "unreviewed":
        work.review_status = "in_review"
    db.session.flush()
    audit.record(actor, "document_claimed", request_id, document_id=document_id)
    return work


def release_document(request_id: int, document_id: int, actor: Actor) -> DocumentWork:
    """Give a claimed document back (its reviewer only)."""
    work = document_work(request_id, document_id)
    if work.reviewer_id is None:
        return work
    if work.reviewer_id != actor.user_id:
        raise ServiceError(f"Only {_user_name(work.reviewer_id)} can release this document")
    work.reviewer_id = None
    db.session.flush()
    audit.record(actor, "document_released", request_id, document_id=document_id)
    return work


def finish_document(request_id: int, document_id: int, actor: Actor) -> DocumentWork:
    """Mark a document reviewed once every suggestion on it is decided."""
    work = document_work(request_id, document_id)
    if work.reviewer_id not in (None, actor.user_id):
        raise ServiceError(f"{_user_name(work.reviewer_id)} is reviewing this document")
    left = sum(o.decision is None for o in outcomes(request_id, document_id).values())
    if left:
        raise ServiceError(f"Decide every suggestion first ({left} still to decide)")
    work.review_status, work.reviewer_id = "reviewed", None
    db.session.flush()
    audit.record(actor, "document_reviewed", request_id, document_id=document_id)
    return work


def progress(request_id: int) -> dict[str, Any]:
    """Findings decided of total, per document and for the whole request."""
    results = outcomes(request_id)
    per_doc: dict[int, dict[str, int]] = {}
    for finding_id, doc_id in db.session.execute(
        select(FindingRecord.id, FindingRecord.document_id).where(
            FindingRecord.request_id == request_id
        )
    ):
        counts = per_doc.setdefault(doc_id, {"decided": 0, "total": 0})
        counts["total"] += 1
        counts["decided"] += results[finding_id].decision is not None
    documents = []
    for work in db.session.scalars(
        select(DocumentWork)
        .where(DocumentWork.request_id == request_id)
        .order_by(DocumentWork.document_id)
    ):
        counts = per_doc.get(work.document_id, {"decided": 0, "total": 0})
        documents.append(
            {
                "document_id": work.document_id,
                "title": f"{work.document.external_id}: {work.document.title}",
                "pages": work.pages,
                "status": work.status,
                "review_status": work.review_status,
                "reviewer_id": work.reviewer_id,
                "reviewer": _user_name(work.reviewer_id) if work.reviewer_id else None,
                **counts,
            }
        )
    return {
        "documents": documents,
        "decided": sum(d["decided"] for d in documents),
        "total": sum(d["total"] for d in documents),
        "reviewed": sum(d["review_status"] == "reviewed" for d in documents),
    }


# -- page images and text -----------------------------------------------------------------

ZOOM = 1.5


def page_image(request_id: int, document_id: int, page: int) -> str:
    """The path of a PNG of one page of the working copy, rendered once and cached on disk
    (re-rendered when the working copy is newer)."""
    work = document_work(request_id, document_id)
    source = _pdf_path(work)
    if not os.path.exists(source):
        raise NotFound("The working copy of this document is not ready")
    folder = os.path.join(_documents_dir(), "pages")
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, f"r{request_id}-d{document_id}-p{page}.png")
    if os.path.exists(target) and os.path.getmtime(target) >= os.path.getmtime(source):
        return target
    with pymupdf.open(source) as pdf:
        if page < 1 or page > pdf.page_count:
            raise NotFound("No such page")
        pix = pdf[page - 1].get_pixmap(matrix=pymupdf.Matrix(ZOOM, ZOOM), alpha=False)
        partial = target + ".tmp"
        pix.save(partial, output="png")
    os.replace(partial, target)
    return target


def page_texts(request_id: int, document_id: int) -> list[dict[str, Any]]:
    """Each page's size in points and extracted text, for the review screen."""
    work = document_work(request_id, document_id)
    source = _pdf_path(work)
    if not os.path.exists(source):
        return []
    with pymupdf.open(source) as pdf:
        return [
            {"number": i + 1, "width": p.rect.width, "height": p.rect.height, "text": p.get_text()}
            for i, p in enumerate(pdf)
        ]
