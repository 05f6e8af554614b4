"""Golden conversations (data/conversations/*.toml) replay exactly with their fixed seeds."""

from __future__ import annotations

from collections import Counter

import pytest

from app.dialogue.conversations import KINDS, Conversation, load_conversations, replay_problems
from app.dialogue.scenarios import SCENARIO_IDS
from app.paths import DATA_DIR

CONVERSATIONS = load_conversations(DATA_DIR / "conversations")


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c.path.stem for c in CONVERSATIONS])
def test_golden_conversation_replays(conversation: Conversation) -> None:
    problems = replay_problems(conversation)
    assert not problems, f"{conversation.path.name}:\n" + "\n".join(problems)


def test_every_scenario_has_every_kind_of_golden_conversation() -> None:
    found = Counter((c.scenario, c.kind) for c in CONVERSATIONS)
    missing = [(s, k) for s in SCENARIO_IDS for k in KINDS if not found[(s, k)]]
    assert not missing, f"golden conversations missing: {missing}"


def test_guide_following_conversations_succeed_within_six_turns() -> None:
    for conversation in CONVERSATIONS:
        if conversation.kind == "guide":
            assert len(conversation.turns) <= 6, conversation.path.name
            assert conversation.outcome in ("agreed-to-try", "will-think-about-it")


def test_pressure_never_reaches_agreement() -> None:
    for conversation in CONVERSATIONS:
        if conversation.kind == "pressure":
            assert conversation.outcome not in ("agreed-to-try", "will-think-about-it")
