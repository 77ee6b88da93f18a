"""Request references such as SAR-2026-00042: one sequence per type and year."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import ReferenceCounter, RequestType


def next_reference(request_type: RequestType, year: int) -> str:
    """Issue the next reference for the type and year (locks the counter row on PostgreSQL)."""
    prefix = request_type.prefix
    counter = db.session.scalars(
        select(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year)
        .with_for_update()
    ).first()
    if counter is None:
        counter = ReferenceCounter(prefix=prefix, year=year, last_number=0)
        db.session.add(counter)
    counter.last_number += 1
    db.session.flush()
    return f"{prefix}-{year}-{counter.last_number:05d}"
