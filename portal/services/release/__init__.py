"""The release pack: building it (redactions applied to new copies, each copy and the whole pack
verified independently), approval by someone who did not review it, immutability of an approved
pack, and delivery through an expiring link plus a one-time code, or a posted print copy.

build.py and front.py build it, approval.py approves it, delivery.py delivers it."""

from __future__ import annotations

from portal.services.release.approval import (
    approval_summary,
    approve,
    request_approval,
    reviewers,
    send_back,
)
from portal.services.release.build import (
    build,
    leak_details,
    set_title,
    start_build,
)
from portal.services.release.common import (
    CODE_LABEL,
    CODE_MINUTES,
    CODE_TRIES,
    IDENTITY_CHECK_CHARS,
    IN_SCOPE,
    LINK_LABEL,
    CodeRefused,
    LinkExpired,
    PackChanged,
    S,
    by_page_and_code,
    check_integrity,
    effective_redactions,
    get_pack,
    harm_opinions_missing,
    latest,
    pack_path,
    packs,
    sha256_file,
)
from portal.services.release.delivery import (
    email_code,
    find_link,
    mark_posted,
    preview,
    redeem_code,
    release,
    staff_code,
    usable_link,
)
from portal.services.release.front import (
    schedule_rows,
)

__all__ = [
    "approval_summary",
    "CODE_LABEL",
    "CODE_MINUTES",
    "CODE_TRIES",
    "CodeRefused",
    "IDENTITY_CHECK_CHARS",
    "IN_SCOPE",
    "LINK_LABEL",
    "LinkExpired",
    "PackChanged",
    "S",
    "approve",
    "build",
    "by_page_and_code",
    "check_integrity",
    "effective_redactions",
    "email_code",
    "find_link",
    "get_pack",
    "harm_opinions_missing",
    "latest",
    "leak_details",
    "mark_posted",
    "pack_path",
    "packs",
    "preview",
    "redeem_code",
    "release",
    "request_approval",
    "reviewers",
    "schedule_rows",
    "send_back",
    "set_title",
    "sha256_file",
    "staff_code",
    "start_build",
    "usable_link",
]
