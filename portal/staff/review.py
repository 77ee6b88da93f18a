"""Redaction review pages: the documents to review, one document's pages with its suggested
redactions, the people of the request, find-and-redact, withheld parts and harm opinions."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.access import roles_required
from portal.extensions import db
from portal.models import DocumentWork, FindingRecord, Role
from portal.services import audit, notice, review
from portal.services.errors import NotFound, ServiceError
from portal.services.review.work import needs_no_decision
from portal.staff.review_forms import (
    ClaimForm,
    DecideForm,
    FindRedactForm,
    HandledForm,
    HarmForm,
    ManualForm,
    PersonForm,
    ReviewForm,
    WithholdForm,
)
from portal.staff.views import actor, get_request_or_404

bp = Blueprint("review", __name__, url_prefix="/staff/requests")

READ = (Role.CASEWORKER, Role.APPROVER)
WORK = (Role.CASEWORKER,)
# The kind of a finding (redaction/findings.py: PERSON, PHONE, ...) as the CSS class of its box
# (review.css); the legend draws its swatches with the same classes.
KIND_CLASSES = {
    "person": "person",
    "address": "address",
    "postcode": "address",
    "phone": "phone",
    "email": "email",
    "date": "date",
    "date_of_birth": "date",
    "identifier": "identifier",
    "nhs_number": "identifier",
    "ni_number": "identifier",
    "social_care_id": "identifier",
    "upn": "identifier",
    "uln": "identifier",
}


def box_kind(kind: str | None) -> str:
    """The CSS class suffix (app-box--...) of a finding's kind: 'other' when it has none."""
    return KIND_CLASSES.get((kind or "").lower(), "other")


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _done(
    message: str, target: str, payload: dict[str, Any] | None = None
) -> Response | tuple[Response, int]:
    db.session.commit()
    if _wants_json():
        return jsonify({"ok": True, "message": message, **(payload or {})})
    flash(message, "success")
    return redirect(target)


def _failed(exc: ServiceError, target: str) -> Response | tuple[Response, int]:
    db.session.rollback()
    if _wants_json():
        status = 404 if isinstance(exc, NotFound) else (409 if "reload" in str(exc) else 400)
        return jsonify({"ok": False, "error": str(exc)}), status
    flash(str(exc), "error")
    return redirect(target)


def _refused(form: ReviewForm, target: str) -> Response | tuple[Response, int]:
    """A post that did not pass its form: nothing was changed; the first thing wrong is said
    (400 JSON for the screen's script, a flash for a form)."""
    db.session.rollback()
    if _wants_json():
        return jsonify({"ok": False, "error": form.error}), 400
    flash(form.error, "error")
    return redirect(target)


def progress_text(counts: dict[str, int]) -> str:
    """A document's (or the request's) review progress in words: decided of total, the data
    subject's own mentions (disclosed without a decision) and how many are still to decide."""
    text = f"{counts['decided']} of {counts['total']} suggestions decided"
    if counts.get("subject"):
        text += f"; {counts['subject']} the data subject's own (disclosed, no decision needed)"
    left = counts.get("left", 0)
    return text + (f"; {left} still to decide" if left else "; nothing left to decide")


def _work_or_404(request_id: int, document_id: int) -> DocumentWork:
    work = db.session.scalar(
        select(DocumentWork).where(
            DocumentWork.request_id == request_id, DocumentWork.document_id == document_id
        )
    )
    if work is None:
        abort(404)
    return work


@bp.route("/<int:request_id>/review")
@roles_required(*READ)
def index(request_id: int) -> str:
    """The documents to review: who is on each and how far they have got."""
    req = get_request_or_404(request_id)
    return render_template(
        "staff/review_index.html",
        req=req,
        progress=review.progress(req.id),
        withheld=review.withheld_parts(req.id),
        missing=review.harm_opinions_missing(req.id),
        exemptions=notice.citations(),
        labels=review.EXEMPTION_LABELS,
        title="Review redactions",
    )


