"""Domain errors raised by services; the API turns them into problem-details responses.

::

    StewardError
    ├── NotFoundError          404  no such record (or not visible to the caller)
    ├── ConflictError          409  the change clashes with the current state
    ├── InvalidInputError      422  field-level problems, each with a message
    └── PermissionDeniedError  403  the caller may not do this
"""

from __future__ import annotations

from collections.abc import Mapping


class StewardError(Exception):
    """Base of every error a service raises on purpose."""

    status_code = 400
    title = "Bad request"


class NotFoundError(StewardError):
    """A record that does not exist (or that the caller may not see)."""

    status_code = 404
    title = "Not found"


class ConflictError(StewardError):
    """A change that clashes with the current state (duplicate, stale, already merged)."""

    status_code = 409
    title = "Conflict"


class PermissionDeniedError(StewardError):
    """The caller is authenticated but lacks a permission."""

    status_code = 403
    title = "Forbidden"


class InvalidInputError(StewardError):
    """One or more fields are invalid; ``errors`` maps a field path to its message."""

    status_code = 422
    title = "Invalid input"

    def __init__(self, errors: Mapping[str, str] | str) -> None:
        self.errors = {"": errors} if isinstance(errors, str) else dict(errors)
        super().__init__("; ".join(f"{k}: {v}" if k else v for k, v in self.errors.items()))
