"""Every rule's own examples: flagged ones fire exactly at the marked span, clean ones stay clean."""

from __future__ import annotations

import pytest

from app.engine import get_analyzer
from app.engine.rules import Rule, strip_marks
from app.engine.sentences import split_sentences

_ANALYZER = get_analyzer()
_FLAGGED = [(rule, example) for rule in _ANALYZER.rules.rules for example in rule.flagged]
_CLEAN = [(rule, example) for rule in _ANALYZER.rules.rules for example in rule.clean]
_CUES_FLAGGED = [(cue, example) for cue in _ANALYZER.strengths.rules for example in cue.flagged]
_CUES_CLEAN = [(cue, example) for cue in _ANALYZER.strengths.rules for example in cue.clean]


def _rule_spans(rule: Rule, text: str) -> list[tuple[int, int]]:
    norm = _ANALYZER.normalizer.normalize(text)
    spans = rule.spans(norm.text, split_sentences(norm.text))
    return [norm.to_original(start, end) for start, end in spans]


def _id(item: tuple[Rule, str]) -> str:
    return f"{item[0].id}: {item[1]}"


@pytest.mark.parametrize("item", _FLAGGED, ids=[_id(i) for i in _FLAGGED])
def test_flagged_example_fires_at_marked_span(item: tuple[Rule, str]) -> None:
    rule, example = item
    text, start, end = strip_marks(example)
    spans = _rule_spans(rule, text)
    assert spans == [(start, end)], (
        f"{rule.id} ({rule.file}) on {text!r}: expected {[(start, end)]}, got {spans}"
    )
    analysis = _ANALYZER.analyze(text)
    assert analysis.findings, f"{text!r} must be flagged by the whole engine"


@pytest.mark.parametrize("item", _CLEAN, ids=[_id(i) for i in _CLEAN])
def test_clean_example_stays_clean(item: tuple[Rule, str]) -> None:
    rule, example = item
    assert _rule_spans(rule, example) == [], f"false alarm of {rule.id} ({rule.file}) on {example!r}"


@pytest.mark.parametrize("item", _CUES_FLAGGED, ids=[_id(i) for i in _CUES_FLAGGED])
def test_strength_cue_finds_its_example(item: tuple[Rule, str]) -> None:
    cue, example = item
    text, start, end = strip_marks(example)
    assert _rule_spans(cue, text) == [(start, end)], f"{cue.id} on {text!r}"


@pytest.mark.parametrize("item", _CUES_CLEAN, ids=[_id(i) for i in _CUES_CLEAN])
def test_strength_cue_skips_its_clean_example(item: tuple[Rule, str]) -> None:
    cue, example = item
    assert _rule_spans(cue, example) == [], f"{cue.id} wrongly finds a strength in {example!r}"


def test_every_rule_has_both_kinds_of_example() -> None:
    for rule in _ANALYZER.rules.rules + _ANALYZER.strengths.rules:
        assert rule.flagged and rule.clean, f"{rule.id} in {rule.file} needs flagged and clean examples"


def test_every_category_has_rules() -> None:
    from app.engine.rules import CATEGORIES

    covered = {rule.category for rule in _ANALYZER.rules.rules}
    assert covered == set(CATEGORIES), f"categories without rules: {set(CATEGORIES) - covered}"
