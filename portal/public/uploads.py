"""Files sent with one form post: checked together and kept all together, or none kept."""

from __future__ import annotations

from typing import Any

from flask import current_app

from portal.services import evidence
from portal.services.evidence import CheckedUpload, UploadRejected


def store_all(files: list[Any], room: int) -> list[CheckedUpload]:
    """Check and store every file; on any refusal remove those stored and raise UploadRejected."""
    max_files = current_app.config["UPLOAD_MAX_FILES"]
    if len(files) > room:
        if room <= 0:
            raise UploadRejected(
                f"You can only upload {max_files} files. Remove one to add another"
            )
        raise UploadRejected(
            f"You can only upload {max_files} files in total: select {room} or fewer"
        )
    upload_dir = current_app.config["UPLOAD_DIR"]
    max_bytes = current_app.config["UPLOAD_MAX_BYTES"]
    stored: list[CheckedUpload] = []
    try:
        for storage in files:
            # Read one byte past the limit: enough to refuse, without holding a huge file.
            data = storage.stream.read(max_bytes + 1)
            stored.append(
                evidence.check_and_store(data, storage.filename or "", upload_dir, max_bytes)
            )
    except UploadRejected:
        for upload in stored:
            evidence.discard(upload_dir, upload.stored_name)
        raise
    return stored


def discard_all(uploads: list[CheckedUpload]) -> None:
    """Remove stored files that will not be used."""
    upload_dir = current_app.config["UPLOAD_DIR"]
    for upload in uploads:
        evidence.discard(upload_dir, upload.stored_name)
