"""Sentence splitting that copes with text messages: no punctuation, emoji, several lines."""

from __future__ import annotations

import re

# A boundary: end punctuation followed by space, line breaks, or a run of emoji/pictographs.
# Each alternative is a single quantified class, so matching stays linear.
_BOUNDARY = re.compile(
    r"[.!?\u2026]+[\"')\]]*(?:\s+|$)"
    r"|\n[\s]*"
    r"|\s*[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d]+\s*"
    r"|\s+-\s+"
    r"|;\s*"
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
    chosen = (0, 0)
    for start, end in spans:
        if start <= position:
            chosen = (start, end)
        else:
            break
    return chosen
