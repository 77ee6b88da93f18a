"""The pack's front matter (cover letter with what was searched and the Art 15 information,
index of documents) and its schedule of redactions, rendered from templates/pack/."""

from __future__ import annotations

from typing import Any

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
    _e,
    _title,
)
from portal.timeutil import council_today


def _front_matter(request: Request, pack: ReleasePack, parts: list[_DocPart]) -> bytes:
    from redaction.pack import html_pages

    council = settings.get("council_name")
    requester = request.requester
    run = db.session.scalar(
        select(SearchRun)
        .where(SearchRun.request_id == request.id)
        .order_by(SearchRun.id.desc())
        .limit(1)
    )
    out = [
        f"<p>{_e(council)}<br>{_e(settings.get('council_address'))}</p>",
        f"<p>{council_today():%-d %B %Y}</p>",
        f"<p>{_e(requester.full_name)}",
    ]
    if requester.address:
        out.append("<br>" + "<br>".join(_e(x) for x in requester.address.splitlines()))
    out.append("</p>")
    out.append(f"<h1>Your request for information: {_e(request.reference)}</h1>")
    out.append(f"<p>Dear {_e(requester.full_name)},</p>")
    out.append(
        f"<p>This is our response to your subject access request received on "
        f"{request.received_date:%-d %B %Y}, reference {_e(request.reference)}. It contains a copy "
        "of the personal information we hold, the information the law says we must give you "
        "with it, an index of the documents and a schedule of any information we have removed."
        "</p>"
    )
    out.append("<h2>What we searched</h2>")
    searched = run.searched if run is not None else []
    if searched:
        out.append("<ul>")
        for item in searched:
            out.append(
                f"<li>{_e(item.get('how', 'search'))}: {_e(item.get('term', ''))} "
                f"({_e(item.get('hits', 0))} result(s))</li>"
            )
        out.append("</ul>")
    else:
        out.append("<p>The case records held by Children's Services.</p>")
    out.append("<h2>Information we have removed</h2>")
    out.append(
        "<p>Some information has been removed because the law allows or requires us to withhold "
        "it, for example where it is about another person. Each removal is shown as a black box "
        "marked with a code. The schedule at the end of this pack lists every removal by "
        "document, page and code, and the law each code refers to. Pages or documents withheld "
        "in full are shown in the index.</p>"
    )
    for heading, lines in notice.sections():
        if heading:
            out.append(f"<h2>{_e(heading)}</h2>")
        items = [ln[2:] for ln in lines if ln.startswith("- ")]
        for line in lines:
            if not line.startswith("- "):
                out.append(f"<p>{_e(line)}</p>")
        if items:
            out.append("<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>")
    out.append(
        f"<p>Yours sincerely,</p><p>Data protection team, {_e(council)}<br>"
        f"{_e(settings.get('dpo_email'))}, {_e(settings.get('dpo_phone'))}</p>"
    )
    out.append('<h1 style="page-break-before: always">Index of documents</h1>')
    out.append(
        "<table><tr><th>No.</th><th>Document</th><th>Date</th><th>Pages in this pack</th>"
        "<th>Released</th></tr>"
    )
    for number, part in enumerate(parts, start=1):
        date = f"{part.document.doc_date:%-d %B %Y}" if part.document.doc_date else ""
        if part.pdf is None:
            pages, status = "-", f"Withheld in full ({_e(part.withheld_code or '')})"
        else:
            end = part.start + len(part.kept) - 1
            pages = f"{part.start}-{end}" if end > part.start else str(part.start)
            status = "Yes"
            if part.withheld_pages:
                status += f", {len(part.withheld_pages)} page(s) withheld"
            if part.schedule:
                status += ", with redactions"
        out.append(
            f"<tr><td>{number}</td><td>{_e(_title(pack, part.document))}</td>"
            f"<td>{date}</td><td>{pages}</td><td>{status}</td></tr>"
        )
    out.append("</table>")
    return html_pages("\n".join(out))


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
    from redaction.pack import html_pages

    out = [
        "<h1>Schedule of redactions</h1>",
        "<p>Each row gives a document (its number in the index), a page, the code marked on "
        "the black boxes, how many pieces of information were removed there, and the law that "
        "allows it.</p>",
        "<table><tr><th>Document</th><th>Page of document</th><th>Page of pack</th>"
        "<th>Code</th><th>Redactions</th><th>Reason</th></tr>",
    ]
    rows = schedule_rows(parts)
    for row in rows:
        out.append(
            "<tr>"
            + "".join(
                f'<td style="white-space: nowrap">{_e(row[k])}</td>'
                if k == "code"
                else f"<td>{_e(row[k])}</td>"
                for k in ("document", "page", "pack_page", "code", "count", "citation")
            )
            + "</tr>"
        )
    out.append("</table>")
    if not rows:
        out.append("<p>No information has been removed.</p>")
    return html_pages("\n".join(out))
