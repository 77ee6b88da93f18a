"""Periodic tidying: abandoned drafts and their uploads, stale look-up failures."""

from __future__ import annotations

import logging

from flask import current_app

from portal.extensions import db
from portal.services import housekeeping
from workers.context import app_context

log = logging.getLogger(__name__)


def purge_expired() -> None:
    """Delete expired intake drafts (with their files), look-up failures and status links."""
    with app_context():
        config = current_app.config
        try:
            counts = housekeeping.purge_expired(
                config["UPLOAD_DIR"],
                int(config["INTAKE_DRAFT_HOURS"]),
                int(config["STATUS_LOOKUP_WINDOW_MINUTES"]),
            )
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("housekeeping failed")
            raise
        log.info("housekeeping: %s", counts)
