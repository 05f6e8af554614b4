"""Choosing the spouse's reply: the strongest reaction's bank, never a line twice.

Lines are picked with the turn's own random generator, so a rehearsal replays exactly
for a given seed. When the user named a topic ("the chores"), a line that echoes it is
preferred; {hurt} lines bring back an earlier remark.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from app.dialogue.reactions import FALLBACKS
from app.dialogue.scenarios import Scenario


@dataclass(frozen=True)
class Reply:
    id: str  # "<bank>:<index>", remembered so the line is never said again
    reaction: str  # the bank it came from (a fallback when the first choice was used up)
    text: str


def _fits(line: str, topic: str | None, hurt: str | None) -> bool:
    if "{topic}" in line and topic is None:
        return False
    return not ("{hurt}" in line and hurt is None)


def _render(line: str, topic: str | None, hurt: str | None) -> str:
    text = line.format(topic=topic or "", hurt=hurt or "")
    return text[:1].upper() + text[1:]


def choose_reply(
    scenario: Scenario,
    reaction: str,
    used: list[str],
    rng: random.Random,
    topic: str | None = None,
    hurt: str | None = None,
) -> Reply:
    """The reply for reaction; topic is how the spouse names the user's topic, hurt a recall phrase."""
    said = set(used)
    for bank in (reaction, *FALLBACKS[reaction]):
        lines = scenario.replies[bank]
        fresh = [
            index
            for index, line in enumerate(lines)
            if f"{bank}:{index}" not in said and _fits(line, topic, hurt)
        ]
        echoing = [index for index in fresh if "{topic}" in lines[index]]
        pool = echoing or fresh
        if pool:
            index = rng.choice(pool)
            return Reply(f"{bank}:{index}", bank, _render(lines[index], topic, hurt))
    # Every line of the chain has been said (a very long rehearsal): reuse the oldest one.
    lines = scenario.replies[reaction]
    order = {reply_id: position for position, reply_id in enumerate(used)}
    candidates = [i for i, line in enumerate(lines) if _fits(line, topic, hurt)] or [0]
    index = min(candidates, key=lambda i: order.get(f"{reaction}:{i}", -1))
    return Reply(f"{reaction}:{index}", reaction, _render(lines[index], topic, hurt))
