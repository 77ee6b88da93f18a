"""Redaction review: decisions per mention and per person, the subject's own data, stale
decisions, find-and-redact, manual rectangles, withheld pages, harm opinions, what the release
builder is told to redact, and the review screens."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pymupdf
import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import (
    AuditEvent,
    Channel,
    Document,
    DocumentWork,
    FindingDecision,
    FindingRecord,
    Request,
    RequestParty,
    RequestStatus,
    Role,
    User,
)
from portal.services import detection, review
from portal.services.actor import Actor
from portal.services.errors import ServiceError

PAGES = {
    "D1": [
        "Home visit. Katie Brown and her mum Kelly Brown were at home.",
        "SW Sarah Jones spoke to Kelly Browne about school.",
    ],
    "D2": ["Letter copied to Kelly Brown. Katie Brown attended well. Kelly   brown signed."],
}
# (document, page, text, party, role, exemption)
FINDINGS = [
    ("D1", 1, "Katie Brown", "Katie Brown", "subject", None),
    ("D1", 1, "Kelly Brown", "Kelly Brown", "third party", "TP"),
    ("D1", 2, "Sarah Jones", "Sarah Jones", "professional", None),
    ("D1", 2, "Kelly Browne", "Kelly Brown", "third party", "TP"),
    ("D2", 1, "Kelly Brown", "Kelly Brown", "third party", "TP"),
    ("D2", 1, "Katie Brown", "Katie Brown", "subject", None),
]


@dataclass
class Case:
    request: Request
    worker: Actor
    other: Actor
    docs: dict[str, int]
    parties: dict[str, RequestParty]

    def finding(self, doc: str, text: str) -> FindingRecord:
        return db.session.scalars(
            select(FindingRecord).where(
                FindingRecord.document_id == self.docs[doc], FindingRecord.text == text
            )
        ).one()


def write_pdf(path: str, pages: list[str]) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pdf = pymupdf.open()
    for body in pages:
        page = pdf.new_page(width=595, height=842)
        page.insert_text((72, 100), body, fontsize=11)
    pdf.save(path)
    pdf.close()


@pytest.fixture()
def case(app, tmp_path, monkeypatch, make_user, make_request) -> Case:
    monkeypatch.setitem(app.config, "DOCUMENTS_DIR", str(tmp_path / "documents"))
    worker = Actor.staff(make_user(Role.CASEWORKER, name="Rita Reviewer"))
    other = Actor.staff(make_user(Role.CASEWORKER, name="Oscar Other"))
    request = make_request(first_names="Katie", last_name="Brown", actor=worker)
    people = {
        "subject": RequestParty(
            request_id=request.id,
            names=["Katie Brown", "Katie Smith"],
            role="data subject",
            subject=True,
        ),
        "mother": RequestParty(
            request_id=request.id, names=["Kelly Brown", "Kelly Browne"], role="mother"
        ),
        "sw": RequestParty(
            request_id=request.id, names=["Sarah Jones"], role="social worker", professional=True
        ),
    }
    db.session.add_all(people.values())
    docs = {}
    for n, (ext, pages) in enumerate(PAGES.items(), start=1):
        doc = Document(
            external_id=f"{ext}-{request.id}",
            doc_type="case_note",
            title=f"Note {n}",
            filename=f"{ext}.pdf",
            stored_name=f"{ext}.pdf",
            sha256=str(n) * 64,
            size=1,
        )
        db.session.add(doc)
        db.session.flush()
        docs[ext] = doc.id
        db.session.add(DocumentWork(request_id=request.id, document_id=doc.id))
        db.session.flush()
        path = detection.working_copy_path(app.config["DOCUMENTS_DIR"], request.id, doc.id)
        write_pdf(path, pages)
        found = []
        with pymupdf.open(path) as pdf:
            for d, page_no, text, party, role, exemption in FINDINGS:
                if d != ext:
                    continue
                page = pdf[page_no - 1]
                body = page.get_text()
                start = body.index(text)
                rect = page.search_for(text)[0]
                found.append(
                    {
                        "kind": "person",
                        "text": text,
                        "page": page_no,
                        "start": start,
                        "end": start + len(text),
                        "rects": [[rect.x0, rect.y0, rect.x1, rect.y1]],
                        "score": 0.9,
                        "source": "parties",
                        "exemption": exemption,
                        "party": party,
                        "role": role,
                    }
                )
        detection.store_findings(request.id, doc.id, found, len(pages), [], os.path.basename(path))
    request.status = RequestStatus.REVIEW  # set up as if its scope had been confirmed
    db.session.commit()
    return Case(request, worker, other, docs, people)


def test_accept_and_reject_a_finding(case: Case) -> None:
    kelly = case.finding("D1", "Kelly Brown")
    row = review.decide_finding(kelly.id, "accepted", "TP", "mother", case.worker)
    db.session.commit()
    assert (row.decision, row.exemption, row.scope) == ("accepted", "TP", "mention")
    sarah = case.finding("D1", "Sarah Jones")
    review.decide_finding(sarah.id, "rejected", None, None, case.worker)
    db.session.commit()
    outcomes = review.outcomes(case.request.id)
    assert outcomes[kelly.id].decision == "accepted"
    assert outcomes[sarah.id].decision == "rejected"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "finding_decided").limit(1)
    ).one()
    assert event.actor_id == case.worker.user_id
    assert "Kelly" not in str(event.detail)  # ids only, never the redacted text
    with pytest.raises(ServiceError, match="exemption"):
        review.decide_finding(kelly.id, "accepted", "NOPE", None, case.worker)


def test_the_subjects_own_data_cannot_be_redacted(case: Case) -> None:
    katie = case.finding("D1", "Katie Brown")
    with pytest.raises(ServiceError, match="data subject"):
        review.decide_finding(katie.id, "accepted", "TP", None, case.worker)
    with pytest.raises(ServiceError, match="data subject"):
        review.decide_person(
            case.request.id,
            case.parties["subject"].id,
            "withhold",
            "none",
            None,
            "TP",
            case.worker,
        )
    # disclosing it is fine
    review.decide_finding(katie.id, "rejected", None, None, case.worker)


def test_a_mention_the_register_could_not_attribute_needs_the_reviewer_to_choose(
    case: Case, client, auth
) -> None:
    brown = case.finding("D2", "Kelly Brown")
    brown.party, brown.role, brown.candidates = None, "ambiguous", ["Katie Brown", "Kelly Brown"]
    db.session.commit()
    with pytest.raises(ServiceError, match="choose who it is"):
        review.decide_finding(brown.id, "accepted", "TP", None, case.worker)
    with pytest.raises(ServiceError, match="data subject"):
        review.decide_finding(brown.id, "accepted", "TP", None, case.worker, who="Katie Brown")
    row = review.decide_finding(brown.id, "accepted", "TP", None, case.worker, who="Kelly Brown")
    assert row.who == "Kelly Brown" and row.decision == "accepted"
    assert review.outcomes(case.request.id)[brown.id].who == "Kelly Brown"
    db.session.commit()
    # the screen says who it could be and asks whom
    auth.login(db.session.get(User, case.worker.user_id))
    page = client.get(f"/staff/requests/{case.request.id}/review/{case.docs['D2']}").get_data(
        as_text=True
    )
    assert "Could be Katie Brown or Kelly Brown." in page and 'name="who"' in page


def test_withholding_a_person_covers_every_document_and_spelling(case: Case) -> None:
    mother = case.parties["mother"]
    review.decide_person(case.request.id, mother.id, "withhold", "none", None, "TP", case.worker)
    db.session.commit()
    mentions = review.findings_of_party(case.request.id, mother.id)
    assert {(f.document_id, f.text) for f in mentions} == {
        (case.docs["D1"], "Kelly Brown"),
        (case.docs["D1"], "Kelly Browne"),
        (case.docs["D2"], "Kelly Brown"),
    }
    outcomes = review.outcomes(case.request.id)
    for f in mentions:
        assert outcomes[f.id].decision == "accepted" and outcomes[f.id].scope == "person"
    # a later per-mention decision wins, and survives a later change of the person decision
    browne = case.finding("D1", "Kelly Browne")
    version = db.session.scalar(
        select(FindingDecision.version).where(FindingDecision.finding_id == browne.id)
    )
    review.decide_finding(browne.id, "rejected", None, "she consented", case.worker, version)
    review.decide_person(
        case.request.id, mother.id, "withhold", "none", None, "SW-HARM", case.worker, 1
    )
    db.session.commit()
    outcomes = review.outcomes(case.request.id)
    assert outcomes[browne.id].decision == "rejected"
    assert outcomes[case.finding("D2", "Kelly Brown").id].exemption == "SW-HARM"


def test_disclosing_a_third_party_needs_a_basis(case: Case) -> None:
    mother = case.parties["mother"]
    with pytest.raises(ServiceError, match="consent"):
        review.decide_person(
            case.request.id, mother.id, "disclose", "none", None, None, case.worker
        )
    with pytest.raises(ServiceError, match="factors"):
        review.decide_person(
            case.request.id,
            mother.id,
            "disclose",
            "reasonable_without_consent",
            "",
            None,
            case.worker,
        )
    review.decide_person(
        case.request.id,
        mother.id,
        "disclose",
        "reasonable_without_consent",
        "already known to the requester",
        None,
        case.worker,
    )
    # professionals are disclosed without a basis
    review.decide_person(
        case.request.id, case.parties["sw"].id, "disclose", "none", None, None, case.worker
    )


def test_a_second_reviewers_stale_decision_is_refused(case: Case) -> None:
    kelly = case.finding("D1", "Kelly Brown")
    # both reviewers open the screen while the finding is undecided (version 0)
    review.decide_finding(kelly.id, "accepted", "TP", None, case.worker, expected_version=0)
    db.session.commit()
    with pytest.raises(ServiceError, match="changed by Rita Reviewer at .*; reload"):
        review.decide_finding(kelly.id, "rejected", None, None, case.other, expected_version=0)
    db.session.rollback()
    stored = db.session.scalars(
        select(FindingDecision).where(FindingDecision.finding_id == kelly.id)
    ).one()
    assert stored.decision == "accepted" and stored.decided_by_id == case.worker.user_id


def test_a_concurrent_write_between_read_and_flush_is_refused(case: Case) -> None:
    kelly = case.finding("D1", "Kelly Brown")
    review.decide_finding(kelly.id, "accepted", "TP", None, case.worker)
    db.session.commit()
    row = db.session.scalars(
        select(FindingDecision).where(FindingDecision.finding_id == kelly.id)
    ).one()
    assert row.version == 1
    # another process commits version 2 after this session loaded version 1
    db.session.execute(
        update(FindingDecision)
        .where(FindingDecision.id == row.id)
        .values(version=2)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(ServiceError, match="changed by Rita Reviewer at .*; reload"):
        review.decide_finding(kelly.id, "rejected", None, None, case.other)
    db.session.rollback()
    stored = db.session.scalars(
        select(FindingDecision).where(FindingDecision.finding_id == kelly.id)
    ).one()
    assert stored.decision == "accepted"


def test_find_and_redact_every_occurrence_across_documents(case: Case) -> None:
    rows = review.find_and_redact(case.request.id, "  kelly   BROWN ", "TP", case.worker)
    db.session.commit()
    where = sorted((r.document_id, r.page) for r in rows)
    # D1 p1 "Kelly Brown", D1 p2 "Kelly Browne", D2 twice (one with extra spaces)
    assert (case.docs["D1"], 1) in where and (case.docs["D1"], 2) in where
    assert sum(d == case.docs["D2"] for d, _ in where) == 2
    for r in rows:
        x0, y0, x1, y1 = r.rects[0]
        assert x1 > x0 and y1 > y0 and r.exemption == "TP"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "find_and_redact")
    ).one()
    assert event.detail["occurrences"] == len(rows) and "phrase" not in event.detail


def test_manual_rectangle_and_withheld_page_and_effective_redactions(case: Case) -> None:
    d1 = case.docs["D1"]
    manual = review.add_manual(
        case.request.id, d1, 2, [[300, 400, 100, 450]], "CRIME", "police ref", case.worker
    )
    assert manual.rects == [[100.0, 400.0, 300.0, 450.0]]
    with pytest.raises(ServiceError):
        review.add_manual(case.request.id, d1, 9, [[1, 1, 50, 50]], "TP", None, case.worker)
    review.withhold(case.request.id, d1, 2, "LPP", "legal advice", case.worker)
    review.withhold(case.request.id, case.docs["D2"], None, "REF", "reference", case.worker)
    kelly = case.finding("D1", "Kelly Brown")
    review.decide_finding(kelly.id, "accepted", "TP", None, case.worker)
    review.decide_finding(case.finding("D1", "Sarah Jones").id, "rejected", None, None, case.worker)
    db.session.commit()
    items = review.effective_redactions(case.request.id, d1)
    assert {(i["page"], i["exemption"], i["source"]) for i in items} == {
        (2, "LPP", "withheld page"),
        (1, "TP", "finding (mention)"),
        (2, "CRIME", "manual"),
    }
    assert [i["rects"] for i in items if i["source"] == "finding (mention)"] == [kelly.rects]
    d2 = review.effective_redactions(case.request.id, case.docs["D2"])
    assert d2 == [{"page": None, "rects": [], "exemption": "REF", "source": "withheld document"}]
    review.remove_manual(case.request.id, manual.id, case.worker)
    assert all(i["source"] != "manual" for i in review.effective_redactions(case.request.id, d1))


def test_harm_based_exemption_needs_a_recorded_opinion(case: Case) -> None:
    assert review.harm_opinions_missing(case.request.id) == []
    review.decide_finding(
        case.finding("D1", "Kelly Brown").id, "accepted", "SW-HARM", None, case.worker
    )
    review.add_manual(
        case.request.id, case.docs["D2"], 1, [[10, 10, 90, 30]], "HEALTH", None, case.worker
    )
    assert review.harm_opinions_missing(case.request.id) == ["HEALTH", "SW-HARM"]
    asked = review.request_harm_opinion(case.request.id, "SW-HARM", "Sarah Jones (SW)", case.worker)
    assert review.harm_opinions_missing(case.request.id) == ["HEALTH", "SW-HARM"]
    review.record_harm_opinion(case.request.id, asked.id, "Serious harm likely", case.worker)
    assert review.harm_opinions_missing(case.request.id) == ["HEALTH"]
    with pytest.raises(ServiceError, match="not a harm-based"):
        review.request_harm_opinion(case.request.id, "TP", "x", case.worker)


def test_claims_and_progress(case: Case) -> None:
    d1 = case.docs["D1"]
    review.claim_document(case.request.id, d1, case.worker)
    with pytest.raises(ServiceError, match="Rita Reviewer is reviewing"):
        review.claim_document(case.request.id, d1, case.other)
    review.claim_document(case.request.id, case.docs["D2"], case.other)  # another document
    review.decide_finding(case.finding("D1", "Kelly Brown").id, "accepted", "TP", None, case.worker)
    state = review.progress(case.request.id)
    by_doc = {d["document_id"]: d for d in state["documents"]}
    assert (by_doc[d1]["decided"], by_doc[d1]["total"]) == (1, 4)
    assert by_doc[d1]["reviewer"] == "Rita Reviewer"
    assert (state["decided"], state["total"]) == (1, 6)
    with pytest.raises(ServiceError, match="still to decide"):
        review.finish_document(case.request.id, d1, case.worker)
    review.release_document(case.request.id, d1, case.worker)
    review.claim_document(case.request.id, d1, case.other)


def _login(auth, actor: Actor) -> None:
    auth.login(db.session.get(User, actor.user_id))


def test_review_screen_and_page_image(case: Case, auth, app) -> None:
    _login(auth, case.worker)
    base = f"/staff/requests/{case.request.id}"
    screen = auth.client.get(f"{base}/review/{case.docs['D1']}")
    assert screen.status_code == 200
    html = screen.get_data(as_text=True)
    assert "Kelly Browne" in html and "review.js" in html and 'style="' not in html
    assert "j</kbd>" in html  # shortcuts listed on screen
    image = auth.client.get(f"{base}/review/{case.docs['D1']}/page/1.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data.startswith(b"\x89PNG")
    assert os.listdir(Path(app.config["DOCUMENTS_DIR"]) / "pages")
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "page_viewed").limit(1))
        is not None
    )
    assert auth.client.get(f"{base}/review/{case.docs['D1']}/page/9.png").status_code == 404
    # no-JavaScript decision form
    kelly = case.finding("D1", "Kelly Brown")
    response = auth.client.post(
        f"{base}/review/findings/{kelly.id}",
        data={"decision": "accepted", "exemption": "TP", "version": "0"},
    )
    assert response.status_code == 302
    assert review.outcomes(case.request.id)[kelly.id].decision == "accepted"
    # stale form from a second screen
    response = auth.client.post(
        f"{base}/review/findings/{kelly.id}",
        data={"decision": "rejected", "version": "0"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409 and "reload" in response.get_json()["error"]
    # JS-drawn rectangle
    response = auth.client.post(
        f"{base}/review/{case.docs['D1']}/manual",
        json={"page": 1, "rect": [10, 10, 120, 40], "exemption": "TP", "note": "drawn"},
    )
    assert response.status_code == 200 and response.get_json()["id"]
    for url in ("/review", "/people", "/harm"):
        assert auth.client.get(base + url).status_code == 200, url


def test_page_image_is_refused_to_phone_staff(case: Case, auth, make_user, make_request) -> None:
    phone = make_user(Role.PHONE_STAFF)
    auth.login(phone)
    url = f"/staff/requests/{case.request.id}/review/{case.docs['D1']}/page/1.png"
    assert auth.client.get(url).status_code == 403
    assert make_request(channel=Channel.PHONE, actor=Actor.staff(phone))  # even their own


def test_people_withhold_find_and_harm_forms_work_without_javascript(case: Case, auth) -> None:
    _login(auth, case.worker)
    base = f"/staff/requests/{case.request.id}"
    people = auth.client.get(f"{base}/people").get_data(as_text=True)
    assert "Professionals" in people and "Sarah Jones" in people
    assert "Withhold every mention of this person" in people
    mother = case.parties["mother"]
    response = auth.client.post(
        f"{base}/people",
        data={
            "party": mother.id,
            "decision": "withhold",
            "basis": "none",
            "exemption": "TP",
            "version": "0",
        },
    )
    assert response.status_code == 302
    assert review.person_decisions(case.request.id)[mother.id].decision == "withhold"
    # the same stale form again is refused
    auth.client.post(
        f"{base}/people",
        data={"party": mother.id, "decision": "disclose", "basis": "consent", "version": "0"},
    )
    assert review.person_decisions(case.request.id)[mother.id].decision == "withhold"
    d1 = case.docs["D1"]
    auth.client.post(
        f"{base}/review/{d1}/withhold",
        data={"scope": "page", "page": "2", "exemption": "LPP", "reason": "advice"},
    )
    auth.client.post(f"{base}/find-redact", data={"phrase": "Sarah Jones", "exemption": "TP"})
    sources = {i["source"] for i in review.effective_redactions(case.request.id, d1)}
    assert sources == {"withheld page", "finding (person)", "manual"}
    auth.client.post(
        f"{base}/harm", data={"exemption": "SW-HARM", "asked_of": "Allocated social worker"}
    )
    opinion = review.harm_opinions(case.request.id)[0]
    auth.client.post(f"{base}/harm", data={"opinion_id": opinion.id, "opinion": "No harm"})
    assert review.harm_opinions(case.request.id)[0].opinion == "No harm"
    page = auth.client.get(f"{base}/review/{d1}").get_data(as_text=True)
    assert "withheld" in page and "app-box--manual" in page


def test_an_approver_can_look_but_not_decide(case: Case, auth, make_user) -> None:
    approver = make_user(Role.APPROVER)
    auth.login(approver)
    base = f"/staff/requests/{case.request.id}"
    page = auth.client.get(f"{base}/review/{case.docs['D1']}").get_data(as_text=True)
    assert "Kelly Brown" in page and 'name="decision"' not in page
    kelly = case.finding("D1", "Kelly Brown")
    response = auth.client.post(
        f"{base}/review/findings/{kelly.id}", data={"decision": "accepted", "exemption": "TP"}
    )
    assert response.status_code == 403


def test_rerunning_detection_replaces_findings_and_their_decisions(case: Case) -> None:
    from portal.models import FindingDecision, FindingRecord
    from portal.services import detection

    kelly = case.finding("D1", "Kelly Brown")
    review.decide_finding(kelly.id, "accepted", "TP", None, case.worker)
    db.session.commit()
    document_id = kelly.document_id
    detection.store_findings(case.request.id, document_id, [], 1, [], "copy.pdf")
    db.session.commit()
    assert db.session.get(FindingRecord, kelly.id) is None
    assert (
        db.session.scalars(
            select(FindingDecision).where(FindingDecision.finding_id == kelly.id)
        ).first()
        is None
    )


def test_manual_document_blocks_the_pack_until_a_handled_version_is_uploaded(
    case: Case, auth
) -> None:
    import io

    from portal.models import DocumentWork, RequestStatus
    from portal.services import detection, release
    from portal.services.errors import ServiceError

    doc_id = case.docs["D2"]
    detection.mark_manual(case.request.id, doc_id, "encrypted: needs a password")
    case.request.status = RequestStatus.REVIEW
    db.session.commit()
    with pytest.raises(ServiceError, match="manual handling must be resolved"):
        release.start_build(case.request.id, case.worker)
    db.session.rollback()

    _login(auth, case.worker)
    url = f"/staff/requests/{case.request.id}/review/{doc_id}"
    page = auth.client.get(url).get_data(as_text=True)
    assert "Upload a handled version" in page
    bad = auth.client.post(
        f"{url}/handled",
        data={"handled": (io.BytesIO(b"not a pdf"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert bad.status_code in (302, 400)
    assert (
        db.session.scalars(select(DocumentWork).where(DocumentWork.document_id == doc_id))
        .one()
        .status
        == "manual"
    )
    handled = pymupdf.open()
    handled.new_page().insert_text((72, 72), "Decrypted letter about Sam")
    data = handled.tobytes()
    response = auth.client.post(
        f"{url}/handled",
        data={"handled": (io.BytesIO(data), "h.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    work = db.session.scalars(select(DocumentWork).where(DocumentWork.document_id == doc_id)).one()
    assert work.status == "done" and work.pages == 1 and "handled version" in work.reason
    image = auth.client.get(f"{url}/page/1.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    image.close()
    try:
        release.start_build(case.request.id, case.worker)
    except ServiceError as exc:
        assert "manual handling" not in str(exc)
    db.session.rollback()


def test_selected_text_is_redacted_where_it_stands_on_the_page(case: Case, auth) -> None:
    from portal.models import ManualRedaction

    _login(auth, case.worker)
    doc_id = case.docs["D1"]
    url = f"/staff/requests/{case.request.id}/review/{doc_id}/manual"
    missing = auth.client.post(url, data={"page": "1", "text": "Nowhere Person", "exemption": "TP"})
    assert missing.status_code in (302, 400)
    assert db.session.scalars(select(ManualRedaction)).first() is None
    response = auth.client.post(
        url, data={"page": "1", "text": "Kelly  Brown", "exemption": "TP", "note": "selected"}
    )
    assert response.status_code == 302
    row = db.session.scalars(select(ManualRedaction)).one()
    assert row.text == "Kelly Brown" and row.page == 1 and row.rects
    assert all(r[2] > r[0] and r[3] > r[1] for r in row.rects)
    redactions = review.effective_redactions(case.request.id, doc_id)
    assert any(r["source"] == "manual" and r["rects"] == row.rects for r in redactions)


def _finding_item(html: str, finding_id: int) -> str:
    """The review screen's list item of one suggestion."""
    start = html.index(f'id="finding-{finding_id}"')
    return html[start : html.index("</li>", start)]


