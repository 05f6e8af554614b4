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

from app.engine.patterns import PatternError, compile_pattern, phrases_to_pattern
from app.engine.rules import check_examples
from app.engine.sentences import sentence_at
from app.loader import DataError

CUE_KEYS = ("id", "pattern", "phrases", "unless", "flagged", "clean")


@dataclass(frozen=True)
class Cue:
    """One compiled recogniser; `spans` says where it fires in a normalised text."""

    id: str
    source: str
    regex: Any
    unless: tuple[Any, ...]
    flagged: tuple[str, ...]
    clean: tuple[str, ...]
    file: str

    def spans(self, text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
        found: list[tuple[int, int]] = []
        mark = self.regex.groupindex.get("mark")
        for match in self.regex.finditer(text):
            if mark is not None and match.start(mark) >= 0:
                start, end = match.start(mark), match.end(mark)
            else:
                start, end = match.start(), match.end()
            if end <= start:
                continue
            if self.unless:
                s_start, s_end = sentence_at(sentences, match.start())
                sentence = text[s_start : max(s_end, match.end())]
                if any(exception.search(sentence) for exception in self.unless):
                    continue
            found.append((start, end))
        return found


def compile_cue(path: Path, where: str, raw: dict[str, Any]) -> Cue:
    """Compile one already schema-checked cue table; errors name the file and the key."""
    has_pattern, has_phrases = "pattern" in raw, "phrases" in raw
    if has_pattern == has_phrases:
        raise DataError(path, where, "give exactly one of 'pattern' or 'phrases'")
    source = raw["pattern"] if has_pattern else phrases_to_pattern(raw["phrases"])
    key = f"{where}.{'pattern' if has_pattern else 'phrases'}"
    try:
        regex = compile_pattern(source)
    except PatternError as exc:
        raise DataError(path, key, f"not a valid RE2 pattern: {exc}") from exc
    unless = []
    for index, exception in enumerate(raw.get("unless", [])):
        try:
            unless.append(compile_pattern(exception))
        except PatternError as exc:
            raise DataError(path, f"{where}.unless[{index}]", f"not a valid RE2 pattern: {exc}") from exc
    check_examples(path, where, raw)
    return Cue(
        id=raw["id"],
        source=source,
        regex=regex,
        unless=tuple(unless),
        flagged=tuple(raw["flagged"]),
        clean=tuple(raw["clean"]),
        file=str(path),
    )
