"""One user turn: analyse -> moves -> update the state -> the spouse's reply -> coach notes.

The openness meter moves by the scenario's weights: each positive move counts in full the
first time, half the second, a quarter after that; a line that also hurts earns half its
credit; trust lost to unrepaired hurtful remarks dampens every gain; one line can gain at
most `max_gain`. Safety comes before all of it: a disclosure pauses the role-play at once.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from typing import Any

from app.dialogue.catalog import Catalog
from app.dialogue.coach import safety_notes, turn_notes
from app.dialogue.memory import recall_phrase
from app.dialogue.moves import MOVE_PRINCIPLE, Hit, LineMoves, detect_moves
from app.dialogue.reactions import MOVE_REACTION, OUTCOME_REACTION
from app.dialogue.replies import choose_reply
from app.dialogue.scenarios import Scenario
from app.dialogue.state import RehearsalOver, check_state, stage_for, unrepaired_hurts
from app.engine import Analysis, Analyzer

SEVERITY_FACTOR = {"high": 1.25, "medium": 1.0, "low": 0.6}
# Categories the spouse remembers and may bring back later.
REMEMBERED = frozenset({"blame", "criticism", "contempt", "absolute", "dismissive", "stigma", "pressure"})
RECALL_CHANCE = 0.35  # a kind line brings an older hurt back this often
RECENT_TURNS = 2  # a hurt this fresh always comes back when the user turns kind without apologising


@dataclass(frozen=True)
class TurnResult:
    state: dict[str, Any]
    reply: str | None
    coach: dict[str, Any]


def rng_for(state: dict[str, Any]) -> random.Random:
    """The turn's own generator: the same seed and turn always give the same choices."""
    return random.Random(f"weframe/{state['seed']}/{state['turn']}")


def _gains(state: dict[str, Any], scenario: Scenario, moves: LineMoves) -> dict[str, float]:
    gains = {}
    for hit in moves.positives:
        shown = state["moves"].get(hit.move, 0)
        gains[hit.move] = scenario.weights[hit.move] / (2 ** min(shown, 2))
    return gains


def _losses(scenario: Scenario, moves: LineMoves) -> dict[str, float]:
    weights = scenario.weights
    return {hit.move: weights[hit.move] * SEVERITY_FACTOR.get(hit.severity, 1.0) for hit in moves.negatives}


def _delta(
    state: dict[str, Any], scenario: Scenario, gains: dict[str, float], losses: dict[str, float]
) -> int:
    gain = sum(gains.values())
    if losses:
        gain /= 2
    gain *= max(0.4, 1 - 0.2 * unrepaired_hurts(state))
    return round(min(gain, scenario.meter.max_gain) + sum(losses.values()))


def _remember(state: dict[str, Any], text: str, moves: LineMoves, losses: dict[str, float]) -> None:
    remembered = [hit for hit in moves.negatives if hit.move in REMEMBERED]
    if not remembered:
        return
    worst = min(remembered, key=lambda hit: losses[hit.move])
    state["hurts"].append(
        {
            "turn": state["turn"],
            "category": worst.move,
            "excerpt": worst.excerpt,
            "recall": recall_phrase(text, worst.start, worst.end),
            "recalled": False,
        }
    )


def _outcome(state: dict[str, Any], scenario: Scenario, moves: LineMoves) -> str | None:
    meter = scenario.meter
    hurt_turns = len({hurt["turn"] for hurt in state["hurts"]})
    # One bad line leaves room for a repair; a second one at rock bottom, or too many, ends it.
    if hurt_turns >= meter.max_hurts or (state["openness"] <= meter.refuse_at and hurt_turns >= 2):
        return "refused"
    if moves.negatives or not state["concern_addressed"]:
        return None
    if state["trial_offered"] and state["openness"] >= meter.agree_at:
        return "agreed-to-try"
    if moves.has("give-space") and state["openness"] >= meter.think_at:
        return "will-think-about-it"
    return None


def _reaction(
    state: dict[str, Any],
    scenario: Scenario,
    moves: LineMoves,
    gains: dict[str, float],
    losses: dict[str, float],
    soothed: bool,
    rng: random.Random,
) -> tuple[str, dict[str, Any] | None]:
    """The strongest reaction to this line, and the earlier hurt it brings back, if any."""
    if state["outcome"] is not None:
        return OUTCOME_REACTION[state["outcome"]], None
    if soothed:
        return "soothed", None
    earlier = [h for h in state["hurts"] if h["turn"] < state["turn"] and not h["recalled"]]
    if earlier and losses:
        return "reminded", earlier[0]
    if earlier and state["openness"] < scenario.meter.think_at:
        # A fresh hurt comes back when the user moves on without an apology; older ones sometimes.
        if state["turn"] - earlier[-1]["turn"] <= RECENT_TURNS:
            return "reminded", earlier[-1]
        if gains and rng.random() < RECALL_CHANCE:
            return "reminded", earlier[0]
    if losses:
        return MOVE_REACTION[min(losses, key=lambda m: losses[m])], None
    if gains:
        strongest = max(gains, key=lambda m: gains[m])
        if strongest == "suggest-trial" and state["concern_addressed"]:
            return "nearly", None
        return MOVE_REACTION[strongest], None
    return ("unsure" if state["openness"] >= scenario.meter.listening_at else "guarded"), None