def test_the_subjects_own_mentions_need_no_decision_to_mark_a_document_reviewed(
    case: Case, auth
) -> None:
    from html import unescape

    d1 = case.docs["D1"]
    katie = case.finding("D1", "Katie Brown")
    _login(auth, case.worker)
    base = f"/staff/requests/{case.request.id}"
    auth.client.post(f"{base}/review/{d1}/claim", data={"action": "claim"})
    for text, decision in (("Kelly Brown", "accepted"), ("Sarah Jones", "rejected")):
        review.decide_finding(case.finding("D1", text).id, decision, "TP", None, case.worker)
    db.session.commit()
    by_doc = {d["document_id"]: d for d in review.progress(case.request.id)["documents"]}
    assert {k: by_doc[d1][k] for k in ("decided", "total", "subject", "left")} == {
        "decided": 2,
        "total": 4,
        "subject": 1,
        "left": 1,
    }
    # the subject's own mention is shown as disclosed and asks nothing
    html = unescape(auth.client.get(f"{base}/review/{d1}").get_data(as_text=True))
    item = _finding_item(html, katie.id)
    assert "The data subject's own: disclosed" in item and 'data-own="true"' in item
    assert 'name="decision"' not in item and "Disclose</button>" not in item
    assert "Undecided" not in item
    assert (
        "2 of 4 suggestions decided; 1 the data subject's own (disclosed, no decision needed);"
        " 1 still to decide"
    ) in html
    # one third party left: still refused, counting only what needs a decision
    refused = auth.client.post(f"{base}/review/{d1}/claim", data={"action": "finish"})
    assert refused.status_code == 302
    assert "1 still to decide" in auth.client.get(refused.location).get_data(as_text=True)
    browne = case.finding("D1", "Kelly Browne")
    review.decide_finding(browne.id, "accepted", "TP", None, case.worker)
    db.session.commit()
    done = auth.client.post(f"{base}/review/{d1}/claim", data={"action": "finish"})
    assert done.status_code == 302 and done.location.endswith(f"{base}/review")
    db.session.expire_all()
    assert db.session.get(DocumentWork, _work_id(case, d1)).review_status == "reviewed"
    assert review.outcomes(case.request.id)[katie.id].decision is None  # never asked
    index = unescape(auth.client.get(f"{base}/review").get_data(as_text=True))
    assert "Document marked as reviewed" in index and "1 the data subject's own" in index


