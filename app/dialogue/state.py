"""The rehearsal state: a plain JSON-serialisable dict that holds everything.

The web layer stores it and hands it back, maybe to another process, so nothing lives
in memory between turns. Keys:

    version, scenario, seed, turn, openness (0..100), stage, outcome,
    opening (the spouse's first line), concern_addressed, trial_offered,
    moves {move: times shown}, principles {id: {"met": n, "missed": n}},
    hurts [{turn, category, excerpt, recall, recalled}], repaired (apologies heard),
    used [reply ids said so far], last_hint, safety (the pausing safety answer or None),
    history [one entry per user line: text, score, moves, hits, openness before/after,
             reaction, reply, rewrite]
"""

from __future__ import annotations

from typing import Any

from app.dialogue.scenarios import Scenario

STATE_VERSION = 1
OUTCOME_STAGE = {
    "agreed-to-try": "agreed",
    "will-think-about-it": "thinking-it-over",
    "refused": "closed",
    "paused-for-safety": "paused",
}
_REQUIRED = {
    "version": int,
    "scenario": str,
    "seed": int,
    "turn": int,
    "openness": int,
    "stage": str,
    "concern_addressed": bool,
    "trial_offered": bool,
    "moves": dict,
    "principles": dict,
    "hurts": list,
    "repaired": int,
    "used": list,
    "history": list,
}


class UnknownScenario(LookupError):
    """No scenario has this id."""


class RehearsalOver(Exception):
    """A turn was sent after the rehearsal's outcome was set."""


class InvalidState(ValueError):
    """The state handed back is not a rehearsal state this version understands."""


def new_state(scenario: Scenario, seed: int, opening_index: int, principle_ids: list[str]) -> dict[str, Any]:
    """The state before the first user line."""
    return {
        "version": STATE_VERSION,
        "scenario": scenario.id,
        "seed": seed,
        "turn": 0,
        "openness": scenario.meter.start,
        "stage": "opening",
        "outcome": None,
        "opening": scenario.openings[opening_index],
        "concern_addressed": False,
        "trial_offered": False,
        "moves": {},
        "principles": {pid: {"met": 0, "missed": 0} for pid in principle_ids},
        "hurts": [],
        "repaired": 0,
        "used": [f"opening:{opening_index}"],
        "last_hint": None,
        "safety": None,
        "history": [],
    }


def check_state(state: Any) -> None:
    """Raise InvalidState unless state has the keys and types of a rehearsal state."""
    if not isinstance(state, dict):
        raise InvalidState("the rehearsal state must be a JSON object")
    for key, kind in _REQUIRED.items():
        value = state.get(key)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise InvalidState(f"the rehearsal state has a missing or malformed {key!r}")
    if state["version"] != STATE_VERSION:
        raise InvalidState(f"the rehearsal state has version {state['version']}, expected {STATE_VERSION}")
    outcome = state.get("outcome")
    if outcome is not None and outcome not in OUTCOME_STAGE:
        raise InvalidState(f"the rehearsal state has an unknown outcome {outcome!r}")


def stage_for(state: dict[str, Any], scenario: Scenario) -> str:
    """The stage name shown with the meter."""
    if state["outcome"] is not None:
        return OUTCOME_STAGE[state["outcome"]]
    if state["turn"] == 0:
        return "opening"
    if state["openness"] >= scenario.meter.think_at:
        return "considering"
    if state["openness"] >= scenario.meter.listening_at:
        return "listening"
    return "guarded"


def public_state(state: dict[str, Any]) -> dict[str, Any]:
    """The part of the state the API shows (API.md `state`)."""
    check_state(state)
    return {
        "turn": state["turn"],
        "openness": state["openness"],
        "stage": state["stage"],
        "outcome": state.get("outcome"),
    }


def unrepaired_hurts(state: dict[str, Any]) -> int:
    return max(0, len(state["hurts"]) - int(state["repaired"]))
