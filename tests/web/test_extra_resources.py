"""Local hotlines from WEFRAME_EXTRA_RESOURCES reach every answer, rehearsals included."""

from __future__ import annotations

from pathlib import Path

from store.databases import sqlite_file_url

from app.engine import load_analyzer
from app.paths import DATA_DIR
from app.web.main import create_app
from web.clock import FakeClock
from web.conftest import TestClient, make_settings

HOTLINE = "Example Valley Helpline"


def test_extra_resources_reach_analysis_and_rehearsal(tmp_path: Path, clock: FakeClock) -> None:
    extra = tmp_path / "local.toml"
    extra.write_text(f'[[resource]]\nname = "{HOTLINE}"\ncontact = "Call 555 0100"\n', encoding="utf-8")
    settings = make_settings(tmp_path, sqlite_file_url(tmp_path), extra_resources=extra)
    app = create_app(settings, analyzer=load_analyzer(DATA_DIR, extra), clock=clock)
    with TestClient(app) as client:
        disclosure = "He said he would hurt me if I ever left."
        analysis = client.post("/api/analyze", json={"text": disclosure}).json()
        assert HOTLINE in [r["name"] for r in analysis["safety"]["resources"]]

        created = client.post("/api/rehearsals", json={"scenario": "stigma", "seed": 1}).json()
        answer = client.post(
            f"/api/rehearsals/{created['id']}/turns",
            json={"text": disclosure},
            headers={"X-Rehearsal-Token": created["token"]},
        ).json()
        assert answer["state"]["outcome"] == "paused-for-safety"
        assert answer["reply"] is None
        assert HOTLINE in " ".join(answer["coach"]["notes"])
