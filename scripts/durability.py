#!/usr/bin/env python3
"""Crash durability: every turn the server answered 2xx survives a SIGKILL, and the database stays whole.

Starts weframe (uvicorn) on 127.0.0.1 against a fresh database, lets a few clients post numbered
rehearsal turns, kills the server with SIGKILL (with its workers) after a random number of
acknowledged turns, then:

1. checks the database where it lies: SQLite `PRAGMA integrity_check` and `foreign_key_check`;
   PostgreSQL `amcheck` on every index of weframe's tables when the extension can be had;
   on both, a consistency check (each rehearsal's turn counter equals its turn rows, numbered
   1..n without holes, each turn with its user line: a turn is all or nothing);
2. restarts the server and reads every rehearsal back through the API: each acknowledged turn
   must be there, exactly once.

Bounded: at most --turns turns and --seconds seconds per round. Exit status 0 when every round
passes. Usage:

    python scripts/durability.py --database sqlite --rounds 3
    python scripts/durability.py --database postgres --database-url postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.store.scratch import POSTGRES_DEFAULT, scratch_database  # noqa: E402
from app.web.local_server import LocalServer, start_server  # noqa: E402

LINE = "Turn {number:05d} from client {client}: I've been thinking about how our week went."
TABLES = ("rehearsal", "rehearsal_turn", "rehearsal_message")


@dataclass
class Acked:
    rehearsal_id: str
    token: str
    text: str


@dataclass
class Round:
    acked: list[Acked] = field(default_factory=list)
    rehearsals: dict[str, str] = field(default_factory=dict)  # id -> token
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    errors: list[str] = field(default_factory=list)
    numbers: int = 0

    def next_number(self) -> int:
        with self.lock:
            self.numbers += 1
            return self.numbers


def _client(url: str, index: int, state: Round, max_turns: int) -> None:
    """Post numbered turns until told to stop or the server goes away; record each 2xx."""
    with httpx.Client(base_url=url, timeout=10) as http:
        try:
            rehearsal_id, token = _create(http, state, index)
            while not state.stop.is_set():
                number = state.next_number()
                if number > max_turns:
                    return
                line = LINE.format(number=number, client=index)
                response = http.post(
                    f"/api/rehearsals/{rehearsal_id}/turns",
                    json={"text": line},
                    headers={"X-Rehearsal-Token": token},
                )
                if response.status_code == 200:
                    with state.lock:
                        state.acked.append(Acked(rehearsal_id, token, line))
                    if response.json()["state"]["outcome"] is not None:
                        rehearsal_id, token = _create(http, state, index)
                elif response.status_code == 409:  # the rehearsal reached its end: start another
                    rehearsal_id, token = _create(http, state, index)
                else:
                    with state.lock:
                        state.errors.append(f"a turn answered {response.status_code}: {response.text[:200]}")
                    return
        except httpx.HTTPError:
            return  # the server was killed mid-request: this turn was never acknowledged


def _create(http: httpx.Client, state: Round, index: int) -> tuple[str, str]:
    response = http.post("/api/rehearsals", json={"scenario": "solve-it-ourselves", "seed": index})
    response.raise_for_status()
    created = response.json()
    with state.lock:
        state.rehearsals[created["id"]] = created["token"]
    return created["id"], created["token"]


def integrity_problems(url: str) -> list[str]:
    """What is wrong with the database at url, checked directly (the server is down)."""
    problems: list[str] = []
    if make_url(url).get_backend_name() == "sqlite":
        with sqlite3.connect(make_url(url).database or "") as connection:
            result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if result != ["ok"]:
                problems.append(f"integrity_check: {result[:5]}")
            orphans = connection.execute("PRAGMA foreign_key_check").fetchall()
            if orphans:
                problems.append(f"foreign_key_check: {orphans[:5]}")
    else:
        problems += _amcheck(url)
    return problems + _consistency_problems(url)


def _amcheck(url: str) -> list[str]:
    """bt_index_check on every index of weframe's tables, when amcheck can be installed."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            available = connection.execute(
                text("SELECT 1 FROM pg_available_extensions WHERE name = 'amcheck'")
            ).first()
            if available is None:
                print("  amcheck: not available on this server; query-level checks only")
                return []
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
            indexes = connection.execute(
                text(
                    "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_am a ON a.oid = c.relam "
                    "WHERE t.relname = ANY(:tables) AND t.relnamespace = current_schema()::regnamespace "
                    "AND a.amname = 'btree'"
                ),
                {"tables": list(TABLES)},
            ).scalars()
            checked = 0
            for index in indexes:
                connection.execute(
                    text("SELECT bt_index_check(CAST(:index AS regclass), true)"), {"index": index}
                )
                checked += 1
        print(f"  amcheck: bt_index_check passed on {checked} indexes")
        return []
    except Exception as exc:  # an index that fails the check raises; report it as a problem
        return [f"amcheck: {type(exc).__name__}: {str(exc).splitlines()[0]}"]
    finally:
        engine.dispose()


