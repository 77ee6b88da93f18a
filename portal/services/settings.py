"""Administrator-editable settings with their defaults."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.extensions import db
from portal.models import Setting

DEFAULTS: dict[str, Any] = {
    "council_name": "Worcestershire County Council",
    "service_name": "Children's Services",
    "dpo_email": "dataprotection@worcestershire.gov.uk",
    "dpo_phone": "01905 765765",
    "council_address": "County Hall, Spetchley Road, Worcester, WR5 2NP",
    "holiday_division": "ENG",
    "extra_holidays": [],  # ISO dates of one-off bank holidays announced ad hoc
    "competence_age": 12,
    "evidence_wait_days": 30,  # close an awaiting-evidence request after this long
    "art15_notice": None,  # None: services.notice.DEFAULT_NOTICE
    "exemption_citations": {},  # overrides of services.notice.DEFAULT_CITATIONS
}

DIVISIONS = {
    "ENG": "England and Wales (England)",
    "WLS": "England and Wales (Wales)",
    "SCT": "Scotland",
    "NIR": "Northern Ireland",
}


def get(key: str) -> Any:
    """A setting's value, or its default."""
    row = db.session.get(Setting, key)
    return row.value if row is not None else DEFAULTS[key]


def put(key: str, value: Any) -> None:
    """Change a setting (the caller audits and commits)."""
    if key not in DEFAULTS:
        raise KeyError(key)
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    db.session.flush()


def all_settings() -> dict[str, Any]:
    """Every setting with its current value."""
    return {key: get(key) for key in DEFAULTS}


def data_protection_contact(values: dict[str, Any] | None = None) -> dict[str, Any]:
    """How the public reaches the data protection team: email, phone (and the number to dial)
    and the postal address as lines; from `values` (e.g. DEFAULTS) instead of the database when
    given."""
    value = values.get if values is not None else get
    phone = str(value("dpo_phone") or "")
    address = str(value("council_address") or "")
    return {
        "email": str(value("dpo_email") or ""),
        "phone": phone,
        "tel": "".join(c for c in phone if c.isdigit() or c == "+"),
        "address_lines": [line.strip() for line in address.splitlines() if line.strip()],
    }


def extra_holidays() -> frozenset[date]:
    """The council's one-off holidays as dates."""
    return frozenset(date.fromisoformat(d) for d in get("extra_holidays"))


def holiday_division() -> str:
    """The bank-holiday division the council is in."""
    return str(get("holiday_division"))
