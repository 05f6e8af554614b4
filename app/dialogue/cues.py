"""Recognisers as data: RE2 patterns (or phrase lists) with exceptions and their own examples.

The rehearsal recognises what a line *does* (acknowledges a worry, suggests one session,
answers the spouse's particular fear) with cues written in the dialogue data. A cue is

    id, pattern = '''RE2''' or phrases = [...]   what it matches (group `mark` = the span)
    unless = ['''RE2''', ...]                    exceptions, tested on the sentence of the match
    flagged = ["I [[understand]] why."]          examples it must find (span marked once)
    clean = ["I understand nothing."]            examples it must not find

Matching runs on the engine's normalised text (text-speak expanded, typos of key words fixed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.engine.patterns import data_pattern, phrases_to_pattern
from app.engine.rules import check_examples, compile_unless, firing_spans
from app.loader import DataError

CUE_KEYS = ("id", "pattern", "phrases", "unless", "flagged", "clean")


@dataclass(frozen=True)
class Cue:
    """One compiled recogniser; `spans` says where it fires in a normalised text."""

    id: str
    source: str
    regex: Any
    unless: Any  # all its exceptions as one pattern, or None
    flagged: tuple[str, ...]
    clean: tuple[str, ...]
    file: str

    def spans(self, text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return firing_spans(self.regex, self.unless, text, sentences)


def compile_cue(path: Path, where: str, raw: dict[str, Any]) -> Cue:
    """Compile one already schema-checked cue table; errors name the file and the key."""
    has_pattern, has_phrases = "pattern" in raw, "phrases" in raw
    if has_pattern == has_phrases:
        raise DataError(path, where, "give exactly one of 'pattern' or 'phrases'")
    source = raw["pattern"] if has_pattern else phrases_to_pattern(raw["phrases"])
    key = f"{where}.{'pattern' if has_pattern else 'phrases'}"
    regex = data_pattern(path, key, source)
    unless = compile_unless(path, where, raw.get("unless", []), {})
    check_examples(path, where, raw)
    return Cue(
        id=raw["id"],
        source=source,
        regex=regex,
        unless=unless,
        flagged=tuple(raw["flagged"]),
        clean=tuple(raw["clean"]),
        file=str(path),
    )