def _work_id(case: Case, document_id: int) -> int:
    return db.session.scalars(
        select(DocumentWork.id).where(
            DocumentWork.request_id == case.request.id, DocumentWork.document_id == document_id
        )
    ).one()


def test_a_mention_that_could_be_someone_else_still_needs_a_decision(case: Case) -> None:
    d2 = case.docs["D2"]
    katie = case.finding("D2", "Katie Brown")
    katie.party, katie.role, katie.candidates = None, "ambiguous", ["Katie Brown", "Kelly Brown"]
    review.decide_finding(case.finding("D2", "Kelly Brown").id, "accepted", "TP", None, case.worker)
    db.session.commit()
    with pytest.raises(ServiceError, match=r"1 still to decide"):
        review.finish_document(case.request.id, d2, case.worker)
    db.session.rollback()
    review.decide_finding(katie.id, "rejected", None, None, case.worker, who="Katie Brown")
    review.finish_document(case.request.id, d2, case.worker)


def test_a_decision_posted_as_json_sends_back_the_counts_the_screen_shows(case: Case, auth) -> None:
    d1 = case.docs["D1"]
    _login(auth, case.worker)
    kelly = case.finding("D1", "Kelly Brown")
    response = auth.client.post(
        f"/staff/requests/{case.request.id}/review/findings/{kelly.id}",
        json={"decision": "accepted", "exemption": "TP", "version": 0},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    progress = response.get_json()["progress"]
    assert progress["document"] == {
        "decided": 1,
        "total": 4,
        "subject": 1,
        "left": 2,
        "text": "1 of 4 suggestions decided; 1 the data subject's own (disclosed, no decision "
        "needed); 2 still to decide",
    }
    assert progress["request"] == {
        "decided": 1,
        "total": 6,
        "subject": 2,
        "left": 3,
        "reviewed": 0,
        "documents": 2,
    }
    # the same words as the page after a reload
    html = auth.client.get(f"/staff/requests/{case.request.id}/review/{d1}").get_data(as_text=True)
    assert 'data-left="2"' in html
    assert "1 of 4 suggestions decided; 1 the data subject&#39;s own" in html


def test_giving_a_document_back_is_not_called_releasing_it(case: Case, auth) -> None:
    d1 = case.docs["D1"]
    _login(auth, case.worker)
    url = f"/staff/requests/{case.request.id}/review/{d1}"
    auth.client.post(f"{url}/claim", data={"action": "claim"})
    page = auth.client.get(url).get_data(as_text=True)
    assert 'value="give_back"' in page and "Stop reviewing this document</button>" in page
    assert "Release it" not in page and 'value="release"' not in page.split("Withhold")[0]
    response = auth.client.post(f"{url}/claim", data={"action": "give_back"})
    assert response.status_code == 302 and response.location.endswith(url)
    after = auth.client.get(url).get_data(as_text=True)
    assert "You have stopped reviewing this document: it is back with the team" in after
    assert "released" not in after.lower().split("<main")[1].split("</main>")[0]
    assert "Review this document</button>" in after  # anyone can take it now
    db.session.expire_all()
    assert db.session.get(DocumentWork, _work_id(case, d1)).reviewer_id is None
    # a screen opened before the rename still works
    auth.client.post(f"{url}/claim", data={"action": "claim"})
    auth.client.post(f"{url}/claim", data={"action": "release"})
    db.session.expire_all()
    assert db.session.get(DocumentWork, _work_id(case, d1)).reviewer_id is None


def test_the_legend_is_drawn_with_the_overlays_own_classes(case: Case, auth) -> None:
    import re

    from portal.staff.review import box_kind

    assert (box_kind("PERSON"), box_kind("person"), box_kind("NHS_NUMBER")) == (
        "person",
        "person",
        "identifier",
    )
    assert (box_kind("POSTCODE"), box_kind("SCHOOL"), box_kind(None)) == (
        "address",
        "other",
        "other",
    )
    _login(auth, case.worker)
    html = auth.client.get(f"/staff/requests/{case.request.id}/review/{case.docs['D1']}").get_data(
        as_text=True
    )
    legend = html[html.index('data-role="legend"') : html.index("</ul>", html.index("app-legend"))]
    swatches = re.findall(r'<rect class="app-box ([^"]+)"', legend)
    assert "app-box--person app-box--pending" in swatches
    assert {"app-box--other app-box--accepted", "app-box--manual"} <= set(swatches)
    assert "app-swatch--" not in html  # no colours of its own
    overlay = re.findall(r'<rect class="app-box ([^"]+)" data-finding', html)
    # every box on the page is drawn with a decision's class the legend explains
    states = {c.split()[-1] for c in swatches}
    assert overlay and {c.split()[-1] for c in overlay} <= states, (overlay, swatches)
    assert "app-box--person app-box--pending" in overlay  # a person's kind reaches the page


def test_page_images_are_rendered_for_zooming(case: Case, auth) -> None:
    import struct

    _login(auth, case.worker)
    base = f"/staff/requests/{case.request.id}/review/{case.docs['D1']}"
    image = auth.client.get(f"{base}/page/1.png")
    width, height = struct.unpack(">II", image.data[16:24])  # the PNG's IHDR
    assert (width, height) == (595 * review.ZOOM, 842 * review.ZOOM) == (1190, 1684)
    html = auth.client.get(base).get_data(as_text=True)
    # zoom controls, shown by review.js; each page image in a frame that scrolls when zoomed
    assert '<div class="app-zoom" data-role="zoom" hidden>' in html
    for what in ("out", "in", "fit"):
        assert f'data-zoom="{what}"' in html
    assert html.count('data-role="page-frame"') == 2 and 'style="' not in html
    assert "govuk-grid-column-two-thirds" in html and "app-review-container" in html


# -- the forms of the review screens: bad input refused with a clear message, nothing stored --


def _flashed(auth) -> list[tuple[str, str]]:
    """The messages flashed for the next page (and taken, as the page would)."""
    with auth.client.session_transaction() as session:
        return list(session.pop("_flashes", []))


def test_claim_refuses_an_unknown_action(case: Case, auth) -> None:
    _login(auth, case.worker)
    d1 = case.docs["D1"]
    url = f"/staff/requests/{case.request.id}/review/{d1}"
    response = auth.client.post(f"{url}/claim", data={"action": "steal"})
    assert response.status_code == 302 and response.location.endswith(url)
    assert _flashed(auth) == [
        ("error", "Choose to review this document, stop reviewing it or mark it as reviewed")
    ]
    db.session.expire_all()
    assert db.session.get(DocumentWork, _work_id(case, d1)).reviewer_id is None
    # a post without an action still takes the document, as before
    assert auth.client.post(f"{url}/claim", data={}).status_code == 302
    db.session.expire_all()
    assert db.session.get(DocumentWork, _work_id(case, d1)).reviewer_id == case.worker.user_id


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"decision": "accepted", "exemption": "TP", "version": "three"}, "whole number"),
        ({"decision": "accepted", "exemption": "TP", "version": True}, "whole number"),
        ({"decision": "accepted", "exemption": "NOPE", "version": 0}, "exemption code"),
        ({"decision": "maybe", "version": 0}, "Choose accept or reject"),
        ({"decision": ["accepted"], "version": 0}, "Choose accept or reject"),
        ({"decision": "rejected", "note": 5, "version": 0}, "The note must be text"),
        ([1, 2], "Send the fields as a JSON object"),
    ],
)
def test_a_json_decision_with_bad_input_is_refused(case: Case, auth, body, message) -> None:
    _login(auth, case.worker)
    kelly = case.finding("D1", "Kelly Brown")
    response = auth.client.post(
        f"/staff/requests/{case.request.id}/review/findings/{kelly.id}", json=body
    )
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["ok"] is False and message in answer["error"]
    assert db.session.scalars(select(FindingDecision)).first() is None


