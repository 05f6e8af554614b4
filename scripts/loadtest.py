#!/usr/bin/env python3
"""Load test: many simulated users against a real weframe server with 2 workers, on 127.0.0.1.

For each database (SQLite, PostgreSQL) it starts `uvicorn --workers 2` on a fresh database
and runs three phases, each bounded by --seconds and --max-requests:

  healthz    every user calls GET /healthz in a loop: the framework's floor on this machine;
  analyze    every user checks realistic lines with POST /api/analyze;
  rehearse   every user plays whole rehearsals: create, check each line then say it, read the
             conversation back (every acknowledged turn must be there: else a lost turn),
             delete; until the time is up.

It prints, per phase, the request rate, p50/p99 latency and errors, the lost turns, and
analyze's rate as a share of healthz's in the same run. The clients are plain asyncio
keep-alive connections (one per user, stdlib only), so the client costs as little CPU as
possible on a machine it shares with the server. Exit status 1 on any error or lost turn
(and, with --min-ratio, when analyze falls below that share of healthz).

    python scripts/loadtest.py                          # 50 users, 15 s a phase, both databases
    python scripts/loadtest.py --users 8 --seconds 2 --database sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.store.scratch import POSTGRES_DEFAULT, scratch_database  # noqa: E402
from app.web.local_server import HOST, LocalServer, start_server  # noqa: E402

TIMEOUT = 15.0
SCENARIOS = ["misunderstanding", "fear-of-judgment", "stigma", "solve-it-ourselves"]
LINES = [
    "You never listen to me.",
    "I love us, and I'd love for us to feel close again.",
    "You always leave the dishes and I'm sick of it.",
    "Could we try just one session together, to see how it feels? No pressure at all.",
    "I feel lonely lately, like we're roommates more than partners.",
    "Why do you always have to be on your phone when I'm talking to you?",
    "I understand it feels uncomfortable, and your feelings make sense to me.",
    "Therapy isn't for crazy people, it's for couples who want to stay close.",
    "Take your time to think about it; there's no rush, and I'm not going anywhere.",
    "We need to talk about money. You spent it all again without asking me.",
    "I'd love for us to have someone help us listen to each other, because I care about us.",
    "Honestly, you're so lazy. You never help with the kids and you don't even notice.",
    "Thank you for dinner tonight, it meant a lot to me.",
    "I miss how we used to laugh together. I want that back for both of us.",
    "You make me feel like I'm invisible. Every single time. Whatever, forget it.",
    "Our son asked why we don't talk at dinner anymore, and I didn't know what to say.",
    "I know you think we can fix this ourselves, and maybe we can, but I'd like some help.",
    "Can we please stop fighting about your mother? I'm tired and I want us to be a team.",
]
DRAFT = (
    "Hey, I've been thinking a lot about us lately. You never seem to have time for me, and when "
    "we do talk it turns into a fight. I don't want to keep going like this. I love you and I think "
    "we could use some help, maybe one session with a counsellor, just to see. What do you think?"
)


class Connection:
    """One keep-alive HTTP/1.1 connection (Content-Length bodies only, as weframe always sends)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> tuple[int, Any]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None
        payload = b"" if body is None else json.dumps(body).encode("utf-8")
        head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\nAccept: application/json\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        if token is not None:
            head += f"X-Rehearsal-Token: {token}\r\n"
        self.writer.write(head.encode("latin-1") + b"\r\n" + payload)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        data = await self.reader.readexactly(length) if length else b""
        if close:
            self.close()
        return status, json.loads(data) if data else None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0
    turns: int = 0
    lost: int = 0
    rehearsals: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.errors)

    @property
    def rate(self) -> float:
        return len(self.latencies) / max(self.ended - self.started, 1e-9)

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    def line(self, database: str) -> str:
        text = (
            f"{database:8} {self.name:9} {self.requests:7d} requests  {self.rate:8.1f} req/s  "
            f"p50 {self.percentile(0.50):7.1f} ms  p99 {self.percentile(0.99):7.1f} ms  "
            f"errors {len(self.errors)}"
        )
        if self.name == "rehearse":
            text += f"  rehearsals {self.rehearsals}  turns {self.turns}  lost turns {self.lost}"
        return text


