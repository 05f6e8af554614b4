"""Golden conversations (data/conversations/*.toml): user lines with the moves and the spouse
reaction each must produce, and the outcome the whole conversation must reach, replayed with
a fixed seed. They pin the rehearsal's behaviour the way end-to-end stories do.

    scenario = "stigma"            seed = 7
    kind = "guide"                 guide | blaming | pressure | safety
    outcome = "agreed-to-try"      an outcome, or "open" when none is reached
    [[turn]]
    user = "I love you, and I want us to be the best team we can be."
    moves = ["explain-why"]        each must be among the turn's moves
    reaction = "warming"           the reply bank the spouse answered from ("paused" for safety)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.dialogue import RehearsalOver, start_rehearsal, take_turn
from app.dialogue.moves import NEGATIVE_MOVES, POSITIVE_MOVES
from app.dialogue.reactions import REACTIONS
from app.dialogue.scenarios import SCENARIO_IDS
from app.loader import DataError, Field, Table, read_toml, require_choice

KINDS = ("guide", "blaming", "pressure", "safety")
OUTCOMES = ("agreed-to-try", "will-think-about-it", "refused", "paused-for-safety", "open")
# What each kind of conversation must end in.
KIND_OUTCOMES = {
    "guide": ("agreed-to-try", "will-think-about-it"),
    "blaming": ("refused",),
    "pressure": ("refused", "open"),
    "safety": ("paused-for-safety",),
}
GUIDE_MAX_TURNS = 6


@dataclass(frozen=True)
class GoldenTurn:
    user: str
    moves: tuple[str, ...]
    reaction: str


@dataclass(frozen=True)
class Conversation:
    path: Path
    scenario: str
    seed: int
    kind: str
    outcome: str
    turns: tuple[GoldenTurn, ...]


def load_conversation(path: Path) -> Conversation:
    """Load one golden conversation strictly; DataError names the file and the key."""
    schema = {
        "scenario": Field(str),
        "seed": Field(int),
        "kind": Field(str),
        "outcome": Field(str),
        "turn": Field(list, item=dict),
    }
    data = Table(path, "", schema).check(read_toml(path))
    require_choice(path, "scenario", data["scenario"], SCENARIO_IDS)
    require_choice(path, "kind", data["kind"], KINDS)
    require_choice(path, "outcome", data["outcome"], KIND_OUTCOMES[data["kind"]])
    turns = []
    turn_schema = {"user": Field(str), "moves": Field(list, item=str), "reaction": Field(str)}
    for index, raw in enumerate(data["turn"]):
        where = f"turn[{index}]"
        Table(path, where, turn_schema).check(raw)
        for position, move in enumerate(raw["moves"]):
            require_choice(path, f"{where}.moves[{position}]", move, (*POSITIVE_MOVES, *NEGATIVE_MOVES))
        require_choice(path, f"{where}.reaction", raw["reaction"], (*REACTIONS, "paused"))
        turns.append(GoldenTurn(raw["user"], tuple(raw["moves"]), raw["reaction"]))
    if not turns:
        raise DataError(path, "turn", "a conversation needs at least one turn")
    if data["kind"] == "guide" and len(turns) > GUIDE_MAX_TURNS:
        raise DataError(
            path, "turn", f"a guide-following conversation must succeed in {GUIDE_MAX_TURNS} turns"
        )
    return Conversation(path, data["scenario"], data["seed"], data["kind"], data["outcome"], tuple(turns))


def load_conversations(directory: Path) -> list[Conversation]:
    return [load_conversation(path) for path in sorted(directory.glob("*.toml"))]


def replay_problems(conversation: Conversation) -> list[str]:
    """Replay a conversation; every way it differs from what it expects, in words."""
    state: dict[str, Any] = start_rehearsal(conversation.scenario, conversation.seed).state
    problems = []
    for number, golden in enumerate(conversation.turns, start=1):
        try:
            turn = take_turn(state, golden.user)
        except RehearsalOver:
            problems.append(f"turn {number}: the rehearsal had already ended ({state['outcome']})")
            break
        state = turn.state
        got = state["history"][-1]
        missing = [move for move in golden.moves if move not in turn.coach["moves"]]
        if missing:
            problems.append(
                f"turn {number} {golden.user!r}: missing moves {missing}, got {turn.coach['moves']}"
            )
        reaction = got["reaction"] or "paused"
        if reaction != golden.reaction:
            problems.append(
                f"turn {number} {golden.user!r}: reaction {reaction!r}, expected {golden.reaction!r}"
            )
    outcome = state["outcome"] or "open"
    if outcome != conversation.outcome:
        problems.append(f"outcome {outcome!r}, expected {conversation.outcome!r}")
    return problems
