"""The release pack built from real PDFs: redactions applied and verified (pdftotext and
redaction.verify), cover letter, index, schedule, page stamps; approval by an independent officer;
immutability; delivery by link and one-time code, or by post."""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import pymupdf
import pytest
from flask import Flask, current_app
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AuditEvent,
    DeliveryLink,
    Document,
    DocumentWork,
    FindingDecision,
    FindingRecord,
    HarmOpinion,
    ManualRedaction,
    OutboxMessage,
    ReleasePack,
    Request,
    RequestStatus,
    Role,
    SearchRun,
    User,
    WithheldPart,
)
from portal.services import release, review
from portal.services.actor import Actor
from portal.services.detection import working_copy_path
from portal.services.errors import ServiceError
from portal.timeutil import utcnow
from redaction.verify import verify

THIRD = "Jane Doebury"
PHONE = "0121 496 0777"
SECRET_PAGE = "Hiddenpage Marker"
WITHHELD_TITLE = "Letter from Bartholomew Quince"


@dataclass
class Case:
    request: Request
    reviewer: User
    approver: User
    caseworker: User
    doc: Document
    withheld_doc: Document


def _pdf(pages: list[list[str]]) -> bytes:
    doc = pymupdf.open()
    for lines in pages:
        page = doc.new_page()
        y = 72.0
        for line in lines:
            page.insert_text((72, y), line, fontname="helv", fontsize=11)
            y += 20
    data = doc.tobytes()
    doc.close()
    return data


def _rects(pdf: bytes, page: int, text: str) -> list[list[float]]:
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        return [list(r) for r in doc[page - 1].search_for(text)]


def _document(n: int, title: str) -> Document:
    d = Document(
        external_id=f"DOC-{n}",
        doc_type="report",
        title=title,
        doc_date=date(2024, 3, n),
        filename=f"d{n}.pdf",
        stored_name=f"d{n}.pdf",
        sha256="0" * 64,
        size=1,
    )
    db.session.add(d)
    db.session.flush()
    return d


def _finding(
    req: Request,
    doc: Document,
    pdf: bytes,
    page: int,
    text: str,
    rects: list[list[float]] | None = None,
) -> FindingRecord:
    f = FindingRecord(
        request_id=req.id,
        document_id=doc.id,
        kind="PERSON",
        text=text,
        page=page,
        start=0,
        end=len(text),
        rects=rects if rects is not None else _rects(pdf, page, text),
        score=0.9,
        source="test",
        exemption="TP",
    )
    db.session.add(f)
    db.session.flush()
    return f


@pytest.fixture()
def case(app: Flask, make_request, make_user) -> Case:
    reviewer = make_user(Role.CASEWORKER)
    approver = make_user(Role.APPROVER)
    caseworker = make_user(Role.CASEWORKER, Role.APPROVER)
    req = make_request()
    req.status = RequestStatus.REVIEW
    req.due_date = date.today() + timedelta(days=10)
    doc = _document(1, "Assessment report")
    withheld_doc = _document(2, WITHHELD_TITLE)
    pdf = _pdf(
        [
            ["Assessment of Sam Subject.", f"The neighbour {THIRD} called.", f"Phone {PHONE}."],
            [f"{SECRET_PAGE} is on this page."],
            [f"Later {THIRD} visited again.", "Sam is doing well."],
        ]
    )
    for d, data in ((doc, pdf), (withheld_doc, _pdf([["Other letter text."]]))):
        path = working_copy_path(app.config["DOCUMENTS_DIR"], req.id, d.id)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
        db.session.add(
            DocumentWork(
                request_id=req.id,
                document_id=d.id,
                status="done",
                pages=3,
                working_copy=os.path.basename(path),
            )
        )
    for page in (1, 3):
        f = _finding(req, doc, pdf, page, THIRD)
        db.session.add(
            FindingDecision(
                finding_id=f.id,
                request_id=req.id,
                decision="accepted",
                exemption="TP",
                decided_by_id=reviewer.id,
            )
        )
    db.session.add(
        ManualRedaction(
            request_id=req.id,
            document_id=doc.id,
            page=1,
            rects=_rects(pdf, 1, PHONE),
            text=PHONE,
            exemption="CRIME",
            created_by_id=reviewer.id,
        )
    )
    db.session.add(
        WithheldPart(
            request_id=req.id,
            document_id=doc.id,
            page=2,
            exemption="SW-HARM",
            reason="harm",
            created_by_id=reviewer.id,
        )
    )
    db.session.add(
        WithheldPart(
            request_id=req.id,
            document_id=withheld_doc.id,
            page=None,
            exemption="LPP",
            reason="advice",
            created_by_id=reviewer.id,
        )
    )
    db.session.add(
        HarmOpinion(
            request_id=req.id,
            exemption="SW-HARM",
            asked_of="Social worker",
            asked_by_id=reviewer.id,
            opinion="Serious harm likely",
            recorded_at=utcnow(),
            recorded_by_id=reviewer.id,
        )
    )
    db.session.add(
        SearchRun(
            request_id=req.id,
            searched=[{"how": "full text", "term": "Sam Subject", "hits": 2}],
            candidates=2,
        )
    )
    db.session.commit()
    return Case(req, reviewer, approver, caseworker, doc, withheld_doc)


