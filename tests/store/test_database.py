"""The store on a real SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from app.store import Rehearsal, RehearsalMessage, RehearsalTurn, make_engine, upgrade_to_head
from app.store.migrations import current_revision
from store.databases import sqlite_file_url

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _rehearsal(rehearsal_id: str = "a" * 32) -> Rehearsal:
    return Rehearsal(
        id=rehearsal_id,
        scenario="stigma",
        token_hash="0" * 64,
        turn=0,
        state={"turn": 0},
        created_at=NOW,
        updated_at=NOW,
    )


def test_sqlite_pragmas_hold_on_every_pooled_connection(tmp_path: Path) -> None:
    engine = make_engine(sqlite_file_url(tmp_path), busy_timeout_ms=4321)
    connections = [engine.connect() for _ in range(4)]  # four distinct pooled connections
    try:
        for connection in connections:
            pragma = {
                name: connection.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
            assert pragma == {
                "journal_mode": "wal",
                "foreign_keys": 1,
                "busy_timeout": 4321,
                "synchronous": 2,
            }
    finally:
        for connection in connections:
            connection.close()
        engine.dispose()


def test_sqlite_file_and_folder_are_created_on_first_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'deeper' / 'still' / 'weframe.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    assert (tmp_path / "deeper" / "still" / "weframe.db").is_file()


def test_migrations_create_the_tables_and_can_run_again(engine: Engine) -> None:
    upgrade_to_head(engine)  # a second run finds nothing to do
    tables = set(inspect(engine).get_table_names())
    assert {"rehearsal", "rehearsal_turn", "rehearsal_message", "alembic_version"} <= tables
    assert current_revision(engine) == "0001"


def test_migrations_from_several_processes_at_once_take_turns(db_url: str) -> None:
    engines = [make_engine(db_url) for _ in range(3)]
    errors: list[BaseException] = []

    def migrate(engine: Engine) -> None:
        try:
            upgrade_to_head(engine)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=migrate, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert not errors, errors
        assert current_revision(engines[0]) == "0001"
    finally:
        for engine in engines:
            engine.dispose()


def test_turn_number_is_unique_per_rehearsal(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(_rehearsal())
        session.commit()
        session.add(RehearsalTurn(rehearsal_id="a" * 32, turn=1, coach={}, created_at=NOW))
        session.commit()
        session.add(RehearsalTurn(rehearsal_id="a" * 32, turn=1, coach={}, created_at=NOW))
        with pytest.raises(IntegrityError):
            session.commit()


def test_message_needs_an_existing_rehearsal(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(RehearsalMessage(rehearsal_id="b" * 32, turn=0, position=0, role="spouse", text="hi"))
        with pytest.raises(IntegrityError):
            session.commit()


def test_deleting_a_rehearsal_deletes_its_turns_and_messages(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(_rehearsal())
        session.commit()
        session.add(RehearsalTurn(rehearsal_id="a" * 32, turn=1, coach={"notes": []}, created_at=NOW))
        session.add(RehearsalMessage(rehearsal_id="a" * 32, turn=0, position=0, role="spouse", text="hi"))
        session.commit()
        session.delete(session.get(Rehearsal, "a" * 32))
        session.commit()
        assert session.exec(select(func.count()).select_from(RehearsalTurn)).one() == 0
        assert session.exec(select(func.count()).select_from(RehearsalMessage)).one() == 0


def test_json_state_and_times_round_trip(engine: Engine) -> None:
    state = {"turn": 3, "nested": {"list": [1, "two", None]}, "text": "caf\u00e9 \U0001f642"}
    with Session(engine) as session:
        row = _rehearsal()
        row.state = state
        session.add(row)
        session.commit()
    with Session(engine) as session:
        loaded = session.get(Rehearsal, "a" * 32)
        assert loaded is not None
        assert loaded.state == state
        stored = loaded.updated_at if loaded.updated_at.tzinfo else loaded.updated_at.replace(tzinfo=UTC)
        assert stored == NOW


@pytest.mark.postgres
def test_postgresql_commits_are_durable_on_every_pooled_connection() -> None:
    from store.databases import fresh_postgres_schema

    with fresh_postgres_schema() as url:
        parsed = make_url(url)  # a server or role that turned it off does not win
        options = f"{parsed.query['options']} -csynchronous_commit=off"
        engine = make_engine(
            parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)
        )
        connections = [engine.connect() for _ in range(4)]
        try:
            for connection in connections:
                settings = {
                    name: connection.execute(text(f"SHOW {name}")).scalar()
                    for name in ("synchronous_commit", "fsync", "default_transaction_isolation")
                }
                assert settings == {
                    "synchronous_commit": "on",
                    "fsync": "on",
                    "default_transaction_isolation": "read committed",
                }
        finally:
            for connection in connections:
                connection.close()
            engine.dispose()