@bp.route("/<int:request_id>/review/<int:document_id>")
@roles_required(*READ)
def document(request_id: int, document_id: int) -> str:
    """One document: page images with the suggested redactions drawn over them, the text."""
    req = get_request_or_404(request_id)
    work = _work_or_404(req.id, document_id)
    findings = list(
        db.session.scalars(
            select(FindingRecord)
            .where(FindingRecord.request_id == req.id, FindingRecord.document_id == document_id)
            .order_by(FindingRecord.page, FindingRecord.start)
        )
    )
    people = review.parties(req.id)
    subject_ids = {f.id for f in findings if review.is_subject_finding(f, people)}
    own_ids = {f.id for f in findings if needs_no_decision(f, people)}
    state = review.progress(req.id)
    order = [d["document_id"] for d in state["documents"]]
    position = order.index(document_id)
    next_id = order[position + 1] if position + 1 < len(order) else None
    doc = next(d for d in state["documents"] if d["document_id"] == document_id)
    audit.record(actor(), "document_viewed", req.id, document_id=document_id)
    db.session.commit()
    return render_template(
        "staff/review_document.html",
        req=req,
        work=work,
        pages=review.page_texts(req.id, document_id),
        findings=findings,
        outcomes=review.outcomes(req.id, document_id),
        subject_ids=subject_ids,
        own_ids=own_ids,
        manual=review.manual_redactions(req.id, document_id),
        withheld=review.withheld_parts(req.id, document_id),
        doc=doc,
        doc_progress=progress_text(doc),
        next_id=next_id,
        exemptions=notice.citations(),
        labels=review.EXEMPTION_LABELS,
        box_kind=box_kind,
        can_work=current_user.has_role(Role.CASEWORKER),
        title="Review " + work.document.title,
    )


@bp.route("/<int:request_id>/review/<int:document_id>/page/<int:page>.png")
@roles_required(*READ)
def page_image(request_id: int, document_id: int, page: int) -> Response:
    """A page of the working copy as an image (personal data: every view is audited)."""
    req = get_request_or_404(request_id)
    _work_or_404(req.id, document_id)
    try:
        path = review.page_image(req.id, document_id, page)
    except NotFound:
        abort(404)
    audit.record(actor(), "page_viewed", req.id, document_id=document_id, page=page)
    db.session.commit()
    with open(path, "rb") as image:
        body = image.read()
    # personal data: never cached by the browser or a proxy
    return Response(body, mimetype="image/png", headers={"Cache-Control": "private, no-store"})


@bp.route("/<int:request_id>/review/<int:document_id>/claim", methods=["POST"])
@roles_required(*WORK)
def claim(request_id: int, document_id: int) -> Response | tuple[Response, int]:
    """Take a document to review, stop reviewing it (give it back to the team for anyone to
    take), or mark it reviewed. Giving a document back is never called releasing it: release is
    what happens to the pack."""
    req = get_request_or_404(request_id)
    target = url_for("review.document", request_id=req.id, document_id=document_id)
    form = ClaimForm()
    if not form.validate():
        return _refused(form, target)
    try:
        if form.action.data in ("give_back", "release"):  # "release": from before the rename
            review.release_document(req.id, document_id, actor())
            message = "You have stopped reviewing this document: it is back with the team"
        elif form.action.data == "finish":
            review.finish_document(req.id, document_id, actor())
            message = "Document marked as reviewed"
            target = url_for("review.index", request_id=req.id)
        else:
            review.claim_document(req.id, document_id, actor())
            message = "You are reviewing this document"
    except ServiceError as exc:
        return _failed(exc, target)
    return _done(message, target)


