"""After a disclosure, weframe answers with the safety message and the contacts, nothing else.

Couples therapy, and pressing a partner to go, can make abuse more dangerous. So once the
engine finds a disclosure, every answer built from it is stripped of what would coach the
phrasing or the persuasion: no findings, no rewrite, no "one session" report, no spouse. This
guard sits here, once, whatever the engine and the dialogue return, and a rehearsal that held a
disclosure stays paused: a later "I'm fine" does not reopen it.
"""

from __future__ import annotations

from typing import Any, TypeGuard

PAUSED_MESSAGE = (
    "This rehearsal is paused so you can look after your safety first, and it stays paused. "
    "The contacts in the safety note are there whenever you need them."
)
REPORT_KEYS = ("scenario", "persona", "outcome", "turns", "safety")


def disclosed(analysis: Any) -> TypeGuard[dict[str, Any]]:
    return isinstance(analysis, dict) and isinstance(analysis.get("safety"), dict)


def safety_only_analysis(analysis: dict[str, Any]) -> dict[str, Any]:
    """The analysis object with its safety answer, and no advice on how to phrase things."""
    if not disclosed(analysis):
        return analysis
    principles = [
        {**principle, "status": "not-applicable", "note": ""} for principle in analysis.get("principles", [])
    ]
    return {**analysis, "findings": [], "strengths": [], "principles": principles, "rewrite": None}


def safety_only_coach(coach: dict[str, Any]) -> dict[str, Any]:
    """A turn's coaching after a disclosure: the dialogue's safety notes, no moves, no rewrite."""
    analysis = coach.get("analysis")
    if not disclosed(analysis):
        return coach
    return {**coach, "analysis": safety_only_analysis(analysis), "moves": [], "rewrite": None}


def safety_report(report: dict[str, Any] | None, safety: dict[str, Any]) -> dict[str, Any]:
    """The report of a rehearsal paused for safety: what happened and the contacts, no coaching."""
    kept = {key: report[key] for key in REPORT_KEYS if report and key in report}
    return {**kept, "outcome": "paused-for-safety", "safety": safety, "note": PAUSED_MESSAGE}


def safety_of(coach: dict[str, Any]) -> dict[str, Any] | None:
    analysis = coach.get("analysis")
    if disclosed(analysis):
        safety: dict[str, Any] = analysis["safety"]
        return safety
    return None