def _hits(hits: tuple[Hit, ...]) -> list[dict[str, Any]]:
    return [
        {
            "move": h.move,
            "excerpt": h.excerpt,
            "source": h.source,
            "severity": h.severity,
            "note": h.message,
            "suggestion": h.suggestion,
        }
        for h in hits
    ]


def play_turn(
    state: dict[str, Any], text: str, scenario: Scenario, catalog: Catalog, analyzer: Analyzer
) -> TurnResult:
    """Advance the rehearsal by one user line; the given state is not modified."""
    check_state(state)
    if state.get("outcome") is not None:
        raise RehearsalOver(f"this rehearsal has ended ({state['outcome']})")
    analysis = analyzer.analyze(text)
    new = copy.deepcopy(state)
    new["turn"] += 1
    before = new["openness"]
    entry: dict[str, Any] = {"turn": new["turn"], "text": text, "score": analysis.score, "before": before}
    if analysis.safety is not None:
        return _pause(new, entry, analysis, scenario, catalog)

    rng = rng_for(new)
    moves = detect_moves(analysis, analyzer.normalizer.normalize(text), scenario, catalog)
    gains, losses = _gains(new, scenario, moves), _losses(scenario, moves)
    delta = _delta(new, scenario, gains, losses)
    new["openness"] = max(0, min(100, before + delta))
    soothed = moves.apology and unrepaired_hurts(new) > 0
    if soothed:
        new["repaired"] += 1
        for hurt in reversed(new["hurts"]):
            if not hurt["recalled"]:
                hurt["recalled"] = True  # forgiven: not brought back again
                break
    for hit in moves.positives:
        new["moves"][hit.move] = new["moves"].get(hit.move, 0) + 1
    new["concern_addressed"] = new["concern_addressed"] or moves.has("address-concern")
    if moves.has("suggest-trial") and not moves.has("pressure"):
        new["trial_offered"] = True
    _count_principles(new, analysis, moves)
    _remember(new, text, moves, losses)
    new["outcome"] = _outcome(new, scenario, moves)
    reaction, recalled = _reaction(new, scenario, moves, gains, losses, soothed, rng)
    if recalled is not None:
        recalled["recalled"] = True
    topic = catalog.topic_words.get(moves.topic) if moves.topic else None
    hurt = recalled["recall"] if recalled else None
    reply = choose_reply(scenario, reaction, new["used"], rng, topic, hurt)
    new["used"].append(reply.id)
    new["stage"] = stage_for(new, scenario)
    notes, hint = turn_notes(new, scenario, catalog, moves, before)
    new["last_hint"] = hint
    entry.update(
        after=new["openness"],
        delta=delta,  # before clamping to 0..100: how hard the line landed
        moves=moves.names,
        positives=_hits(moves.positives),
        negatives=_hits(moves.negatives),
        reaction=reply.reaction,
        reply=reply.text,
        rewrite=analysis.rewrite,
    )
    new["history"].append(entry)
    coach = {
        "analysis": analysis.to_dict(),
        "moves": moves.names,
        "notes": notes,
        "rewrite": analysis.rewrite,
    }
    return TurnResult(new, reply.text, coach)


def _count_principles(state: dict[str, Any], analysis: Analysis, moves: LineMoves) -> None:
    met = {MOVE_PRINCIPLE[hit.move] for hit in moves.positives}
    missed = {hit.principle for hit in moves.negatives if hit.principle}
    missed |= {p.id for p in analysis.principles if p.status == "missed"}
    for pid, counts in state["principles"].items():
        if pid in missed:
            counts["missed"] += 1
        elif pid in met:
            counts["met"] += 1


def _pause(
    state: dict[str, Any], entry: dict[str, Any], analysis: Analysis, scenario: Scenario, catalog: Catalog
) -> TurnResult:
    """A safety disclosure: no spouse reply, the safety message instead; the outcome sticks."""
    assert analysis.safety is not None
    state["outcome"] = "paused-for-safety"
    state["stage"] = stage_for(state, scenario)
    state["safety"] = analysis.safety.to_dict()
    entry.update(
        after=state["openness"],
        delta=0,
        moves=[],
        positives=[],
        negatives=[],
        reaction=None,
        reply=None,
        rewrite=None,
    )
    state["history"].append(entry)
    notes = safety_notes(analysis.safety, catalog)
    coach = {"analysis": analysis.to_dict(), "moves": [], "notes": notes, "rewrite": None}
    return TurnResult(state, None, coach)
