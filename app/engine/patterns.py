"""Compiling rule patterns with RE2, which runs in linear time on any input.

Patterns are written in the RE2 subset (no look-around, no back-references) and matched
case-insensitively on normalised text. Phrase lists become one alternation with word
boundaries and flexible spacing.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import re2

from app.loader import DataError


def _options(*, caseless: bool, max_mb: int = 8, for_set: bool = False, longest: bool = False) -> Any:
    """RE2 options: case-insensitive or not, a memory budget, no capture groups (for_set),
    and leftmost-longest matches (longest) instead of the first alternative that fits."""
    options = re2.Options()
    options.case_sensitive = not caseless
    options.never_capture = for_set
    options.longest_match = longest
    options.log_errors = False
    options.max_mem = max_mb << 20
    return options


# One pattern as written, case-insensitively, and one in its set_form() over set_text()
# (see Regex); each as it is usually run (index False) and leftmost-longest (index True).
_AS_WRITTEN = (_options(caseless=True), _options(caseless=True, longest=True))
_LOWERED = (_options(caseless=False), _options(caseless=False, longest=True))
# A set of many patterns needs a bigger budget for its lazily built DFA: when the budget
# runs out RE2 keeps flushing and rebuilding states, and a scan gets ~50x slower. The
# memory is only used as states are actually visited.
#
# A set scans case-sensitively, over the text with its ASCII letters lowercased, for each
# pattern in its set_form(): RE2 parses a case-insensitive letter as a class of its cases,
# and "k" and "s" as classes of three (K, the Kelvin sign; S, the long s), which made
# parsing and compiling the sets most of a process's start-up. A set only finds which
# patterns match, so it needs no capture groups either.
_SET_OPTIONS = _options(caseless=False, max_mb=64, for_set=True)
_CASELESS_SET_OPTIONS = _options(caseless=True, max_mb=64, for_set=True)  # sets over the text as sent


class PatternError(ValueError):
    """A pattern is not valid RE2 syntax; index says which one, in a PatternSet."""

    def __init__(self, message: str, index: int = -1) -> None:
        super().__init__(message)
        self.index = index


def compile_pattern(
    pattern: str, *, checked: bool = False, lazy: bool = False, longest: bool = False
) -> Regex:
    """Compile one pattern with RE2 (case-insensitive); raise PatternError if invalid.

    checked=True: the pattern is known to be valid (a PatternSet that scans for it has
    parsed it), so compiling waits until it is first used. Most rules and safety cues are
    run on only a few texts, and a process that checks a batch starts ~0.1 s sooner.
    lazy=True: the same for a pattern no set parses: it is parsed now (an RE2 set's Add
    parses without compiling), so a bad one is still named at load, and compiled when
    first used (exceptions, transforms: many are never needed by a short batch).
    longest=True: each match is the longest that starts where it starts (RE2's
    longest_match), not the one the first alternative that fits gives."""
    if "<" in pattern:
        names = group_names(pattern)
        if len(set(names)) < len(names):
            twice = sorted({name for name in names if names.count(name) > 1})
            # RE2 accepts this, and the span shown would silently come from the first one.
            raise PatternError(f"group name {twice[0]!r} is used twice")
    if checked:
        return Regex(None, pattern, longest)
    if lazy:
        try:
            re2.Set.SearchSet(_SET_OPTIONS).Add(pattern)  # no case folding: same verdict, cheaper
            return Regex(None, pattern, longest)
        except re2.error:
            pass  # compiled below, for RE2's own account of what is wrong
    try:
        return Regex(re2.compile(pattern, _AS_WRITTEN[longest]), longest=longest)
    except re2.error as exc:
        raise PatternError(str(exc) or "invalid RE2 pattern") from exc


def bad_pattern(path: Path, key: str, exc: PatternError) -> DataError:
    """The loader's error for a pattern RE2 refuses, naming the file and the key (RE2's
    account is cut short: it can quote the rest of a long pattern)."""
    return DataError(path, key, f"not a valid RE2 pattern: {str(exc)[:200]}")


def data_pattern(
    path: Path, key: str, source: str, *, checked: bool = False, lazy: bool = False, longest: bool = False
) -> Regex:
    """compile_pattern for a pattern read from a data file: a bad one is named (bad_pattern)."""
    try:
        return compile_pattern(source, checked=checked, lazy=lazy, longest=longest)
    except PatternError as exc:
        raise bad_pattern(path, key, exc) from exc


_SENTINEL = r"\z"  # matches at the end of every text (see PatternSet)
_NEVER = r"[^\x00-\x{10FFFF}]"  # matches nothing
_NULL = (-1, -1)
_UNANCHORED = re2._Anchor.UNANCHORED
_char_len_to_bytes = re2._re2.CharLenToBytes
# The last text encoded, shared by every pattern run over it: (text, utf-8 bytes, is ASCII).
_last_encoded: tuple[str, bytes, bool] = ("", b"", True)


def _utf8(text: str) -> tuple[bytes, bool]:
    """UTF-8 bytes of text, and whether it is plain ASCII (byte offsets = character offsets)."""
    global _last_encoded
    last = _last_encoded
    if last[0] is text:
        return last[1], last[2]
    ascii_only = text.isascii()
    data = text.encode()
    _last_encoded = (text, data, ascii_only)
    return data, ascii_only


# The only characters outside ASCII that RE2's case folding makes equal to an ASCII letter:
# the Kelvin sign (k) and the long s. set_text() spells them as those letters.
_FOLDS_TO_ASCII = ((b"\xe2\x84\xaa", b"k"), (b"\xc5\xbf", b"s"))
_last_lowered: tuple[str, bytes] = ("", b"")


def set_text(text: str) -> bytes:
    """The bytes a set scans for text: UTF-8 with ASCII letters lowercased (and the two
    characters that fold to one spelled as it). A case-insensitive pattern matches text
    exactly where it matches these bytes, since each byte changed stays in its letter's case
    class; set_form() turns a pattern into a case-sensitive one for such bytes."""
    global _last_lowered
    last = _last_lowered
    if last[0] is text:
        return last[1]
    data, ascii_only = _utf8(text)
    lowered = data.lower()  # bytes.lower() changes A-Z only
    if not ascii_only and ("\u212a" in text or "\u017f" in text):
        for odd, letter in _FOLDS_TO_ASCII:
            lowered = lowered.replace(odd, letter)
    _last_lowered = (text, lowered)
    return lowered


# Escapes whose letter is upper case; set_form() keeps them while it lowercases the rest.
_UPPER_ESCAPES = (
    ("\\W", "\ue000"), ("\\S", "\ue001"), ("\\B", "\ue002"), ("\\D", "\ue003"), ("\\A", "\ue004")
)  # fmt: skip
# What set_form() does not rewrite letter by letter: an escaped backslash (it would hide
# where an escape starts), other escapes of a letter, \\x escapes short of a non-ASCII code
# point, a group name with a capital, flag groups with a capital ("(?U)"), and flag groups
# that turn anything off other than a plain "(?-i:" or "(?-i)". _plain() looks for the rest.
# Each regex starts with a literal, which Python's re finds fast.
_ODD_ESCAPE = re.compile(r"\\(?:\\|[CE-RT-VX-Zaceg-mo-quy]|x(?!\{[0-9a-fA-F]{3,6}\}))")
_ODD_GROUP = re.compile(r"\(\?(?:P?<\w*[A-Z]|(?!P<)[a-zA-Z]*[A-Z]|(?!-i[:)])[a-zA-Z]*-)")


def set_form(pattern: str) -> str:
    """pattern as a case-sensitive pattern over set_text(): it matches there wherever
    pattern matches the text case-insensitively. ASCII letters are lowercased (escapes such
    as \\W and "(?P<" kept), a letter outside ASCII is given its other case, "(?-i:" becomes
    "(?i:" (a part that tells capitals apart can only be found more often so), and a pattern
    with anything not plainly rewritten is wrapped in "(?i:)" instead: always right, only
    slower to compile."""
    if not _plain(pattern):
        return "(?i:" + pattern + ")"
    out = pattern
    for escape, stand_in in _UPPER_ESCAPES:
        if escape in out:
            out = out.replace(escape, stand_in)
    out = out.lower().replace("(?p<", "(?P<").replace("(?-i:", "(?i:").replace("(?-i)", "(?i)")
    for escape, stand_in in _UPPER_ESCAPES:
        if stand_in in out:
            out = out.replace(stand_in, escape)
    if out.isascii():
        return out
    both = _both_cases(out)
    return "(?i:" + pattern + ")" if both is None else both


def _plain(pattern: str) -> bool:
    """True when set_form() can rewrite pattern letter by letter: none of _ODD_ESCAPE's and
    _ODD_GROUP's cases, no POSIX class, no literal "(?-i", no range from a capital to
    something else ("[0-Z]"), and no letter outside ASCII but the accented Latin-1 ones,
    whose case classes are just their two cases (not so "µ", "ß", Greek or Turkish letters)."""
    if "[:" in pattern or "(?-i" in pattern and "\\(" in pattern:
        return False
    if not pattern.isascii() and not all(_plain_letter(char) for char in set(pattern)):
        return False
    if _ODD_ESCAPE.search(pattern) is not None or _ODD_GROUP.search(pattern) is not None:
        return False
    hyphen = pattern.find("-")
    while hyphen >= 0:
        before, after = pattern[hyphen - 1 : hyphen], pattern[hyphen + 1 : hyphen + 2]
        if (before.isupper() or after.isupper()) and not (before.isupper() and after.isupper()):
            return False  # a range from a capital to something else: "[0-Z]" or "[A-z]"
        hyphen = pattern.find("-", hyphen + 1)
    return True


def _plain_letter(char: str) -> bool:
    if char.isascii() or char.lower() == char.upper():
        return not "\ue000" <= char <= "\ue004"  # the stand-ins set_form() uses
    # Not the multiplication and division signs, nor ß, å and Å (they have a third case)
    return "\u00c0" <= char <= "\u00ff" and char not in "\u00d7\u00f7\u00df\u00e5\u00c5"


# An escape, a character class (set_form() leaves POSIX classes alone) or a character
# outside ASCII: what _both_cases() looks at, found by Python's re rather than a walk.
_ESCAPE_CLASS_OR_ODD = re.compile(r"\\(?:x\{[0-9a-fA-F]*\}|.)|\[\^?\]?(?:\\.|[^\]\\])*\]|[^\x00-\x7f]", re.S)


def _both_cases(pattern: str) -> str | None:
    """pattern (lowercased) with each accented letter matching either case: "(?i:é)" on
    its own, "éÉ" inside a character class; None for a class with a range and such a letter."""
    out: list[str] = []
    done = 0
    for found in _ESCAPE_CLASS_OR_ODD.finditer(pattern):
        token = found.group()
        if token.isascii():
            continue
        cased = [char for char in token if not char.isascii() and char.lower() != char.upper()]
        if not cased:
            continue
        if token.startswith("["):
            if "-" in token:
                return None
            token = "".join(char + char.upper() if char in cased else char for char in token)
        else:
            token = "(?i:" + token + ")"
        out.append(pattern[done : found.start()])
        out.append(token)
        done = found.end()
    out.append(pattern[done:])
    return "".join(out)


def _char_spans(
    data: bytes, spans: list[tuple[int, int]], base: int, base_char: int
) -> list[tuple[int, int]]:
    """Byte spans of one match as character spans; base (a byte offset at or before the
    match, at character base_char) keeps the decoding local to the match."""
    start, end = spans[0]
    first = base_char + len(data[base:start].decode())
    out = [(first, first + len(data[start:end].decode()))]
    for g_start, g_end in spans[1:]:
        if g_start < 0:
            out.append((g_start, g_end))
        else:
            at = first + len(data[start:g_start].decode())
            out.append((at, at + len(data[g_start:g_end].decode())))
    return out


class _Match:
    """A match on ASCII text: spans per group, as character offsets."""

    __slots__ = ("_names", "_spans", "_text")

    def __init__(self, text: str, spans: list[tuple[int, int]], names: Mapping[str, int]) -> None:
        self._text = text
        self._spans = spans
        self._names = names

    def _index(self, group: int | str) -> int:
        return self._names[group] if isinstance(group, str) else group

    def start(self, group: int | str = 0) -> int:
        return self._spans[self._names[group] if isinstance(group, str) else group][0]

    def end(self, group: int | str = 0) -> int:
        return self._spans[self._names[group] if isinstance(group, str) else group][1]

    def span(self, group: int | str = 0) -> tuple[int, int]:
        return self._spans[self._index(group)]

    def group(self, group: int | str = 0) -> str | None:
        start, end = self._spans[self._index(group)]
        return None if start < 0 else self._text[start:end]

    def groups(self, default: str | None = None) -> tuple[str | None, ...]:
        return tuple(default if s < 0 else self._text[s:e] for s, e in self._spans[1:])


POOL_SIZE = 256  # patterns compiled on first use that stay compiled at once (see _Pool)
_POOL_BATCH = 16  # how many a full pool drops at a time


class _Pool:
    """The patterns compiled on first use that are compiled now: at most POOL_SIZE.

    Each compiled pattern keeps its program and the DFA states RE2 builds lazily as texts
    reach them (up to its max_mem); an engine that has met every pattern would hold all
    ~1,400 of them (scripts/bench.py without the pool: peak 168 MB after its hostile inputs
    and 445 MB after its varied messages; with it, 136 and 309). When a pattern is compiled
    into a full pool, _POOL_BATCH others are dropped, oldest first, except that one run
    since it was last passed over is passed over once more (the "clock" policy: patterns in
    use stay). Few at a time, since freeing a big DFA takes time too. A dropped pattern
    compiles again when next needed (~0.1-5 ms): a text can cost time, never a wrong
    answer. Thread-safe: a thread running a pattern holds its own reference to the C
    regexp, which outlives a drop."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._members: deque[Regex] = deque()
        self._lock = threading.Lock()

    def room(self) -> int:
        """How many more patterns can be compiled before the pool drops any."""
        return self.size - len(self._members)

    def admit(self, regex: Regex) -> None:
        with self._lock:
            members = self._members
            if len(members) >= self.size:
                dropped = 0
                while members and (dropped < _POOL_BATCH or len(members) >= self.size):
                    member = members.popleft()
                    if member._used:
                        member._used = False  # passed over once: dropped next time unless run
                        members.append(member)
                    else:
                        member.drop()
                        dropped += 1
                re2.purge()  # google-re2's cache of its last 128 compiles would keep them alive
            regex._used = False
            members.append(regex)


