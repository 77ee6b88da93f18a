"""Errors a service raises for a person to read."""

from __future__ import annotations


class ServiceError(Exception):
    """A rule of the domain refused the operation; the message is safe to show to staff."""


class InvalidTransition(ServiceError):
    """The request's state does not allow this step."""


class NotFound(ServiceError):
    """No such record."""
