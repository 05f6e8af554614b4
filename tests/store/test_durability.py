"""Item 6: scripts/durability.py in a short, bounded form, on SQLite and on PostgreSQL.

A real server takes numbered turns from four clients and is killed with SIGKILL mid-stream;
every turn that got a 2xx must come back after a restart, and the database must pass its
integrity check. (Connection pragmas on every pooled connection: test_database.py.)
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from script_modules import load_script
from sqlmodel import Session

from app.store import Rehearsal, RehearsalMessage, RehearsalTurn, make_engine, upgrade_to_head
from store.databases import postgres_server_url, sqlite_file_url

SHORT = ["--rounds", "1", "--clients", "4", "--kill-between", "15", "40", "--turns", "120", "--seconds", "30"]


def _script() -> ModuleType:
    return load_script("durability")


def test_every_acknowledged_turn_survives_sigkill_on_sqlite(capsys: pytest.CaptureFixture[str]) -> None:
    assert _script().main(["--database", "sqlite", *SHORT]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "lost 0" in out and "integrity ok" in out and "1/1 rounds passed" in out, out


@pytest.mark.postgres
def test_every_acknowledged_turn_survives_sigkill_on_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    url = postgres_server_url()
    assert _script().main(["--database", "postgres", "--database-url", url, *SHORT]) == 0, (
        capsys.readouterr().out
    )
    out = capsys.readouterr().out
    assert "lost 0" in out and "integrity ok" in out and "1/1 rounds passed" in out, out


def test_the_consistency_check_sees_a_half_written_turn(tmp_path: Path) -> None:
    url = sqlite_file_url(tmp_path)
    engine = make_engine(url)
    upgrade_to_head(engine)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with Session(engine) as session:
        session.add(
            Rehearsal(
                id="b" * 32,
                scenario="stigma",
                token_hash="0" * 64,
                turn=2,
                state={},
                created_at=now,
                updated_at=now,
            )
        )
        session.flush()
        session.add(RehearsalTurn(rehearsal_id="b" * 32, turn=1, coach={}, created_at=now))
        session.add(RehearsalMessage(rehearsal_id="b" * 32, turn=1, position=0, role="user", text="hi"))
        session.commit()  # the counter says 2 turns, only one was written
    engine.dispose()
    problems = _script().integrity_problems(url)
    assert problems and "counter 2, 1 turn rows" in problems[0]