def _reviewed(case: Case) -> None:
    """Every document in scope marked reviewed, as the reviewer does on the review screen."""
    for work in db.session.scalars(
        select(DocumentWork).where(DocumentWork.request_id == case.request.id)
    ):
        if work.review_status != "reviewed":
            review.finish_document(case.request.id, work.document_id, Actor.staff(case.reviewer))


def _build(case: Case, actor_user: User | None = None) -> ReleasePack:
    _reviewed(case)
    pack = release.start_build(case.request.id, Actor.staff(actor_user or case.caseworker))
    db.session.flush()
    pack = release.build(pack.id)
    db.session.commit()
    return pack


def _text(path: str) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFKC", out.stdout.decode()).split("\f")[:-1]


def test_built_pack_holds_no_redacted_or_withheld_text(case: Case) -> None:
    pack = _build(case)
    assert pack.status == "built", pack.verify_report
    path = release.pack_path(pack)
    text = "\n".join(_text(path))
    for secret in (THIRD, PHONE, SECRET_PAGE, "Other letter text", WITHHELD_TITLE):
        assert secret not in text
    assert verify(path, [THIRD, PHONE, SECRET_PAGE]).ok
    assert "Sam is doing well" in text
    assert len(pack.sha256 or "") == 64
    assert os.path.dirname(path).endswith("packs")


def test_cover_letter_has_reference_search_and_art15_information(case: Case) -> None:
    pack = _build(case)
    text = " ".join(" ".join(_text(release.pack_path(pack))).split())
    assert f"Dear {case.request.requester.full_name}" in text
    assert case.request.reference in text
    assert "full text: Sam Subject (2 result(s))" in text
    for words in (
        "purposes",
        "categories",
        "recipients",
        "retention",
        "rectification",
        "erasure",
        "restrict",
        "object",
        "Information Commissioner",
        "source",
        "Automated decisions",
        "Worcestershire County Council",
    ):
        assert words.lower() in text.lower(), words
    assert "51" not in text.split("Index of documents")[0].split("Dear")[0]


def test_every_page_is_stamped_page_n_of_m(case: Case) -> None:
    pack = _build(case)
    pages = _text(release.pack_path(pack))
    assert len(pages) == pack.pages
    for n, page in enumerate(pages, start=1):
        assert f"{case.request.reference} - page {n} of {pack.pages}" in page


def test_schedule_lists_exactly_the_redactions_applied_without_their_text(case: Case) -> None:
    pack = _build(case)
    pages = _text(release.pack_path(pack))
    schedule = "\n".join(p for p in pages if "Schedule of redactions" in p)
    rows = Counter()
    for line in schedule.splitlines():
        # long cells wrap onto the next line: the first word of the count is enough
        m = re.match(r"\s*(\d+)\s+(\d+|all)\s+(\d+|-)\s+([A-Z-]+)\s+(\d+|page|withheld)", line)
        if m:
            rows[(m.group(1), m.group(2), m.group(4))] = m.group(5)
    assert rows == {
        ("1", "1", "TP"): "1",
        ("1", "3", "TP"): "1",
        ("1", "1", "CRIME"): "1",
        ("1", "2", "SW-HARM"): "page",
        ("2", "all", "LPP"): "withheld",
    }
    assert "DPA 2018 Sch 2 Pt 3 para 16" in schedule
    for secret in (THIRD, PHONE, SECRET_PAGE):
        assert secret not in schedule
    applied = release.by_page_and_code(case.request.id)[case.doc.id]
    assert applied == {(1, "TP"): 1, (3, "TP"): 1, (1, "CRIME"): 1}


