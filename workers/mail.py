"""Sending the outbox."""

from __future__ import annotations

import logging

from flask import current_app

from portal.extensions import db
from portal.services import mail
from workers.context import app_context

log = logging.getLogger(__name__)


def send_outbox() -> None:
    """Send every pending outbox message by SMTP (nothing to do without SMTP_HOST)."""
    with app_context():
        try:
            sent = mail.send_pending(current_app.config)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("sending the outbox failed")
            raise
        log.info("outbox: %d sent", sent)
