"""Sentence splitting that copes with text messages: no punctuation, emoji, several lines."""

from __future__ import annotations

import re
from bisect import bisect_right

_EMOJI = "\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d"
# A boundary: a run of end punctuation before a space or the end, a line break, a run of
# emoji, a spaced dash, or a semicolon. Runs are matched only from their first character
# and possessively, so hostile input (5,000 "!") stays linear.
_BOUNDARY = re.compile(
    r"(?<![.!?\u2026])[.!?\u2026]++[\"')\]]*+(?=\s|$)"
    r"|\n"
    rf"|(?<![{_EMOJI}])[{_EMOJI}]++"
    r"|(?<=\s)-(?=\s)"
    r"|;"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of text, trimmed of surrounding space."""
    spans: list[tuple[int, int]] = []
    last = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end() if text[match.start()] in ".!?\u2026" else match.start()
        _append(text, last, end, spans)
        last = match.end()
    _append(text, last, len(text), spans)
    return spans


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
