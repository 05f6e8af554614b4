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
# Characters stage 1 has to look at: anything outside printable ASCII, tab and newline, plus `.
_SPECIAL = re.compile(r"[^\t\n\x20-\x5f\x61-\x7e]")
# The characters stage 1 changes other than by NFKC: control characters and lone surrogates
# (tab and newline stay), the ones dropped, the quotes and dashes replaced. See _unchanged.
_CHANGED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f" r"\ud800-\udfff" + re.escape("".join(sorted(_DROP | set(_QUOTES)))) + "]"
)
_STRETCH = re.compile(r"([A-Za-z])\1{2,}")
_TRIPLE = re.compile(r"([a-z])\1\1")
_SHORT_STRETCH = re.compile(r"[a-z]?([a-z])\1\1")  # "sooo", "nooo": stretched short words
_NEXT_WORD = re.compile(r"\W*([A-Za-z']+)")
_CLAUSE_MARKS = frozenset(".!?,;:\n(")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
# bytes.translate table: ASCII letters to lower case, every other byte to a space.
_RUN_BYTES = bytes(c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 else 32 for c in range(256))
_PLAIN_LIMIT = 200_000  # distinct words remembered as needing no change (a few MB at most)


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


class Normalized:
    """Normalised text, and the edits that map its spans back to the original."""

    __slots__ = ("original", "stages", "text")  # a plain class: built once per text analysed

    def __init__(self, original: str, text: str, stages: tuple[_Edits, ...] = ()) -> None:
        self.original = original
        self.text = text
        self.stages = stages  # last stage first

    def __repr__(self) -> str:
        return f"Normalized(text={self.text!r}, stages={len(self.stages)})"

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to a span of the original text."""
        if end <= start:
            for stage in self.stages:
                start = stage.start(start)
            return start, start
        for stage in self.stages:
            start, end = stage.start(start), stage.end(end)
        return start, end


def _unchanged(text: str) -> bool:
    """True when stage 1 would change nothing, told by C-level checks: usually the case.

    A character NFKC changes cannot occur in a text already in NFKC, so a text in NFKC with
    none of the other characters stage 1 replaces comes through as it is (emoji, accents).
    """
    if text.isascii():
        return "`" not in text and (text.isprintable() or _CHANGED.search(text) is None)
    if text.isprintable():  # no control, format (the _DROP ones) or surrogate characters
        changed = any(quote in text for quote in _QUOTES)
    else:
        changed = _CHANGED.search(text) is not None
    return not changed and unicodedata.is_normalized("NFKC", text)


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


# A closing double quote: right after a word or a mark, and right before the punctuation that
# ends the clause (or the end of the text). The lookahead only crosses spaces, so each space
# is read once: linear on any input.
_CLOSING_QUOTE = re.compile(r'(?<=[^\s"])"(?=[ \t]*(?:[.!?,;:]|$))')


def _stage_quotes(text: str) -> tuple[str, _Edits] | None:
    """text without the double quotes that keep rules anchored on the start or end of a line
    or clause from reading a quoted line as typed bare; None when there are none.
    - A whole message inside one pair ('"Whatever."', a line pasted as it was said): both go.
    - Otherwise each closing quote of a line quoted inside it: 'I told him "I'm scared of
      you".' reads 'I told him "I'm scared of you.'."""
    if '"' not in text:
        return None
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    if end - start >= 3 and text[start] == '"' == text[end - 1] and '"' not in text[start + 1 : end - 1]:
        dropped = [start, end - 1]
    else:
        dropped = [found.start() for found in _CLOSING_QUOTE.finditer(text)]
        if not dropped:
            return None
    pieces: list[str] = []
    rows: list[tuple[int, int, int, int]] = []
    last = 0
    for at in dropped:  # in text order; each one shifts what follows back by one
        pieces.append(text[last:at])
        rows.append((at - len(rows), at - len(rows), at, at + 1))
        last = at + 1
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
        self._plain: set[bytes] = set()  # letter runs known to need no change (_is_plain)

    def _odd_runs(self, spaced: bytes) -> list[bytes]:
        """The runs of letters in spaced (see _word_changes) that might need a change.

        Every word the word stage changes is a maximal run of ASCII letters (text-speak, a
        stretched word, a typo of a rule word). A run that is none of these, judged once and
        remembered, never changes, so the usual text costs one set operation in C. The set
        only grows, up to a limit, and an answer never changes: safe to share between threads.
        """
        plain = self._plain
        unknown: set[bytes] | None = None
        for run in spaced.split():  # a lookup each, without building a set of them all
            if run not in plain:
                if unknown is None:
                    unknown = set()
                unknown.add(run)
        if unknown is None:
            return []
        odd = []
        for run in unknown:
            if not self._run_is_plain(run.decode()):
                odd.append(run)
            elif len(plain) < _PLAIN_LIMIT:
                plain.add(run)
        return odd

    def _run_is_plain(self, lower: str) -> bool:
        if lower in self.lexicon.text_speak or lower == "ur" or _TRIPLE.search(lower):
            return False
        return len(lower) < 5 or self._fixed(lower) in (None, lower)

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
        """(start, end, replacement) for every word to change, in order.

        Text-speak must stand alone as a word (not beside a digit or _, as in "u2", nor
        before an apostrophe, as in "r'"); a short stretched word ("sooo") likewise; longer
        words are looked up whatever is around them.
        """
        # One byte per character of text: its ASCII letters in lower case, all else a space
        # (encoding with "replace" turns each other character into one "?"), so the words
        # to look at are found with bytes.find and their offsets are offsets into text.
        spaced = text.encode("ascii", "replace").translate(_RUN_BYTES)
        odd = self._odd_runs(spaced)
        if not odd:
            return []
        padded = b" " + spaced + b" "
        changes: list[tuple[int, int, str]] = []
        for run in odd:
            lower = run.decode()
            needle = b" " + run + b" "
            at = padded.find(needle)
            while at >= 0:
                start, end = at, at + len(run)  # at is the space before the run in padded
                change = self._change(text, start, end, lower)
                if change is not None:
                    changes.append((start, end, change))
                at = padded.find(needle, end + 1)
        if len(changes) > 1:
            changes.sort()
        return changes

    def _clause_starts(self, text: str, start: int) -> bool:
        """Whether a clause starts at text[start]: at the start of the text, after sentence or
        clause punctuation, or right after one of the lexicon's speak_openers."""
        before = text[:start].rstrip()
        if not before or before[-1] in _CLAUSE_MARKS:
            return True
        words = " ".join(before[-24:].lower().split())
        return any(
            words.endswith(opener) and (len(words) == len(opener) or not words[-len(opener) - 1].isalnum())
            for opener in self.lexicon.speak_openers
        )

    def _change(self, text: str, start: int, end: int, lower: str) -> str | None:
        """The replacement for the word text[start:end] (lower-cased: lower), or None."""
        alone = (start == 0 or text[start - 1] not in _WORD_CHARS) and (
            end == len(text) or text[end] not in _WORD_CHARS
        )
        speak_words = self.lexicon.text_speak
        replacement: str | None = None
        if alone and (lower in speak_words or lower == "ur"):
            if text[end : end + 1] == "'":
                return None  # part of a contraction such as "r'"
            if lower == "ur":
                following = _NEXT_WORD.match(text, end)
                word = following.group(1).lower() if following else ""
                replacement = "you're" if word in self.lexicon.ur_means_you_are else "your"
            elif lower in self.lexicon.speak_at_clause_start and not self._clause_starts(text, start):
                return None  # "he lets me": the plain word
            else:
                replacement = speak_words[lower]
        elif len(lower) >= 5 or (alone and len(lower) >= 3 and _SHORT_STRETCH.fullmatch(lower)):
            replacement = self._fixed(lower)
        if replacement is None or replacement == lower:
            return None
        return _match_case(text[start:end], replacement)

    def normalize(self, original: str) -> Normalized:
        """Normalise original; spans in the result map back with to_original()."""
        stages: list[_Edits] = []
        text = original
        first = None if _unchanged(original) else _stage_characters(original)
        if first is not None:
            text, edits = first
            stages.append(edits)
        quoted = _stage_quotes(text)
        if quoted is not None:
            text, edits = quoted
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
