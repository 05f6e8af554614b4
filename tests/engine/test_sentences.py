"""Sentence splitting for text messages: no punctuation, emoji, several lines."""

from __future__ import annotations

import random

import pytest

from app.engine.sentences import _CANDIDATE, _candidates, sentence_at, split_sentences


def _parts(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("you never listen to me", ["you never listen to me"]),
        ("I love you. You always make me laugh!", ["I love you.", "You always make me laugh!"]),
        ("Are you home? Dinner's ready.", ["Are you home?", "Dinner's ready."]),
        ("Wait... what?!", ["Wait...", "what?!"]),
        ("first line\nsecond line\n\nthird", ["first line", "second line", "third"]),
        ("I love you \u2764\ufe0f you never call", ["I love you", "you never call"]),
        ("ugh \U0001f621\U0001f621\U0001f621 whatever", ["ugh", "whatever"]),
        ("I tried - you weren't there", ["I tried", "you weren't there"]),
        ("I asked; you said no", ["I asked", "you said no"]),
        ("It took 3.5 hours", ["It took 3.5 hours"]),
        ("a well-known place", ["a well-known place"]),
        ('"Fine." she said', ['"Fine."', "she said"]),
    ],
)
def test_splits(text: str, parts: list[str]) -> None:
    assert _parts(text) == parts


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "\U0001f621", "...", " ; - ; "])
def test_nothing_to_say_gives_no_empty_sentences(text: str) -> None:
    for start, end in split_sentences(text):
        assert end > start
        assert text[start:end].strip()


def test_spans_are_trimmed_ordered_and_inside_the_text() -> None:
    text = "  Hey.   You never call!  \n\n I miss you \U0001f622 come home  "
    spans = split_sentences(text)
    assert spans == sorted(spans)
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end <= start


def test_sentence_at_finds_the_sentence_holding_a_position() -> None:
    text = "I love you. You never call. Ok"
    spans = split_sentences(text)
    assert sentence_at(spans, text.index("never")) == spans[1]
    assert sentence_at(spans, 0) == spans[0]
    assert sentence_at(spans, len(text) - 1) == spans[2]
    assert sentence_at([], 5) == (0, 0)


def test_a_hostile_run_stays_fast() -> None:
    import time

    started = time.perf_counter()
    for text in ("!" * 5000, " " * 5000, "\U0001f621" * 5000, "a." * 2500, "- " * 2500):
        split_sentences(text)
    assert time.perf_counter() - started < 0.5


def test_the_fast_scan_finds_the_same_candidates_as_finditer() -> None:
    rng = random.Random(5)
    alphabet = list("ab  .!?;-\n\"')]\u2026") + ["\U0001f621", "\u2764", "\ufe0f", "\u200d", "x"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert list(_candidates(text)) == [m.span() for m in _CANDIDATE.finditer(text)], repr(text)