@bp.route("/<int:request_id>/review/findings/<int:finding_id>", methods=["POST"])
@roles_required(*WORK)
def decide(request_id: int, finding_id: int) -> Response | tuple[Response, int]:
    """Accept or reject one suggested redaction (a form post or a JSON post from the screen)."""
    req = get_request_or_404(request_id)
    finding = db.session.get(FindingRecord, finding_id)
    if finding is None or finding.request_id != req.id:
        abort(404)
    target = (
        url_for("review.document", request_id=req.id, document_id=finding.document_id)
        + f"#finding-{finding.id}"
    )
    form = DecideForm()
    if not form.validate():
        return _refused(form, target)
    try:
        row = review.decide_finding(
            finding.id,
            form.decision.data,
            form.exemption.data,
            form.note.data,
            actor(),
            expected_version=form.version.data,
            who=form.who.data,
        )
    except ServiceError as exc:
        return _failed(exc, target)
    payload = {
        "decision": row.decision,
        "exemption": row.exemption,
        "version": row.version,
        "progress": _progress_payload(req.id, finding.document_id),
    }
    return _done(f"Suggestion {row.decision}", target, payload)


def _progress_payload(request_id: int, document_id: int) -> dict[str, Any]:
    """The counts the screen shows after a decision made without a reload: the document's and
    the request's, with the same words as the page."""
    state = review.progress(request_id)
    keys = ("decided", "total", "subject", "left")
    doc = next(d for d in state["documents"] if d["document_id"] == document_id)
    return {
        "document": {**{k: doc[k] for k in keys}, "text": progress_text(doc)},
        "request": {
            **{k: state[k] for k in keys},
            "reviewed": state["reviewed"],
            "documents": len(state["documents"]),
        },
    }


@bp.route("/<int:request_id>/review/<int:document_id>/manual", methods=["POST"])
@roles_required(*WORK)
def manual(request_id: int, document_id: int) -> Response | tuple[Response, int]:
    """Add a rectangle drawn on a page (in PDF points) or the text selected on it, or remove
    a redaction added by hand."""
    req = get_request_or_404(request_id)
    target = url_for("review.document", request_id=req.id, document_id=document_id)
    form = ManualForm()
    if not form.validate():
        return _refused(form, target)
    try:
        if form.mode == "remove":
            review.remove_manual(req.id, form.remove.data, actor())
            return _done("Redaction removed", target)
        if form.mode == "text":
            row = review.add_selected_text(
                req.id,
                document_id,
                form.page.data,
                form.text.data,
                form.exemption.data,
                form.note.data,
                actor(),
            )
            return _done("Selected text redacted", target, {"id": row.id, "rects": row.rects})
        row = review.add_manual(
            req.id,
            document_id,
            form.page.data,
            form.rect.data,
            form.exemption.data,
            form.note.data,
            actor(),
        )
    except ServiceError as exc:
        return _failed(exc, target)
    return _done("Redaction added", target, {"id": row.id, "rects": row.rects})


@bp.route("/<int:request_id>/review/<int:document_id>/withhold", methods=["POST"])
@roles_required(*WORK)
def withhold(request_id: int, document_id: int) -> Response | tuple[Response, int]:
    """Withhold the document or one page of it with the reason, or release a withheld part."""
    req = get_request_or_404(request_id)
    target = url_for("review.document", request_id=req.id, document_id=document_id)
    form = WithholdForm()
    if not form.validate():
        return _refused(form, target)
    try:
        if form.release.data is not None:
            review.unwithhold(req.id, form.release.data, actor())
            return _done("No longer withheld", target)
        page = form.page.data  # None: the whole document
        review.withhold(req.id, document_id, page, form.exemption.data, form.reason.data, actor())
    except ServiceError as exc:
        return _failed(exc, target)
    return _done("Page withheld" if page else "Document withheld", target)


