"""Errors the core raises for a door to turn into a page or a JSON answer."""

from __future__ import annotations


class CoreError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(CoreError):
    code = "validation_failed"
    status = 422


class Conflict(CoreError):
    code = "conflict"
    status = 409


class NotFound(CoreError):
    code = "not_found"
    status = 404


class Gone(CoreError):
    """A one-time code that was used or has expired."""

    code = "gone"
    status = 410
