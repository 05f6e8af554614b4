"""Scenarios as data: one reluctant spouse per resistance reason (data/scenarios/<id>.toml).

A scenario holds the persona (a name and a short description), opening lines, the concern
the spouse holds and the recognisers for a line that answers it, the meter thresholds,
the weights of every move, and one reply bank per reaction. Everything is checked at load:
every reaction has a bank and no bank is unknown, every move has a weight, placeholders
are the known ones, and no line appears twice.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.dialogue.cues import Cue, compile_cue
from app.dialogue.moves import NEGATIVE_MOVES, POSITIVE_MOVES
from app.dialogue.reactions import REACTIONS, TOPIC_BANKS
from app.loader import DataError, Field, Table, read_toml, require_choice, require_unique

SCENARIO_IDS = ("misunderstanding", "fear-of-judgment", "stigma", "solve-it-ourselves")
METER_KEYS = ("start", "listening_at", "think_at", "agree_at", "refuse_at", "max_gain", "max_hurts")
MIN_LINES = 3

_SCHEMA = {
    "id": Field(str),
    "title": Field(str),
    "description": Field(str),
    "persona": Field(dict),
    "meter": Field(dict),
    "weights": Field(dict),
    "concern": Field(dict),
    "recogniser": Field(list, item=dict),
    "openings": Field(list, item=str),
    "replies": Field(dict),
}
_CUE_SCHEMA = {
    "id": Field(str),
    "move": Field(str),
    "pattern": Field(str, required=False),
    "phrases": Field(list, required=False, item=str),
    "unless": Field(list, required=False, item=str),
    "flagged": Field(list, item=str),
    "clean": Field(list, item=str),
}


@dataclass(frozen=True)
class Meter:
    start: int
    listening_at: int
    think_at: int
    agree_at: int
    refuse_at: int
    max_gain: int
    max_hurts: int


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    description: str
    name: str
    persona: str
    concern: str
    concern_hint: str
    meter: Meter
    weights: dict[str, int]
    recognisers: tuple[tuple[str, Cue], ...]
    openings: tuple[str, ...]
    replies: dict[str, tuple[str, ...]]


def _placeholders(line: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(line) if name is not None}


def _check_meter(path: Path, raw: Any) -> Meter:
    values = Table(path, "meter", {k: Field(int) for k in METER_KEYS}).check(raw)
    meter = Meter(**values)
    for key in METER_KEYS:
        if not 0 <= values[key] <= 100:
            raise DataError(path, f"meter.{key}", "must be between 0 and 100")
    order = (meter.refuse_at, meter.start, meter.listening_at, meter.think_at, meter.agree_at)
    if list(order) != sorted(set(order)):
        raise DataError(path, "meter", "need refuse_at < start < listening_at < think_at < agree_at")
    return meter


def _check_weights(path: Path, raw: Any) -> dict[str, int]:
    names = (*POSITIVE_MOVES, *NEGATIVE_MOVES)
    weights = Table(path, "weights", {name: Field(int) for name in names}).check(raw)
    for name in POSITIVE_MOVES:
        if weights[name] <= 0:
            raise DataError(path, f"weights.{name}", "a positive move needs a weight above 0")
    for name in NEGATIVE_MOVES:
        if weights[name] >= 0:
            raise DataError(path, f"weights.{name}", "a finding category needs a weight below 0")
    return dict(weights)


def _check_replies(path: Path, raw: Any, seen: set[str]) -> dict[str, tuple[str, ...]]:
    banks = Table(path, "replies", {r: Field(list, item=str) for r in REACTIONS}).check(raw)
    out: dict[str, tuple[str, ...]] = {}
    for reaction in REACTIONS:
        lines = banks[reaction]
        plain = [line for line in lines if "{topic}" not in line]
        if len(plain) < MIN_LINES:
            problem = f"needs at least {MIN_LINES} lines without {{topic}}"
            raise DataError(path, f"replies.{reaction}", problem)
        for index, line in enumerate(lines):
            where = f"replies.{reaction}[{index}]"
            require_unique(path, where, line.strip().lower(), seen)
            try:
                names = _placeholders(line)
            except ValueError as exc:
                raise DataError(path, where, f"bad placeholder: {exc}") from exc
            allowed = {"topic"} if reaction in TOPIC_BANKS else set()
            if reaction == "reminded":
                allowed = {"hurt"}
                if "hurt" not in names:
                    raise DataError(path, where, "a `reminded` line must bring back the remark with {hurt}")
            if names - allowed:
                bad = ", ".join(sorted(names - allowed))
                raise DataError(path, where, f"placeholder(s) not allowed here: {bad}")
        out[reaction] = tuple(lines)
    return out


def load_scenario(path: Path) -> Scenario:
    """Load one scenario file strictly; DataError names the file and the key."""
    data = Table(path, "", _SCHEMA).check(read_toml(path))
    require_choice(path, "id", data["id"], SCENARIO_IDS)
    persona = Table(path, "persona", {"name": Field(str), "description": Field(str)}).check(data["persona"])
    concern = Table(path, "concern", {"summary": Field(str), "hint": Field(str)}).check(data["concern"])
    if _placeholders(concern["hint"]) - {"name"}:
        raise DataError(path, "concern.hint", "the only placeholder allowed here is {name}")
    recognisers: list[tuple[str, Cue]] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["recogniser"]):
        where = f"recogniser[{index}]"
        Table(path, where, _CUE_SCHEMA).check(raw)
        require_unique(path, f"{where}.id", raw["id"], seen)
        require_choice(path, f"{where}.move", raw["move"], POSITIVE_MOVES)
        recognisers.append((raw["move"], compile_cue(path, where, raw)))
    if not any(move == "address-concern" for move, _ in recognisers):
        raise DataError(path, "recogniser", "needs at least one recogniser for move 'address-concern'")
    if len(data["openings"]) < 2:
        raise DataError(path, "openings", "needs at least two opening lines")
    lines_seen: set[str] = set()
    for index, line in enumerate(data["openings"]):
        if _placeholders(line):
            raise DataError(path, f"openings[{index}]", "openings take no placeholders")
        require_unique(path, f"openings[{index}]", line.strip().lower(), lines_seen)
    return Scenario(
        id=data["id"],
        title=data["title"],
        description=data["description"],
        name=persona["name"],
        persona=persona["description"],
        concern=concern["summary"],
        concern_hint=concern["hint"],
        meter=_check_meter(path, data["meter"]),
        weights=_check_weights(path, data["weights"]),
        recognisers=tuple(recognisers),
        openings=tuple(data["openings"]),
        replies=_check_replies(path, data["replies"], lines_seen),
    )
