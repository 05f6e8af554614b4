"""`weframe serve` as a real process: data checked first, migrations applied, several workers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from store.databases import fresh_postgres_schema

from app.paths import DATA_DIR, ROOT
from app.web import server as server_module
from web.rehearsing import WARM_LINES


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(tmp_path: Path, **env: str) -> Iterator[str]:
    """`python -m app serve` on a free port; stopped by its PID afterwards."""
    port = _free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("WEFRAME_") and k != "DATABASE_URL"}
    full_env.update({"WEFRAME_DATA_DIR": str(tmp_path), "WEFRAME_LOG_LEVEL": "warning", **env})
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 40
        while True:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_a_bad_data_file_stops_start_up_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "guide.toml").write_text("this is = = not toml\n", encoding="utf-8")
    monkeypatch.setattr(server_module, "DATA_DIR", data)
    monkeypatch.setenv("WEFRAME_DATA_DIR", str(tmp_path))
    server_module.get_settings.cache_clear()
    try:
        assert server_module.serve("127.0.0.1", 0) == 2
    finally:
        server_module.get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "bad data file" in err and "guide.toml" in err


def test_serve_migrates_and_answers_with_two_workers_on_sqlite(tmp_path: Path) -> None:
    with running_server(tmp_path, WEFRAME_WORKERS="2") as url:
        page = httpx.get(url + "/")
        assert page.status_code == 200 and "server" not in page.headers
        assert httpx.post(url + "/api/analyze", json={"text": "You never listen."}).status_code == 200
    assert (tmp_path / "weframe.db").is_file()


@pytest.mark.postgres
def test_two_workers_on_one_postgresql_serve_one_rehearsal(tmp_path: Path) -> None:
    with (
        fresh_postgres_schema() as database,
        running_server(tmp_path, DATABASE_URL=database, WEFRAME_WORKERS="2") as url,
        httpx.Client(base_url=url, timeout=10) as client,
    ):
        created = client.post("/api/rehearsals", json={"scenario": "misunderstanding", "seed": 1}).json()
        headers = {"X-Rehearsal-Token": created["token"]}
        path = f"{url}/api/rehearsals/{created['id']}"
        statuses: list[int] = []

        def send(text: str) -> None:
            # a new connection per turn, so both workers take part
            statuses.append(httpx.post(f"{path}/turns", json={"text": text}, headers=headers).status_code)

        for round_ in range(2):
            lines = [f"{line} ({round_})" for line in WARM_LINES[:3]]
            threads = [threading.Thread(target=send, args=(line,)) for line in lines]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
        stored = client.get(path, headers=headers).json()
    assert set(statuses) <= {200, 409} and 200 in statuses
    users = [m["text"] for m in stored["messages"] if m["role"] == "user"]
    assert len(users) == statuses.count(200) == stored["state"]["turn"]
    assert len(set(users)) == len(users)
