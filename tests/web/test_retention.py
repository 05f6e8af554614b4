"""Retention: old rehearsals disappear, with an injected clock."""

from __future__ import annotations

from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from app.services.retention import purge_expired
from app.store import Rehearsal, RehearsalMessage, RehearsalTurn
from web.clock import FakeClock
from web.rehearsing import WARM_LINES, create, read, turn


def _count(client: TestClient, table: object) -> int:
    engine = client.app.state.rehearsals.engine  # type: ignore[attr-defined]
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_expired_rehearsals_are_gone_and_purged(any_client: TestClient, clock: FakeClock) -> None:
    old_id, old_token, _ = create(any_client)
    clock.advance(days=20)
    fresh_id, fresh_token, _ = create(any_client)
    assert turn(any_client, old_id, old_token, WARM_LINES[0]).status_code == 200  # a turn keeps it alive
    clock.advance(days=29, hours=23)
    assert read(any_client, old_id, old_token).status_code == 200
    clock.advance(hours=2)  # both: 30 days and 1 hour untouched
    assert read(any_client, old_id, old_token).status_code == 404
    assert read(any_client, fresh_id, fresh_token).status_code == 404
    assert _count(any_client, Rehearsal) == 2  # answered 404 already, rows not yet purged
    purged = purge_expired(any_client.app.state.rehearsals)  # type: ignore[attr-defined]
    assert purged == 2
    assert _count(any_client, Rehearsal) == 0 and _count(any_client, RehearsalMessage) == 0
    assert _count(any_client, RehearsalTurn) == 0


def test_purge_keeps_recent_rehearsals(client: TestClient, clock: FakeClock) -> None:
    create(client)
    clock.advance(days=29)
    assert purge_expired(client.app.state.rehearsals) == 0  # type: ignore[attr-defined]
    assert _count(client, Rehearsal) == 1


def test_retention_is_a_setting(client_factory: object, clock: FakeClock) -> None:
    client = client_factory(retention_days=2)  # type: ignore[operator]
    rehearsal_id, token, _ = create(client)
    clock.advance(days=2, seconds=1)
    assert read(client, rehearsal_id, token).status_code == 404


def test_start_up_purges(client_factory: object, clock: FakeClock) -> None:
    first = client_factory()  # type: ignore[operator]
    create(first)
    clock.advance(days=31)
    second = client_factory()  # type: ignore[operator]  # same database, new process
    assert _count(second, Rehearsal) == 0