def test_a_decision_form_with_an_unknown_exemption_is_refused_with_a_flash(
    case: Case, auth
) -> None:
    _login(auth, case.worker)
    kelly = case.finding("D1", "Kelly Brown")
    response = auth.client.post(
        f"/staff/requests/{case.request.id}/review/findings/{kelly.id}",
        data={"decision": "accepted", "exemption": "XX", "version": "0"},
    )
    assert response.status_code == 302 and response.location.endswith(f"#finding-{kelly.id}")
    assert _flashed(auth) == [("error", "Choose an exemption code from the list")]
    assert db.session.scalars(select(FindingDecision)).first() is None
    # the code in any case, as the service has always taken it
    response = auth.client.post(
        f"/staff/requests/{case.request.id}/review/findings/{kelly.id}",
        json={"decision": "accepted", "exemption": " tp ", "note": "", "version": 0, "who": None},
    )
    assert response.status_code == 200 and response.get_json()["exemption"] == "TP"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"page": 0, "rect": [10, 10, 120, 40], "exemption": "TP"}, "1 or more"),
        ({"page": "one", "rect": [10, 10, 120, 40], "exemption": "TP"}, "whole number"),
        ({"rect": [10, 10, 120, 40], "exemption": "TP"}, "Say which page"),
        ({"page": 1, "rect": [10, 10, 120], "exemption": "TP"}, "four numbers"),
        ({"page": 1, "rect": [10, 10, "x", 40], "exemption": "TP"}, "four numbers"),
        ({"page": 1, "rect": [10, 10, True, 40], "exemption": "TP"}, "four numbers"),
        ({"page": 1, "rect": {"x0": 10}, "exemption": "TP"}, "JSON array of four numbers"),
        ({"page": 1, "rect": "10,10,120,40", "exemption": "TP"}, "JSON array of four numbers"),
        ({"page": 1, "rect": [10, 10, 120, 40], "exemption": "NOPE"}, "exemption code"),
        ({"page": 1, "rect": [10, 10, 120, 40]}, "exemption code"),
        ({"remove": "first"}, "The redaction to remove must be a whole number"),
    ],
)
def test_a_json_manual_redaction_with_bad_input_is_refused(case: Case, auth, body, message) -> None:
    _login(auth, case.worker)
    url = f"/staff/requests/{case.request.id}/review/{case.docs['D1']}/manual"
    response = auth.client.post(url, json=body)
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["ok"] is False and message in answer["error"]
    assert review.manual_redactions(case.request.id) == []


