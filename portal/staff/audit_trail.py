"""The audit trail as staff read it: names and labels, never bare ids, never redacted text.

An audit event's detail keeps ids (services record ids and short reasons only). The case page
shows what they stand for: staff by their full names, statuses and events by their labels,
documents by their export id and title, a person of the request by their role (their names
are what gets redacted), a suggestion by its kind and page, never its text. Ids of rows that
mean nothing on their own (a note, a link, a redaction) are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.filters import long_date
from portal.models import (
    AuditEvent,
    Candidate,
    Channel,
    Document,
    Evidence,
    EvidenceKind,
    FindingRecord,
    OutboxMessage,
    ReleasePack,
    RequestParty,
    RequestStatus,
    RequestType,
    Role,
    User,
)

# Keys whose values are, or may be, text that a release redacts: never shown.
SECRET_KEYS = frozenset({"text", "phrase", "term", "terms", "names", "name", "party", "who"})
# Ids of rows with nothing to show beyond what the rest of the detail says.
HIDDEN_KEYS = frozenset({"link_id", "note_id", "opinion_id", "redaction_id", "withheld_id"})
MAX_LISTED = 10

LABELS = {
    "event": "Event",
    "reason": "Reason",
    "date": "Date",
    "document_id": "Document",
    "candidates": "Documents",
    "pack_id": "Pack",
    "version": "Version",
    "evidence_id": "Evidence",
    "kind": "Kind",
    "message_id": "Letter",
    "party_id": "Person",
    "finding_id": "Suggestion",
    "user_id": "Account",
    "decision": "Decision",
    "basis": "Basis",
    "exemption": "Exemption",
    "findings": "Mentions",
    "documents": "Documents",
    "occurrences": "Occurrences",
    "count": "Changed",
    "page": "Page",
    "pages": "Pages",
    "late": "Late",
    "leaks": "Leaks found",
    "identity_checked": "Identity checked",
    "reference": "Reference",
    "channel": "Received by",
    "type": "Type",
    "key": "Setting",
    "keys": "Settings",
    "recomputed": "Due dates recomputed",
    "role": "Role",
    "roles": "Roles",
    "active": "Active",
    "searches": "Searches",
    "before": "From",
    "after": "To",
}


@dataclass(frozen=True)
class TrailRow:
    """One line of the audit trail on the case page."""

    at: datetime
    actor_label: str
    action: str
    details: list[tuple[str, str]]


def _ints(values: Iterable[Any]) -> set[int]:
    out = set()
    for value in values:
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            out.add(value)
        elif isinstance(value, str) and value.isdigit():
            out.add(int(value))
    return out


class _Lookups:
    """Every row the trail's ids refer to, loaded once per page."""

    def __init__(self, events: list[AuditEvent]) -> None:
        wanted: dict[str, set[int]] = {}

        def want(kind: str, *values: Any) -> None:
            wanted.setdefault(kind, set()).update(_ints(values))

        for e in events:
            d = e.detail or {}
            if e.action == "assigned":
                want("user", d.get("before"), d.get("after"))
            want("user", d.get("user_id"))
            want("document", d.get("document_id"))
            want("pack", d.get("pack_id"))
            want("evidence", d.get("evidence_id"))
            want("message", d.get("message_id"))
            want("party", d.get("party_id"))
            want("finding", d.get("finding_id"))
            if isinstance(d.get("candidates"), list):
                want("candidate", *d["candidates"])

        def load(model: Any, kind: str) -> dict[int, Any]:
            ids = wanted.get(kind)
            if not ids:
                return {}
            return {
                row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))
            }

        self.users: dict[int, User] = load(User, "user")
        self.packs: dict[int, ReleasePack] = load(ReleasePack, "pack")
        self.evidence: dict[int, Evidence] = load(Evidence, "evidence")
        self.messages: dict[int, OutboxMessage] = load(OutboxMessage, "message")
        self.parties: dict[int, RequestParty] = load(RequestParty, "party")
        self.findings: dict[int, FindingRecord] = load(FindingRecord, "finding")
        self.candidates: dict[int, Candidate] = load(Candidate, "candidate")
        document_ids = wanted.get("document", set())
        document_ids |= {f.document_id for f in self.findings.values()}
        document_ids |= {c.document_id for c in self.candidates.values()}
        wanted["document"] = document_ids
        self.documents: dict[int, Document] = load(Document, "document")

    def user(self, value: Any) -> str:
        if value is None:
            return "nobody"
        user = self.users.get(next(iter(_ints([value])), -1))
        return user.full_name if user is not None else "a former account"

    def document(self, value: Any) -> str:
        document = self.documents.get(next(iter(_ints([value])), -1))
        return f"{document.external_id}: {document.title}" if document else "a removed document"

    def pack(self, value: Any) -> str:
        pack = self.packs.get(next(iter(_ints([value])), -1))
        return f"version {pack.version}" if pack is not None else "a removed pack"

    def evidence_item(self, value: Any) -> str:
        item = self.evidence.get(next(iter(_ints([value])), -1))
        if item is None:
            return "a removed file"
        return f"{item.kind.label}, uploaded {long_date(item.uploaded_at)}"

    def message(self, value: Any) -> str:
        message = self.messages.get(next(iter(_ints([value])), -1))
        return message.subject if message is not None else "a removed letter"

    def party(self, value: Any) -> str:
        party = self.parties.get(next(iter(_ints([value])), -1))
        if party is None:
            return "someone no longer listed"
        treated = (
            "data subject"
            if party.subject
            else ("professional" if party.professional else "third party")
        )
        return f"{party.role} ({treated})" if party.role else treated

    def finding(self, value: Any) -> str:
        finding = self.findings.get(next(iter(_ints([value])), -1))
        if finding is None:
            return "a removed suggestion"
        kind = finding.kind.replace("_", " ").lower()
        return f"{kind}, page {finding.page} of {self.document(finding.document_id)}"

    def candidate_documents(self, values: list[Any]) -> str:
        labels = []
        for cid in values:
            candidate = self.candidates.get(next(iter(_ints([cid])), -1))
            labels.append(
                self.document(candidate.document_id) if candidate else "a removed candidate"
            )
        shown = "; ".join(labels[:MAX_LISTED])
        more = len(labels) - MAX_LISTED
        return shown + (f"; and {more} more" if more > 0 else "")


