"""The dialogue's data, loaded strictly once per process: shared recognisers, harm cues,
topics, coach texts, the guide and every scenario (data/dialogue/*.toml, data/scenarios/*.toml).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.dialogue.cues import CUE_KEYS, Cue, compile_cue
from app.dialogue.moves import NEGATIVE_MOVES, POSITIVE_MOVES
from app.dialogue.scenarios import SCENARIO_IDS, Scenario, load_scenario
from app.engine.guide import Guide, load_guide
from app.engine.rules import SEVERITIES
from app.loader import DataError, Field, Table, read_toml, require_choice, require_unique
from app.paths import DATA_DIR

OUTCOMES = ("agreed-to-try", "will-think-about-it", "refused", "paused-for-safety")
OUTCOME_TEXTS = (*OUTCOMES, "open", "alternatives")
HINTS = ("acknowledge", "explain", "trial", "space", "repair", "stuck", "calm")
EFFECTS = ("up", "down", "flat")
# The placeholders each table of coach.toml may use.
_COACH_FIELDS = {
    "worked": {"name", "excerpt"},
    "effect": {"name", "before", "after"},
    "hint": {"name"},
    "outcome": {"name"},
}


def cue_schema(**extra: Field) -> dict[str, Field]:
    """The keys every cue table has, plus the caller's own."""
    base = {
        "id": Field(str),
        "pattern": Field(str, required=False),
        "phrases": Field(list, required=False, item=str),
        "unless": Field(list, required=False, item=str),
        "flagged": Field(list, item=str),
        "clean": Field(list, item=str),
    }
    assert set(base) == set(CUE_KEYS)
    return {**base, **extra}


@dataclass(frozen=True)
class Harm:
    """A cue for a line that will hurt or push the spouse (a finding category)."""

    cue: Cue
    category: str
    severity: str
    principle: str
    note: str
    suggestion: str


@dataclass(frozen=True)
class CoachTexts:
    worked: dict[str, str]
    effect: dict[str, str]
    hint: dict[str, str]
    outcome: dict[str, str]


@dataclass(frozen=True)
class Catalog:
    recognisers: tuple[tuple[str, Cue], ...]
    apologies: tuple[Cue, ...]
    harms: tuple[Harm, ...]
    topics: tuple[tuple[str, Cue], ...]
    topic_words: dict[str, str]
    coach: CoachTexts
    guide: Guide
    scenarios: dict[str, Scenario]


def _cue_list(
    path: Path, data: dict[str, Any], key: str, extra: dict[str, Field]
) -> list[tuple[str, dict[str, Any], Cue]]:
    """(where, raw table, compiled cue) for every [[key]] table of a file."""
    out = []
    for index, raw in enumerate(data.get(key, [])):
        where = f"{key}[{index}]"
        Table(path, where, cue_schema(**extra)).check(raw)
        out.append((where, raw, compile_cue(path, where, raw)))
    return out


def load_moves(
    path: Path, principles: set[str]
) -> tuple[tuple[tuple[str, Cue], ...], tuple[Cue, ...], tuple[Harm, ...]]:
    """data/dialogue/moves.toml: [[recogniser]] per positive move, [[apology]], [[harm]]."""
    data = Table(
        path,
        "",
        {
            "recogniser": Field(list, item=dict),
            "apology": Field(list, item=dict),
            "harm": Field(list, item=dict),
        },
    ).check(read_toml(path))
    seen: set[str] = set()
    recognisers = []
    shared_moves = [m for m in POSITIVE_MOVES if m != "address-concern"]
    for where, raw, cue in _cue_list(path, data, "recogniser", {"move": Field(str)}):
        require_unique(path, f"{where}.id", cue.id, seen)
        require_choice(path, f"{where}.move", raw["move"], shared_moves)
        recognisers.append((raw["move"], cue))
    missing = sorted(set(shared_moves) - {move for move, _ in recognisers})
    if missing:
        raise DataError(path, "recogniser", f"no recogniser for move(s): {', '.join(missing)}")
    apologies = []
    for where, _, cue in _cue_list(path, data, "apology", {}):
        require_unique(path, f"{where}.id", cue.id, seen)
        apologies.append(cue)
    harms = []
    harm_extra = {
        "category": Field(str),
        "severity": Field(str),
        "principle": Field(str),
        "note": Field(str),
        "suggestion": Field(str),
    }
    for where, raw, cue in _cue_list(path, data, "harm", harm_extra):
        require_unique(path, f"{where}.id", cue.id, seen)
        require_choice(path, f"{where}.category", raw["category"], NEGATIVE_MOVES)
        require_choice(path, f"{where}.severity", raw["severity"], SEVERITIES)
        require_choice(path, f"{where}.principle", raw["principle"], principles)
        harms.append(
            Harm(cue, raw["category"], raw["severity"], raw["principle"], raw["note"], raw["suggestion"])
        )
    return tuple(recognisers), tuple(apologies), tuple(harms)


