"""Release: build a version of the response pack (redact, verify each copy, bind, verify the
whole), as the job row's pack says."""

from __future__ import annotations

import logging

from sqlalchemy import select

from portal.extensions import db
from portal.models import ReleasePack
from portal.services import release
from workers.context import app_context
from workers.tracking import tracked

log = logging.getLogger(__name__)


def build_pack(job_record_id: int) -> None:
    """Build the pack the job was started for (idempotent: a finished pack is left alone)."""
    with app_context(), tracked(job_record_id) as tracker:
        record = tracker.record()
        if record.request_id is None:
            raise ValueError("release job without a request")
        pack_id = (record.progress or {}).get("pack_id")
        if pack_id is None:
            pack_id = db.session.scalar(
                select(ReleasePack.id)
                .where(ReleasePack.request_id == record.request_id)
                .order_by(ReleasePack.version.desc())
                .limit(1)
            )
        pack = db.session.get(ReleasePack, pack_id) if pack_id is not None else None
        if pack is None:
            raise ValueError("release job without a pack")
        if pack.status != "building":
            return
        db.session.commit()
        pack = release.build(pack.id)
        db.session.commit()
        tracker.report(pack_id=pack.id, status=pack.status, pages=pack.pages)