def _enum_label(enum: Any, value: Any) -> str:
    try:
        return str(enum(value).label)
    except (ValueError, KeyError, AttributeError):
        return str(value).replace("_", " ")


def _event_label(value: Any) -> str:
    from portal.services import lifecycle

    event = lifecycle.EVENTS.get(str(value))
    return event.label if event is not None else str(value).replace("_", " ")


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return str(value)


def _date(value: Any) -> str:
    try:
        return long_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _value(key: str, value: Any, action: str, look: _Lookups) -> str | None:
    """The value shown for one key of one event; None leaves the key out."""
    if key in SECRET_KEYS or key in HIDDEN_KEYS:
        return None
    by_key: dict[str, Callable[[Any], str]] = {
        "user_id": look.user,
        "document_id": look.document,
        "pack_id": look.pack,
        "evidence_id": look.evidence_item,
        "message_id": look.message,
        "party_id": look.party,
        "finding_id": look.finding,
        "event": _event_label,
        "date": _date,
        "channel": lambda v: _enum_label(Channel, v).lower(),
        "type": lambda v: _enum_label(RequestType, v),
        "kind": lambda v: _enum_label(EvidenceKind, v),
        "roles": lambda v: (
            ", ".join(_enum_label(Role, r) for r in v)
            if isinstance(v, list)
            else _enum_label(Role, v)
        ),
    }
    if key in ("before", "after"):
        if action == "assigned":
            return look.user(value)
        if action == "status_changed" or action.startswith("event_"):
            return _enum_label(RequestStatus, value)
        return _plain(value)
    if key == "candidates":
        return look.candidate_documents(value) if isinstance(value, list) else _plain(value)
    if key in by_key:
        return by_key[key](value)
    if isinstance(value, str | int | float | bool | list):
        return _plain(value)
    return None


def describe(events: Iterable[AuditEvent]) -> list[TrailRow]:
    """The trail's rows, each detail as (label, value) pairs in the order recorded."""
    events = list(events)
    look = _Lookups(events)
    rows = []
    for e in events:
        detail = dict(e.detail or {})
        if e.action == "assigned":  # None (nobody) is not stored
            detail = {"before": detail.get("before"), "after": detail.get("after"), **detail}
        if "pack_id" in detail and "version" in detail:
            detail.pop("version")  # the pack is shown as its version
        if e.action == "records_searched" and "candidates" in detail:
            detail["candidates found"] = detail.pop("candidates")
        pairs = []
        for key, value in detail.items():
            shown = _value(key, value, e.action, look)
            if shown is not None and shown != "":
                pairs.append((LABELS.get(key, key.replace("_", " ").capitalize()), shown))
        rows.append(TrailRow(e.at, e.actor_label, e.action.replace("_", " "), pairs))
    return rows
