"""A real uvicorn server and Debian's Chromium driven by Playwright (never a downloaded browser).

The server runs on a free 127.0.0.1 port with its own SQLite file (app.web.local_server); it is
stopped by its PID at the end of the session. One browser serves the whole session; each test gets a
fresh context (no shared cookies) and fails on any console error, page error or dialog.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from store.databases import skip_or_fail

from app.web.local_server import LocalServer, ServerDidNotStart, free_port, start_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
SHOTS = Path("/tmp/shots")
Server = LocalServer  # the name the tests import


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    folder = tmp_path_factory.mktemp("server")
    port = free_port()
    env = {
        "WEFRAME_DATA_DIR": str(folder),
        "WEFRAME_QUICK_EXIT_URL": f"http://127.0.0.1:{port}/healthz",
        "WEFRAME_PURGE_INTERVAL_SECONDS": "0",
        # on, but roomy: one browser session sends a few hundred API calls from one address
        "WEFRAME_RATE_LIMIT_PER_MINUTE": "1200",
        "WEFRAME_RATE_LIMIT_BURST": "400",
    }
    try:
        started = start_server(env, folder / "server.log", port=port)
    except ServerDidNotStart as exc:
        pytest.fail(str(exc))
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Watch:
    """What a page said that a person would not want to see."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        errors = [e for e in self.console_errors if not any(a in e for a in self.allowed)]
        return errors + self.page_errors + [f"dialog: {d}" for d in self.dialogs]


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser: Any, server: Server, watch: Watch) -> Iterator[Any]:
    context = browser.new_context(base_url=server.url, viewport={"width": 1000, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    new_page = context.new_page()
    new_page.set_default_timeout(10_000)
    new_page.on("console", lambda m: watch.console_errors.append(m.text) if m.type == "error" else None)
    new_page.on("pageerror", lambda e: watch.page_errors.append(str(e)))

    def on_dialog(dialog: Any) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    new_page.on("dialog", on_dialog)
    try:
        yield new_page
        assert not watch.problems(), watch.problems()
    finally:
        context.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
