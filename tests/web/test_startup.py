"""What the app does before it serves its first request."""

from __future__ import annotations

from pathlib import Path

from store.databases import sqlite_file_url

from app.engine import load_analyzer
from app.paths import DATA_DIR
from app.web.main import create_app
from web.conftest import TestClient, make_settings


def test_start_up_compiles_what_stays_compiled_so_few_requests_pay_for_it(tmp_path: Path) -> None:
    analyzer = load_analyzer(DATA_DIR)
    app = create_app(make_settings(tmp_path, sqlite_file_url(tmp_path)), analyzer=analyzer)
    with TestClient(app) as client:
        assert analyzer.warm_up() == 0  # the pool is full once start-up is over
        answer = client.post("/api/analyze", json={"text": "You never listen to me."})
        assert answer.status_code == 200
        assert answer.json()["findings"]
