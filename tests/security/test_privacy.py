"""Item 4: no user text in any log line, rows really gone on delete, retention with a fake clock.

The log test runs a real uvicorn process with weframe's production log configuration
(app.web.server.log_config: access log on, weframe's logger at debug) plus two routes that fail
with the user's text in the exception, before and after the response started. A sentinel goes
through every route, in every field and header; afterwards no line of the process's output
holds it. (No user text in URLs or browser storage: tests/browser/test_privacy_and_safety.py.
Retention: tests/web/test_retention.py, on SQLite and PostgreSQL with an injected clock.)
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlmodel import Session, col
from starlette.testclient import TestClient
from web.rehearsing import WARM_LINES, create, turn

from app.engine import MAX_CHARS
from app.store import Rehearsal, RehearsalMessage, RehearsalTurn
from app.web.local_server import free_port, start_server
from security.conftest import SENTINEL

LAUNCHER = """
import sys
import uvicorn
from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from app.web.main import create_app
from app.web.server import log_config

sentinel, port = sys.argv[1], int(sys.argv[2])
app = create_app()
router = APIRouter()

@router.get("/test/fails-before-answering")
def fails_before() -> None:
    raise RuntimeError("while handling " + sentinel)

@router.get("/test/fails-while-answering")
def fails_while() -> StreamingResponse:
    def body():
        yield b"the start of an answer"
        raise RuntimeError("while streaming " + sentinel)
    return StreamingResponse(body())

app.include_router(router)
uvicorn.run(app, host="127.0.0.1", port=port, log_config=log_config("debug"), log_level="debug",
            server_header=False, proxy_headers=False)
"""


def _send_the_sentinel_everywhere(http: httpx.Client) -> None:
    s = SENTINEL
    as_json = {"Content-Type": "application/json", "User-Agent": s, "Referer": f"http://x.invalid/{s}"}
    http.post("/api/analyze", json={"text": f"You never listen. {s}"}, headers=as_json)
    http.post("/api/analyze", json={"text": f"He hit me and I'm scared. {s}"}, headers=as_json)
    http.post("/api/analyze", json={"text": s * (MAX_CHARS // len(s) + 1)})
    http.post("/api/analyze", json={"text": 12, "other": s})
    http.post("/api/analyze", content=f'{{"text": "{s}"'.encode(), headers=as_json)  # malformed
    http.post("/api/analyze", content=s.encode(), headers={"Content-Type": "text/plain"})
    http.post("/api/analyze", content=b"{" + s.encode() * 5000, headers=as_json)  # over the body limit
    http.post("/api/analyze", json={"text": s}, headers={"Sec-Fetch-Site": "cross-site"})
    http.post("/api/rehearsals", json={"scenario": s})
    created = http.post("/api/rehearsals", json={"scenario": "stigma", "seed": 1}).json()
    path, token = f"/api/rehearsals/{created['id']}", {"X-Rehearsal-Token": created["token"]}
    http.post(f"{path}/turns", json={"text": f"{WARM_LINES[0]} {s}"}, headers=token)
    http.post(f"{path}/turns", json={"text": f"{s} \x00"}, headers=token)
    http.post(f"{path}/turns", json={"text": s}, headers={"X-Rehearsal-Token": s})
    http.get(path, headers={"X-Rehearsal-Token": s})
    http.get(path, headers=token)
    http.post(f"{path}/turns", json={"text": f"I'm afraid of him, he choked me. {s}"}, headers=token)
    http.post(f"{path}/turns", json={"text": f"I'm fine. {s}"}, headers=token)  # 409 now
    http.delete(path, headers={"X-Rehearsal-Token": s})
    http.delete(path, headers=token)
    http.get("/", params={"text": s})  # a client putting text in a URL: the access log drops the query
    http.get("/help", headers={"Cookie": f"wf_token={s}"})
    http.get("/test/fails-before-answering")
    with contextlib.suppress(httpx.HTTPError):  # the connection is closed mid-answer
        http.get("/test/fails-while-answering")


def test_the_sentinel_reaches_no_log_line(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-c", LAUNCHER, SENTINEL, str(port)]
    env = {
        "WEFRAME_DATA_DIR": str(tmp_path),
        "WEFRAME_LOG_LEVEL": "debug",
        "WEFRAME_RATE_LIMIT_PER_MINUTE": "0",
    }
    server = start_server(env, tmp_path / "server.log", port=port, command=command)
    try:
        with httpx.Client(base_url=server.url, timeout=10) as http:
            _send_the_sentinel_everywhere(http)
    finally:
        server.stop()
    log = server.log_text()
    # the logs were on and busy: access lines, the incident lines, uvicorn's own notes
    assert '"POST /api/analyze HTTP/1.1" 200' in log and '"GET /?... HTTP/1.1" 200' in log
    assert "unexpected RuntimeError on GET /test/fails-before-answering" in log
    assert "unexpected RuntimeError on GET /test/fails-while-answering" in log
    leaks = [line for line in log.splitlines() if SENTINEL in line or "QUOKKA" in line]
    assert not leaks, leaks


def _rows(client: TestClient, table: Any, rehearsal_id: str) -> int:
    key = Rehearsal.id if table is Rehearsal else table.rehearsal_id
    with Session(client.app.state.rehearsals.engine) as session:  # type: ignore[attr-defined]
        query = select(func.count()).select_from(table).where(col(key) == rehearsal_id)
        return int(session.execute(query).scalar_one())


def test_deleting_a_rehearsal_removes_its_rows_and_only_its_rows(any_client: TestClient) -> None:
    kept_id, kept_token, _ = create(any_client)
    gone_id, gone_token, _ = create(any_client)
    for rehearsal_id, token in ((kept_id, kept_token), (gone_id, gone_token)):
        for line in WARM_LINES[:2]:
            assert turn(any_client, rehearsal_id, token, f"{line} {SENTINEL}").status_code == 200
    tables = (Rehearsal, RehearsalTurn, RehearsalMessage)
    before = {table.__name__: _rows(any_client, table, gone_id) for table in tables}
    assert before == {"Rehearsal": 1, "RehearsalTurn": 2, "RehearsalMessage": before["RehearsalMessage"]}
    assert before["RehearsalMessage"] >= 5
    response = any_client.delete(f"/api/rehearsals/{gone_id}", headers={"X-Rehearsal-Token": gone_token})
    assert response.status_code == 204
    assert {table.__name__: _rows(any_client, table, gone_id) for table in tables} == dict.fromkeys(before, 0)
    assert _rows(any_client, RehearsalTurn, kept_id) == 2  # the other rehearsal is untouched
    with Session(any_client.app.state.rehearsals.engine) as session:  # type: ignore[attr-defined]
        texts = session.execute(select(RehearsalMessage.text)).scalars().all()
    assert sum(SENTINEL in text for text in texts) == 2  # only the kept rehearsal's two lines remain
    assert json.dumps(texts).count(gone_id) == 0