class Regex:
    """An RE2 pattern with a fast path for ASCII text.

    google-re2's Python wrapper converts byte offsets to character offsets on every call,
    which dominates the cost of short texts; on ASCII text (most of what people type,
    after normalisation) the offsets are the same, so we call RE2 directly.

    A pattern made with compiled=None is compiled when first run (see compile_pattern), as
    its set_form(), case-sensitive, and run over set_text(), as the sets are: RE2 compiles
    that several times faster (the first sight of a rule cost ~10M instructions), and
    set_text() has the text's byte offsets. Not so a pattern that tells capitals apart
    ("(?-i"), nor a text with one of the two letters set_text() spells differently (the
    Kelvin sign, the long s, which normalisation turns into k and s anyway): those run the
    pattern as written, case-insensitively, over the text as sent.
    """

    __slots__ = ("_caseless", "_groupindex", "_longest", "_lowered", "_marks", "_re", "_used", "pattern")

    def __init__(self, compiled: Any, pattern: str = "", longest: bool = False) -> None:
        self.pattern: str = pattern if compiled is None else compiled.pattern
        self._longest = longest
        self._re: Any = None
        self._used = False  # run since the pool last swept (see _Pool)
        self._caseless: Any = compiled  # the pattern as written, google-re2's wrapper
        self._lowered = compiled is None and "(?-i" not in pattern
        self._groupindex: Mapping[str, int] = {}
        self._marks: tuple[int, ...] = ()
        if compiled is not None:
            self._load(compiled)

    def _load(self, compiled: Any) -> Any:
        self._groupindex = compiled.groupindex
        names = [n for n in self._groupindex if n == "mark" or (n[:4] == "mark" and n[4:].isdigit())]
        names.sort(key=lambda name: int(name[4:] or 1))
        self._marks = tuple(self._groupindex[name] for name in names)
        self._re = compiled._regexp  # set last: a pattern is ready once _re is set
        return self._re

    def _ready(self) -> Any:
        """The C regexp, compiled on first use (and again after the pool dropped it)."""
        found = self._re
        if found is not None:
            self._used = True
            return found
        _POOL.admit(self)
        if self._lowered:
            try:
                return self._load(re2.compile(set_form(self.pattern), _LOWERED[self._longest]))
            except re2.error:
                self._lowered = False
        return self._load(self._as_written())

    @property
    def compiled(self) -> bool:
        """Whether the pattern is compiled now (not waiting for its first run, nor dropped)."""
        return self._re is not None

    def drop(self) -> None:
        """Let go of the compiled pattern (and its DFA states); it is compiled again when next
        run. Only for a pattern made to compile on first use (compiled=None)."""
        self._re = None
        self._caseless = None

    def prepare(self) -> bool:
        """Compile the pattern now if it waits to be compiled; True when this call did it."""
        if self._re is not None:
            return False
        self._ready()
        return True

    def _as_written(self) -> Any:
        """google-re2's wrapper of the pattern as written (case-insensitive)."""
        if self._caseless is None:
            self._caseless = re2.compile(self.pattern, _AS_WRITTEN[self._longest])
        return self._caseless

    def _subject(self, text: str) -> tuple[Any, bytes, bool]:
        """(the C regexp to run, the bytes to run it over, whether text is ASCII)."""
        regexp = self._ready()
        data, ascii_only = _utf8(text)
        if not self._lowered:
            return regexp, data, ascii_only
        if not ascii_only and ("\u212a" in text or "\u017f" in text):
            return self._as_written()._regexp, data, False
        return regexp, set_text(text), ascii_only

    @property
    def groupindex(self) -> Mapping[str, int]:
        self._ready()
        return self._groupindex

    @property
    def groups(self) -> int:
        return int(self._ready().NumberOfCapturingGroups())

    @property
    def marks(self) -> tuple[int, ...]:
        """The groups named mark, mark2, mark3... in that order."""
        self._ready()
        return self._marks

    def finditer(self, text: str) -> Any:
        regexp, data, ascii_only = self._subject(text)
        if ascii_only:
            return self._iter_ascii(regexp, text, data)
        return self._iter_utf8(regexp, text, data)

    def _iter_ascii(self, regexp: Any, text: str, data: bytes) -> Any:
        pos, end = 0, len(data)
        match = regexp.Match
        while True:
            spans = match(_UNANCHORED, data, pos, end)
            if spans[0] == _NULL:
                return
            yield _Match(text, spans, self._groupindex)
            start, stop = spans[0]
            pos = stop if stop > start else stop + 1  # step past an empty match
            if pos > end:
                return

    def _iter_utf8(self, regexp: Any, text: str, data: bytes) -> Any:
        """finditer on non-ASCII text, stepping as google-re2's own finditer does, with
        byte offsets turned into character offsets locally instead of by its generic pass."""
        pos, end = 0, len(data)
        base, base_char = 0, 0
        match = regexp.Match
        while True:
            spans = match(_UNANCHORED, data, pos, end)
            if spans[0] == _NULL:
                return
            chars = _char_spans(data, spans, base, base_char)
            base, base_char = spans[0][0], chars[0][0]
            yield _Match(text, chars, self._groupindex)
            if pos == end:
                return
            if pos == spans[0][1]:
                pos += _char_len_to_bytes(data, pos, 1)  # matched empty at pos: one character on
            else:
                pos = spans[0][1]

    def all_spans(self, text: str) -> list[list[tuple[int, int]]]:
        """The group spans (character offsets; (-1, -1) for a group that did not take part)
        of every match, as finditer steps: the same matches, without match objects."""
        regexp, data, ascii_only = self._subject(text)
        if not ascii_only:
            return [match._spans for match in self._iter_utf8(regexp, text, data)]
        out = []
        pos, end = 0, len(data)
        match = regexp.Match
        while pos <= end:
            spans = match(_UNANCHORED, data, pos, end)
            start, stop = spans[0]
            if start < 0:
                break
            out.append(spans)
            pos = stop if stop > start else stop + 1  # step past an empty match
        return out

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> Any:
        regexp, data, ascii_only = self._subject(text)
        if not ascii_only:
            if pos or endpos is not None:
                return self._as_written().search(text, pos, endpos)
            spans = regexp.Match(_UNANCHORED, data, 0, len(data))
            return (
                None if spans[0] == _NULL else _Match(text, _char_spans(data, spans, 0, 0), self._groupindex)
            )
        end = len(data) if endpos is None else max(0, min(endpos, len(data)))
        spans = regexp.Match(_UNANCHORED, data, max(0, min(pos, end)), end)
        return None if spans[0] == _NULL else _Match(text, spans, self._groupindex)


