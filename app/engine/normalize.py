"""Normalisation with an offset map back to the text as the user sent it.

Two stages, each recording for every output character the original span it came from:
1. characters: NFKC, curly quotes, zero-width and bidi controls dropped, control
   characters and lone surrogates turned into spaces (skipped for plain ASCII);
2. words: text-speak ("u", "ur", "ure", "im", "dont"), stretched letters ("neverrr"),
   and small typos of the words our rules care about (rapidfuzz, cached).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from app.engine.lexicon import Lexicon

_DROP = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u00ad"
)
_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": " - ", "\u2212": "-",
}  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f`]")
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_STRETCH = re.compile(r"([A-Za-z])\1{2,}")


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text plus, per character, the [start, end) it came from in the original."""

    original: str
    text: str
    starts: tuple[int, ...] | None  # None: identical to the original
    ends: tuple[int, ...] | None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to a span of the original text."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def _stage_characters(text: str) -> tuple[str, list[int], list[int]] | None:
    """Character-level clean-up; None when nothing changes (the common ASCII case)."""
    if text.isascii() and not _CONTROL.search(text):
        return None
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    changed = False
    for index, char in enumerate(text):
        if char in _DROP:
            changed = True
            continue
        if char in _QUOTES:
            piece = _QUOTES[char]
        elif char in "\n\t":
            piece = char
        elif char.isascii():
            piece = " " if _CONTROL.match(char) else char
        else:
            category = unicodedata.category(char)
            piece = " " if category in ("Cs", "Cc") else unicodedata.normalize("NFKC", char)
        if piece != char:
            changed = True
        for produced in piece:
            out.append(produced)
            starts.append(index)
            ends.append(index + 1)
    if not changed:
        return None
    return "".join(out), starts, ends


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

    def _correct_uncached(self, lower: str) -> str | None:
        """The rule word a misspelt token stands for, or None."""
        if len(lower) < 5 or lower in self.lexicon.known or "'" in lower:
            return None
        limit = 2 if len(lower) >= 9 else 1
        found = process.extractOne(lower, self._targets, scorer=OSA.distance, score_cutoff=limit)
        return None if found is None else str(found[0])

    def _word(self, token: str, following: str) -> str | None:
        """The replacement for one word token, or None to keep it."""
        lower = token.lower()
        speak = self.lexicon.text_speak.get(lower)
        if lower == "ur":
            speak = "you're" if following in self.lexicon.ur_means_you_are else "your"
        if speak is not None:
            return _match_case(token, speak)
        if _STRETCH.search(lower):
            single = _STRETCH.sub(r"\1", lower)
            double = _STRETCH.sub(r"\1\1", lower)
            vocab = self.lexicon.known
            chosen = double if double in vocab and single not in vocab else single
            return _match_case(token, self.correct(chosen) or chosen)
        fixed = self.correct(lower)
        return None if fixed is None else _match_case(token, fixed)

    def normalize(self, original: str) -> Normalized:
        """Normalise original; spans in the result map back with to_original()."""
        stage = _stage_characters(original)
        text = original if stage is None else stage[0]
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        last = 0
        tokens = list(_WORD.finditer(text))
        for position, match in enumerate(tokens):
            following = tokens[position + 1].group().lower() if position + 1 < len(tokens) else ""
            replacement = self._word(match.group(), following)
            if replacement is None or replacement == match.group():
                continue
            pieces.append(text[last : match.start()])
            starts.extend(range(last, match.start()))
            ends.extend(range(last + 1, match.start() + 1))
            pieces.append(replacement)
            starts.extend([match.start()] * len(replacement))
            ends.extend([match.end()] * len(replacement))
            last = match.end()
        if last == 0 and not pieces:
            if stage is None:
                return Normalized(original, original, None, None)
            return Normalized(original, text, tuple(stage[1]), tuple(stage[2]))
        pieces.append(text[last:])
        starts.extend(range(last, len(text)))
        ends.extend(range(last + 1, len(text) + 1))
        result = "".join(pieces)
        if stage is not None:
            first_starts, first_ends = stage[1], stage[2]
            starts = [first_starts[i] for i in starts]
            ends = [first_ends[i - 1] for i in ends]
        return Normalized(original, result, tuple(starts), tuple(ends))
