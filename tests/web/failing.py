"""A route that fails with the user's text in its exception message, added to a test app."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.testclient import TestClient


def with_failing_route(client: TestClient, text: str, path: str = "/boom") -> TestClient:
    """client, whose app now has GET path raising RuntimeError with text in its message."""
    router = APIRouter()

    @router.get(path)
    def boom() -> None:
        raise RuntimeError(f"exploded while handling {text}")

    client.app.include_router(router)  # type: ignore[attr-defined]
    return client
