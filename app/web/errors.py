"""The one error funnel: every error becomes ``{"detail": "<plain words>"}`` with its status.

Unexpected errors answer a generic 500 with an incident id; the log gets the exception type
and the stack, never the exception's message (it could quote what the user typed). A database
that is busy, full or gone answers 503 with Retry-After, logged the same way.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.services.errors import ServiceError

log = logging.getLogger("weframe.web")

_PARSE_ERROR = "There was an error parsing the body"


DATABASE_RETRY_SECONDS = 2


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    for database_error in (OperationalError, InterfaceError, PoolTimeout):
        app.add_exception_handler(database_error, _database_error)


def error_response(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


async def _service_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    return error_response(exc.status, exc.message)


async def _database_error(request: Request, exc: Exception) -> Response:
    """Busy, full or unreachable: a 503 to retry. SQLAlchemy's message quotes the SQL parameters
    (user text), so only the type is logged."""
    log.warning("database error %s on %s %s", type(exc).__name__, request.method, request.url.path)
    return error_response(
        503,
        "The database is busy or unavailable. Please try again in a moment.",
        {"Retry-After": str(DATABASE_RETRY_SECONDS)},
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400 and exc.detail == _PARSE_ERROR:
        return error_response(422, "The request body could not be read as JSON.")
    detail = exc.detail if isinstance(exc.detail, str) else "The request could not be served."
    headers = dict(exc.headers or {})
    if exc.status_code == 404 and detail == "Not Found":
        detail = "There is nothing at this address."
    if exc.status_code == 405:
        detail = "This address does not answer that method."
        headers["Allow"] = allowed_methods(request)
    return error_response(exc.status_code, detail, headers)


def allowed_methods(request: Request) -> str:
    """Every method some route answers at this path (Starlette's Allow names only the first route)."""
    path = request.url.path
    methods: set[str] = set()
    for route in getattr(request.app.state, "method_routes", []):
        if isinstance(route, Route) and route.path_regex.match(path):
            methods |= route.methods or set()
    return ", ".join(sorted(methods))


async def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    return error_response(422, describe_validation_errors(errors))


class ErrorFunnelMiddleware:
    """Last-resort handler inside the security-headers middleware, so a 500 carries them too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            incident = uuid.uuid4().hex[:12]
            log.error(
                "unexpected %s on %s %s (incident %s)\n%s",
                type(exc).__name__,
                scope.get("method", ""),
                scope.get("path", ""),
                incident,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            if started:
                # The status line is gone: end here. Re-raising would let the server log the
                # exception's message, which may quote what the user typed; uvicorn instead logs
                # only that the response was not completed, and closes the connection.
                return
            response = error_response(
                500, f"Something went wrong on our side (incident {incident}). Please try again."
            )
            await response(scope, receive, send)


def describe_validation_errors(errors: list[Any]) -> str:
    """One plain sentence for the first problem of a request body (without echoing the input)."""
    if not errors:
        return "The request is not valid."
    first = errors[0]
    kind = str(first.get("type", ""))
    loc = [str(part) for part in first.get("loc", ()) if part != "body"]
    field = ".".join(part for part in loc if not part.isdigit()) or "body"
    if kind == "json_invalid":
        return "The request body is not valid JSON."
    if kind in {"model_attributes_type", "dict_type"} or field == "body":
        return "The request body must be a JSON object."
    if kind == "missing":
        return f"The field '{field}' is required."
    if kind.startswith("string"):
        if kind == "string_too_long":
            return f"The field '{field}' is too long."
        return f"The field '{field}' must be a string."
    if kind.startswith("int") or kind.startswith("greater") or kind.startswith("less"):
        return f"The field '{field}' must be a whole number in range ({first.get('msg', '')})."
    return f"The field '{field}' is not valid: {first.get('msg', 'invalid value')}."
