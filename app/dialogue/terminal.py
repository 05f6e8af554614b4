"""The rehearsal in a terminal: `weframe scenarios` and `weframe rehearse`.

The only I/O of the dialogue package: it reads the user's lines from stdin and prints the
spouse's lines, an openness meter, the coach's notes and, at the end, the report.
"""

from __future__ import annotations

import random
import sys
import textwrap
from typing import Any, TextIO

from app import dialogue
from app.dialogue import UnknownScenario, build_report, public_state, start_rehearsal, take_turn
from app.dialogue.catalog import get_catalog
from app.engine import InputError

METER_WIDTH = 20
WRAP = 78
EXIT_OK, EXIT_USAGE = 0, 2
_QUIT = frozenset({"quit", "exit", "/quit", "/exit", "stop"})
_OUTCOME_WORDS = {
    None: "still open",
    "agreed-to-try": "agreed to try one session",
    "will-think-about-it": "will think about it",
    "refused": "refused",
    "paused-for-safety": "paused for your safety",
}


def list_scenarios(stdout: TextIO) -> int:
    """Print the scenario ids and titles, one a line."""
    infos = dialogue.list_scenarios()
    width = max(len(info.id) for info in infos)
    for info in infos:
        stdout.write(f"{info.id:<{width}}  {info.title} (spouse: {info.persona})\n")
    return EXIT_OK


def meter(openness: int) -> str:
    """[#######-------------] 35/100"""
    filled = round(openness * METER_WIDTH / 100)
    return f"[{'#' * filled}{'-' * (METER_WIDTH - filled)}] {openness:>3}/100"


def _wrap(text: str, first: str, rest: str) -> str:
    return textwrap.fill(text, WRAP, initial_indent=first, subsequent_indent=rest) + "\n"


def _say(out: TextIO, name: str, line: str) -> None:
    out.write(_wrap(line, f"{name}: ", " " * (len(name) + 2)))


def _status(out: TextIO, state: dict[str, Any], before: int | None = None) -> None:
    public = public_state(state)
    change = "" if before is None else f" ({public['openness'] - before:+d})"
    out.write(f"  openness {meter(public['openness'])}{change}  {public['stage']}\n")


def _coach(out: TextIO, coach: dict[str, Any]) -> None:
    out.write("  coach:\n")
    for note in coach["notes"]:
        out.write(_wrap(note, "    - ", "      "))
    if coach["rewrite"]:
        out.write(_wrap(coach["rewrite"], "    try instead: ", "      "))


def print_report(out: TextIO, report: dict[str, Any]) -> None:
    """The report as plain text."""
    name = report["persona"]
    out.write("\n== How it went ==\n")
    out.write(
        f"Outcome: {_OUTCOME_WORDS[report['outcome']]} after {report['turns']} "
        f"line{'s' if report['turns'] != 1 else ''}, openness {report['openness']}/100.\n"
    )
    out.write(_wrap(report["summary"], "", ""))
    addressed = "yes" if report["concern"]["addressed"] else "not yet"
    out.write(_wrap(f"{name}'s worry: {report['concern']['summary']} Answered: {addressed}.", "", "  "))
    out.write("Principles:\n")
    for item in report["principles"]:
        out.write(f"  {item['status']:<9}  {item['title']}\n")
    if report["best_line"]:
        best = report["best_line"]
        out.write(_wrap(f'"{best["text"]}"', f"Best line (turn {best['turn']}): ", "  "))
        out.write(_wrap(best["note"], "  why: ", "       "))
    if report["rework_line"]:
        rework = report["rework_line"]
        out.write(_wrap(f'"{rework["text"]}"', f"Worth reworking (turn {rework['turn']}): ", "  "))
        out.write(_wrap(rework["note"], "  why: ", "       "))
        better = rework["rewrite"] or rework["suggestion"]
        if better:
            out.write(_wrap(better, "  try: ", "       "))
    if report["moved"]:
        moved = "; ".join(f'"{m["excerpt"]}" ({m["move"]})' for m in report["moved"])
        out.write(_wrap(moved, f"What moved {name}: ", "  "))
    if report["closed"]:
        closed = "; ".join(f'"{c["excerpt"]}" ({c["move"]})' for c in report["closed"])
        out.write(_wrap(closed, f"What closed {name} down: ", "  "))
    if report["safety"]:
        out.write(_wrap(report["safety"]["message"], "Safety: ", "  "))
        for resource in report["safety"]["resources"]:
            out.write(_wrap(f"{resource['name']}: {resource['contact']}", "  - ", "    "))
    if report["alternatives"]:
        titles = "; ".join(alt["title"] for alt in report["alternatives"])
        lead = "When therapy is off the table: "
        out.write(_wrap(f"{titles} (the coach's advice on each is above).", lead, "  "))


def rehearse(scenario_id: str | None, seed: int | None, stdin: TextIO, stdout: TextIO) -> int:
    """Run one rehearsal on stdin/stdout; the scenario is picked by the seed when not given."""
    if scenario_id is None:
        ids = list(get_catalog().scenarios)
        scenario_id = random.Random(seed).choice(ids) if seed is not None else random.choice(ids)
    try:
        start = start_rehearsal(scenario_id, seed)
    except UnknownScenario as exc:
        sys.stderr.write(f"weframe: {exc.args[0]}\n")
        return EXIT_USAGE
    scenario = get_catalog().scenarios[scenario_id]
    name = scenario.name
    echo = not stdin.isatty()
    stdout.write(f"== Rehearsal: {scenario.title} ({scenario.id}, seed {start.state['seed']}) ==\n")
    stdout.write(_wrap(scenario.description, "", ""))
    stdout.write(_wrap(f"{name}. {scenario.persona}", "Your spouse: ", "  "))
    stdout.write("Type what you would say, one line at a time. An empty line or 'quit' ends it.\n\n")
    _say(stdout, name, start.opening)
    state = start.state
    _status(stdout, state)
    while state["outcome"] is None:
        stdout.write("\nyou> ")
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            break
        text = line.rstrip("\r\n")
        if echo:
            stdout.write(text + "\n")
        if not text.strip() or text.strip().lower() in _QUIT:
            break
        try:
            turn = take_turn(state, text)
        except InputError as exc:
            stdout.write(f"  ({exc})\n")
            continue
        before = state["openness"]
        state = turn.state
        if turn.reply is not None:
            _say(stdout, name, turn.reply)
        else:
            stdout.write(f"({name} is paused. The role-play has stopped.)\n")
        _status(stdout, state, before)
        _coach(stdout, turn.coach)
    report = build_report(state)
    if report is not None:
        print_report(stdout, report)
    return EXIT_OK
