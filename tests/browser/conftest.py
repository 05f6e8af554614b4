"""A real uvicorn server and Debian's Chromium driven by Playwright (never a downloaded browser).

The server runs on a free 127.0.0.1 port with its own SQLite file; its PID is recorded and it
is stopped at the end of the session. One browser serves the whole session; each test gets a
fresh context (no shared cookies) and fails on any console error, page error or dialog.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from store.databases import skip_or_fail

from app.paths import ROOT

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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    pid: int
    log: Path


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("WEFRAME_")}
    env.update(
        {
            "DATABASE_URL": "",
            "WEFRAME_DATA_DIR": str(folder),
            "WEFRAME_QUICK_EXIT_URL": f"{url}/healthz",
            "WEFRAME_PURGE_INTERVAL_SECONDS": "0",
        }
    )
    log = folder / "server.log"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "app.web.main:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited at start-up:\n{log.read_text(errors='replace')}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within 30 s:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield Server(url=url, pid=process.pid, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


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
