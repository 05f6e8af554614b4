"""The summary at the end of a rehearsal (API.md `report`).

outcome, turns, openness, scenario, persona
concern        {"summary", "addressed"}
principles     [{"id", "title", "status": met|missed|mixed|not-shown, "met", "missed", "note"}]
best_line      {"turn", "text", "moves", "change", "note"} or None
rework_line    {"turn", "text", "moves", "change", "rewrite", "suggestion", "note"} or None
moved          [{"turn", "move", "excerpt"}]   what opened the spouse up
closed         [{"turn", "move", "excerpt"}]   what closed the spouse down
alternatives   [{"id", "title", "advice"}]     when the outcome is `refused`, else []
safety         the safety answer that paused the rehearsal, or None
summary        one sentence on how it went
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.dialogue.scenarios import Scenario

if TYPE_CHECKING:
    from app.dialogue.catalog import Catalog

MAX_LISTED = 5


def _status(met: int, missed: int) -> str:
    if met and missed:
        return "mixed"
    if met:
        return "met"
    return "missed" if missed else "not-shown"


def _principles(state: dict[str, Any], catalog: Catalog) -> list[dict[str, Any]]:
    out = []
    for principle in catalog.guide.principles:
        counts = state["principles"].get(principle.id, {"met": 0, "missed": 0})
        status = _status(counts["met"], counts["missed"])
        note = {
            "met": principle.met,
            "missed": principle.missed,
            "mixed": f"{principle.met} {principle.missed}",
            "not-shown": principle.explanation,
        }[status]
        out.append(
            {
                "id": principle.id,
                "title": principle.title,
                "status": status,
                "met": counts["met"],
                "missed": counts["missed"],
                "note": note,
            }
        )
    return out


def _change(entry: dict[str, Any]) -> int:
    return int(entry["after"]) - int(entry["before"])


def _impact(entry: dict[str, Any]) -> int:
    """How hard a line landed, before the meter was clamped to 0..100."""
    return int(entry.get("delta", _change(entry)))


def _best(history: list[dict[str, Any]], catalog: Catalog, name: str) -> dict[str, Any] | None:
    good = [e for e in history if e["positives"] and not e["negatives"]]
    if not good:
        return None
    entry = max(good, key=lambda e: (_impact(e), len(e["positives"]), e["score"], -e["turn"]))
    first = entry["positives"][0]
    apologies = {cue.id for cue in catalog.apologies}
    key = "apology" if first.get("source") in apologies else first["move"]
    note = catalog.coach.worked[key].format(name=name, excerpt=first["excerpt"])
    return {
        "turn": entry["turn"],
        "text": entry["text"],
        "moves": entry["moves"],
        "change": _change(entry),
        "note": note,
    }


def _rework(history: list[dict[str, Any]]) -> dict[str, Any] | None:
    bad = [e for e in history if e["negatives"]]
    if not bad:
        return None
    entry = min(bad, key=lambda e: (_impact(e), e["score"], e["turn"]))
    worst = entry["negatives"][0]
    return {
        "turn": entry["turn"],
        "text": entry["text"],
        "moves": entry["moves"],
        "change": _change(entry),
        "rewrite": entry["rewrite"],
        "suggestion": worst.get("suggestion", ""),
        "note": f'"{worst["excerpt"]}": {worst["note"]}',
    }


def _listed(history: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """The moves of the lines that moved the meter this way ("positives" up, "negatives" down)."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    sign = 1 if key == "positives" else -1
    for entry in history:
        if _impact(entry) * sign <= 0:
            continue
        for hit in entry[key]:
            if hit["move"] in seen or len(out) >= MAX_LISTED:
                continue
            seen.add(hit["move"])
            out.append({"turn": entry["turn"], "move": hit["move"], "excerpt": hit["excerpt"]})
    return out


def report_for(state: dict[str, Any], scenario: Scenario, catalog: Catalog) -> dict[str, Any] | None:
    """The report for a rehearsal state, or None before the first user line."""
    history = state["history"]
    if not history:
        return None
    outcome = state.get("outcome")
    name = scenario.name
    alternatives = []
    if outcome == "refused":
        alternatives = [
            {"id": alt.id, "title": alt.title, "advice": alt.advice} for alt in catalog.guide.alternatives
        ]
    return {
        "scenario": scenario.id,
        "persona": name,
        "outcome": outcome,
        "turns": state["turn"],
        "openness": state["openness"],
        "concern": {"summary": scenario.concern, "addressed": state["concern_addressed"]},
        "principles": _principles(state, catalog),
        "best_line": _best(history, catalog, name),
        "rework_line": _rework(history),
        "moved": _listed(history, "positives"),
        "closed": _listed(history, "negatives"),
        "alternatives": alternatives,
        "safety": state.get("safety"),
        "summary": catalog.coach.outcome[outcome or "open"].format(name=name),
    }