def test_index_titles_can_be_overridden(case: Case) -> None:
    first = _build(case)
    index = "\n".join(p for p in _text(release.pack_path(first)) if "Index of documents" in p)
    assert "Assessment report" in index
    release.set_title(
        case.request.id, case.doc.id, "Report, March 2024", Actor.staff(case.reviewer)
    )
    db.session.commit()
    second = _build(case)
    assert second.version == first.version + 1
    index = "\n".join(p for p in _text(release.pack_path(second)) if "Index of documents" in p)
    assert "Report, March 2024" in index
    assert "Assessment report" not in index


def _accept_a_box_that_misses(case: Case) -> None:
    """A finding accepted with a box that does not cover its words: the text survives."""
    pdf = _pdf([["x"]])
    f = _finding(case.request, case.doc, pdf, 3, "Sam is doing well", rects=[[300, 700, 320, 710]])
    db.session.add(
        FindingDecision(
            finding_id=f.id,
            request_id=case.request.id,
            decision="accepted",
            exemption="TP",
            decided_by_id=case.reviewer.id,
        )
    )
    db.session.commit()


def test_a_leak_fails_the_build_and_says_where_not_what(case: Case) -> None:
    _accept_a_box_that_misses(case)
    pack = _build(case)
    assert pack.status == "failed"
    assert pack.file_name is None
    leaks = pack.verify_report["leaks"]
    assert leaks and {leak["document"] for leak in leaks} == {"DOC-1"}
    assert 3 in {leak["page"] for leak in leaks}
    assert "Sam is doing well" not in repr(pack.verify_report)
    with pytest.raises(ServiceError):
        release.request_approval(case.request.id, Actor.staff(case.caseworker))
    # the staff screen says what could still be read, on the document's own page, and nothing
    # stores or logs it
    details = release.leak_details(pack.id)
    assert {(d["document"], d["page"], d["text"]) for d in details} == {
        ("DOC-1", 3, "Sam is doing well")
    }
    audit_text = " ".join(repr(e.detail) for e in db.session.scalars(select(AuditEvent)))
    assert "Sam is doing well" not in audit_text


def test_the_failed_build_screen_offers_to_redact_what_was_left(case: Case, client, auth) -> None:
    _accept_a_box_that_misses(case)
    _build(case)
    auth.login(case.reviewer)
    page = client.get(f"/staff/requests/{case.request.id}/release").get_data(as_text=True)
    assert "What could still be read" in page and "Sam is doing well" in page
    assert "Redact it on page 3" in page


def _approved(case: Case) -> ReleasePack:
    pack = _build(case)
    release.request_approval(case.request.id, Actor.staff(case.caseworker))
    release.preview(case.request.id, pack.id, Actor.staff(case.approver))
    release.approve(case.request.id, pack.id, Actor.staff(case.approver), "fine")
    db.session.commit()
    return pack


def test_self_approval_refused(case: Case) -> None:
    pack = _build(case)
    release.request_approval(case.request.id, Actor.staff(case.caseworker))
    # the builder
    with pytest.raises(ServiceError, match="built this pack"):
        release.approve(case.request.id, pack.id, Actor.staff(case.caseworker))
    # a reviewer with the approver role
    case.reviewer.roles = {Role.CASEWORKER, Role.APPROVER}
    db.session.commit()
    with pytest.raises(ServiceError, match="reviewed"):
        release.approve(case.request.id, pack.id, Actor.staff(case.reviewer))
    # an approver who has not opened the preview
    with pytest.raises(ServiceError, match="preview"):
        release.approve(case.request.id, pack.id, Actor.staff(case.approver))
    release.preview(case.request.id, pack.id, Actor.staff(case.approver))
    release.approve(case.request.id, pack.id, Actor.staff(case.approver))
    assert pack.status == "approved" and pack.late is False


def test_missing_harm_opinion_blocks_approval(case: Case) -> None:
    _build(case)
    opinion = db.session.scalar(select(HarmOpinion))
    assert opinion is not None
    opinion.opinion = None
    db.session.commit()
    with pytest.raises(ServiceError, match="opinion"):
        release.request_approval(case.request.id, Actor.staff(case.caseworker))