class User:
    """One simulated person: a connection, and a phase to report to."""

    def __init__(self, index: int, port: int, phase: Phase, deadline: float, budget: list[int]) -> None:
        self.index = index
        self.connection = Connection(port)
        self.phase = phase
        self.deadline = deadline
        self.budget = budget  # requests left in this phase, shared by all users

    def going(self) -> bool:
        return time.monotonic() < self.deadline and self.budget[0] > 0

    async def call(
        self, method: str, path: str, expect: int, body: Any = None, token: str | None = None
    ) -> Any:
        """The answer's JSON on the expected status; None (and an error recorded) otherwise."""
        self.budget[0] -= 1
        started = time.perf_counter()
        try:
            status, data = await asyncio.wait_for(self.connection.request(method, path, body, token), TIMEOUT)
        except (TimeoutError, OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
            self.connection.close()
            self.phase.errors.append(f"{method} {path}: {type(exc).__name__}")
            return None
        if status != expect:
            detail = data.get("detail") if isinstance(data, dict) else data
            self.phase.errors.append(f"{method} {path}: {status} {detail}")
            return None
        self.phase.latencies.append(time.perf_counter() - started)
        return data if data is not None else {}

    async def healthz(self) -> None:
        while self.going():
            await self.call("GET", "/healthz", 200)

    async def analyze(self) -> None:
        count = 0
        while self.going():
            count += 1
            text = DRAFT if count % 10 == 0 else LINES[(self.index + count) % len(LINES)]
            await self.call("POST", "/api/analyze", 200, {"text": text})

    async def rehearse(self) -> None:
        count = 0
        while self.going():
            count += 1
            scenario = SCENARIOS[(self.index + count) % len(SCENARIOS)]
            created = await self.call(
                "POST", "/api/rehearsals", 201, {"scenario": scenario, "seed": self.index}
            )
            if created is None:
                continue
            self.phase.rehearsals += 1
            path, token = f"/api/rehearsals/{created['id']}", created["token"]
            said: list[str] = []
            for number in range(8):
                if not self.going():
                    break
                line = LINES[(self.index * 7 + count * 3 + number) % len(LINES)]
                line = f"{line} ({self.index}.{count}.{number})"
                await self.call("POST", "/api/analyze", 200, {"text": line})  # check it, then say it
                answer = await self.call("POST", f"{path}/turns", 200, {"text": line}, token)
                if answer is None:
                    break
                said.append(line)
                self.phase.turns += 1
                if answer["state"]["outcome"] is not None:
                    break
            stored = await self.call("GET", path, 200, token=token)
            if stored is not None:
                lines = [m["text"] for m in stored["messages"] if m["role"] == "user"]
                self.phase.lost += sum(lines.count(line) != 1 for line in said)
            else:
                self.phase.lost += len(said)  # could not be read back: count as lost
            await self.call("DELETE", path, 204, token=token)


async def run_phase(name: str, port: int, users: int, seconds: float, max_requests: int) -> Phase:
    phase = Phase(name)
    budget = [max_requests]
    deadline = time.monotonic() + seconds
    crowd = [User(index, port, phase, deadline, budget) for index in range(users)]
    phase.started = time.perf_counter()
    await asyncio.gather(*(getattr(user, name)() for user in crowd))
    phase.ended = time.perf_counter()
    for user in crowd:
        user.connection.close()
    return phase


async def run_all(port: int, users: int, seconds: float, max_requests: int) -> list[Phase]:
    await run_phase("analyze", port, users, min(1.0, seconds), max_requests)  # warm-up, not reported
    return [
        await run_phase(name, port, users, seconds, max_requests)
        for name in ("healthz", "analyze", "rehearse")
    ]


def run_database(kind: str, args: argparse.Namespace) -> tuple[list[Phase], str]:
    with (
        tempfile.TemporaryDirectory(prefix="weframe-load-") as folder,
        scratch_database(kind, Path(folder), args.database_url) as url,
    ):
        env = {
            "DATABASE_URL": url,
            "WEFRAME_DATA_DIR": folder,
            "WEFRAME_RATE_LIMIT_PER_MINUTE": "0",  # one address plays every user here
            "WEFRAME_PURGE_INTERVAL_SECONDS": "0",
        }
        server: LocalServer = start_server(env, Path(folder) / "server.log", workers=args.workers)
        try:
            port = int(server.url.rsplit(":", 1)[1])
            phases = asyncio.run(run_all(port, args.users, args.seconds, args.max_requests))
        finally:
            server.stop()
        return phases, server.log_text()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--database-url", default=POSTGRES_DEFAULT, help="PostgreSQL server to use a fresh schema on"
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each phase")
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="at most this many requests a phase"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--min-ratio", type=float, default=0.0, help="fail when analyze/healthz is below this"
    )
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    print(
        f"weframe load test: {args.users} users, {args.seconds:g} s a phase, {args.workers} workers, {HOST}"
    )
    failed = False
    for kind in kinds:
        phases, log = run_database(kind, args)
        by_name = {phase.name: phase for phase in phases}
        for phase in phases:
            print(phase.line(kind))
            for error in sorted(set(phase.errors))[:5]:
                print(f"{kind:8} {phase.name:9} error: {error}")
        ratio = by_name["analyze"].rate / max(by_name["healthz"].rate, 1e-9)
        print(f"{kind:8} analyze/healthz {ratio:.2f} (analyze reaches {ratio:.0%} of the framework's floor)")
        if "Traceback" in log:
            print(f"{kind:8} the server log holds a traceback:\n{log[-2000:]}")
            failed = True
        failed |= any(phase.errors for phase in phases) or by_name["rehearse"].lost > 0
        failed |= ratio < args.min_ratio
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
