"""The benchmark's inputs are inputs the engine accepts (scripts/bench.py)."""

from __future__ import annotations

from script_modules import load_script

from app.engine import Analyzer
from app.engine.limits import check_text


def test_every_hostile_input_is_a_text_the_engine_takes(analyzer: Analyzer) -> None:
    cases = load_script("bench").hostile_inputs(analyzer)
    # every rule and cue contributes, and none is refused (a blank one stopped the bench)
    assert len(cases) > len(analyzer.rules.rules) + len(analyzer.safety.cues)
    for text in cases.values():
        check_text(text)


def test_generated_messages_are_texts_the_engine_takes() -> None:
    for text in load_script("bench").generate(500, 3):
        check_text(text)
