"""What the release modules share: constants and errors, the redactions in effect, the packs of
a request, where a pack is kept and its integrity check."""

from __future__ import annotations

import hashlib
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    Document,
    DocumentWork,
    FindingDecision,
    FindingRecord,
    HarmOpinion,
    ManualRedaction,
    ReleasePack,
    RequestStatus,
    WithheldPart,
)
from portal.services import audit, letters, storage
from portal.services.actor import Actor
from portal.services.errors import NotFound, ServiceError

S = RequestStatus


IN_SCOPE = ("done", "manual")


CODE_MINUTES = 15


CODE_TRIES = 5


LINK_LABEL = letters.LINK_LABEL


CODE_LABEL = letters.CODE_LABEL


IDENTITY_CHECK_CHARS = 300


class PackChanged(ServiceError):
    """The pack file no longer matches the checksum recorded when it was built."""


class LinkExpired(ServiceError):
    """The download link is unknown or past its expiry."""


class CodeRefused(ServiceError):
    """The one-time code is wrong, expired or has had too many tries."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def effective_redactions(request_id: int, document_id: int) -> list[dict[str, Any]]:
    """The redactions for one document, from the review service (own fallback until it lands)."""
    try:
        from portal.services import review
    except ImportError:
        review = None  # type: ignore[assignment]
    if review is not None and hasattr(review, "effective_redactions"):
        return list(review.effective_redactions(request_id, document_id))
    return _effective_fallback(request_id, document_id)


def harm_opinions_missing(request_id: int) -> list[str]:
    """Harm-based exemptions still waiting for the professional's opinion."""
    try:
        from portal.services import review
    except ImportError:
        review = None  # type: ignore[assignment]
    if review is not None and hasattr(review, "harm_opinions_missing"):
        return list(review.harm_opinions_missing(request_id))
    rows = db.session.scalars(
        select(HarmOpinion).where(
            HarmOpinion.request_id == request_id, HarmOpinion.opinion.is_(None)
        )
    )
    return sorted({r.exemption for r in rows})


def _effective_fallback(request_id: int, document_id: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for finding, decision in db.session.execute(
        select(FindingRecord, FindingDecision)
        .join(FindingDecision, FindingDecision.finding_id == FindingRecord.id)
        .where(
            FindingRecord.request_id == request_id,
            FindingRecord.document_id == document_id,
            FindingDecision.decision == "accepted",
        )
    ):
        out.append(
            {
                "page": finding.page,
                "rects": finding.rects,
                "exemption": decision.exemption or finding.exemption,
                "source": "finding",
            }
        )
    for manual in db.session.scalars(
        select(ManualRedaction).where(
            ManualRedaction.request_id == request_id,
            ManualRedaction.document_id == document_id,
            ManualRedaction.removed.is_(False),
        )
    ):
        out.append(
            {
                "page": manual.page,
                "rects": manual.rects,
                "exemption": manual.exemption,
                "source": "manual",
            }
        )
    for part in db.session.scalars(
        select(WithheldPart).where(
            WithheldPart.request_id == request_id, WithheldPart.document_id == document_id
        )
    ):
        source = "withheld document" if part.page is None else "withheld page"
        out.append({"page": part.page, "rects": [], "exemption": part.exemption, "source": source})
    return out


def _withheld(item: dict[str, Any]) -> bool:
    """A withheld page or document: no rectangles (the whole of it), or said so."""
    return not item.get("rects") or str(item.get("source", "")).startswith("withheld")


def _terms(request_id: int, document_id: int, items: list[dict[str, Any]]) -> set[str]:
    """The strings that must not be recoverable: texts of the findings redacted (matched by
    page and rectangles, however the review decided them) and the text of manual redactions."""
    boxes = {(i["page"], _rect_key(i["rects"])) for i in items if i["page"] is not None}
    terms: set[str] = set()
    for finding in db.session.scalars(
        select(FindingRecord).where(
            FindingRecord.request_id == request_id, FindingRecord.document_id == document_id
        )
    ):
        if (finding.page, _rect_key(finding.rects)) in boxes:
            terms.add(finding.text)
    for decision_text in db.session.scalars(
        select(FindingRecord.text)
        .join(FindingDecision, FindingDecision.finding_id == FindingRecord.id)
        .where(
            FindingRecord.request_id == request_id,
            FindingRecord.document_id == document_id,
            FindingDecision.decision == "accepted",
        )
    ):
        terms.add(decision_text)
    for text in db.session.scalars(
        select(ManualRedaction.text).where(
            ManualRedaction.request_id == request_id,
            ManualRedaction.document_id == document_id,
            ManualRedaction.removed.is_(False),
        )
    ):
        if text:
            terms.add(text)
    return {t.strip() for t in terms if t and len(t.strip()) > 1}


def disclosed_text(
    request_id: int, document_id: int, items: list[dict[str, Any]]
) -> list[tuple[int, str]]:
    """(original page, text) of every suggestion left readable on purpose: the data subject's
    own data, what a reviewer chose to disclose, professionals. The verifier does not count a
    redacted word inside them ("Tyrone" of the subject's "Tyrone Andre Thompson" where the
    sibling Tyrone is redacted), but does count any other occurrence."""
    boxes = {(i["page"], _rect_key(i["rects"])) for i in items if i["page"] is not None}
    return [
        (int(f.page), f.text)
        for f in db.session.scalars(
            select(FindingRecord).where(
                FindingRecord.request_id == request_id, FindingRecord.document_id == document_id
            )
        )
        if f.page is not None and f.text and (f.page, _rect_key(f.rects)) not in boxes
    ]


def _rect_key(rects: Any) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(round(float(v), 1) for v in r) for r in (rects or []))


