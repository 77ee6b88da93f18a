"""The audit trail on the staff case page: names and labels, never bare ids or redacted text."""

from __future__ import annotations

import re

from portal.extensions import db
from portal.models import Candidate, Document, FindingRecord, ReleasePack, RequestParty, Role
from portal.services import audit, workflow
from portal.services.actor import Actor


def _trail(page: str) -> list[str]:
    """The Detail cell of every audit trail row, tags removed."""
    table = page.split("Audit trail", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [re.sub(r"<[^>]+>", "", c[-1]) for c in cells if c]


def _document(n: int) -> Document:
    document = Document(
        external_id=f"D00000{n}",
        doc_type="case_note",
        title=f"Home visit {n}",
        filename=f"documents/D00000{n}.pdf",
        stored_name=f"d{n}.pdf",
        sha256=f"{n:064d}",
        size=100,
    )
    db.session.add(document)
    db.session.flush()
    return document


def test_audit_trail_shows_names_and_labels_not_ids(make_user, make_request, auth, client) -> None:
    boss = make_user(Role.CASEWORKER, name="Alex Manager")
    first = make_user(Role.CASEWORKER, name="Robin Caseworker")
    second = make_user(Role.CASEWORKER, name="Jo Caseworker")
    request = make_request()
    by = Actor.staff(boss)
    workflow.assign(request.id, by, first.id)
    workflow.assign(request.id, by, second.id)
    documents = [_document(1), _document(2)]
    candidates = [Candidate(request_id=request.id, document_id=d.id, score=0.9) for d in documents]
    aunt = RequestParty(request_id=request.id, names=["Jane Dorothy Secret"], role="aunt")
    finding = FindingRecord(
        request_id=request.id,
        document_id=documents[1].id,
        kind="PERSON",
        text="Jane Dorothy Secret",
        page=3,
        start=0,
        end=19,
        score=0.9,
        source="parties",
    )
    pack = ReleasePack(request_id=request.id, version=2)
    db.session.add_all([*candidates, aunt, finding, pack])
    db.session.flush()
    audit.record(
        by,
        "scope_decided",
        request.id,
        decision="included",
        count=2,
        candidates=[c.id for c in candidates],
    )
    audit.record(by, "person_decided", request.id, party_id=aunt.id, decision="withhold")
    audit.record(
        by,
        "finding_decided",
        request.id,
        finding_id=finding.id,
        document_id=documents[1].id,
        decision="accepted",
    )
    audit.record(by, "pack_submitted", request.id, pack_id=pack.id, version=2)
    db.session.commit()

    auth.login(boss)
    page = client.get(f"/staff/requests/{request.id}").get_data(as_text=True)
    trail = _trail(page)
    text = "\n".join(trail)

    assert "From: nobody; To: Robin Caseworker" in text
    assert "From: Robin Caseworker; To: Jo Caseworker" in text
    assert "Documents: D000001: Home visit 1; D000002: Home visit 2" in text
    assert "Person: aunt (third party)" in text
    assert "Suggestion: person, page 3 of D000002: Home visit 2" in text
    assert "Pack: version 2" in text
    assert "Jane Dorothy Secret" not in page
    for key in ("candidates:", "party_id", "finding_id", "pack_id", "document_id", "before:"):
        assert key not in text
    # no bare id is left: every number shown is a count, a page, a version or a title's
    ids = {str(i) for i in (first.id, second.id, aunt.id, finding.id, pack.id)}
    ids |= {str(c.id) for c in candidates}
    for line in trail:
        for label, value in (pair.split(": ", 1) for pair in line.split("; ") if ": " in pair):
            if label not in ("Changed", "Documents", "Suggestion"):
                assert value not in ids, line


def test_status_changes_show_labels(make_user, make_request, auth, client) -> None:
    from portal.models import RequestStatus
    from portal.services import lifecycle

    caseworker = make_user(Role.CASEWORKER, name="Robin Caseworker")
    request = make_request()
    auth.login(caseworker)
    assert client.post(f"/staff/requests/{request.id}/actions/verify").status_code == 302
    text = "\n".join(_trail(client.get(f"/staff/requests/{request.id}").get_data(as_text=True)))
    assert (
        f"Event: {lifecycle.EVENTS['verify'].label}; "
        f"From: {RequestStatus.RECEIVED.label}; To: {RequestStatus.IN_PROGRESS.label}"
    ) in text
    assert "Received by: online; Type: Subject access" in text
