"""Fixtures for the API and page tests: an app per test on its own database, a fake clock."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from store.databases import DATABASE_KINDS, database_url, sqlite_file_url

from app.engine import Analyzer
from app.settings import Settings
from app.web.main import create_app
from web.clock import FakeClock

with warnings.catch_warnings():
    # starlette's TestClient asks for httpx2; httpx still works and is what the project installs.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


def make_settings(tmp_path: Path, url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "database_url": url,
        "purge_interval_seconds": 0,
        "quick_exit_url": "about:blank",
        "rate_limit_per_minute": 0,  # the rate-limit tests turn it on
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, sqlite_file_url(tmp_path))


@pytest.fixture
def client(settings: Settings, analyzer: Analyzer, clock: FakeClock) -> Iterator[TestClient]:
    """A client of an app on a fresh SQLite file."""
    with TestClient(create_app(settings, analyzer=analyzer, clock=clock)) as test_client:
        yield test_client


@pytest.fixture(params=DATABASE_KINDS)
def any_client(
    request: pytest.FixtureRequest, tmp_path: Path, analyzer: Analyzer, clock: FakeClock
) -> Iterator[TestClient]:
    """A client of an app on a fresh SQLite file, then on a fresh PostgreSQL schema."""
    with database_url(request.param, tmp_path) as url:
        app = create_app(make_settings(tmp_path, url), analyzer=analyzer, clock=clock)
        with TestClient(app) as test_client:
            yield test_client


@pytest.fixture
def client_factory(
    tmp_path: Path, analyzer: Analyzer, clock: FakeClock
) -> Iterator[Callable[..., TestClient]]:
    """Build a client with other settings or a stand-in dialogue; closed at the end."""
    opened: list[TestClient] = []

    def build(url: str | None = None, *, dialogue: Any = None, **overrides: Any) -> TestClient:
        settings = make_settings(tmp_path, url or sqlite_file_url(tmp_path), **overrides)
        test_client = TestClient(create_app(settings, analyzer=analyzer, dialogue=dialogue, clock=clock))
        test_client.__enter__()
        opened.append(test_client)
        return test_client

    yield build
    for test_client in opened:
        test_client.__exit__(None, None, None)
