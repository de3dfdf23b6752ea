"""RFC 9457 problem-details responses for every error, so clients never see an HTML 500."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import asyncpg
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from pydantic import ValidationError

from core.errors import InvalidInputError, StewardError

logger = logging.getLogger("stewardship.api")
PROBLEM_JSON = "application/problem+json"


def problem(
    status: int, title: str, detail: str = "", errors: list[dict[str, str]] | None = None
) -> Response[dict[str, Any]]:
    """A problem-details response."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return Response(content=body, status_code=status, media_type=PROBLEM_JSON)


def _pydantic_errors(exc: ValidationError) -> list[dict[str, str]]:
    return [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
    ]


def handle_steward_error(_: Request[Any, Any, Any], exc: StewardError) -> Response[Any]:
    """Domain errors keep their status and message."""
    errors = None
    if isinstance(exc, InvalidInputError):
        errors = [{"field": k, "message": v} for k, v in exc.errors.items()]
    return problem(exc.status_code, exc.title, str(exc), errors)


def handle_pydantic_error(_: Request[Any, Any, Any], exc: ValidationError) -> Response[Any]:
    """A model validated inside a service: the caller's input was wrong."""
    return problem(422, "Invalid input", "The request has invalid fields.", _pydantic_errors(exc))


def handle_validation_exception(
    _: Request[Any, Any, Any], exc: ValidationException
) -> Response[Any]:
    """Litestar's own request validation (body, query, path)."""
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            field = str(item.get("key") or item.get("loc") or "")
            errors.append({"field": field, "message": str(item.get("message", item))})
    return problem(422, "Invalid input", str(exc.detail), errors)


def handle_overflow(_: Request[Any, Any, Any], exc: OverflowError) -> Response[Any]:
    """A number too large for the database reached a query: the input was out of range."""
    return problem(422, "Invalid input", "A number in the request is out of range.")


def handle_unique_violation(_: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Two requests raced to create the same unique thing; the loser gets a clear 409."""
    return problem(409, "Conflict", "A record with the same unique value already exists.")


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """404, 405, 401, 403 and friends."""
    response = problem(exc.status_code, _title(exc.status_code), str(exc.detail))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Anything else is our bug: log it and answer without leaking internals."""
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(500, "Internal server error", "An unexpected error occurred.")


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


EXCEPTION_HANDLERS: dict[Any, Any] = {
    StewardError: handle_steward_error,
    ValidationError: handle_pydantic_error,
    ValidationException: handle_validation_exception,
    HTTPException: handle_http_exception,
    OverflowError: handle_overflow,
    sqlite3.IntegrityError: handle_unique_violation,
    asyncpg.UniqueViolationError: handle_unique_violation,
    Exception: handle_unexpected,
}
__all__ = ["EXCEPTION_HANDLERS", "MediaType", "problem"]
