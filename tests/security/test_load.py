"""Item 7: scripts/loadtest.py in a short form (8 users, 2 s a phase) against a real server with
2 workers, on SQLite and on PostgreSQL: no errors and no lost turns. The full run (50 users) and
its figures are in the README; the analyze/healthz ratio is printed here, not gated, because a
2-second run on a shared CI machine is too noisy to judge it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient
from store.databases import postgres_server_url

from app.paths import ROOT

SHORT = ["--users", "8", "--seconds", "2", "--workers", "2"]


def _assert_clean(out: str, database: str) -> None:
    lines = [line for line in out.splitlines() if line.startswith(database)]
    phases = [line for line in lines if "req/s" in line]
    assert len(phases) == 3, out
    assert all("errors 0" in line for line in phases), out
    assert "lost turns 0" in phases[-1] and " turns 0 " not in phases[-1], out
    assert any("analyze/healthz" in line for line in lines), out


def _run(*args: str) -> str:
    """The script as its own process (asyncio.run cannot nest in a test process that runs Playwright)."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "loadtest.py"), *args, *SHORT],
        capture_output=True,
        text=True,
        timeout=180,
    )
    print(run.stdout)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    return run.stdout


@pytest.mark.slow
def test_the_short_load_test_passes_on_sqlite() -> None:
    _assert_clean(_run("--database", "sqlite"), "sqlite")


@pytest.mark.slow
@pytest.mark.postgres
def test_the_short_load_test_passes_on_postgresql() -> None:
    out = _run("--database", "postgres", "--database-url", postgres_server_url())
    _assert_clean(out, "postgres")


def test_analyze_never_touches_the_database(client: TestClient) -> None:
    """Checks and rewrites store nothing and need no connection: their cost is the engine's alone."""
    engine = client.app.state.rehearsals.engine  # type: ignore[attr-defined]
    checkouts: list[object] = []

    def listener(*args: object) -> None:
        checkouts.append(args)

    event.listen(engine, "checkout", listener)
    try:
        for text in ("You never listen to me.", "I love us.", "He hit me and I'm scared.", "x" * 6000):
            assert client.post("/api/analyze", json={"text": text}).status_code in {200, 413}
        assert checkouts == []
        client.get("/healthz")
        assert len(checkouts) == 1  # the listener does see a request that uses the database
    finally:
        event.remove(engine, "checkout", listener)