_POOL = _Pool(POOL_SIZE)


def pool_room() -> int:
    """How many more patterns can be compiled before a pattern compiled earlier is dropped."""
    return _POOL.room()


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


_WIDE_GAP = 5  # a bounded repetition up to this many or more is opened up by widen()


def widen(pattern: str) -> str:
    """A pattern that matches wherever pattern does, and maybe more, and is cheaper for a
    many-pattern DFA scan: each bounded repetition up to _WIDE_GAP or more ("{0,40}") is
    left open ("{0,}").

    A set scan's lazily built DFA has a state for each mix of partial matches it meets, and
    a gap counted up to 40 gives a partial match 40 places to be, so varied texts keep
    building states. A set that only finds candidates, whose patterns are then run one by
    one, can scan for wider patterns: a candidate too many costs one exact search, never a
    wrong answer. Escapes ("\\{", "\\x{41}", "\\p{Greek}", "\\Q{0,9}\\E") and character classes
    ("[{0,9}]") are passed over (_ESCAPE_CLASS_OR_GAP), as _token_end() reads them."""
    out: list[str] = []
    done = 0
    for found in _ESCAPE_CLASS_OR_GAP.finditer(pattern):
        high = found.group(2)
        if high is not None and int(high) >= _WIDE_GAP:
            out.append(pattern[done : found.start()])
            out.append("{" + found.group(1) + ",}")
            done = found.end()
    out.append(pattern[done:])
    return "".join(out)


