"""Errors the core raises for a door to turn into a page or a JSON answer: a code, an HTTP status,
a translatable message and {field: problem} in plain English for programs to read."""

from __future__ import annotations


class CoreError(Exception):
    code = "error"
    status = 400

    def __init__(self, message, fields: dict[str, str] | None = None):
        super().__init__(message)
        # Core messages are lazy translations: read here, in the language of the request (or of
        # the command line), so the door shows them in the reader's language.
        self._message = message
        self.fields = fields or {}

    @property
    def message(self) -> str:
        return str(self._message)


class ValidationFailed(CoreError):
    code = "validation_failed"
    status = 422


class Forbidden(CoreError):
    """The actor sees the object but may not do this to it (another unit's object is NotFound)."""

    code = "forbidden"
    status = 403


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
