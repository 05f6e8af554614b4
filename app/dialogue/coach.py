"""The coach's notes after each line: what it did to the spouse, what worked (quoting the
words that did it), what to change, one next step, and at the end the outcome; after a
refusal, the guide's alternatives as concrete advice. Texts live in data/dialogue/coach.toml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.dialogue.moves import LineMoves
from app.dialogue.scenarios import Scenario
from app.dialogue.state import unrepaired_hurts
from app.engine import Safety

if TYPE_CHECKING:
    from app.dialogue.catalog import Catalog

MAX_PRAISE = 3
MAX_CHANGES = 3
FRESH_TURNS = 2  # a hurtful remark this recent, not yet apologised for, comes first
_PUSHING = frozenset({"pressure"})
_HURTING = frozenset({"blame", "criticism", "contempt", "absolute", "dismissive", "stigma"})


def _quote(excerpt: str) -> str:
    return " ".join(excerpt.split()).strip(" ,.;:")


def _hint_candidates(state: dict[str, Any], scenario: Scenario, moves: LineMoves) -> list[tuple[str, bool]]:
    """(hint id, may repeat) in order of importance; "concern" is the scenario's own hint."""
    negatives = {hit.move for hit in moves.negatives}
    shown = state["moves"]
    out: list[tuple[str, bool]] = []
    if negatives & _PUSHING:
        out.append(("calm", True))
    fresh_hurt = any(state["turn"] - hurt["turn"] <= FRESH_TURNS for hurt in state["hurts"])
    if negatives & _HURTING or (fresh_hurt and unrepaired_hurts(state) > 0):
        out.append(("repair", True))
    if not state["concern_addressed"] and state["turn"] >= 2:
        out.append(("concern", False))
    if not shown.get("acknowledge-concerns") and state["openness"] < scenario.meter.listening_at:
        out.append(("acknowledge", False))
    if not shown.get("explain-why"):
        out.append(("explain", False))
    if state["concern_addressed"] and not state["trial_offered"]:
        out.append(("trial", False))
    if state["trial_offered"] and state["openness"] < scenario.meter.agree_at:
        out.append(("space", False))
    if not moves.positives and not moves.negatives:
        out.append(("stuck", False))
    return out


def turn_notes(
    state: dict[str, Any], scenario: Scenario, catalog: Catalog, moves: LineMoves, before: int
) -> tuple[list[str], str | None]:
    """The notes for a turn already applied to state, and the id of the hint given."""
    texts = catalog.coach
    name = scenario.name
    after = state["openness"]
    kind = "up" if after > before else "down" if after < before else "flat"
    notes = [texts.effect[kind].format(name=name, before=before, after=after)]
    apologies = {cue.id for cue in catalog.apologies}
    for hit in moves.positives[:MAX_PRAISE]:
        key = "apology" if hit.source in apologies else hit.move
        notes.append(texts.worked[key].format(name=name, excerpt=_quote(hit.excerpt)))
    for hit in moves.negatives[:MAX_CHANGES]:
        note = f'"{_quote(hit.excerpt)}": {hit.message}'
        if hit.suggestion:
            note += f" Try: {hit.suggestion}"
        notes.append(note)
    outcome = state["outcome"]
    if outcome is not None:
        notes.append(texts.outcome[outcome].format(name=name))
        if outcome == "refused":
            notes.extend(alternative_notes(catalog, name))
        return notes, None
    for hint, may_repeat in _hint_candidates(state, scenario, moves):
        if hint != state.get("last_hint") or may_repeat:
            text = scenario.concern_hint if hint == "concern" else texts.hint[hint]
            notes.append(text.format(name=name))
            return notes, hint
    return notes, None


def alternative_notes(catalog: Catalog, name: str) -> list[str]:
    """The guide's "when therapy is off the table" part, as the coach tells it."""
    notes = [catalog.coach.outcome["alternatives"].format(name=name)]
    notes.extend(f"{alt.title}: {alt.advice}" for alt in catalog.guide.alternatives)
    return notes


def safety_notes(safety: Safety, catalog: Catalog) -> list[str]:
    """The safety message first, then the pause, then where to get help."""
    notes = [safety.message, catalog.coach.outcome["paused-for-safety"]]
    notes.extend(f"{resource.name}: {resource.contact}" for resource in safety.resources)
    return notes