# What widen() looks for, found by Python's re rather than a walk: an escape ("\\{", a whole
# "\\Q...\\E", "\\x{41}", "\\p{Greek}"), a character class ("[]{0,9}]", "[[:alpha:]]"), or a
# bounded repetition "{low,high}" (groups 1 and 2) outside them.
_ESCAPE_CLASS_OR_GAP = re.compile(
    r"\\(?:Q.*?(?:\\E|\Z)|[xpP]\{[^}]*\}|.)|\[\^?\]?(?:\[:[^:\]]*:\]|\\.|[^\]\\])*\]|\{(\d+),(\d+)\}", re.S
)


def _token_end(pattern: str, index: int) -> int:
    """The end of the RE2 token that starts at index: an escape ("\\b", "\\x{41}",
    "\\p{Greek}", a whole "\\Q...\\E"), a character class, or one character."""
    char = pattern[index]
    if char == "\\":
        stop = index + 2
        if pattern[index + 1 : stop] == "Q":  # \Q...\E: all literal
            end = pattern.find("\\E", stop)
            return len(pattern) if end < 0 else end + 2  # RE2 quotes to the end without one
        if pattern[index + 1 : stop] in ("x", "p", "P") and pattern[stop : stop + 1] == "{":
            return pattern.find("}", stop) + 1 or len(pattern)
        return stop
    if char == "[":
        return _class_end(pattern, index)
    return index + 1