@bp.route("/<int:request_id>/review/<int:document_id>/handled", methods=["POST"])
@roles_required(*WORK)
def handled(request_id: int, document_id: int) -> Response | tuple[Response, int]:
    """Resolve a document marked for manual handling with a handled version (a PDF)."""
    req = get_request_or_404(request_id)
    target = url_for("review.document", request_id=req.id, document_id=document_id)
    form = HandledForm()
    if not form.validate():
        return _refused(form, target)
    try:
        review.resolve_manual(req.id, document_id, form.handled.content, actor())
    except ServiceError as exc:
        return _failed(exc, target)
    return _done("Handled version uploaded", target)


@bp.route("/<int:request_id>/people", methods=["GET", "POST"])
@roles_required(*READ)
def people(request_id: int) -> str | Response | tuple[Response, int]:
    """Every person of the request and what happens to every mention of them."""
    req = get_request_or_404(request_id)
    target = url_for("review.people", request_id=req.id)
    if request.method == "POST":
        if not current_user.has_role(Role.CASEWORKER):
            abort(403)
        form = PersonForm()
        if not form.validate():
            return _refused(form, target)
        anchor = f"{target}#party-{form.party.data}"
        try:
            review.decide_person(
                req.id,
                form.party.data,
                form.decision.data,
                form.basis.data,
                form.factors.data,
                form.exemption.data,
                actor(),
                expected_version=form.version.data,
            )
        except ServiceError as exc:
            return _failed(exc, anchor)
        return _done("Decision recorded for every mention", anchor)
    everyone = review.parties(req.id)
    counts = {p.id: len(review.findings_of_party(req.id, p.id)) for p in everyone}
    return render_template(
        "staff/review_people.html",
        req=req,
        subject=[p for p in everyone if p.subject],
        others=[p for p in everyone if not p.subject and not p.professional],
        professionals=[p for p in everyone if p.professional and not p.subject],
        decisions=review.person_decisions(req.id),
        counts=counts,
        exemptions=notice.citations(),
        labels=review.EXEMPTION_LABELS,
        can_work=current_user.has_role(Role.CASEWORKER),
        title="People: withhold or disclose",
    )


@bp.route("/<int:request_id>/find-redact", methods=["POST"])
@roles_required(*WORK)
def find_redact(request_id: int) -> Response | tuple[Response, int]:
    """Redact every occurrence of a phrase across the documents of the request."""
    req = get_request_or_404(request_id)
    form = FindRedactForm()
    target = form.back_to(f"/staff/requests/{req.id}/") or url_for(
        "review.index", request_id=req.id
    )
    if not form.validate():
        return _refused(form, target)
    try:
        rows = review.find_and_redact(req.id, form.phrase.data, form.exemption.data, actor())
    except ServiceError as exc:
        return _failed(exc, target)
    documents = len({r.document_id for r in rows})
    return _done(f"{len(rows)} occurrence(s) redacted in {documents} document(s)", target)


@bp.route("/<int:request_id>/harm", methods=["GET", "POST"])
@roles_required(*READ)
def harm(request_id: int) -> str | Response | tuple[Response, int]:
    """Opinions of the social worker or health professional on harm-based exemptions."""
    req = get_request_or_404(request_id)
    target = url_for("review.harm", request_id=req.id)
    if request.method == "POST":
        if not current_user.has_role(Role.CASEWORKER):
            abort(403)
        form = HarmForm()
        if not form.validate():
            return _refused(form, target)
        try:
            if form.opinion_id.data is not None:
                review.record_harm_opinion(req.id, form.opinion_id.data, form.opinion.data, actor())
                message = "Opinion recorded"
            else:
                review.request_harm_opinion(
                    req.id, form.exemption.data, form.asked_of.data, actor()
                )
                message = "Opinion requested"
        except ServiceError as exc:
            return _failed(exc, target)
        return _done(message, target)
    return render_template(
        "staff/review_harm.html",
        req=req,
        opinions=review.harm_opinions(req.id),
        missing=review.harm_opinions_missing(req.id),
        harm_codes=sorted(review.HARM_BASED),
        labels=review.EXEMPTION_LABELS,
        can_work=current_user.has_role(Role.CASEWORKER),
        title="Harm opinions",
    )