def test_a_rectangle_that_is_not_a_finite_number_is_refused(case: Case, auth) -> None:
    _login(auth, case.worker)
    url = f"/staff/requests/{case.request.id}/review/{case.docs['D1']}/manual"
    response = auth.client.post(
        url,
        data='{"page": 1, "rect": [NaN, 10, 120, 40], "exemption": "TP"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "A rectangle needs four numbers"
    assert review.manual_redactions(case.request.id) == []


def test_the_manual_forms_without_javascript_check_their_fields(case: Case, auth) -> None:
    _login(auth, case.worker)
    url = f"/staff/requests/{case.request.id}/review/{case.docs['D1']}"
    # corners typed in, one missing
    corners = {"page": "1", "x0": "10", "y0": "10", "x1": "", "y1": "40", "exemption": "TP"}
    response = auth.client.post(f"{url}/manual", data=corners)
    assert response.status_code == 302 and response.location.endswith(url)
    assert _flashed(auth) == [("error", "A rectangle needs four numbers")]
    blank = {**corners, "x0": "", "y0": "", "x1": "", "y1": ""}
    auth.client.post(f"{url}/manual", data=blank)
    assert _flashed(auth) == [("error", "Draw a rectangle on the page")]
    auth.client.post(f"{url}/manual", data={**corners, "x1": "inf"})
    assert _flashed(auth) == [("error", "A rectangle needs four numbers")]
    # the text form sent empty says what is missing
    auth.client.post(f"{url}/manual", data={"page": "1", "text": " ", "exemption": "TP"})
    assert _flashed(auth) == [("error", "Select or type the text to redact")]
    assert review.manual_redactions(case.request.id) == []
    # the same form complete adds the rectangle, as before
    auth.client.post(f"{url}/manual", data={**corners, "x1": "120", "note": "typed"})
    assert _flashed(auth) == [("success", "Redaction added")]
    (row,) = review.manual_redactions(case.request.id)
    assert row.rects == [[10.0, 10.0, 120.0, 40.0]] and row.note == "typed"
    auth.client.post(f"{url}/manual", data={"remove": str(row.id)})
    assert _flashed(auth) == [("success", "Redaction removed")]
    assert review.manual_redactions(case.request.id) == []


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"scope": "page", "page": "0", "exemption": "LPP", "reason": "advice"}, "1 or more"),
        ({"scope": "page", "page": "two", "exemption": "LPP", "reason": "advice"}, "whole"),
        ({"scope": "page", "page": "", "exemption": "LPP", "reason": "advice"}, "page number"),
        ({"scope": "page", "page": "2", "exemption": "SECRET", "reason": "x"}, "exemption code"),
        ({"scope": "page", "page": "2", "exemption": "LPP", "reason": " "}, "Give the reason"),
        ({"scope": "chapter", "exemption": "LPP", "reason": "advice"}, "whole document or one"),
        ({"release": "all"}, "The withheld part must be a whole number"),
    ],
)
def test_withholding_with_bad_input_is_refused(case: Case, auth, form, message) -> None:
    _login(auth, case.worker)
    url = f"/staff/requests/{case.request.id}/review/{case.docs['D1']}"
    response = auth.client.post(f"{url}/withhold", data=form)
    assert response.status_code == 302 and response.location.endswith(url)
    ((category, text),) = _flashed(auth)
    assert category == "error" and message in text
    assert review.withheld_parts(case.request.id) == []