_ZERO_WIDTH = ("\\b", "\\B", "^", "$", "\\A", "\\z")
_MARK_GROUP = re.compile(r"\(\?P<mark\d*>")


def marks_are_whole(pattern: str) -> bool:
    """True when each top-level alternative of pattern is one mark group (mark, mark2...)
    with only zero-width assertions around it ("\\b(?P<mark>...)\\b|^(?P<mark2>...)"): the
    marked span is then the whole match, and the pattern can run without capture groups,
    which spares RE2 its slow submatch pass (an NFA for patterns of our size)."""
    index, size = 0, len(pattern)
    while True:
        while pattern.startswith(_ZERO_WIDTH, index):
            index = _token_end(pattern, index)
        if _MARK_GROUP.match(pattern, index) is None:
            return False
        index = _group_end(pattern, index)
        while pattern.startswith(_ZERO_WIDTH, index):
            index = _token_end(pattern, index)
        if index >= size:
            return True
        if pattern[index] != "|":
            return False
        index += 1


# A flag group that sets flags for the rest of its enclosing group ("(?i)", "(?-s)"): it
# reaches across top-level alternatives, so a pattern with one is never split.
_BARE_FLAGS = re.compile(r"(?<!\\)\(\?[a-zA-Z-]+\)")


def split_alternatives(pattern: str, size: int) -> list[str]:
    """pattern as consecutive runs of its top-level alternatives ("a|b|c" -> ["a|b", "c"]),
    each run up to size characters (an alternative longer than that is a run of its own).
    Together the runs match wherever pattern does, each part in its own smaller DFA: a rule
    of 25,000 characters cost a text that hit it ~25 ms to compile and run, its parts ~4 ms.
    A pattern no longer than size, or with a bare flag group, is kept whole."""
    if len(pattern) <= size or _BARE_FLAGS.search(pattern) is not None:
        return [pattern]
    alternatives: list[str] = []
    start = 0
    for index, depth in _tokens(pattern, 0):
        if depth == 0 and pattern[index] == "|":
            alternatives.append(pattern[start:index])
            start = index + 1
    alternatives.append(pattern[start:])
    runs: list[str] = []
    run: list[str] = []
    length = 0
    for alternative in alternatives:
        if run and length + len(alternative) > size:
            runs.append("|".join(run))
            run, length = [], 0
        run.append(alternative)
        length += len(alternative) + 1
    runs.append("|".join(run))
    return runs