def _consistency_problems(url: str) -> list[str]:
    """Every turn all or nothing: counter == turn rows, numbered 1..n, each with its user line."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT r.id, r.turn, COUNT(t.id), COALESCE(MIN(t.turn), 1), COALESCE(MAX(t.turn), 0), "
                    "(SELECT COUNT(*) FROM rehearsal_message m "
                    "WHERE m.rehearsal_id = r.id AND m.role = 'user') "
                    "FROM rehearsal r LEFT JOIN rehearsal_turn t ON t.rehearsal_id = r.id "
                    "GROUP BY r.id, r.turn"
                )
            ).all()
            orphans = connection.execute(
                text(
                    "SELECT (SELECT COUNT(*) FROM rehearsal_turn t WHERE NOT EXISTS "
                    "(SELECT 1 FROM rehearsal r WHERE r.id = t.rehearsal_id)) + "
                    "(SELECT COUNT(*) FROM rehearsal_message m WHERE NOT EXISTS "
                    "(SELECT 1 FROM rehearsal r WHERE r.id = m.rehearsal_id))"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    problems = [f"{orphans} rows without their rehearsal"] if orphans else []
    for rehearsal_id, counter, turns, first, last, user_lines in rows:
        if not counter == turns == last == user_lines or (turns and first != 1):
            problems.append(
                f"rehearsal {rehearsal_id[:8]}: counter {counter}, {turns} turn rows "
                f"numbered {first}..{last}, {user_lines} user lines"
            )
    return problems


def lost_turns(url: str, state: Round) -> tuple[list[str], int]:
    """Acknowledged turns the restarted server does not return (each must appear exactly once)."""
    stored: dict[str, list[str]] = {}
    with httpx.Client(base_url=url, timeout=10) as http:
        for rehearsal_id, token in state.rehearsals.items():
            response = http.get(f"/api/rehearsals/{rehearsal_id}", headers={"X-Rehearsal-Token": token})
            response.raise_for_status()
            stored[rehearsal_id] = [m["text"] for m in response.json()["messages"] if m["role"] == "user"]
    lost = [a.text for a in state.acked if stored.get(a.rehearsal_id, []).count(a.text) != 1]
    return lost, sum(len(lines) for lines in stored.values())


def run_round(
    kind: str,
    folder: Path,
    postgres_url: str,
    *,
    clients: int,
    workers: int,
    max_turns: int,
    kill_after: int,
    seconds: float,
) -> bool:
    with scratch_database(kind, folder, postgres_url) as url:
        env = {"DATABASE_URL": url, "WEFRAME_DATA_DIR": str(folder), "WEFRAME_RATE_LIMIT_PER_MINUTE": "0"}
        server = start_server(env, folder / "server.log", workers=workers)
        state = Round()
        threads = [
            threading.Thread(target=_client, args=(server.url, index, state, max_turns), daemon=True)
            for index in range(clients)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + seconds
        while (
            len(state.acked) < kill_after
            and time.monotonic() < deadline
            and any(t.is_alive() for t in threads)
        ):
            time.sleep(0.005)
        killed_at = len(state.acked)
        server.kill()  # SIGKILL mid-stream: requests are in flight
        state.stop.set()
        for thread in threads:
            thread.join(timeout=15)
        print(f"  killed pid {server.pid} with SIGKILL after {killed_at} acknowledged turns")
        problems = integrity_problems(url)
        restarted: LocalServer = start_server(env, folder / "server.log", workers=workers)
        try:
            lost, stored = lost_turns(restarted.url, state)
        finally:
            restarted.stop()
    print(
        f"  acknowledged {len(state.acked)}, stored {stored} (unacknowledged but committed: "
        f"{stored - len(state.acked) + len(lost)}), lost {len(lost)}, "
        f"rehearsals {len(state.rehearsals)}, integrity {'ok' if not problems else 'FAILED'}"
    )
    for problem in problems + state.errors:
        print(f"  problem: {problem}")
    for line in lost[:10]:
        print(f"  lost: {line}")
    return not problems and not state.errors and not lost and len(state.acked) > 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url", default=POSTGRES_DEFAULT, help="PostgreSQL server to use a fresh schema on"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (all killed together)")
    parser.add_argument("--turns", type=int, default=400, help="at most this many turns per round")
    parser.add_argument("--kill-between", type=int, nargs=2, default=(20, 150), metavar=("MIN", "MAX"))
    parser.add_argument("--seconds", type=float, default=60, help="at most this long before the kill")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    passed = 0
    for number in range(1, args.rounds + 1):
        kill_after = rng.randint(*args.kill_between)
        print(
            f"round {number} on {args.database}: {args.clients} clients, {args.workers} worker(s), "
            f"SIGKILL after {kill_after} turns"
        )
        with tempfile.TemporaryDirectory(prefix="weframe-durability-") as folder:
            ok = run_round(
                args.database,
                Path(folder),
                args.database_url,
                clients=args.clients,
                workers=args.workers,
                max_turns=args.turns,
                kill_after=kill_after,
                seconds=args.seconds,
            )
        passed += ok
    print(f"durability {args.database}: {passed}/{args.rounds} rounds passed")
    return 0 if passed == args.rounds else 1


if __name__ == "__main__":
    sys.exit(main())