def test_send_back_needs_a_comment_and_returns_to_review(case: Case) -> None:
    pack = _build(case)
    release.request_approval(case.request.id, Actor.staff(case.caseworker))
    with pytest.raises(ServiceError):
        release.send_back(case.request.id, pack.id, Actor.staff(case.approver), " ")
    release.send_back(case.request.id, pack.id, Actor.staff(case.approver), "redact page 3")
    assert case.request.status is RequestStatus.REVIEW
    assert pack.status == "sent_back" and pack.comment == "redact page 3"


def test_release_without_approval_refused(case: Case) -> None:
    pack = _build(case)
    with pytest.raises(ServiceError, match="approved"):
        release.release(case.request.id, pack.id, Actor.staff(case.caseworker))
    release.request_approval(case.request.id, Actor.staff(case.caseworker))
    with pytest.raises(ServiceError, match="approved"):
        release.release(case.request.id, pack.id, Actor.staff(case.caseworker))


def test_approval_after_the_due_date_is_recorded_late(case: Case) -> None:
    case.request.due_date = date.today() - timedelta(days=2)
    db.session.commit()
    pack = _approved(case)
    assert pack.late is True
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pack_approved"))
    assert event is not None and event.detail["late"] is True


def test_tampering_with_an_approved_pack_is_detected(case: Case) -> None:
    pack = _approved(case)
    with open(release.pack_path(pack), "ab") as fh:
        fh.write(b"%tampered")
    with pytest.raises(release.PackChanged):
        release.release(case.request.id, pack.id, Actor.staff(case.caseworker))
    with pytest.raises(ServiceError):
        release.set_title(case.request.id, case.doc.id, "x", Actor.staff(case.caseworker))


def _released(case: Case) -> str:
    pack = _approved(case)
    _link, token = release.release(case.request.id, pack.id, Actor.staff(case.caseworker))
    db.session.commit()
    return token


def _last_code() -> str:
    """The newest code, still sealed in the outbox (no mail server here; the email with it
    reaching one is tests/portal/test_delivery_secrets.py)."""
    from portal.services import mail

    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "download_code")
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None and message.sealed_secrets
    assert "code is [one-time code: sent to the requester" in message.body
    return mail.unseal(message.sealed_secrets)["one-time code"]


def test_release_sends_a_link_and_keeps_only_its_hash(case: Case) -> None:
    token = _released(case)
    assert case.request.status is RequestStatus.RELEASED
    link = db.session.scalar(select(DeliveryLink))
    assert link is not None and token not in link.token_hash
    days = (link.expires_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None)).days
    assert days in (27, 28)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "pack_released"))
    assert message is not None and token not in message.body  # sealed beside it, sent by job
    assert "[download link: sent to the requester, not shown to staff]" in message.body


def test_download_with_code_is_audited_and_closes(case: Case, client) -> None:
    token = _released(case)
    assert client.get(f"/download/{token}").status_code == 200
    assert client.post(f"/download/{token}/code").status_code == 302
    code = _last_code()
    response = client.post(f"/download/{token}", data={"code": code})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    response.close()
    db.session.expire_all()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pack_downloaded"))
    assert db.session.get(Request, case.request.id).status is RequestStatus.CLOSED
    # the code worked once
    again = client.post(f"/download/{token}", data={"code": code})
    assert again.status_code == 403


def test_wrong_code_five_tries_then_refused(case: Case, client) -> None:
    token = _released(case)
    client.post(f"/download/{token}/code")
    code = _last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert client.post(f"/download/{token}", data={"code": wrong}).status_code == 403
    refused = client.post(f"/download/{token}", data={"code": code})
    assert refused.status_code == 403
    assert b"Too many wrong codes" in refused.data


def test_expired_code_and_expired_link_refused(case: Case, client) -> None:
    token = _released(case)
    client.post(f"/download/{token}/code")
    code = _last_code()
    link = db.session.scalar(select(DeliveryLink))
    assert link is not None
    link.code_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    expired_code = client.post(f"/download/{token}", data={"code": code})
    assert expired_code.status_code == 403 and b"expired" in expired_code.data
    link.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    page = client.get(f"/download/{token}")
    assert page.status_code == 410
    assert b"expired" in page.data
    assert client.get("/download/not-a-token").status_code == 410


def test_staff_code_for_phone_use(case: Case) -> None:
    token = _released(case)
    code = release.staff_code(case.request.id, Actor.staff(case.caseworker), "date of birth")
    pack, path = release.redeem_code(token, code)
    assert os.path.exists(path) and pack.status == "released"