def merge_parts(parts: list[Regex] | tuple[Regex, ...], text: str) -> list[tuple[int, list[tuple[int, int]]]]:
    """The matches of the pattern that parts make up (split_alternatives, in order), found
    as the whole pattern finds them: from where the search resumes, the leftmost match of
    any part, and at one start the earlier part's; each as (the index of its part, its group
    spans in characters). A part whose next match starts inside one already taken is
    searched again from where the search resumes, as the whole pattern would be: its
    own next match may have hidden one that starts later ("a b" taken by one part, "b c"
    by another, "c" by a third)."""
    subjects = [part._subject(text) for part in parts]
    if not subjects:
        return []
    ascii_only = subjects[0][2]
    count = len(subjects)
    found: list[list[tuple[int, int]] | None] = [None] * count
    raw_found: list[list[tuple[int, int]]] = [[_NULL]] * count
    searched = [False] * count
    out: list[tuple[int, list[tuple[int, int]]]] = []
    free = free_byte = 0  # where the search resumes, in characters and in bytes
    size = len(subjects[0][1])
    while free_byte <= size:
        best = -1
        for index in range(count):
            spans = found[index]
            if not searched[index] or (spans is not None and spans[0][0] < free):
                regexp, data, _ = subjects[index]
                raw = regexp.Match(_UNANCHORED, data, free_byte, size)
                if raw[0] == _NULL:
                    spans = None
                else:
                    spans = raw if ascii_only else _char_spans(data, raw, free_byte, free)
                found[index], raw_found[index], searched[index] = spans, raw, True
            if spans is not None:
                taken = found[best] if best >= 0 else None
                if taken is None or spans[0][0] < taken[0][0]:
                    best = index
        if best < 0:
            break
        spans = found[best]
        assert spans is not None
        out.append((best, spans))
        start, end = spans[0]
        b_start, b_end = raw_found[best][0]
        if end > start:
            free, free_byte = end, b_end
        elif ascii_only:
            free, free_byte = end + 1, b_end + 1
        elif b_start >= size:
            break  # an empty match at the very end: nothing is left to search
        else:
            free, free_byte = start + 1, b_start + _char_len_to_bytes(subjects[best][1], b_start, 1)
    return out