def test_withholding_the_whole_document_ignores_the_page_box(case: Case, auth) -> None:
    _login(auth, case.worker)
    url = f"/staff/requests/{case.request.id}/review/{case.docs['D1']}"
    form = {"scope": "document", "page": "zz", "exemption": "lpp", "reason": "advice"}
    auth.client.post(f"{url}/withhold", data=form)
    assert _flashed(auth) == [("success", "Document withheld")]
    (part,) = review.withheld_parts(case.request.id)
    assert part.page is None and part.exemption == "LPP" and part.reason == "advice"


def test_a_handled_version_that_is_not_a_pdf_or_too_large_is_refused(
    case: Case, auth, app, monkeypatch
) -> None:
    import io

    doc_id = case.docs["D2"]
    detection.mark_manual(case.request.id, doc_id, "encrypted: needs a password")
    db.session.commit()
    _login(auth, case.worker)
    url = f"/staff/requests/{case.request.id}/review/{doc_id}"

    def upload(data: bytes, name: str = "handled.pdf") -> list[tuple[str, str]]:
        response = auth.client.post(
            f"{url}/handled",
            data={"handled": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302 and response.location.endswith(url)
        return _flashed(auth)

    assert upload(b"GIF89a not a pdf at all") == [("error", "The handled version must be a PDF")]
    assert upload(b"") == [("error", "The handled version is empty")]
    assert upload(b"", name="") == [("error", "Choose the handled version (a PDF)")]
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024)  # the limit is 5 times this
    big = b"%PDF-1.7\n" + b"0" * 6000 + b"\n%%EOF\n"
    assert upload(big) == [("error", "The handled version must be smaller than 5KB")]
    assert (
        auth.client.post(
            f"{url}/handled", data={}, headers={"Accept": "application/json"}
        ).get_json()["error"]
        == "Choose the handled version (a PDF)"
    )
    db.session.expire_all()
    work = db.session.get(DocumentWork, _work_id(case, doc_id))
    assert work.status == "manual" and "handled version" not in (work.reason or "")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"party": "", "decision": "withhold"}, "Choose a person"),
        ({"party": "Kelly", "decision": "withhold"}, "The person must be a whole number"),
        ({"decision": "maybe", "basis": "none"}, "Choose withhold or disclose"),
        ({"decision": "disclose", "basis": "because"}, "Choose the basis for the decision"),
        ({"decision": "withhold", "exemption": "NOPE"}, "Choose an exemption code"),
        ({"decision": "withhold", "exemption": "TP", "version": "latest"}, "whole number"),
    ],
)
def test_a_person_decision_with_bad_input_is_refused(case: Case, auth, form, message) -> None:
    _login(auth, case.worker)
    base = f"/staff/requests/{case.request.id}"
    data = {"party": str(case.parties["mother"].id), **form}
    response = auth.client.post(f"{base}/people", data=data)
    assert response.status_code == 302 and response.location.endswith(f"{base}/people")
    ((category, text),) = _flashed(auth)
    assert category == "error" and message in text
    assert review.person_decisions(case.request.id) == {}
    assert db.session.scalars(select(FindingDecision)).first() is None


