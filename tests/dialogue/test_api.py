"""The public API the web layer codes against (app.dialogue): shapes, errors, determinism,
JSON round trips, safety pauses and the report."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from app.dialogue import (
    RehearsalOver,
    ScenarioInfo,
    UnknownScenario,
    build_report,
    list_scenarios,
    public_state,
    start_rehearsal,
    take_turn,
)
from app.engine import MAX_CHARS, InputError

GOOD = [
    "I love you, and I want us to be the best team we can be.",
    "I understand why this feels uncomfortable.",
    "Going to counselling isn't a sign of failure; lots of strong couples go.",
    "Could we try just one session, to see how it feels?",
]
HARSH = ["You're so stubborn about this.", "It's all your fault we're like this.", "Whatever."]


def _play(scenario: str, seed: int, lines: list[str]) -> tuple[dict[str, Any], list[Any]]:
    state = start_rehearsal(scenario, seed).state
    turns = []
    for line in lines:
        turn = take_turn(state, line)
        turns.append(turn)
        state = turn.state
        if state["outcome"]:
            break
    return state, turns


def test_list_scenarios() -> None:
    infos = list_scenarios()
    assert [i.id for i in infos] == ["misunderstanding", "fear-of-judgment", "stigma", "solve-it-ourselves"]
    for info in infos:
        assert isinstance(info, ScenarioInfo)
        assert info.title and info.description and info.persona


def test_unknown_scenario() -> None:
    with pytest.raises(UnknownScenario):
        start_rehearsal("no-such-thing")
    with pytest.raises(LookupError):
        start_rehearsal("")


def test_start_is_deterministic_and_json_safe() -> None:
    one, two = start_rehearsal("stigma", 7), start_rehearsal("stigma", 7)
    assert one == two
    assert one.opening == one.state["opening"]
    assert json.loads(json.dumps(one.state)) == one.state
    assert public_state(one.state) == {"turn": 0, "openness": 25, "stage": "opening", "outcome": None}
    assert build_report(one.state) is None


def test_without_a_seed_one_is_chosen_and_stored() -> None:
    start = start_rehearsal("misunderstanding")
    assert isinstance(start.state["seed"], int)
    replay = start_rehearsal("misunderstanding", start.state["seed"])
    assert replay.opening == start.opening


def test_same_seed_same_rehearsal_through_json() -> None:
    """The web layer stores the state as JSON and may serve the next turn elsewhere."""
    direct, _ = _play("stigma", 11, GOOD)
    state = start_rehearsal("stigma", 11).state
    for line in GOOD:
        state = json.loads(json.dumps(take_turn(json.loads(json.dumps(state)), line).state))
        if state["outcome"]:
            break
    assert state == direct


def test_take_turn_does_not_change_the_state_it_was_given() -> None:
    state = start_rehearsal("stigma", 1).state
    before = copy.deepcopy(state)
    take_turn(state, GOOD[0])
    assert state == before


def test_turn_shape() -> None:
    state = start_rehearsal("stigma", 2).state
    turn = take_turn(state, "You never listen to me.")
    assert set(turn.coach) == {"analysis", "moves", "notes", "rewrite"}
    assert turn.coach["analysis"]["text"] == "You never listen to me."
    assert "absolute" in turn.coach["moves"]
    assert turn.coach["notes"] and all(isinstance(n, str) for n in turn.coach["notes"])
    assert isinstance(turn.reply, str) and turn.reply
    assert public_state(turn.state)["turn"] == 1
    assert 0 <= public_state(turn.state)["openness"] <= 100


def test_a_good_conversation_agrees_and_then_turns_are_refused() -> None:
    state, turns = _play("stigma", 3, GOOD)
    assert state["outcome"] == "agreed-to-try"
    assert public_state(state)["stage"] == "agreed"
    with pytest.raises(RehearsalOver):
        take_turn(state, "Thank you!")
    report = build_report(state)
    assert report is not None
    assert report["outcome"] == "agreed-to-try"
    assert report["alternatives"] == []
    assert report["best_line"] is not None
    assert {p["id"] for p in report["principles"]} == {
        "we-not-you",
        "explain-why",
        "acknowledge-concerns",
        "suggest-trial",
        "no-pressure",
    }
    assert any(m["move"] == "address-concern" for m in report["moved"])


def test_a_harsh_conversation_is_refused_and_the_coach_turns_to_alternatives() -> None:
    state, turns = _play("fear-of-judgment", 3, HARSH)
    assert state["outcome"] == "refused"
    notes = " ".join(turns[-1].coach["notes"])
    for title in ("own part", "on your own", "at home", "Small acts", "patient"):
        assert title in notes
    report = build_report(state)
    assert report is not None
    assert [a["id"] for a in report["alternatives"]] == [
        "own-part",
        "individual-therapy",
        "resources-at-home",
        "small-acts",
        "patience",
    ]
    assert all(a["advice"] for a in report["alternatives"])
    assert report["rework_line"] is not None and report["rework_line"]["rewrite"]
    assert report["closed"]


def test_safety_pauses_at_once_and_stays_paused() -> None:
    state = start_rehearsal("misunderstanding", 5).state
    state = take_turn(state, GOOD[0]).state
    turn = take_turn(state, "He hit me last night and I'm scared to go home.")
    assert turn.reply is None
    assert turn.state["outcome"] == "paused-for-safety"
    assert turn.coach["analysis"]["safety"] is not None
    assert turn.coach["analysis"]["safety"]["message"] in turn.coach["notes"]
    with pytest.raises(RehearsalOver):
        take_turn(turn.state, "I'm fine, really. Let's continue.")
    report = build_report(turn.state)
    assert report is not None and report["outcome"] == "paused-for-safety" and report["safety"]


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_empty_text_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError):
        take_turn(start_rehearsal("stigma", 1).state, text)


def test_too_long_text_is_an_input_error() -> None:
    with pytest.raises(InputError) as caught:
        take_turn(start_rehearsal("stigma", 1).state, "a" * (MAX_CHARS + 1))
    assert caught.value.too_long


def test_a_broken_state_is_refused_clearly() -> None:
    state = start_rehearsal("stigma", 1).state
    with pytest.raises(ValueError):
        take_turn({"scenario": "stigma"}, "Hello")
    with pytest.raises(UnknownScenario):
        take_turn({**state, "scenario": "nope"}, "Hello")
    with pytest.raises(ValueError):
        public_state([])  # type: ignore[arg-type]


def test_the_meter_moves_with_how_things_are_said() -> None:
    start = start_rehearsal("solve-it-ourselves", 9).state
    kind = take_turn(start, "I love you, and I know you like to fix things yourself.")
    harsh = take_turn(start, "You're impossible, and you have to come to therapy.")
    assert kind.state["openness"] > start["openness"] > harsh.state["openness"]