def test_posted_copy_closes_the_request(case: Case) -> None:
    _released(case)
    release.mark_posted(case.request.id, Actor.staff(case.caseworker))
    db.session.commit()
    assert case.request.status is RequestStatus.CLOSED
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pack_posted"))
    link = db.session.scalar(select(DeliveryLink))
    assert link is not None and link.posted_at is not None


def test_staff_preview_is_the_same_file_and_audited(case: Case, auth) -> None:
    pack = _approved(case)
    auth.login(case.approver)
    response = auth.client.get(f"/staff/requests/{case.request.id}/release/packs/{pack.id}/preview")
    assert response.status_code == 200
    import hashlib

    assert hashlib.sha256(response.data).hexdigest() == pack.sha256
    response.close()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pack_previewed"))


def test_release_page_and_build_through_the_job(case: Case, auth) -> None:
    _reviewed(case)
    db.session.commit()
    auth.login(case.caseworker)
    response = auth.client.post(f"/staff/requests/{case.request.id}/release/build")
    assert response.status_code == 302
    db.session.expire_all()
    pack = release.latest(case.request.id)
    assert pack is not None and pack.status == "built", pack and pack.verify_report
    page = auth.client.get(f"/staff/requests/{case.request.id}/release")
    assert page.status_code == 200
    assert b"Version 1" in page.data


def test_build_refused_while_third_party_suggestions_are_undecided(case: Case) -> None:
    pdf = b""
    extra = _finding(case.request, case.doc, pdf, 1, "Unreviewed Name", rects=[[0, 0, 10, 10]])
    extra.role = "third party"
    subject_mention = _finding(case.request, case.doc, pdf, 1, "Sam", rects=[[0, 0, 5, 5]])
    subject_mention.role = "subject"
    db.session.commit()
    with pytest.raises(ServiceError, match="1 suggested redaction"):
        release.start_build(case.request.id, Actor.staff(case.caseworker))
    db.session.rollback()


def test_a_leak_redacted_since_the_failed_build_says_build_again(case: Case, client, auth) -> None:
    _accept_a_box_that_misses(case)
    _build(case)
    auth.login(case.reviewer)
    url = f"/staff/requests/{case.request.id}/release"
    assert "Redact it on page 3" in client.get(url).get_data(as_text=True)
    response = client.post(
        f"/staff/requests/{case.request.id}/review/{case.doc.id}/manual",
        data={"page": "3", "text": "Sam is doing well", "exemption": "TP", "note": "left"},
    )
    assert response.status_code in (200, 302)
    page = client.get(url).get_data(as_text=True)
    assert "Redacted since: build again" in page and "Redact it on page 3" not in page


def test_a_sibling_sharing_the_subjects_first_name_does_not_block_the_pack(case: Case) -> None:
    """The sibling "Sam" is redacted on page 3; the subject's "Sam Subject" stays readable on
    page 1 and in the cover letter's search terms: the pack builds, and the word is gone where
    it was redacted."""
    path = working_copy_path(current_app.config["DOCUMENTS_DIR"], case.request.id, case.doc.id)
    with open(path, "rb") as fh:
        pdf = fh.read()
    own = _finding(case.request, case.doc, pdf, 1, "Sam Subject")
    own.role, own.party, own.exemption = "subject", "Sam Subject", None
    sibling = _finding(case.request, case.doc, pdf, 3, "Sam")
    db.session.add(
        FindingDecision(
            finding_id=sibling.id,
            request_id=case.request.id,
            decision="accepted",
            exemption="TP",
            decided_by_id=case.reviewer.id,
        )
    )
    db.session.commit()
    pack = _build(case)
    assert pack.status == "built", pack.verify_report
    pages = _text(release.pack_path(pack))
    assert "Sam Subject" in "\n".join(pages)
    assert "Sam is doing well" not in "\n".join(pages)


def test_a_third_partys_name_in_an_index_title_fails_the_build_and_says_so(
    case: Case, client, auth
) -> None:
    assert _build(case).status == "built"
    release.set_title(
        case.request.id, case.doc.id, f"Visit by {THIRD}", Actor.staff(case.caseworker)
    )
    db.session.commit()
    pack = _build(case)
    assert pack.status == "failed"
    auth.login(case.reviewer)
    page = client.get(f"/staff/requests/{case.request.id}/release").get_data(as_text=True)
    assert "Cover letter or index" in page and "Change the title" in page
    release.set_title(case.request.id, case.doc.id, "Assessment", Actor.staff(case.caseworker))
    db.session.commit()
    assert _build(case).status == "built"