def test_find_and_redact_with_an_unknown_exemption_is_refused(case: Case, auth) -> None:
    _login(auth, case.worker)
    base = f"/staff/requests/{case.request.id}"
    back = f"{base}/review/{case.docs['D2']}"
    form = {"phrase": "Sarah Jones", "exemption": "NOPE", "back": back}
    response = auth.client.post(f"{base}/find-redact", data=form)
    assert response.status_code == 302 and response.location.endswith(back)
    assert _flashed(auth) == [("error", "Choose an exemption code from the list")]
    response = auth.client.post(f"{base}/find-redact", data={**form, "phrase": "", "back": "/x"})
    assert response.location.endswith(f"{base}/review")  # never back to another page
    assert _flashed(auth) == [("error", "Enter the words to find")]
    assert review.manual_redactions(case.request.id) == []


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"exemption": "TP", "asked_of": "Social worker"}, "TP is not a harm-based exemption"),
        ({"exemption": "NOPE", "asked_of": "Social worker"}, "Choose an exemption code"),
        ({"exemption": "SW-HARM", "asked_of": ""}, "Say who the opinion is asked of"),
        ({"exemption": "SW-HARM", "asked_of": "x" * 201}, "200 characters or fewer"),
        ({"opinion_id": "first", "opinion": "No harm"}, "must be a whole number"),
    ],
)
def test_a_harm_opinion_with_bad_input_is_refused(case: Case, auth, form, message) -> None:
    _login(auth, case.worker)
    base = f"/staff/requests/{case.request.id}"
    response = auth.client.post(f"{base}/harm", data=form)
    assert response.status_code == 302 and response.location.endswith(f"{base}/harm")
    ((category, text),) = _flashed(auth)
    assert category == "error" and message in text
    assert review.harm_opinions(case.request.id) == []