class PartIndex:
    """Numbers the parts of many patterns (split_alternatives) as one set scans for them:
    each pattern's parts together, patterns in order. A pattern kept whole is one part."""

    def __init__(self, sizes: list[int]) -> None:
        self._sizes = sizes  # pattern index -> how many parts it has
        self._owner: list[int] = []  # part number -> index of its pattern
        self._place: list[int] = []  # part number -> its place among its pattern's parts
        for index, size in enumerate(sizes):
            for place in range(size):
                self._owner.append(index)
                self._place.append(place)

    def __len__(self) -> int:
        return len(self._owner)

    def owners(self, found: list[int]) -> list[int]:
        """The patterns that found (part numbers, in order) belong to, each once, in order."""
        return [owner for owner, _ in self.grouped(found)]

    def grouped(self, found: list[int]) -> list[tuple[int, list[int] | None]]:
        """found (part numbers, in order) as (pattern index, the places of its parts found,
        or None when all of them were)."""
        out: list[tuple[int, list[int] | None]] = []
        index, count = 0, len(found)
        while index < count:  # the parts of one pattern come together
            owner = self._owner[found[index]]
            stop = index + 1
            while stop < count and self._owner[found[stop]] == owner:
                stop += 1
            places = None
            if stop - index < self._sizes[owner]:
                places = [self._place[number] for number in found[index:stop]]
            out.append((owner, places))
            index = stop
        return out


