"""The pack's front matter (cover letter with what was searched and the Art 15 information,
index of documents) and its schedule of redactions, rendered from templates/pack/."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    ReleasePack,
    Request,
    SearchRun,
)
from portal.services import notice, settings
from portal.services.release.common import (
    _DocPart,
    _title,
)
from portal.timeutil import council_today


def _index_rows(pack: ReleasePack, parts: list[_DocPart]) -> list[dict[str, Any]]:
    rows = []
    for number, part in enumerate(parts, start=1):
        date = f"{part.document.doc_date:%-d %B %Y}" if part.document.doc_date else ""
        if part.pdf is None:
            pages, status = "-", f"Withheld in full ({part.withheld_code or ''})"
        else:
            end = part.start + len(part.kept) - 1
            pages = f"{part.start}-{end}" if end > part.start else str(part.start)
            status = "Yes"
            if part.withheld_pages:
                status += f", {len(part.withheld_pages)} page(s) withheld"
            if part.schedule:
                status += ", with redactions"
        rows.append(
            {
                "number": number,
                "title": _title(pack, part.document),
                "date": date,
                "pages": pages,
                "status": status,
            }
        )
    return rows


def _notice_sections() -> list[tuple[str, list[str], list[str]]]:
    out = []
    for heading, lines in notice.sections():
        items = [ln[2:] for ln in lines if ln.startswith("- ")]
        paragraphs = [ln for ln in lines if not ln.startswith("- ")]
        out.append((heading, paragraphs, items))
    return out


def _front_matter(request: Request, pack: ReleasePack, parts: list[_DocPart]) -> bytes:
    """The cover letter and the index (templates/pack/front.html)."""
    from redaction.pack import html_pages

    run = db.session.scalar(
        select(SearchRun)
        .where(SearchRun.request_id == request.id)
        .order_by(SearchRun.id.desc())
        .limit(1)
    )
    page = render_template(
        "pack/front.html",
        request=request,
        requester=request.requester,
        council=settings.get("council_name"),
        council_address=settings.get("council_address"),
        dpo_email=settings.get("dpo_email"),
        dpo_phone=settings.get("dpo_phone"),
        today=council_today(),
        searched=run.searched if run is not None else [],
        notice=_notice_sections(),
        index=_index_rows(pack, parts),
    )
    return html_pages(page)


def schedule_rows(parts: list[_DocPart]) -> list[dict[str, Any]]:
    """One row per document, page and code: how many redactions, and the citation."""
    cites = notice.citations()
    rows: list[dict[str, Any]] = []
    for number, part in enumerate(parts, start=1):
        if part.pdf is None:
            rows.append(
                {
                    "document": number,
                    "page": "all",
                    "pack_page": "-",
                    "code": part.withheld_code or "",
                    "count": "withheld in full",
                    "citation": cites.get(part.withheld_code or "", part.withheld_code),
                }
            )
            continue
        for page, code in part.withheld_pages:
            rows.append(
                {
                    "document": number,
                    "page": page,
                    "pack_page": "-",
                    "code": code,
                    "count": "page withheld",
                    "citation": cites.get(code, code),
                }
            )
        for (page, code), count in sorted(part.schedule.items()):
            pack_page = part.start + part.kept.index(page)
            rows.append(
                {
                    "document": number,
                    "page": page,
                    "pack_page": pack_page,
                    "code": code,
                    "count": count,
                    "citation": cites.get(code, code),
                }
            )
    return rows


def _schedule(request: Request, parts: list[_DocPart]) -> bytes:
    """The schedule of redactions (templates/pack/schedule.html)."""
    from redaction.pack import html_pages

    return html_pages(render_template("pack/schedule.html", rows=schedule_rows(parts)))