def load_topics(path: Path) -> tuple[tuple[tuple[str, Cue], ...], dict[str, str]]:
    """data/dialogue/topics.toml: [[topic]] with `say`, how the spouse names it ("the chores")."""
    data = Table(path, "", {"topic": Field(list, item=dict)}).check(read_toml(path))
    seen: set[str] = set()
    topics, words = [], {}
    for where, raw, cue in _cue_list(path, data, "topic", {"say": Field(str)}):
        require_unique(path, f"{where}.id", cue.id, seen)
        topics.append((cue.id, cue))
        words[cue.id] = raw["say"]
    return tuple(topics), words


def _text_table(path: Path, data: dict[str, Any], key: str, names: tuple[str, ...]) -> dict[str, str]:
    schema = {name: Field(str) for name in names}
    table = dict(Table(path, key, schema).check(data.get(key)))
    for name, text in table.items():
        check_placeholders(path, f"{key}.{name}", text, _COACH_FIELDS[key])
    return table


def check_placeholders(path: Path, where: str, text: str, allowed: set[str]) -> None:
    """Fail unless every {placeholder} of text is one of allowed."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise DataError(path, where, f"bad placeholder: {exc}") from exc
    if names - allowed:
        known = ", ".join(sorted(allowed)) or "none"
        raise DataError(path, where, f"unknown placeholder(s) {sorted(names - allowed)} (allowed: {known})")


def load_coach(path: Path) -> CoachTexts:
    """data/dialogue/coach.toml: every text the code names must be there, and nothing else."""
    data = Table(
        path,
        "",
        {"worked": Field(dict), "effect": Field(dict), "hint": Field(dict), "outcome": Field(dict)},
    ).check(read_toml(path))
    return CoachTexts(
        worked=_text_table(path, data, "worked", (*POSITIVE_MOVES, "apology")),
        effect=_text_table(path, data, "effect", EFFECTS),
        hint=_text_table(path, data, "hint", HINTS),
        outcome=_text_table(path, data, "outcome", OUTCOME_TEXTS),
    )


def load_catalog(data_dir: Path) -> Catalog:
    """Load and cross-check all dialogue data under data_dir; DataError names file and key."""
    guide = load_guide(data_dir / "guide.toml")
    dialogue = data_dir / "dialogue"
    recognisers, apologies, harms = load_moves(dialogue / "moves.toml", guide.principle_ids)
    topics, words = load_topics(dialogue / "topics.toml")
    coach = load_coach(dialogue / "coach.toml")
    scenario_dir = data_dir / "scenarios"
    scenarios: dict[str, Scenario] = {}
    for path in sorted(scenario_dir.glob("*.toml")):
        scenario = load_scenario(path)
        if scenario.id != path.stem:
            raise DataError(path, "id", f"must match the file name ({path.stem!r})")
        scenarios[scenario.id] = scenario
    missing = [sid for sid in SCENARIO_IDS if sid not in scenarios]
    if missing:
        raise DataError(scenario_dir, "", f"missing scenario file(s): {', '.join(missing)}")
    ordered = {sid: scenarios[sid] for sid in SCENARIO_IDS}
    return Catalog(recognisers, apologies, harms, topics, words, coach, guide, ordered)


@lru_cache(maxsize=1)
def get_catalog() -> Catalog:
    """The process-wide dialogue data over the shipped files (loaded once)."""
    return load_catalog(DATA_DIR)
