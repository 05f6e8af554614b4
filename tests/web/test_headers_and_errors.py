"""The one error shape: generic 500s, and errors that do not echo or log the input.

The headers on responses of every status are in tests/security/test_headers.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from web.failing import with_failing_route
from web.rehearsing import create, read, turn

SENTINEL = "ZEBRA-SENTINEL-4471 my husband"


def _broken_client(client_factory: Callable[..., TestClient]) -> TestClient:
    return with_failing_route(client_factory(), SENTINEL)


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
