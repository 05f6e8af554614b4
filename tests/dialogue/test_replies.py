"""The spouse never repeats a line within a rehearsal, echoes the user's topic, and brings
back an earlier hurtful remark in the spouse's own words."""

from __future__ import annotations

import random

import pytest

from app.dialogue import start_rehearsal, take_turn
from app.dialogue.memory import recall_phrase, reflect
from app.dialogue.scenarios import SCENARIO_IDS

# Lines that keep a rehearsal going without settling it: small talk, team talk, one slip
# and its apology, topics.
WANDERING = [
    "Can we talk about something?",
    "Hmm.",
    "What do you mean?",
    "I've noticed we argue about the dishes a lot.",
    "Okay.",
    "I don't know what to say.",
    "You never listen.",
    "Sorry, that came out wrong.",
    "Tell me more about what worries you.",
    "Money has been tight and it's stressful.",
    "I see.",
    "Right.",
    "Could we think about it together?",
    "Mm, okay.",
    "Let's see.",
]
NEUTRAL = ["Hmm.", "Okay.", "I see.", "Right.", "What do you mean?", "Go on.", "Mm.", "Really?", "Well."]


def _replies(scenario: str, seed: int, lines: list[str]) -> tuple[list[str], dict[str, object]]:
    start = start_rehearsal(scenario, seed)
    state, said = start.state, [start.opening]
    for line in lines:
        turn = take_turn(state, line)
        state = turn.state
        assert turn.reply is not None
        said.append(turn.reply)
        if state["outcome"] is not None:
            break
    return said, state


@pytest.mark.parametrize("scenario", SCENARIO_IDS)
@pytest.mark.parametrize("seed", [1, 2, 3, 17, 2024])
def test_no_line_is_repeated_in_a_fifteen_turn_rehearsal(scenario: str, seed: int) -> None:
    said, state = _replies(scenario, seed, WANDERING)
    assert state["turn"] == 15 and state["outcome"] is None, "the wandering talk should stay open"
    assert len(said) == len(set(said)) == 16, [line for line in said if said.count(line) > 1]


@pytest.mark.parametrize("scenario", SCENARIO_IDS)
def test_no_repeat_even_when_nothing_moves(scenario: str) -> None:
    said, state = _replies(scenario, 5, [NEUTRAL[i % len(NEUTRAL)] for i in range(15)])
    assert state["turn"] == 15
    assert len(said) == len(set(said))


@pytest.mark.parametrize("scenario", SCENARIO_IDS)
def test_no_repeat_in_random_rehearsals(scenario: str) -> None:
    pool = WANDERING + NEUTRAL + ["I love you.", "I get why this is hard.", "No rush at all."]
    for seed in range(25):
        rng = random.Random(seed)
        said, _ = _replies(scenario, seed, [rng.choice(pool) for _ in range(15)])
        assert len(said) == len(set(said)), (seed, said)


def test_the_spouse_echoes_the_topic() -> None:
    start = start_rehearsal("solve-it-ourselves", 3)
    turn = take_turn(start.state, "The dishes pile up every night.")
    assert "the housework" in (turn.reply or "")


def test_the_spouse_brings_back_a_hurtful_remark() -> None:
    state = start_rehearsal("misunderstanding", 4).state
    state = take_turn(state, "You're so stubborn about everything.").state
    turn = take_turn(state, "Anyway, I just want us to be happy.")
    assert turn.state["history"][-1]["reaction"] == "reminded"
    assert "called me stubborn" in (turn.reply or "")


def test_an_apology_is_heard_and_forgives_the_remark() -> None:
    state = start_rehearsal("stigma", 4).state
    state = take_turn(state, "You're so stubborn about everything.").state
    turn = take_turn(state, "I'm sorry, that was unfair of me.")
    assert turn.state["history"][-1]["reaction"] == "soothed"
    after = take_turn(turn.state, "I love you and I want us to be happy.")
    assert after.state["history"][-1]["reaction"] != "reminded"


@pytest.mark.parametrize(
    ("text", "excerpt", "expected"),
    [
        ("You're so stubborn, you need therapy.", "stubborn", "called me stubborn"),
        ("You never listen to me.", "never", "said I never listen to you"),
        ("Honestly, just get over it.", "get over", "told me to get over it"),
        ("You're in denial about this.", "in denial", "said I'm in denial"),
        ("It's all your fault we're like this.", "fault", "said it's all my fault we're like this"),
        ("Whatever.", "Whatever", 'said "whatever"'),
        ("Why are you so against it?", "Why are you so", "asked why I'm so against it"),
        ("How can you be so cold to me", "cold", "asked how I can be so cold to you"),
    ],
)
def test_recall_phrase(text: str, excerpt: str, expected: str) -> None:
    start = text.index(excerpt)
    assert recall_phrase(text, start, start + len(excerpt)) == expected


def test_reflect_swaps_speaker_and_listener() -> None:
    assert reflect("I told you that you were wrong") == "you told me that I was wrong"
    assert reflect("you are my problem") == "I'm your problem"
