"""Decisions on findings and on people, and how a finding's outcome is worked out."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from portal.extensions import db
from portal.models import (
    FindingDecision,
    FindingRecord,
    PersonDecision,
    RequestParty,
    User,
)
from portal.services import audit, workflow
from portal.services.actor import Actor
from portal.services.errors import NotFound, ServiceError
from portal.services.review.common import (
    BASES,
    Outcome,
    _editable,
    _exemption,
    _fold,
    _stale,
    _when,
)
from portal.timeutil import utcnow


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
    _editable(request_id)
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
    _editable(finding.request_id)
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
