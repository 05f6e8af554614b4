"""What the services need from the rehearsal engine (``app.dialogue``), as a structural type.

``app.dialogue`` itself satisfies it; tests may pass a stand-in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from app.engine import Analyzer


class ScenarioLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def persona(self) -> Any: ...


class StartLike(Protocol):
    @property
    def state(self) -> dict[str, Any]: ...
    @property
    def opening(self) -> str: ...


class TurnLike(Protocol):
    @property
    def state(self) -> dict[str, Any]: ...
    @property
    def reply(self) -> str | None: ...
    @property
    def coach(self) -> dict[str, Any]: ...


class DialogueEngine(Protocol):
    @property
    def UnknownScenario(self) -> type[Exception]: ...
    @property
    def RehearsalOver(self) -> type[Exception]: ...

    def list_scenarios(self) -> Sequence[ScenarioLike]: ...
    def start_rehearsal(self, scenario_id: str, seed: int | None = None) -> StartLike: ...
    def take_turn(self, state: dict[str, Any], text: str, analyzer: Analyzer | None = None) -> TurnLike: ...
    def public_state(self, state: dict[str, Any]) -> dict[str, Any]: ...
    def build_report(self, state: dict[str, Any]) -> dict[str, Any] | None: ...


class _WithAnalyzer:
    """The rehearsal engine, analysing every turn with the app's analyzer."""

    def __init__(self, engine: DialogueEngine, analyzer: Analyzer) -> None:
        self._engine = engine
        self._analyzer = analyzer
        self.UnknownScenario = engine.UnknownScenario
        self.RehearsalOver = engine.RehearsalOver
        self.list_scenarios = engine.list_scenarios
        self.start_rehearsal = engine.start_rehearsal
        self.public_state = engine.public_state
        self.build_report = engine.build_report

    def take_turn(self, state: dict[str, Any], text: str, analyzer: Analyzer | None = None) -> TurnLike:
        return self._engine.take_turn(state, text, analyzer or self._analyzer)


def load_dialogue(analyzer: Analyzer | None = None) -> DialogueEngine:
    """The real rehearsal engine; its data is loaded here, so a bad file stops start-up.

    One throw-away turn (pure: nothing is stored) loads whatever the dialogue loads lazily, here
    and not in the first user's turn: under load, each worker's first turns otherwise took ~2 s.
    """
    import app.dialogue as dialogue

    engine: DialogueEngine = dialogue
    if analyzer is not None:
        engine = _WithAnalyzer(dialogue, analyzer)
    scenarios = engine.list_scenarios()
    if scenarios:
        engine.take_turn(engine.start_rehearsal(scenarios[0].id, 0).state, "Hello, can we talk tonight?")
    return engine