def packs(request_id: int) -> list[ReleasePack]:
    """Every version of the pack, newest first."""
    return list(
        db.session.scalars(
            select(ReleasePack)
            .where(ReleasePack.request_id == request_id)
            .order_by(ReleasePack.version.desc())
        )
    )


def latest(request_id: int) -> ReleasePack | None:
    """The newest version of the pack, if any."""
    found = packs(request_id)
    return found[0] if found else None


def get_pack(request_id: int, pack_id: int) -> ReleasePack:
    """The pack of this request, or NotFound."""
    pack = db.session.get(ReleasePack, pack_id)
    if pack is None or pack.request_id != request_id:
        raise NotFound("No such release pack")
    return pack


def pack_path(pack: ReleasePack) -> str:
    """Where a pack's PDF is kept."""
    return storage.pack_file(pack.file_name)


def sha256_file(path: str) -> str:
    """The file's SHA-256 in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_integrity(pack: ReleasePack, actor: Actor) -> str:
    """The pack file's path when it still matches its recorded checksum; PackChanged if not."""
    path = pack_path(pack)
    if not pack.file_name or not pack.sha256:
        raise ServiceError("This pack has no file")
    actual = sha256_file(path) if os.path.exists(path) else None
    if actual != pack.sha256:
        audit.record(actor, "pack_changed", pack.request_id, pack_id=pack.id)
        raise PackChanged(
            f"The file of pack version {pack.version} has changed since it was built. "
            "Build a new version."
        )
    return path


def _label(document: Document) -> str:
    return document.external_id


def _title(pack: ReleasePack, document: Document) -> str:
    return (pack.titles or {}).get(str(document.id)) or document.title


def by_page_and_code(request_id: int) -> dict[int, Counter[tuple[int, str]]]:
    """Redactions per document, page and code (the schedule's source), for checks and pages."""
    out: dict[int, Counter[tuple[int, str]]] = defaultdict(Counter)
    for work in db.session.scalars(
        select(DocumentWork).where(DocumentWork.request_id == request_id)
    ):
        for item in effective_redactions(request_id, work.document_id):
            if item["page"] is not None and not _withheld(item):
                out[work.document_id][(int(item["page"]), item["exemption"] or "")] += 1
    return out


@dataclass
class _DocPart:
    document: Document
    work: DocumentWork
    pdf: bytes | None  # None: withheld in full
    kept: list[int]  # original page numbers kept, in order
    withheld_pages: list[tuple[int, str]]
    withheld_code: str | None
    schedule: Counter[tuple[int, str]]  # (original page, code) -> redactions
    start: int = 0  # first pack page of this document
    # (page in this copy, text) left readable on purpose, for the verifier
    allowed: list[tuple[int, str]] = field(default_factory=list)
