"""Pure ASGI middleware: security headers on every response, the same-origin check for requests
that change something, and the request body limit."""

from __future__ import annotations

import json

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
# Sent only on responses to HTTPS requests (directly, or via a trusted proxy's X-Forwarded-Proto).
HSTS = "max-age=31536000"


class SecurityHeadersMiddleware:
    """CSP (no inline script), nosniff, no referrer, no-store for everything but static files,
    and HSTS when the request came over HTTPS.

    A response that sets its own Content-Security-Policy (the API docs page) keeps it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")
        tls = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = CSP
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if not static:
                    headers["Cache-Control"] = "no-store"
                if tls:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SAME_ORIGIN_FETCH = frozenset({b"same-origin", b"none"})
CROSS_SITE_MESSAGE = "Requests from other sites are not accepted."


class SameOriginMiddleware:
    """Refuse (403) a state-changing request that a browser says comes from another site.

    Browsers mark every request with Sec-Fetch-Site, which pages cannot forge; older ones send
    Origin on cross-origin posts. A request with neither comes from a program (curl, scripts),
    not from a page a user was tricked into visiting, and passes. The rehearsal cookie is also
    SameSite=Strict; this is the second lock.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method", "GET") in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if _same_origin(scope):
            await self.app(scope, receive, send)
            return
        await send_json(send, 403, {"detail": CROSS_SITE_MESSAGE})


def _same_origin(scope: Scope) -> bool:
    fetch_site = origin = host = None
    for name, value in scope.get("headers", []):
        if name == b"sec-fetch-site":
            fetch_site = value
        elif name == b"origin":
            origin = value
        elif name == b"host":
            host = value
    if fetch_site is not None:
        return fetch_site.strip().lower() in SAME_ORIGIN_FETCH
    if origin is None:
        return True
    # "null" (sandboxed frames, some redirects) and any other site are refused
    _, _, origin_host = origin.strip().lower().partition(b"://")
    return bool(origin_host) and host is not None and origin_host == host.strip().lower()


async def send_json(
    send: Send, status: int, payload: dict[str, str], headers: dict[str, str] | None = None
) -> None:
    """A complete JSON response, written straight to the ASGI send channel."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode("ascii")),
    ]
    raw_headers += [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in (headers or {}).items()
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(HTTPException):
    """Raised from receive() once the body passes the limit; FastAPI lets HTTPExceptions through."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(max_bytes))


def too_large_message(max_bytes: int) -> str:
    return f"The request body is larger than {max_bytes:,} bytes."


class BodyLimitMiddleware:
    """Answer 413 (JSON, before any parsing) when a request body is larger than max_bytes."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._reject(send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._reject(send)

    async def _reject(self, send: Send) -> None:
        await send_json(send, 413, {"detail": too_large_message(self.max_bytes)}, {"Connection": "close"})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
