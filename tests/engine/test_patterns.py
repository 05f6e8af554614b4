"""PatternSet and Regex: the fast paths give the same answers as plain RE2 searches."""

from __future__ import annotations

from typing import Any

import pytest
import re2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine import Analyzer
from app.engine.patterns import PatternSet, compile_pattern

RuleSets = tuple[list[Any], list[PatternSet]]
_TEXTS = st.text(alphabet=st.sampled_from(list("you never always lazy .!\n😡é'")), max_size=60)


@pytest.fixture(scope="module")
def rule_sets(analyzer: Analyzer) -> RuleSets:
    patterns = [rule.source for rule in analyzer.rules.rules]
    singles = [compile_pattern(pattern) for pattern in patterns]
    return singles, [PatternSet(patterns, group_size=size) for size in (0, 5, 17)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXTS)
def test_a_set_answers_as_each_pattern_would(rule_sets: RuleSets, text: str) -> None:
    singles, sets = rule_sets
    expected = [index for index, regex in enumerate(singles) if regex.search(text) is not None]
    for one in sets:
        assert one.matching(text) == expected


class _GaveUp:
    """Stands in for an RE2 set whose scan failed: its answer lacks the sentinel."""

    def Match(self, data: bytes) -> list[int]:  # noqa: N802 (the C++ method's name)
        return []


def test_a_failed_scan_reports_every_pattern_of_its_set() -> None:
    patterns = [r"\bnever\b", r"\balways\b", r"\blazy\b", r"\bcalm down\b"]
    found = PatternSet(patterns, group_size=2)
    assert found.matching("you never help") == [0]
    broken = found._sets[1]
    found._sets[1] = (_GaveUp(), broken[1], broken[2])
    assert found.matching("you never help") == [0, 1, 3]  # set 1 holds patterns 1 and 3


@settings(max_examples=200, deadline=None)
@given(text=_TEXTS)
def test_all_spans_are_finditer_spans(text: str) -> None:
    """all_spans steps exactly as finditer does (which, on ASCII text, is google-re2's own
    finditer without its repeated empty match at the end of a word)."""
    pattern = r"\byou(?:'re| are)?\s+(?:\w+\s+)?(?P<mark>never|always)\b|(?P<mark2>lazy)"
    ours = compile_pattern(pattern)
    theirs = re2.compile(pattern, ours._slow.options)
    expected = [[m.span(g) for g in range(ours.groups + 1)] for m in theirs.finditer(text)]
    assert ours.all_spans(text) == expected
    empty = compile_pattern(pattern + r"|\b")
    groups = range(empty.groups + 1)
    assert empty.all_spans(text) == [[m.span(g) for g in groups] for m in empty.finditer(text)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXTS)
def test_one_scan_answers_for_rules_and_strengths_as_two_would(analyzer: Analyzer, text: str) -> None:
    rules, strengths = analyzer.scanner.candidates(text)
    assert rules == analyzer.rules.candidates(text)
    assert strengths == analyzer.strengths.candidates(text)
