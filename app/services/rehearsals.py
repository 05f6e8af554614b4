"""Rehearsal use cases: create, post a turn, read, delete. Ownership is checked here, once.

A turn is computed outside any transaction (the dialogue is pure), then written in one
transaction that succeeds only if nobody else wrote a turn in between: the state row is
updated with ``WHERE turn = <the turn we read>``, and ``(rehearsal_id, turn)`` is unique.
The loser of two concurrent turns gets ``Conflict`` and nothing of it is stored.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from app.engine import InputError
from app.services.dialogue import DialogueEngine
from app.services.errors import Conflict, Invalid, NotFound
from app.services.safety import PAUSED_MESSAGE, safety_of, safety_only_coach, safety_report
from app.services.texts import check_text, input_error
from app.services.tokens import hash_token, new_token, token_matches
from app.store.database import session_scope, write_scope
from app.store.models import Rehearsal, RehearsalMessage, RehearsalTurn

Clock = Callable[[], datetime]
NOT_FOUND = "Rehearsal not found."


def utc_now() -> datetime:
    return datetime.now(UTC)


def now_utc(ctx: Rehearsals) -> datetime:
    """The injected clock's time in UTC (stored times are UTC, so they compare on every backend)."""
    return ctx.clock().astimezone(UTC)


@dataclass(frozen=True)
class Rehearsals:
    """Everything the rehearsal use cases need, built once per process."""

    engine: Engine
    dialogue: DialogueEngine
    retention: timedelta
    clock: Clock = utc_now


@dataclass(frozen=True)
class Created:
    id: str
    token: str
    scenario: str
    state: dict[str, Any]
    messages: list[dict[str, str]]


@dataclass(frozen=True)
class TurnResult:
    reply: dict[str, str] | None
    coach: dict[str, Any]
    state: dict[str, Any]
    report: dict[str, Any] | None


@dataclass(frozen=True)
class RehearsalView:
    id: str
    scenario: str
    state: dict[str, Any]
    messages: list[dict[str, str]]
    report: dict[str, Any] | None
    safety: dict[str, Any] | None


def create_rehearsal(ctx: Rehearsals, *, scenario: str, seed: int | None = None) -> Created:
    try:
        start = ctx.dialogue.start_rehearsal(scenario, seed)
    except ctx.dialogue.UnknownScenario:
        raise Invalid("Unknown scenario. Pick one of the scenarios listed at /api/scenarios.") from None
    token = new_token()
    now = now_utc(ctx)
    rehearsal = Rehearsal(
        id=uuid.uuid4().hex,
        scenario=scenario,
        token_hash=hash_token(token),
        turn=0,
        state=start.state,
        safety=None,
        created_at=now,
        updated_at=now,
    )
    opening = RehearsalMessage(
        rehearsal_id=rehearsal.id, turn=0, position=0, role="spouse", text=start.opening
    )
    with write_scope(ctx.engine) as session:
        session.add(rehearsal)
        session.flush()
        session.add(opening)
        session.commit()
    return Created(
        id=rehearsal.id,
        token=token,
        scenario=scenario,
        state=ctx.dialogue.public_state(start.state),
        messages=[{"role": "spouse", "text": start.opening}],
    )


