"""Item 1: security headers on responses of every status, HSTS and cookies over TLS, and the
same-origin check on every request that changes something."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from starlette.testclient import TestClient
from web.failing import with_failing_route
from web.rehearsing import create, turn

from app.store import Rehearsal, RehearsalMessage
from security.conftest import SENTINEL

CSP_PARTS = (
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)
DISCLOSURE = "He hit me last night and I'm scared of him."


def assert_security_headers(response: Any, *, cacheable: bool = False) -> None:
    headers = response.headers
    csp = headers["content-security-policy"]
    for part in CSP_PARTS:
        assert part in csp, (response.status_code, part)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    if not cacheable:
        assert headers["cache-control"] == "no-store", response.status_code


def _count(client: TestClient, table: Any) -> int:
    with Session(client.app.state.rehearsals.engine) as session:  # type: ignore[attr-defined]
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.fixture
def app_client(client_factory: Callable[..., TestClient]) -> TestClient:
    """Rate limited (burst 40), with a route that fails, so every status can be produced."""
    return with_failing_route(client_factory(rate_limit_per_minute=1, rate_limit_burst=40), SENTINEL)


def test_headers_on_responses_of_every_status(
    app_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app_client
    rehearsal_id, token, _ = create(client)
    over_id, over_token, _ = create(client)
    assert turn(client, over_id, over_token, DISCLOSURE).status_code == 200
    responses = {
        "page": client.get("/"),
        "help page": client.get("/help"),
        "turn": turn(client, rehearsal_id, token, "I love us."),
        "created": client.post("/api/rehearsals", json={"scenario": "stigma"}),
        "cross-site": client.post(
            "/api/analyze", json={"text": "hi"}, headers={"Sec-Fetch-Site": "cross-site"}
        ),
        "unknown": client.get("/api/rehearsals/" + "0" * 32),
        "method": client.put("/api/analyze"),
        "trace": client.request("TRACE", "/"),
        "paused": turn(client, over_id, over_token, "I'm fine now."),
        "too large": client.post("/api/analyze", json={"text": "x" * 5001}),
        "invalid": client.post("/api/analyze", json={"text": ""}),
        "error": client.get("/boom"),
    }

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("INSERT ...", {"text": SENTINEL}, Exception("database is locked"))

    monkeypatch.setattr("app.services.rehearsals.session_scope", broken)
    responses["database busy"] = client.get(
        f"/api/rehearsals/{rehearsal_id}", headers={"X-Rehearsal-Token": token}
    )
    monkeypatch.undo()
    responses["deleted"] = client.delete(
        f"/api/rehearsals/{rehearsal_id}", headers={"X-Rehearsal-Token": token}
    )
    while (limited := client.get("/api/scenarios")).status_code != 429:
        pass
    responses["rate limited"] = limited
    statuses = {name: response.status_code for name, response in responses.items()}
    assert statuses == {
        "page": 200,
        "help page": 200,
        "turn": 200,
        "created": 201,
        "cross-site": 403,
        "unknown": 404,
        "method": 405,
        "trace": 405,
        "paused": 409,
        "too large": 413,
        "invalid": 422,
        "error": 500,
        "database busy": 503,
        "deleted": 204,
        "rate limited": 429,
    }
    for response in responses.values():
        assert_security_headers(response)
        assert "strict-transport-security" not in response.headers  # plain HTTP: no HSTS
    assert responses["database busy"].headers["retry-after"] == "2"
    assert SENTINEL not in responses["database busy"].text and SENTINEL not in responses["error"].text


def test_static_files_carry_the_headers_and_may_be_cached(client: TestClient) -> None:
    response = client.get("/static/app.js")
    assert response.status_code == 200
    assert_security_headers(response, cacheable=True)
    assert "no-store" not in response.headers.get("cache-control", "")


def test_over_tls_hsts_is_sent_and_the_cookie_is_secure(client: TestClient) -> None:
    tls = TestClient(client.app, base_url="https://testserver")
    for response in (tls.get("/"), tls.get("/nothing-here"), tls.post("/api/analyze", json={"text": ""})):
        assert response.headers["strict-transport-security"].startswith("max-age=")
        assert_security_headers(response)
    created = tls.post("/api/rehearsals", json={"scenario": "stigma"})
    cookie = created.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "domain=" not in cookie
    plain = client.post("/api/rehearsals", json={"scenario": "stigma"}).headers["set-cookie"].lower()
    assert "httponly" in plain and "samesite=strict" in plain and "secure" not in plain


def test_the_cookie_is_secure_always_when_configured(client_factory: Callable[..., TestClient]) -> None:
    client = client_factory(cookie_secure="always")
    cookie = client.post("/api/rehearsals", json={"scenario": "stigma"}).headers["set-cookie"].lower()
    assert "secure" in cookie


CROSS_SITE = [
    pytest.param({"Sec-Fetch-Site": "cross-site"}, id="sec-fetch-cross-site"),
    pytest.param({"Sec-Fetch-Site": "same-site"}, id="sec-fetch-same-site"),
    pytest.param({"Origin": "http://attacker.invalid"}, id="foreign-origin"),
    pytest.param({"Origin": "null"}, id="null-origin"),
    pytest.param({"Origin": "http://testserver.attacker.invalid"}, id="look-alike-origin"),
    pytest.param(
        {"Origin": "http://attacker.invalid", "Sec-Fetch-Site": "cross-site"}, id="origin-and-sec-fetch"
    ),
]


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_cross_site_requests_change_nothing(client: TestClient, headers: dict[str, str]) -> None:
    rehearsal_id, token, _ = create(client)
    before = (_count(client, Rehearsal), _count(client, RehearsalMessage))
    owned = {"X-Rehearsal-Token": token, **headers}
    attempts = [
        client.post("/api/rehearsals", json={"scenario": "stigma"}, headers=headers),
        client.post(f"/api/rehearsals/{rehearsal_id}/turns", json={"text": "I love us."}, headers=owned),
        client.delete(f"/api/rehearsals/{rehearsal_id}", headers=owned),
        client.post("/api/analyze", json={"text": "You never listen."}, headers=headers),
    ]
    for response in attempts:
        assert response.status_code == 403, response.text
        assert response.json()["detail"]
    assert (_count(client, Rehearsal), _count(client, RehearsalMessage)) == before


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}, id="the-page"),
        pytest.param({"Origin": "http://testserver"}, id="same-origin-older-browser"),
        pytest.param({}, id="a-program-without-browser-headers"),
    ],
)
def test_same_origin_and_programs_are_served(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post("/api/rehearsals", json={"scenario": "stigma"}, headers=headers)
    assert response.status_code == 201
    owned = {"X-Rehearsal-Token": response.json()["token"], **headers}
    assert client.delete(f"/api/rehearsals/{response.json()['id']}", headers=owned).status_code == 204


def test_reading_never_writes(client: TestClient) -> None:
    rehearsal_id, token, _ = create(client)
    turn(client, rehearsal_id, token, "I love us.")
    before = (_count(client, Rehearsal), _count(client, RehearsalMessage))
    cross = {"Sec-Fetch-Site": "cross-site", "X-Rehearsal-Token": token}
    for path in ("/", "/help", "/api/scenarios", f"/api/rehearsals/{rehearsal_id}", "/healthz"):
        assert client.get(path, headers=cross).status_code == 200  # cross-site reads are fine...
        assert client.head(path).status_code in {200, 405}
    assert (_count(client, Rehearsal), _count(client, RehearsalMessage)) == before  # ...they write nothing
