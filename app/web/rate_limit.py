"""Per-client rate limiting of the API: a token bucket per client address, answered with 429.

The client is the address that connected (``scope["client"]``). A client-sent X-Forwarded-For
changes it only when uvicorn was told to trust the proxy it came through
(``WEFRAME_FORWARDED_ALLOW_IPS``; empty by default), so a client cannot pick a fresh identity
per request. Buckets live in each process's memory: with N workers a client may get up to N
times the rate, which still bounds the cost of one client.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from app.web.middleware import send_json

LIMITED_PREFIX = "/api/"
MAX_CLIENTS = 10_000
TOO_MANY_MESSAGE = "Too many requests in a short time. Please wait a moment and try again."


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """``burst`` requests at once, refilled at ``per_minute``; remembers at most ``max_clients``.

    Not thread-safe: the middleware calls it from the event loop only.
    """

    def __init__(
        self,
        per_minute: int,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, client: str) -> float:
        """0 when client may go ahead (one token taken); else the seconds until it may."""
        now = self.clock()
        bucket = self._buckets.pop(client, None)
        if bucket is None:
            bucket = _Bucket(tokens=self.burst, updated=now)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        self._buckets[client] = bucket  # most recently seen last
        if len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)  # forget the longest-quiet client: it gets a full bucket
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate

    def __len__(self) -> int:
        return len(self._buckets)


class RateLimitMiddleware:
    """429 with Retry-After once a client has used up its bucket; only paths under /api/."""

    def __init__(self, app: ASGIApp, buckets: TokenBuckets) -> None:
        self.app = app
        self.buckets = buckets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(LIMITED_PREFIX):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.buckets.take(client[0] if client else "")
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        retry_after = str(max(1, math.ceil(wait)))
        await send_json(send, 429, {"detail": TOO_MANY_MESSAGE}, {"Retry-After": retry_after})
