"""Sentence splitting that copes with text messages: no punctuation, emoji, several lines."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

_EMOJI = "\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d"
# Boundary candidates: a run of end punctuation (with closing quotes), a line break, a run
# of emoji, a dash, or a semicolon. Each run is consumed whole from its first character, so
# hostile input (5,000 "!" or spaces) stays linear. Whether a candidate really ends a
# sentence is decided below: punctuation must be followed by a space or the end, a dash by
# spaces.
_CANDIDATE = re.compile(rf"[.!?\u2026]+[\"')\]]*|\n|[{_EMOJI}]+|;|-")
# The same candidates, written to start with one character class: Python's re only skips
# ahead quickly to a pattern that does (the alternation above is tried at every position).
# The first character decides the run: after an end mark, more end marks and closing quotes;
# after an emoji, more emoji (each lookbehind looks at the first character); else nothing.
_CANDIDATE_FAST = re.compile(
    rf"[.!?\u2026\n{_EMOJI};-](?:(?<=[.!?\u2026])[.!?\u2026]*[\"')\]]*|(?<=[{_EMOJI}])[{_EMOJI}]*)?"
)
_END_PUNCTUATION = ".!?\u2026"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of text, trimmed of surrounding space."""
    spans: list[tuple[int, int]] = []
    last = 0
    size = len(text)
    for start, stop in _candidates(text):
        first = text[start]
        if first in _END_PUNCTUATION:
            if stop < size and not text[stop].isspace():
                continue  # "3.5", "e.g.x": not an end
            end = stop
        elif first == "-":
            if not (start > 0 and stop < size and text[start - 1].isspace() and text[stop].isspace()):
                continue  # a hyphen inside a word
            end = start
        else:
            end = start
        _append(text, last, end, spans)
        last = stop
    _append(text, last, size, spans)
    return spans


def _candidates(text: str) -> Iterator[tuple[int, int]]:
    """The spans of _CANDIDATE's matches in text, as finditer finds them (see _CANDIDATE_FAST)."""
    for match in _CANDIDATE_FAST.finditer(text):
        yield match.span()


def _append(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentence_at(spans: list[tuple[int, int]], position: int) -> tuple[int, int]:
    """The sentence span that contains position (or the nearest one before it)."""
    index = bisect_right(spans, position, key=lambda span: span[0]) - 1
    return spans[index] if index >= 0 else (0, 0)
