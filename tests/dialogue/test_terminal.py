"""`weframe scenarios` and `weframe rehearse` in a terminal (stdin piped)."""

from __future__ import annotations

import io

import pytest

from app.cli import main
from app.dialogue.terminal import list_scenarios, meter, rehearse

GOOD = (
    "I love you, and I want us to be the best team we can be.\n"
    "I understand why this feels uncomfortable.\n"
    "Going to counselling isn't a sign of failure; lots of strong couples go.\n"
    "Could we try just one session, to see how it feels?\n"
)


def _run(scenario: str | None, seed: int | None, text: str) -> tuple[int, str]:
    out = io.StringIO()
    code = rehearse(scenario, seed, io.StringIO(text), out)
    return code, out.getvalue()


def test_list_scenarios_prints_ids_and_titles() -> None:
    out = io.StringIO()
    assert list_scenarios(out) == 0
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == [
        "misunderstanding",
        "fear-of-judgment",
        "stigma",
        "solve-it-ourselves",
    ]
    assert "Therapy means we failed" in out.getvalue()


def test_meter() -> None:
    assert meter(0) == "[--------------------]   0/100"
    assert meter(50) == "[##########----------]  50/100"
    assert meter(100) == "[####################] 100/100"


def test_a_good_rehearsal_prints_lines_meter_coach_and_report() -> None:
    code, text = _run("stigma", 4, GOOD)
    assert code == 0
    assert "Marcus:" in text and "openness [" in text and "coach:" in text
    assert "you> I love you" in text  # piped input is echoed so the transcript reads well
    assert "== How it went ==" in text
    assert "Outcome: agreed to try one session" in text


def test_a_harsh_rehearsal_ends_with_the_alternatives() -> None:
    code, text = _run("fear-of-judgment", 2, "You're so stubborn.\nIt's all your fault.\nWhatever.\n")
    assert code == 0
    assert "Outcome: refused" in text
    assert "Work on your own part" in text and "Stay patient and hopeful" in text
    assert "try instead:" in text


def test_safety_pauses_the_terminal_rehearsal() -> None:
    _, text = _run("misunderstanding", 1, "He hit me and I'm scared.\nI'm fine.\n")
    assert "paused" in text
    assert "Emergency services" in text
    assert "you> I'm fine." not in text


def test_empty_input_ends_without_a_report() -> None:
    code, text = _run("stigma", 1, "")
    assert code == 0
    assert "How it went" not in text


def test_a_too_long_line_is_explained_and_the_talk_goes_on() -> None:
    _, text = _run("stigma", 1, "a" * 6000 + "\nI love you.\n")
    assert "longer than" in text
    assert "How it went" in text


def test_unknown_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run("nope", 1, "")
    assert code == 2
    assert "unknown scenario" in capsys.readouterr().err


def test_the_seed_picks_the_scenario_when_none_is_given() -> None:
    assert _run(None, 8, "")[1] == _run(None, 8, "")[1]


def test_cli_commands(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["scenarios"]) == 0
    assert "solve-it-ourselves" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD))
    assert main(["rehearse", "--scenario", "stigma", "--seed", "4"]) == 0
    assert "How it went" in capsys.readouterr().out
