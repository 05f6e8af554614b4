"""The curated disclosure table (data/safety_cases.toml), reliability plan C-1.

Every positive phrasing must reach the safety answer, with its kind (and level where the
group names one); every negative must stay clean. The false-positive count is reported as a
test property and gated at the ceiling written in the table (zero for now).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from app.engine import get_analyzer
from app.paths import DATA_DIR

_ANALYZER = get_analyzer()
_TABLE = tomllib.loads((DATA_DIR / "safety_cases.toml").read_text(encoding="utf-8"))
_POSITIVES = [
    (group["kind"], group.get("level"), text) for group in _TABLE["positive"] for text in group["texts"]
]
_NEGATIVES = [(group["why"], text) for group in _TABLE["negative"] for text in group["texts"]]
FALSE_POSITIVE_CEILING = 0


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def test_table_is_big_and_covers_every_kind() -> None:
    assert len(_POSITIVES) >= 150
    kinds = Counter(kind for kind, _, _ in _POSITIVES)
    for kind in (
        "violence",
        "threats",
        "weapons",
        "fear",
        "coercive-control",
        "financial-control",
        "digital-control",
        "isolation",
        "sexual-coercion",
        "stalking",
        "children",
        "self-harm",
    ):
        assert kinds[kind] >= 5, f"only {kinds[kind]} positive cases of kind {kind}"
    assert any(len(text) > 200 for _, _, text in _POSITIVES), "needs long messages with the cue inside"
    assert len(_NEGATIVES) >= 50
    assert {why for why, _ in _NEGATIVES} >= {"negation", "idiom"}


@pytest.mark.parametrize(("kind", "level", "text"), _POSITIVES, ids=[_short(t) for _, _, t in _POSITIVES])
def test_positive_case_reaches_the_safety_answer(kind: str, level: str | None, text: str) -> None:
    safety = _ANALYZER.analyze(text, with_rewrite=False).safety
    assert safety is not None, f"missed disclosure ({kind}): {text!r}"
    assert kind in safety.kinds, f"{text!r}: expected kind {kind}, got {safety.kinds}"
    if level is not None:
        assert safety.level == level, f"{text!r}: expected level {level}, got {safety.level}"


@pytest.mark.parametrize(("why", "text"), _NEGATIVES, ids=[_short(t) for _, t in _NEGATIVES])
def test_negative_case_stays_clean(why: str, text: str) -> None:
    norm = _ANALYZER.normalizer.normalize(text)
    hits = [(cue.id, norm.text[start:end]) for cue, start, end in _ANALYZER.safety.hits(norm.text)]
    assert not hits, f"false alarm ({why}) on {text!r}: {hits}"


def test_recall_and_false_positive_count(record_property: Callable[[str, Any], None]) -> None:
    missed = [text for _, _, text in _POSITIVES if _ANALYZER.analyze(text, with_rewrite=False).safety is None]
    false_alarms = [
        text for _, text in _NEGATIVES if _ANALYZER.analyze(text, with_rewrite=False).safety is not None
    ]
    record_property("safety_cases_positives", len(_POSITIVES))
    record_property("safety_cases_missed", len(missed))
    record_property("safety_cases_negatives", len(_NEGATIVES))
    record_property("safety_cases_false_positives", len(false_alarms))
    assert not missed, f"recall {1 - len(missed) / len(_POSITIVES):.3f}; missed: {missed}"
    assert len(false_alarms) <= FALSE_POSITIVE_CEILING, (
        f"{len(false_alarms)} false positives of {len(_NEGATIVES)} negatives: {false_alarms}"
    )
