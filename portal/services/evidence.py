"""Identity and authority evidence: checking uploads by content and storing them."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass

import filetype

from portal.extensions import db
from portal.models import Evidence, EvidenceKind, Request
from portal.services import audit
from portal.services.actor import Actor
from portal.services.errors import ServiceError

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class UploadRejected(ServiceError):
    """An uploaded file is not acceptable; the message says why."""


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed the checks and sits in the upload folder under a random name."""

    stored_name: str
    original_filename: str
    content_type: str
    size: int
    sha256: str


def clean_filename(name: str) -> str:
    """The name as given, stripped of paths and control characters, for display only."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in "\x00")
    return base.strip()[:200] or "upload"


def check_and_store(data: bytes, filename: str, upload_dir: str, max_bytes: int) -> CheckedUpload:
    """Accept a PDF, JPEG or PNG by its content (not its name) of at most max_bytes."""
    shown = clean_filename(filename)
    if not data:
        raise UploadRejected(f"{shown} is empty")
    if len(data) > max_bytes:
        raise UploadRejected(f"{shown} must be smaller than {max_bytes // (1024 * 1024)}MB")
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind is not None else None
    if mime not in ALLOWED_TYPES:
        raise UploadRejected(f"{shown} must be a PDF, JPG or PNG")
    if mime == "application/pdf" and b"%%EOF" not in data[-2048:]:
        raise UploadRejected(f"{shown} is not a complete PDF: it may be damaged")
    os.makedirs(upload_dir, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{ALLOWED_TYPES[mime]}"
    with open(os.path.join(upload_dir, stored), "xb") as fh:
        fh.write(data)
    return CheckedUpload(
        stored_name=stored,
        original_filename=shown,
        content_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def discard(upload_dir: str, stored_name: str) -> None:
    """Remove a stored upload that will not be used (a draft abandoned or a failed submit)."""
    path = os.path.join(upload_dir, os.path.basename(stored_name))
    if os.path.exists(path):
        os.remove(path)


def attach(request: Request, upload: CheckedUpload, kind: EvidenceKind, actor: Actor) -> Evidence:
    """Link a stored upload to a request and audit it."""
    evidence = Evidence(
        request=request,
        kind=kind,
        original_filename=upload.original_filename,
        stored_name=upload.stored_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by_id=actor.user_id,
    )
    db.session.add(evidence)
    db.session.flush()
    audit.record(actor, "evidence_uploaded", request.id, evidence_id=evidence.id, kind=kind.value)
    return evidence
