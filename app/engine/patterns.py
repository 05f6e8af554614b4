"""Compiling rule patterns with RE2, which runs in linear time on any input.

Patterns are written in the RE2 subset (no look-around, no back-references) and matched
case-insensitively on normalised text. Phrase lists become one alternation with word
boundaries and flexible spacing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import re2

_OPTIONS = re2.Options()
_OPTIONS.case_sensitive = False
_OPTIONS.log_errors = False
_OPTIONS.max_mem = 8 << 20
# A set of many patterns needs a bigger budget for its lazily built DFA: when the budget
# runs out RE2 keeps flushing and rebuilding states, and a scan gets ~50x slower. The
# memory is only used as states are actually visited.
_SET_OPTIONS = re2.Options()
_SET_OPTIONS.case_sensitive = False
_SET_OPTIONS.log_errors = False
_SET_OPTIONS.max_mem = 64 << 20


class PatternError(ValueError):
    """A pattern is not valid RE2 syntax."""


def compile_pattern(pattern: str) -> Any:
    """Compile one pattern with RE2 (case-insensitive); raise PatternError if invalid."""
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        raise PatternError(str(exc) or "invalid RE2 pattern") from exc


def phrase_to_pattern(phrase: str) -> str:
    """Turn a plain phrase into a pattern: escaped words, flexible spaces, optional apostrophes."""
    words = phrase.strip().split()
    parts = []
    for word in words:
        parts.append("'?".join(re2.escape(piece) for piece in word.split("'")))
    return r"\s+".join(parts)


def phrases_to_pattern(phrases: list[str]) -> str:
    """One alternation over phrases, anchored on word boundaries, marking the phrase."""
    ordered = sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True)
    body = "|".join(phrase_to_pattern(p) for p in ordered)
    return rf"\b(?P<mark>{body})\b"


_CLASS_REF = re.compile(r"\{\{([a-z_]+)\}\}")


def class_to_pattern(words: list[str] | tuple[str, ...]) -> str:
    """A word class as one non-capturing alternation (longest first, same rules as phrases)."""
    ordered = sorted({w.strip().lower() for w in words if w.strip()}, key=len, reverse=True)
    return "(?:" + "|".join(phrase_to_pattern(w) for w in ordered) + ")"


def expand_classes(pattern: str, classes: Mapping[str, str]) -> str:
    """Replace every {{name}} in pattern by the word class of that name (see data/lexicon.toml)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in classes:
            known = ", ".join(sorted(classes)) or "none"
            raise PatternError(f"unknown word class {{{{{name}}}}} (known: {known})")
        return classes[name]

    return _CLASS_REF.sub(replace, pattern)


class PatternSet:
    """Many patterns scanned in one pass (RE2::Set); tells which ones match somewhere."""

    def __init__(self, patterns: list[str]) -> None:
        self._set = re2.Set.SearchSet(_SET_OPTIONS)
        for pattern in patterns:
            self._set.Add(pattern)
        self._empty = not patterns
        if not self._empty:
            self._set.Compile()

    def matching(self, text: str) -> list[int]:
        """Indexes of the patterns that match somewhere in text."""
        if self._empty:
            return []
        found = self._set.Match(text)
        return sorted(found) if found else []