def post_turn(ctx: Rehearsals, *, rehearsal_id: str, token: str | None, text: str) -> TurnResult:
    check_text(text)
    with session_scope(ctx.engine) as session:
        rehearsal = _load_owned(ctx, session, rehearsal_id, token)
        session.expunge(rehearsal)
    if rehearsal.safety is not None:
        raise Conflict(PAUSED_MESSAGE)
    if ctx.dialogue.public_state(rehearsal.state).get("outcome") is not None:
        raise Conflict("This rehearsal is over. Start a new one to practise again.")
    try:
        turn = ctx.dialogue.take_turn(rehearsal.state, text)
    except ctx.dialogue.RehearsalOver:
        raise Conflict("This rehearsal is over. Start a new one to practise again.") from None
    except InputError as exc:
        raise input_error(exc) from None
    coach = safety_only_coach(jsonable(turn.coach))
    number = rehearsal.turn + 1
    now = now_utc(ctx)
    safety = safety_of(coach)
    spouse_line = None if safety is not None else turn.reply  # the role-play stops at a disclosure
    lines = [("user", text)]
    if spouse_line is not None:
        lines.append(("spouse", spouse_line))
    notes = [str(note) for note in coach.get("notes") or []]
    if notes:
        lines.append(("coach", "\n".join(notes)))
    with write_scope(ctx.engine) as session:
        written = session.execute(
            update(Rehearsal)
            .where(col(Rehearsal.id) == rehearsal_id, col(Rehearsal.turn) == rehearsal.turn)
            .values(turn=number, state=turn.state, safety=safety, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if written.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            _raise_lost_race(ctx, rehearsal_id)
        session.add(RehearsalTurn(rehearsal_id=rehearsal_id, turn=number, coach=coach, created_at=now))
        for position, (role, line) in enumerate(lines):
            session.add(
                RehearsalMessage(
                    rehearsal_id=rehearsal_id, turn=number, position=position, role=role, text=line
                )
            )
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            _raise_lost_race(ctx, rehearsal_id)
    state = ctx.dialogue.public_state(turn.state)
    report = ctx.dialogue.build_report(turn.state) if state.get("outcome") is not None else None
    if safety is not None:
        report = safety_report(report, safety)
    reply = None if spouse_line is None else {"role": "spouse", "text": spouse_line}
    return TurnResult(reply=reply, coach=coach, state=state, report=report)


def read_rehearsal(ctx: Rehearsals, *, rehearsal_id: str, token: str | None) -> RehearsalView:
    with session_scope(ctx.engine) as session:
        rehearsal = _load_owned(ctx, session, rehearsal_id, token)
        rows = session.exec(
            select(RehearsalMessage)
            .where(col(RehearsalMessage.rehearsal_id) == rehearsal_id)
            .order_by(col(RehearsalMessage.turn), col(RehearsalMessage.position))
        ).all()
        state, scenario, safety, turns = rehearsal.state, rehearsal.scenario, rehearsal.safety, rehearsal.turn
        if safety is not None:
            rows = _safety_view(rows, _first_disclosure(session, rehearsal_id, default=turns))
        messages = [{"role": row.role, "text": row.text} for row in rows]
    report = ctx.dialogue.build_report(state) if turns else None
    if safety is not None:
        report = safety_report(report, safety)
    return RehearsalView(
        id=rehearsal_id,
        scenario=scenario,
        state=ctx.dialogue.public_state(state),
        messages=messages,
        report=report,
        safety=safety,
    )


def delete_rehearsal(ctx: Rehearsals, *, rehearsal_id: str, token: str | None) -> None:
    with session_scope(ctx.engine) as session:
        token_hash = _load_owned(ctx, session, rehearsal_id, token).token_hash
    # a transaction that starts by writing waits its turn for SQLite's lock; one that read first
    # could not upgrade after another writer committed. Turns and messages go by ON DELETE CASCADE.
    with write_scope(ctx.engine) as session:
        session.execute(
            delete(Rehearsal)
            .where(col(Rehearsal.id) == rehearsal_id, col(Rehearsal.token_hash) == token_hash)
            .execution_options(synchronize_session=False)
        )
        session.commit()


def _load_owned(ctx: Rehearsals, session: Any, rehearsal_id: str, token: str | None) -> Rehearsal:
    """The rehearsal, if it exists, has not expired and token is its token; else NotFound."""
    rehearsal: Rehearsal | None = (
        session.get(Rehearsal, rehearsal_id) if _plausible_id(rehearsal_id) else None
    )
    if rehearsal is None or not token_matches(token, rehearsal.token_hash):
        raise NotFound(NOT_FOUND)
    if as_utc(rehearsal.updated_at) < now_utc(ctx) - ctx.retention:
        raise NotFound(NOT_FOUND)
    return rehearsal


def _raise_lost_race(ctx: Rehearsals, rehearsal_id: str) -> None:
    with session_scope(ctx.engine) as session:
        if session.get(Rehearsal, rehearsal_id) is None:
            raise NotFound(NOT_FOUND)
    raise Conflict("Another turn was sent at the same time and was taken first. Reload to see it.")


def _plausible_id(rehearsal_id: str) -> bool:
    return len(rehearsal_id) == 32 and all(ch in "0123456789abcdef" for ch in rehearsal_id)


def as_utc(moment: datetime) -> datetime:
    """Datetimes come back naive from SQLite; they were stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _first_disclosure(session: Any, rehearsal_id: str, *, default: int) -> int:
    """The number of the first turn whose coaching carried a safety answer."""
    turns = session.exec(
        select(RehearsalTurn.turn, RehearsalTurn.coach)
        .where(col(RehearsalTurn.rehearsal_id) == rehearsal_id)
        .order_by(col(RehearsalTurn.turn))
    ).all()
    return next((number for number, coach in turns if safety_of(coach) is not None), default)


def _safety_view(rows: Any, first_disclosure: int) -> list[Any]:
    """After a disclosure, the conversation shows the user's own lines and the safety notes only:
    the spouse's lines and the earlier coaching on persuading them are withheld."""
    return [
        row for row in rows if row.role == "user" or (row.role == "coach" and row.turn >= first_disclosure)
    ]


def jsonable(value: Any) -> Any:
    """Plain JSON values, whatever mix of dicts, dataclasses with to_dict() and tuples comes in."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return jsonable(to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    return value
