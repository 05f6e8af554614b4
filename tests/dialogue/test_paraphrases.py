"""A guide-following line the data never saw still earns credit: at least 20 fresh
paraphrases per positive move (tests/dialogue/paraphrases.py), each recognised as that
move and each opening the spouse up from a fresh start."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from app.dialogue import start_rehearsal, take_turn
from app.dialogue.moves import POSITIVE_MOVES
from app.dialogue.scenarios import SCENARIO_IDS
from app.paths import DATA_DIR

from .paraphrases import CONCERNS, NOT_CREDITED, SHARED

MIN_PARAPHRASES = 20
_SCENARIOS = itertools.cycle(SCENARIO_IDS)
_SHARED = [(move, line, next(_SCENARIOS)) for move, lines in SHARED.items() for line in lines]
_CONCERNS = [(scenario, line) for scenario, lines in CONCERNS.items() for line in lines]


def _data_text() -> str:
    files = [*DATA_DIR.glob("dialogue/*.toml"), *DATA_DIR.glob("scenarios/*.toml")]
    files += [*DATA_DIR.glob("conversations/*.toml"), DATA_DIR / "strengths.toml"]
    return "\n".join(Path(f).read_text(encoding="utf-8") for f in files).lower()


def test_there_are_enough_paraphrases_for_every_move() -> None:
    for move in POSITIVE_MOVES:
        if move == "address-concern":
            for scenario in SCENARIO_IDS:
                assert len(set(CONCERNS[scenario])) >= MIN_PARAPHRASES, scenario
        else:
            assert len(set(SHARED[move])) >= MIN_PARAPHRASES, move


def test_paraphrases_are_fresh() -> None:
    data = _data_text()
    for line in [*itertools.chain(*SHARED.values()), *itertools.chain(*CONCERNS.values())]:
        assert line.lower().rstrip(".?!") not in data, f"{line!r} is in the data; write a new one"


def _credit(scenario: str, line: str) -> tuple[list[str], int]:
    start = start_rehearsal(scenario, seed=1)
    turn = take_turn(start.state, line)
    return turn.coach["moves"], turn.state["openness"] - start.state["openness"]


@pytest.mark.parametrize(("move", "line", "scenario"), _SHARED, ids=[f"{m}: {t}" for m, t, _ in _SHARED])
def test_shared_paraphrase_earns_credit(move: str, line: str, scenario: str) -> None:
    moves, change = _credit(scenario, line)
    assert move in moves, f"{line!r} should count as {move}, got {moves}"
    assert change > 0, f"{line!r} should open the spouse up"


@pytest.mark.parametrize(("scenario", "line"), _CONCERNS, ids=[f"{s}: {t}" for s, t in _CONCERNS])
def test_concern_paraphrase_earns_credit(scenario: str, line: str) -> None:
    moves, change = _credit(scenario, line)
    assert "address-concern" in moves, f"{line!r} should answer the {scenario} worry, got {moves}"
    assert change > 0


@pytest.mark.parametrize(
    ("move", "line"), [(m, t) for m, lines in NOT_CREDITED.items() for t in lines], ids=str
)
def test_near_misses_earn_no_credit(move: str, line: str) -> None:
    moves, _ = _credit("stigma", line)
    assert move not in moves, f"{line!r} should not count as {move}"


def test_a_concern_line_is_specific_to_its_own_scenario() -> None:
    """Answering one spouse's worry is not answering another's."""
    moves, _ = _credit("solve-it-ourselves", "Nobody is going to judge you in there.")
    assert "address-concern" not in moves