def part_set(pieces: list[tuple[str, ...]], group: int) -> tuple[PatternSet, PartIndex]:
    """One PatternSet over the widened parts of many patterns (pieces: each pattern's parts,
    see split_alternatives), in as many sets as the whole patterns would take at group a set
    (splitting a pattern spares its DFA, not a pass over the text), and the PartIndex that
    reads its answers back. A PatternError's index names the pattern, not the part."""
    index = PartIndex([len(parts) for parts in pieces])
    flat = [widen(piece) for parts in pieces for piece in parts]
    count = -(-len(pieces) // group) if pieces else 1
    try:
        found = PatternSet(flat, -(-len(flat) // count) if flat else group)
    except PatternError as exc:
        raise PatternError(str(exc), index.owners([exc.index])[0]) from None
    return found, index


def _tokens(pattern: str, start: int) -> Iterator[tuple[int, int]]:
    """(index, group depth after it) for each token from start on (see _token_end)."""
    depth, index = 0, start
    while index < len(pattern):
        char = pattern[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        yield index, depth
        index = _token_end(pattern, index)


def _group_end(pattern: str, start: int) -> int:
    """The index just past the group that opens at start."""
    for index, depth in _tokens(pattern, start):
        if depth == 0:
            return index + 1
    return len(pattern)


def capture_free(pattern: str) -> str:
    """pattern with every capture group made non-capturing: it matches the same text, and
    RE2 finds the whole match without its submatch pass."""
    out: list[str] = []
    index, size = 0, len(pattern)
    while index < size:
        if pattern[index] == "(":
            named = _NAMED_GROUP.match(pattern, index)
            if named is not None:
                out.append("(?:")
                index = named.end()
                continue
            if pattern[index + 1 : index + 2] != "?":
                out.append("(?:")
                index += 1
                continue
        stop = _token_end(pattern, index)
        out.append(pattern[index:stop])
        index = stop
    return "".join(out)


# A named group's opening, read from a pattern's text (an escaped "\\(" is a literal).
_NAMED_GROUP = re.compile(r"(?<!\\)\(\?P?<(\w+)>")


def group_names(pattern: str) -> list[str]:
    """The names of pattern's named groups, in order, read without compiling it."""
    return _NAMED_GROUP.findall(pattern)


def _class_end(pattern: str, start: int) -> int:
    """The index just past the character class that opens at start ("[^]a-z\\]]", "[[:alpha:]]")."""
    index = start + 1
    if pattern[index : index + 1] == "^":
        index += 1
    if pattern[index : index + 1] == "]":
        index += 1  # a ] first in a class is a literal
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
        elif char == "[" and pattern[index + 1 : index + 2] == ":":
            end = pattern.find(":]", index + 2)
            index = index + 1 if end < 0 else end + 2  # without ":]" the "[" is a literal
        elif char == "]":
            return index + 1
        else:
            index += 1
    return len(pattern)


# Patterns per RE2::Set (see PatternSet): the 81 rules and 6 strength cues scan as 5 sets.
# Widened (see widen()), the 115 safety cues scan best as 4 sets of up to SAFETY_GROUP: a
# DFA of that many keeps building states for varied text (one set of all 115 cost ~30% more
# instructions a message), and more, smaller sets cost a pass each (callgrind, 2,000 fresh
# messages: 270k instructions a message at 29, 303k at 12, 358k as one set).
SET_GROUP = 19
SAFETY_GROUP = 29
PART_CHARS = 800  # a longer rule or cue runs as parts of about this size (split_alternatives)


class PatternSet:
    """Many patterns scanned in one pass (RE2::Set); tells which ones match somewhere.

    With group_size, the patterns are dealt round-robin into sets of about that many: the
    lazily built DFA of one big many-match set has so many states that varied texts keep
    building new ones (~40 us per short message for the 67 rules); a few smaller sets
    reach their states much sooner (~12 us). The answer is the same either way.

    Each set also holds a sentinel that matches every text. Should RE2 ever give up on a
    scan (its DFA out of memory), the sentinel is missing from the answer, and every pattern
    of that set is reported as a candidate: a failure can cost time, never a missed match.

    lowered (the default): the sets scan set_text() for set_form() patterns, which RE2
    parses and compiles several times faster; a scan costs a lowercased copy of the text,
    and patterns that tell capitals apart ("(?-i:") are scanned for in a set of their own.
    lowered=False: the sets scan the text as sent, case-insensitively, for the patterns as
    written (compiled several times slower; the tests hold both ways to the same answer).
    """

    def __init__(self, patterns: list[str], group_size: int = 0, *, lowered: bool = True) -> None:
        count = -(-len(patterns) // group_size) if group_size and patterns else 1
        self._lowered = lowered
        self._patterns = patterns
        self._singles: list[Regex] | None = None  # see _one_by_one
        self._sets: list[tuple[Any, int, list[int]]] = []  # (its Match, sentinel, all indexes)
        # A pattern that tells capitals apart somewhere ("(?-i:") would be found in nearly
        # every lowercased text: it is scanned for in the text as sent, in a set of its own.
        exact: list[int] = []
        for offset in range(count):
            group = patterns[offset::count]
            if not group:
                continue
            one = re2.Set.SearchSet(_SET_OPTIONS if lowered else _CASELESS_SET_OPTIONS)
            for number, pattern in enumerate(group):
                if not lowered:
                    _add(one, pattern, pattern, offset + number * count)
                    continue
                if "(?-i" in pattern:
                    exact.append(offset + number * count)
                    pattern = _NEVER  # holds its place in this set
                _add(one, set_form(pattern), pattern, offset + number * count)
            self._sets.append(_compiled(one, list(range(offset, len(patterns), count))))
        self._exact: tuple[Any, int, list[int]] | None = None
        if exact:
            one = re2.Set.SearchSet(_CASELESS_SET_OPTIONS)
            for index in exact:
                _add(one, patterns[index], patterns[index], index)
            self._exact = _compiled(one, exact)

    def matching(self, text: str) -> list[int]:
        """Indexes of the patterns that match somewhere in text, in order."""
        if self._lowered and not text.isascii() and ("\u212a" in text or "\u017f" in text):
            return self._one_by_one(text)
        subject = set_text(text) if self._lowered else _utf8(text)[0]
        hits: list[int] = []
        for match, sentinel, every in self._sets:
            _collect(match(subject), sentinel, every, hits)
        if self._exact is not None:
            match, sentinel, every = self._exact
            _collect(match(_utf8(text)[0]), sentinel, every, hits)
        if len(hits) > 1:
            hits.sort()
        return hits

    def _one_by_one(self, text: str) -> list[int]:
        """matching() for a text with the Kelvin sign or the long s. Each folds to an ASCII
        letter, but is no word character to \\b, so set_text()'s letter for it can move a word
        boundary ("you never\u017f"): each pattern is run as written instead, compiled when
        such a text first comes (normalising turns both into letters, so the engine's own
        texts never do)."""
        if self._singles is None:
            self._singles = [compile_pattern(pattern, checked=True) for pattern in self._patterns]
        return [index for index, regex in enumerate(self._singles) if regex.search(text) is not None]


def _collect(found: list[int], sentinel: int, every: list[int], hits: list[int]) -> None:
    """Add to hits the patterns one set's scan found (every: their indexes, in its order)."""
    if len(found) == 1 and found[0] == sentinel:
        return  # the usual answer: nothing but the sentinel
    if sentinel not in found:
        hits.extend(every)  # RE2 gave up on this scan: try them all
        return
    hits.extend(every[index] for index in found if index != sentinel)


def _add(one: Any, form: str, pattern: str, index: int) -> None:
    """Add form (pattern as this set scans for it) to one; PatternError names index."""
    try:
        one.Add(form)
    except re2.error:
        try:  # compiled alone, RE2 says what is wrong with it
            compile_pattern(pattern)
            reason = "RE2 cannot scan it in a set"
        except PatternError as exc:
            reason = str(exc)
        raise PatternError(reason, index) from None


def _compiled(one: Any, every: list[int]) -> tuple[Any, int, list[int]]:
    """one with its sentinel added, compiled: (its Match, the sentinel, every index in it)."""
    sentinel = one.Add(_SENTINEL)
    one.Compile()
    # The C++ set's Match (it takes bytes), bound once: a lookup less per scan.
    return one._set.Match, sentinel, every