def test_recording_an_empty_harm_opinion_is_refused(case: Case, auth) -> None:
    opinion = review.request_harm_opinion(case.request.id, "SW-HARM", "Social worker", case.worker)
    db.session.commit()
    _login(auth, case.worker)
    base = f"/staff/requests/{case.request.id}"
    auth.client.post(f"{base}/harm", data={"opinion_id": str(opinion.id), "opinion": "  "})
    assert _flashed(auth) == [("error", "Enter the opinion given")]
    db.session.expire_all()
    assert review.harm_opinions(case.request.id)[0].opinion is None


def test_the_review_posts_keep_csrf_protection(case: Case, auth, app, monkeypatch) -> None:
    """The app's CSRFProtect still guards every post: the JSON of the screen's script needs the
    X-CSRFToken header (from the page's meta tag), a form its csrf_token field."""
    import re

    _login(auth, case.worker)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    base = f"/staff/requests/{case.request.id}"
    page = auth.client.get(f"{base}/review/{case.docs['D1']}").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    kelly = case.finding("D1", "Kelly Brown")
    url = f"{base}/review/findings/{kelly.id}"
    body = {"decision": "accepted", "exemption": "TP", "version": 0}
    assert auth.client.post(url, json=body).status_code == 400
    assert auth.client.post(url, data=body).status_code == 400
    assert db.session.scalars(select(FindingDecision)).first() is None
    # with the token, bad input is the form's refusal, good input is saved
    bad = auth.client.post(url, json={**body, "version": "x"}, headers={"X-CSRFToken": token})
    assert bad.status_code == 400 and "whole number" in bad.get_json()["error"]
    good = auth.client.post(url, json=body, headers={"X-CSRFToken": token})
    assert good.status_code == 200 and good.get_json()["decision"] == "accepted"
    withhold = {"scope": "document", "exemption": "LPP", "reason": "advice", "csrf_token": token}
    response = auth.client.post(f"{base}/review/{case.docs['D2']}/withhold", data=withhold)
    assert response.status_code == 302
    assert [p.document_id for p in review.withheld_parts(case.request.id)] == [case.docs["D2"]]


def test_the_subjects_own_name_cannot_be_redacted_everywhere_on_a_page(case: Case) -> None:
    """Selected text and find-and-redact remove every occurrence: never the data subject's
    own name or a word of it (the surname Brown the mother shares)."""
    from portal.services.errors import ServiceError

    for phrase in ("Brown", "Katie Brown", "katie"):
        with pytest.raises(ServiceError, match="data subject's own name"):
            review.add_selected_text(
                case.request.id, case.docs["D1"], 1, phrase, "TP", None, case.worker
            )
        with pytest.raises(ServiceError, match="data subject's own name"):
            review.find_and_redact(case.request.id, phrase, "TP", case.worker)
