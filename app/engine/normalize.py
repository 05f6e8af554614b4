"""Normalisation with an offset map back to the text as the user sent it.

Two stages, each recording the spans it replaced, so any span of the normalised text maps
back to the exact characters the user typed:
1. characters: NFKC, curly quotes, zero-width and bidi controls dropped, control
   characters and lone surrogates turned into spaces (only the special characters are
   visited; plain ASCII text passes straight through);
2. words: text-speak ("u", "ur", "ure", "im", "dont"), stretched letters ("neverrr"),
   and small typos of the words our rules care about (rapidfuzz, cached per word).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from app.engine.lexicon import Lexicon
from app.engine.patterns import compile_pattern

_DROP = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u00ad"
)
_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": " - ", "\u2212": "-",
}  # fmt: skip
# Characters stage 1 has to look at: anything outside printable ASCII, tab and newline, plus `.
_SPECIAL = re.compile(r"[^\t\n\x20-\x5f\x61-\x7e]")
_STRETCH = re.compile(r"([A-Za-z])\1{2,}")


class _Edits:
    """Replaced spans of one stage: (new_start, new_end, old_start, old_end), in order."""

    __slots__ = ("new_starts", "rows")

    def __init__(self, rows: list[tuple[int, int, int, int]]) -> None:
        self.rows = rows
        self.new_starts = [row[0] for row in rows]

    def _locate(self, pos: int) -> tuple[int, int, int, int] | int:
        """The edit containing new position pos, or the shift to apply outside edits."""
        index = bisect_right(self.new_starts, pos) - 1
        if index < 0:
            return 0
        new_start, new_end, old_start, old_end = self.rows[index]
        if pos < new_end:
            return self.rows[index]
        return old_end - new_end

    def start(self, pos: int) -> int:
        """Old start for new position pos."""
        found = self._locate(pos)
        return pos + found if isinstance(found, int) else found[2]

    def end(self, pos: int) -> int:
        """Old end for a new exclusive end pos (pos > 0)."""
        found = self._locate(pos - 1)
        return pos + found if isinstance(found, int) else found[3]


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text, and the edits that map its spans back to the original."""

    original: str
    text: str
    stages: tuple[_Edits, ...] = ()  # last stage first

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to a span of the original text."""
        if end <= start:
            for stage in self.stages:
                start = stage.start(start)
            return start, start
        for stage in self.stages:
            start, end = stage.start(start), stage.end(end)
        return start, end


def _stage_characters(text: str) -> tuple[str, _Edits] | None:
    """Character-level clean-up; None when nothing changes (the common case)."""
    pieces: list[str] = []
    rows: list[tuple[int, int, int, int]] = []
    last = 0
    new_len = 0
    for match in _SPECIAL.finditer(text):
        index = match.start()
        char = text[index]
        if char in _DROP:
            piece = ""
        elif char in _QUOTES:
            piece = _QUOTES[char]
        else:
            category = unicodedata.category(char)
            piece = " " if category in ("Cs", "Cc") else unicodedata.normalize("NFKC", char)
        if piece == char:
            continue
        pieces.append(text[last:index])
        new_len += index - last
        rows.append((new_len, new_len + len(piece), index, index + 1))
        pieces.append(piece)
        new_len += len(piece)
        last = index + 1
    if not rows:
        return None
    pieces.append(text[last:])
    return "".join(pieces), _Edits(rows)


def _match_case(source: str, replacement: str) -> str:
    if source[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


class Normalizer:
    """Normalises text for matching; safe to share between threads."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._targets = sorted(lexicon.typo_targets)
        self.correct = lru_cache(maxsize=65536)(self._correct_uncached)
        self._fixed = lru_cache(maxsize=65536)(self._fix_word)
        speak = "|".join(sorted((re.escape(w) for w in lexicon.text_speak), key=len, reverse=True))
        # Text-speak is rare: a quick RE2 scan says whether to look for it at all.
        self._speak_probe = compile_pattern(rf"\b(?:{speak}|ur)\b")
        self._speak = self._speak_probe
        # Words long enough to be typos, and short stretched words ("sooo").
        self._long = re.compile(r"[A-Za-z]{5,}|\b[A-Za-z]?([A-Za-z])\1\1\b")
        self._next_word = re.compile(r"\W*([A-Za-z']+)")
        self._long_words = re.compile(r"[a-z]{5,}")
        self._short_stretch = re.compile(r"([a-z])\1\1")

    def _correct_uncached(self, lower: str) -> str | None:
        """The rule word a misspelt token stands for, or None."""
        if len(lower) < 5 or lower in self.lexicon.known:
            return None
        limit = 2 if len(lower) >= 9 else 1
        found = process.extractOne(lower, self._targets, scorer=OSA.distance, score_cutoff=limit)
        return None if found is None else str(found[0])

    def _fix_word(self, lower: str) -> str | None:
        """The replacement for a lower-case word (not "ur"), or None to keep it."""
        speak = self.lexicon.text_speak.get(lower)
        if speak is not None:
            return speak
        if _STRETCH.search(lower):
            single = _STRETCH.sub(r"\1", lower)
            double = _STRETCH.sub(r"\1\1", lower)
            vocab = self.lexicon.known
            chosen = double if double in vocab and single not in vocab else single
            return self.correct(chosen) or chosen
        return self.correct(lower)

    def _word_changes(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, replacement) for every word to change, in order."""
        changes: list[tuple[int, int, str]] = []
        if self._speak_probe.search(text):
            for match in self._speak.finditer(text):
                if text[match.end() : match.end() + 1] == "'":
                    continue  # part of a contraction such as "r'"
                token = match.group()
                lower = token.lower()
                if lower == "ur":
                    following = self._next_word.match(text, match.end())
                    word = following.group(1).lower() if following else ""
                    speak = "you're" if word in self.lexicon.ur_means_you_are else "your"
                else:
                    speak = self.lexicon.text_speak[lower]
                changes.append((match.start(), match.end(), _match_case(token, speak)))
        # Most texts need no word change: check the distinct long words first (cached per word).
        lowered = text.lower()
        fixed = self._fixed
        if not any(fixed(word) for word in set(self._long_words.findall(lowered))) and not (
            self._short_stretch.search(lowered)
        ):
            return changes
        for match in self._long.finditer(text):
            token = match.group()
            replacement = self._fixed(token.lower())
            if replacement is not None and replacement != token.lower():
                changes.append((match.start(), match.end(), _match_case(token, replacement)))
        if len(changes) > 1:
            changes.sort()
        return changes

    def normalize(self, original: str) -> Normalized:
        """Normalise original; spans in the result map back with to_original()."""
        stages: list[_Edits] = []
        text = original
        first = _stage_characters(original) if _SPECIAL.search(original) else None
        if first is not None:
            text, edits = first
            stages.append(edits)
        changes = self._word_changes(text)
        pieces: list[str] = []
        rows: list[tuple[int, int, int, int]] = []
        last = 0
        new_len = 0
        for start, end, replacement in changes:
            if start < last:
                continue  # overlaps a change already made
            pieces.append(text[last:start])
            new_len += start - last
            rows.append((new_len, new_len + len(replacement), start, end))
            pieces.append(replacement)
            new_len += len(replacement)
            last = end
        if rows:
            pieces.append(text[last:])
            text = "".join(pieces)
            stages.append(_Edits(rows))
        return Normalized(original, text, tuple(reversed(stages)))
