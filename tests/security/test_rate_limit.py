"""Item 2: per-client rate limiting, 429 with Retry-After; a client-sent X-Forwarded-For is ignored
unless a trusted proxy is configured (checked on a real `weframe serve` process)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from starlette.testclient import TestClient

from app.web.local_server import local_server
from app.web.rate_limit import TokenBuckets

TEXT = {"text": "I love us."}


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_the_burst_then_refills_at_the_rate() -> None:
    ticks = Ticks()
    buckets = TokenBuckets(per_minute=6, burst=3, clock=ticks)
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == 10.0  # one token every 10 s
    assert buckets.take("b") == 0  # another client has its own bucket
    ticks.now += 9.9
    assert 0 < buckets.take("a") < 0.2
    ticks.now += 0.2
    assert buckets.take("a") == 0
    ticks.now += 3600
    assert [buckets.take("a") for _ in range(4)][-1] > 0  # refilled to the burst, not beyond


def test_the_buckets_remember_a_bounded_number_of_clients() -> None:
    buckets = TokenBuckets(per_minute=60, burst=1, clock=Ticks(), max_clients=100)
    for index in range(1000):
        buckets.take(f"10.0.{index // 256}.{index % 256}")
    assert len(buckets) == 100


def test_past_the_burst_the_api_answers_429_with_retry_after(
    client_factory: Callable[..., TestClient],
) -> None:
    client = client_factory(rate_limit_per_minute=6, rate_limit_burst=3)
    statuses = [client.post("/api/analyze", json=TEXT).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = client.post("/api/analyze", json=TEXT)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "10"
    assert "try again" in limited.json()["detail"]
    assert client.get("/api/scenarios").status_code == 429  # the whole API, not one route
    # the page, its files and the health check stay available
    assert [client.get(path).status_code for path in ("/", "/help", "/static/app.js", "/healthz")] == [
        200
    ] * 4
    spoofed = client.post("/api/analyze", json=TEXT, headers={"X-Forwarded-For": "203.0.113.9"})
    assert spoofed.status_code == 429
    other = TestClient(client.app, client=("198.51.100.7", 4000))
    assert other.post("/api/analyze", json=TEXT).status_code == 200


def test_limiting_can_be_switched_off(client_factory: Callable[..., TestClient]) -> None:
    client = client_factory(rate_limit_per_minute=0, rate_limit_burst=1)
    assert {client.post("/api/analyze", json=TEXT).status_code for _ in range(20)} == {200}


def _statuses(url: str, forwarded_for: list[str]) -> list[int]:
    with httpx.Client(base_url=url, timeout=10) as http:
        return [
            http.post("/api/analyze", json=TEXT, headers={"X-Forwarded-For": address}).status_code
            for address in forwarded_for
        ]


def test_a_real_server_ignores_x_forwarded_for_unless_the_proxy_is_trusted(tmp_path: Path) -> None:
    limits = {
        "WEFRAME_RATE_LIMIT_PER_MINUTE": "1",
        "WEFRAME_RATE_LIMIT_BURST": "3",
        "WEFRAME_DATA_DIR": str(tmp_path),
    }
    fresh_addresses = [f"203.0.113.{n}" for n in range(1, 6)]
    with local_server(limits, tmp_path / "default.log", serve=True) as server:
        assert _statuses(server.url, fresh_addresses) == [200, 200, 200, 429, 429]
    trusted = {**limits, "WEFRAME_FORWARDED_ALLOW_IPS": "127.0.0.1"}
    with local_server(trusted, tmp_path / "trusted.log", serve=True) as server:
        assert _statuses(server.url, fresh_addresses) == [200] * 5  # behind a trusted proxy: one client each
        assert _statuses(server.url, ["198.51.100.1"] * 4) == [200, 200, 200, 429]
