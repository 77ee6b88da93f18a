"""What the review modules share: the exemption catalogue as review uses it, the outcome of a
finding, small helpers, and where a working copy is kept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.extensions import db
from portal.models import (
    DocumentWork,
    FindingDecision,
    PersonDecision,
    User,
)
from portal.services import exemptions, lifecycle, workflow
from portal.services.detection import working_copy_path
from portal.services.errors import ServiceError
from portal.textfold import fold
from portal.timeutil import COUNCIL_TZ, as_utc

# the one catalogue (services/exemptions.py): codes, labels, default citations
EXEMPTIONS: dict[str, str] = exemptions.DEFAULT_CITATIONS
EXEMPTION_LABELS: dict[str, str] = exemptions.LABELS
# Exemptions that need the opinion of the social worker or health professional on harm.
HARM_BASED = exemptions.HARM_BASED
BASES = ("consent", "reasonable_without_consent", "none")


@dataclass(frozen=True)
class Outcome:
    """What happens to one finding: redact or not, why, and where the decision came from."""

    decision: str | None  # accepted | rejected | None (undecided)
    exemption: str | None
    scope: str | None  # mention | person | None
    version: int  # the FindingDecision version (0: no row yet)
    who: str | None = None  # the person chosen for a mention the register could not attribute


def _exemption(code: str | None) -> str:
    code = (code or "").strip().upper()
    if code not in EXEMPTIONS:
        raise ServiceError("Choose an exemption code from the list")
    return code


def _fold(value: str) -> str:
    """The portal's one folding (case, accents, Ł/ø/ß spelt out, spacing): portal/textfold.py."""
    return fold(value)


def _user_name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.full_name if user else "someone else"


def _when(value: Any) -> str:
    local = as_utc(value).astimezone(COUNCIL_TZ)
    return f"{local:%H:%M:%S} on {local.day} {local:%B %Y}"


def _stale(what: str, row: FindingDecision | PersonDecision) -> ServiceError:
    return ServiceError(
        f"This {what} was changed by {_user_name(row.decided_by_id)} at {_when(row.decided_at)}; "
        "reload"
    )


# -- people -------------------------------------------------------------------------------


def _editable(request_id: int) -> None:
    """Redactions change only while the request is in review: read-only after release."""
    lifecycle.require_editable(workflow.get_request(request_id), "review")


def _documents_dir() -> str:
    from flask import current_app

    return str(current_app.config["DOCUMENTS_DIR"])


def _pdf_path(work: DocumentWork) -> str:
    return working_copy_path(_documents_dir(), work.request_id, work.document_id)
