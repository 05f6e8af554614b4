"""`weframe serve` as a real process: data checked first, migrations applied, several workers."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from store.databases import fresh_postgres_schema

from app.paths import DATA_DIR
from app.web import server as server_module
from app.web.local_server import local_server
from web.rehearsing import WARM_LINES


@contextmanager
def running_server(tmp_path: Path, **env: str) -> Iterator[str]:
    """`python -m app serve` on a free port; stopped by its PID afterwards."""
    env = {"WEFRAME_DATA_DIR": str(tmp_path), **env}
    with local_server(env, tmp_path / "serve.log", serve=True) as server:
        yield server.url


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
        # keep-alive requests are not held back by Nagle's algorithm (40 ms each without TCP_NODELAY)
        with httpx.Client(base_url=url) as client:
            client.get("/healthz")
            started = time.perf_counter()
            for _ in range(20):
                assert client.get("/healthz").status_code == 200
            assert time.perf_counter() - started < 0.4
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
