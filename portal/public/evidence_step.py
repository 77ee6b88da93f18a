"""The online form's evidence step: optional proof of identity or authority, kept with the draft.

Files are checked and stored when uploaded (uploads.py) and listed in the draft; a file removed
here is removed from the disk too. Sending the request (the check page) hands them to the requests.
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.access import public_endpoint
from portal.extensions import db
from portal.models import EvidenceKind
from portal.public import journey, steps
from portal.public.blueprint import add_error, bp
from portal.public.forms import EvidenceForm, RemoveUploadForm
from portal.public.uploads import store_all
from portal.services import evidence
from portal.services.evidence import UploadRejected


@bp.route("/request/evidence", methods=["GET", "POST"])
@public_endpoint
def evidence_page() -> str | Response:
    """Optional proof of identity or authority, uploaded now or later."""
    draft, answers = steps.draft_for("evidence")
    uploads = list(draft.uploads or [])
    form = EvidenceForm()
    if form.validate_on_submit():
        files = form.chosen_files()
        going_on = request.form.get("action") == "continue"
        if files:
            if form.kind.data not in {k.value for k in EvidenceKind}:
                add_error(form, form.kind, "Select what you are sending")
            else:
                room = current_app.config["UPLOAD_MAX_FILES"] - len(uploads)
                try:
                    stored = store_all(files, room)
                except UploadRejected as exc:
                    add_error(form, form.files, str(exc))
                else:
                    uploads += [
                        {
                            "kind": form.kind.data,
                            "stored_name": u.stored_name,
                            "filename": u.original_filename,
                            "content_type": u.content_type,
                            "size": u.size,
                            "sha256": u.sha256,
                        }
                        for u in stored
                    ]
                    journey.save_uploads(draft, uploads)
                    if going_on:
                        answers["evidence_done"] = True
                        return steps.save_and_continue(draft, answers)
                    db.session.commit()
                    return redirect(url_for("public.evidence_page"))
        elif going_on:
            answers["evidence_done"] = True
            return steps.save_and_continue(draft, answers)
        else:
            add_error(form, form.files, "Select a file to upload")
    return render_template(
        "public/evidence.html",
        form=form,
        back=steps.back_link(answers, "evidence"),
        title="Proof of identity or authority (optional)",
        uploads=uploads,
        kinds={k.value: k.label for k in EvidenceKind},
        remove_form=RemoveUploadForm(),
        max_files=current_app.config["UPLOAD_MAX_FILES"],
        who=answers.get("who"),
    )


@bp.route("/request/evidence/<stored_name>/remove", methods=["POST"])
@public_endpoint
def evidence_remove(stored_name: str) -> Response:
    """Remove an uploaded file from the draft and from the disk."""
    draft = journey.load_draft()
    if draft is None:
        return redirect(url_for("public.request_type"))
    form = RemoveUploadForm()
    if form.validate_on_submit():
        uploads = list(draft.uploads or [])
        kept = [u for u in uploads if u["stored_name"] != stored_name]
        if len(kept) != len(uploads):
            evidence.discard(current_app.config["UPLOAD_DIR"], stored_name)
            journey.save_uploads(draft, kept)
            db.session.commit()
    return redirect(url_for("public.evidence_page"))
