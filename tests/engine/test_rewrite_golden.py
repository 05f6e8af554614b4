"""Golden rewrites (tests/engine/golden_rewrites.toml) replayed exactly, and checked clean."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from app.engine import get_analyzer
from app.engine.sentences import split_sentences

_ANALYZER = get_analyzer()
_CASES: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).parent / "golden_rewrites.toml").read_text(encoding="utf-8")
)["case"]


def _replay(text: str, flags: list[str]) -> str:
    norm = _ANALYZER.normalizer.normalize(text)
    sentences = split_sentences(norm.text)
    assert len(sentences) == len(flags), f"{text!r} has {len(sentences)} sentences, flags give {len(flags)}"
    flagged = {i: set(flag.split(",")) for i, flag in enumerate(flags) if flag}
    return _ANALYZER.rewriter.rewrite(norm, sentences, flagged, _ANALYZER.is_clean)


def test_there_are_enough_golden_cases() -> None:
    assert len(_CASES) >= 40
    assert len({case["text"] for case in _CASES}) == len(_CASES), "a golden text is listed twice"


@pytest.mark.parametrize("case", _CASES, ids=[case["text"][:50] for case in _CASES])
def test_golden_rewrite(case: dict[str, Any]) -> None:
    assert _replay(case["text"], case["flags"]) == case["rewrite"]


@pytest.mark.parametrize("case", _CASES, ids=[case["text"][:50] for case in _CASES])
def test_golden_rewrite_is_clean(case: dict[str, Any]) -> None:
    assert _ANALYZER.analyze(case["rewrite"]).findings == ()
