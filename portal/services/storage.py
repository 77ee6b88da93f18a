"""Where every file the portal keeps lives, built in one place. Under DOCUMENTS_DIR:
``records/`` (imported case records), ``working/`` (each document's PDF working copy for a
request), ``pages/`` (page images of working copies for the review screen), ``packs/`` (built
release packs), ``failed/`` (redacted copies of a failed build, for staff to see what leaked);
under UPLOAD_DIR the requesters' evidence. Names that come from records or uploads are reduced to
their base name, so a path can never leave its folder."""

from __future__ import annotations

import os

from flask import current_app


def documents_dir() -> str:
    return str(current_app.config["DOCUMENTS_DIR"])


def folder(name: str) -> str:
    """One of the document folders (made when missing)."""
    path = os.path.join(documents_dir(), name)
    os.makedirs(path, exist_ok=True)
    return path


def records_dir() -> str:
    return folder("records")


def record_file(stored_name: str) -> str:
    """An imported record's file."""
    return os.path.join(documents_dir(), "records", os.path.basename(stored_name))


def working_copy(request_id: int, document_id: int, documents: str | None = None) -> str:
    """A document's PDF working copy for a request."""
    base = documents if documents is not None else documents_dir()
    return os.path.join(base, "working", f"r{request_id}-d{document_id}.pdf")


def page_image(request_id: int, document_id: int, page: int, zoom: float) -> str:
    """A cached PNG of one page of a working copy at one zoom (a new zoom, a new image)."""
    name = f"r{request_id}-d{document_id}-p{page}-z{int(zoom * 100)}.png"
    return os.path.join(documents_dir(), "pages", name)


def pack_file(file_name: str | None) -> str:
    """A built release pack."""
    return os.path.join(documents_dir(), "packs", os.path.basename(file_name or ""))


def failed_copy(name: str) -> str:
    """A redacted copy kept from a failed build (staff only)."""
    return os.path.join(documents_dir(), "failed", os.path.basename(name))


def upload(stored_name: str) -> str:
    """A requester's uploaded evidence file."""
    return os.path.join(str(current_app.config["UPLOAD_DIR"]), os.path.basename(stored_name))
