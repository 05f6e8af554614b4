"""The rehearsal: a simulated reluctant spouse and a coach. Pure and deterministic for a seed.

The state is a plain JSON-serialisable dict (see app/dialogue/state.py); the web layer
stores it and passes it back, possibly to another process.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from app.dialogue.catalog import get_catalog
from app.dialogue.report import report_for
from app.dialogue.scenarios import Scenario
from app.dialogue.state import InvalidState, RehearsalOver, UnknownScenario, check_state, new_state
from app.dialogue.state import public_state as _public_state
from app.dialogue.turns import play_turn
from app.engine import Analyzer, get_analyzer

__all__ = [
    "InvalidState",
    "RehearsalOver",
    "ScenarioInfo",
    "Start",
    "Turn",
    "UnknownScenario",
    "build_report",
    "list_scenarios",
    "public_state",
    "start_rehearsal",
    "take_turn",
]

_SEED_LIMIT = 2**31 - 1


@dataclass(frozen=True)
class ScenarioInfo:
    id: str
    title: str
    description: str
    persona: str  # the spouse's name


@dataclass(frozen=True)
class Start:
    state: dict[str, Any]
    opening: str  # the spouse's first line


@dataclass(frozen=True)
class Turn:
    state: dict[str, Any]
    reply: str | None  # None when the role-play pauses for safety
    coach: dict[str, Any]  # {"analysis", "moves", "notes", "rewrite"}


def _scenario(scenario_id: Any) -> Scenario:
    scenarios = get_catalog().scenarios
    if not isinstance(scenario_id, str) or scenario_id not in scenarios:
        known = ", ".join(scenarios)
        raise UnknownScenario(f"unknown scenario {scenario_id!r} (known: {known})")
    return scenarios[scenario_id]


def list_scenarios() -> list[ScenarioInfo]:
    """The scenarios in their fixed order."""
    return [ScenarioInfo(s.id, s.title, s.description, s.name) for s in get_catalog().scenarios.values()]


def start_rehearsal(scenario_id: str, seed: int | None = None) -> Start:
    """A new rehearsal; with seed None a seed is chosen and stored in the state."""
    scenario = _scenario(scenario_id)
    if seed is None:
        seed = random.SystemRandom().randrange(_SEED_LIMIT)
    elif isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError("seed must be an int or None")
    opening = random.Random(f"weframe/{seed}/opening").randrange(len(scenario.openings))
    state = new_state(scenario, seed, opening, [p.id for p in get_catalog().guide.principles])
    return Start(state, state["opening"])


def take_turn(state: dict[str, Any], text: str, analyzer: Analyzer | None = None) -> Turn:
    """One user line: raises RehearsalOver after the outcome, InputError for empty/too-long text.

    `analyzer` defaults to the shipped one; the web app passes its own, which carries any
    extra safety resources (local hotlines) from the settings.
    """
    check_state(state)
    engine = get_analyzer() if analyzer is None else analyzer
    result = play_turn(state, text, _scenario(state["scenario"]), get_catalog(), engine)
    return Turn(result.state, result.reply, result.coach)


def public_state(state: dict[str, Any]) -> dict[str, Any]:
    """{"turn", "openness", "stage", "outcome"} (API.md `state`)."""
    return _public_state(state)


def build_report(state: dict[str, Any]) -> dict[str, Any] | None:
    """The end-of-rehearsal summary (API.md `report`); None before the first turn."""
    check_state(state)
    return report_for(state, _scenario(state["scenario"]), get_catalog())
