"""Typed errors raised for input the engine cannot process."""

from __future__ import annotations


class RedactionError(Exception):
    """Base class: a document could not be processed; the message is one clear line."""

    code = "error"


class UnsupportedFormat(RedactionError):
    """The file type is not one the engine converts."""

    code = "unsupported"


class EncryptedDocument(RedactionError):
    """The file is password protected."""

    code = "encrypted"


class CorruptDocument(RedactionError):
    """The file is damaged, truncated or not what its name says."""

    code = "corrupt"


class DocumentTooLarge(RedactionError):
    """The file exceeds a size, page, decompression or memory limit."""

    code = "too_large"


class ConversionTimeout(RedactionError):
    """Converting the file took longer than the time limit."""

    code = "timeout"


ERRORS: dict[str, type[RedactionError]] = {
    cls.code: cls
    for cls in (
        RedactionError,
        UnsupportedFormat,
        EncryptedDocument,
        CorruptDocument,
        DocumentTooLarge,
        ConversionTimeout,
    )
}
