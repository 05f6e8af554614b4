"""Security headers on responses of every status, and the one error shape."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from fastapi import APIRouter
from starlette.testclient import TestClient

from web.rehearsing import create, read, turn

SENTINEL = "ZEBRA-SENTINEL-4471 my husband"


def _assert_security_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers["content-security-policy"]
    for part in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert part in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def _broken_client(client_factory: Callable[..., TestClient]) -> TestClient:
    client = client_factory()
    router = APIRouter()

    @router.get("/boom")
    def boom() -> None:
        raise RuntimeError(f"exploded while handling {SENTINEL}")

    client.app.include_router(router)  # type: ignore[attr-defined]
    return client


def test_headers_on_every_status(client_factory: Callable[..., TestClient]) -> None:
    client = _broken_client(client_factory)
    responses = {
        200: client.get("/"),
        201: client.post("/api/rehearsals", json={"scenario": "stigma"}),
        404: client.get("/api/rehearsals/" + "0" * 32),
        405: client.put("/api/analyze"),
        413: client.post("/api/analyze", json={"text": "x" * 5001}),
        422: client.post("/api/analyze", json={"text": ""}),
        500: client.get("/boom"),
    }
    rehearsal_id = responses[201].json()["id"]
    responses[204] = client.delete(f"/api/rehearsals/{rehearsal_id}")
    for status, response in responses.items():
        assert response.status_code == status, (status, response.text)
        _assert_security_headers(response)
        assert response.headers["cache-control"] == "no-store"


def test_static_files_have_the_headers_and_may_be_cached(client: TestClient) -> None:
    response = client.get("/static/app.js")
    assert response.status_code == 200
    _assert_security_headers(response)
    assert "no-store" not in response.headers.get("cache-control", "")


def test_a_500_is_generic_and_its_log_holds_no_exception_text(
    client_factory: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    client = _broken_client(client_factory)
    with caplog.at_level(logging.DEBUG):
        response = client.get("/boom")
    assert response.status_code == 500
    detail = response.json()["detail"]
    assert "incident" in detail and SENTINEL not in detail and "Traceback" not in detail
    assert "RuntimeError" in caplog.text
    assert SENTINEL not in caplog.text


def test_user_text_never_reaches_the_log(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        client.post("/api/analyze", json={"text": f"You never listen. {SENTINEL}"})
        client.post("/api/analyze", json={"text": SENTINEL * 400})
        rehearsal_id, token, _ = create(client)
        turn(client, rehearsal_id, token, f"I love us. {SENTINEL}")
        turn(client, rehearsal_id, token, "")
        read(client, rehearsal_id, token)
    assert SENTINEL not in caplog.text


def test_validation_errors_do_not_echo_the_input(client: TestClient) -> None:
    response = client.post("/api/analyze", json={"text": 12345678, "other": SENTINEL})
    assert response.status_code == 422
    assert SENTINEL not in response.text and "12345678" not in response.text
