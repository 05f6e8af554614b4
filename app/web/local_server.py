"""weframe as a real server process on 127.0.0.1, for the tests and the load and durability scripts.

The server gets a free port and its own process group, so it is stopped (or killed with
SIGKILL, to test durability) by its PID together with any uvicorn workers it started. Its
environment holds only what the caller passes plus the parent's non-weframe variables.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.paths import ROOT
from app.web.http_protocol import PROTOCOL_PATH

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class ServerDidNotStart(RuntimeError):
    """The server exited or did not answer /healthz in time; the message holds its log."""


@dataclass
class LocalServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL the server and its workers at once, as a crash would."""
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM (a graceful shutdown), then SIGKILL if it takes longer than timeout."""
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        # workers left behind by a supervisor that died first
        self._signal(signal.SIGKILL)

    def _signal(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(self.process.pid, sig)  # the group id is the server's own PID


def server_command(
    port: int, *, workers: int = 1, serve: bool = False, log_level: str = "warning"
) -> list[str]:
    """`weframe serve` (serve=True: preflight, settings, log format) or uvicorn on the app factory."""
    if serve:
        return [sys.executable, "-m", "app", "serve", "--host", HOST, "--port", str(port)]
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "app.web.main:create_app",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        log_level,
        "--no-proxy-headers",
        "--http",
        PROTOCOL_PATH,
    ]


def start_server(
    env: Mapping[str, str],
    log: Path,
    *,
    workers: int = 1,
    serve: bool = False,
    log_level: str = "warning",
    port: int | None = None,
    timeout: float = 60,
    command: list[str] | None = None,
) -> LocalServer:
    """Start the server (or command, given the port) and wait until /healthz answers 200."""
    port = port or free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("WEFRAME_") and k != "DATABASE_URL"}
    full_env.update(env)
    if serve:
        full_env.setdefault("WEFRAME_WORKERS", str(workers))
        full_env.setdefault("WEFRAME_LOG_LEVEL", log_level)
    command = command or server_command(port, workers=workers, serve=serve, log_level=log_level)
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = LocalServer(url=f"http://{HOST}:{port}", process=process, log=log)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise ServerDidNotStart(f"the server exited at start-up:\n{server.log_text()}")
        if answers(f"{server.url}/healthz"):
            return server
        if time.monotonic() > deadline:
            server.stop()
            raise ServerDidNotStart(f"the server did not answer within {timeout:.0f} s:\n{server.log_text()}")
        time.sleep(0.1)


def answers(url: str) -> bool:
    """True when url answers 200 within two seconds."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # our own 127.0.0.1 URL
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def local_server(
    env: Mapping[str, str], log: Path, *, workers: int = 1, serve: bool = False, log_level: str = "warning"
) -> Iterator[LocalServer]:
    """start_server() as a context: always stopped afterwards."""
    server = start_server(env, log, workers=workers, serve=serve, log_level=log_level)
    try:
        yield server
    finally:
        server.stop()
