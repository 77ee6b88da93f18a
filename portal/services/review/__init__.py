"""Redaction review: decisions on findings and on people, manual redactions, find-and-redact,
withheld pages and documents, harm opinions, claims on documents and review progress.

How a finding's outcome is worked out (one rule, used by the screen and by the release builder):

1. an explicit per-mention decision (``FindingDecision.scope == "mention"``) always wins, whether
   it was made before or after a decision about the person;
2. otherwise a per-person decision: ``decide_person`` writes ``scope == "person"`` rows for every
   finding of that person across the request (and rewrites them when it changes), and a finding
   found later (detection run again) without a row follows the live ``PersonDecision``;
3. otherwise the finding is undecided and is not redacted (progress counts it as still to do).

The data subject's own data is never redacted as third-party data: accepting a subject finding
or withholding the subject as a person is refused.
"""

from __future__ import annotations

from portal.services.review.common import (
    BASES,
    EXEMPTION_LABELS,
    EXEMPTIONS,
    HARM_BASED,
    Outcome,
)
from portal.services.review.decisions import (
    decide_finding,
    decide_person,
    findings_of_party,
    is_subject_finding,
    outcomes,
    parties,
    person_decisions,
)
from portal.services.review.marks import (
    add_manual,
    add_selected_text,
    effective_redactions,
    find_and_redact,
    manual_redactions,
    remove_manual,
    resolve_manual,
    unwithhold,
    withheld_parts,
    withhold,
)
from portal.services.review.work import (
    ZOOM,
    claim_document,
    exemptions_used,
    finish_document,
    harm_opinions,
    harm_opinions_missing,
    needs_no_decision,
    page_image,
    page_texts,
    progress,
    record_harm_opinion,
    release_document,
    request_harm_opinion,
)

__all__ = [
    "needs_no_decision",
    "BASES",
    "EXEMPTIONS",
    "EXEMPTION_LABELS",
    "HARM_BASED",
    "Outcome",
    "ZOOM",
    "add_manual",
    "add_selected_text",
    "claim_document",
    "decide_finding",
    "decide_person",
    "effective_redactions",
    "exemptions_used",
    "find_and_redact",
    "findings_of_party",
    "finish_document",
    "harm_opinions",
    "harm_opinions_missing",
    "is_subject_finding",
    "manual_redactions",
    "outcomes",
    "page_image",
    "page_texts",
    "parties",
    "person_decisions",
    "progress",
    "record_harm_opinion",
    "release_document",
    "remove_manual",
    "request_harm_opinion",
    "resolve_manual",
    "unwithhold",
    "withheld_parts",
    "withhold",
]
