"""Safety: notice disclosures of abuse, danger or self-harm, and answer with care and resources.

Recall comes first here: a missed disclosure is the worst error weframe can make. Cues are
data: the messages, resources and shared pattern pieces ("macros") live in data/safety.toml,
the cues themselves in data/safety/*.toml (one file per family of kinds). Every cue carries
examples it must flag and examples it must leave alone; the test suite runs them all, plus the
curated disclosure table in data/safety_cases.toml.

Two ways a match is set aside, both deliberately narrow:
- a negation inside the cue or in the two words before it, in the same clause ("he has never
  hit me"), unless the cue says negatable = false (never cancelled) or negatable = "before"
  (only by the two words before it: for a cue whose own words negate, "won't let me see my
  friends"); "he never hit me before, but last night he choked me" still counts, because the
  clause ends at "but";
- an `except` pattern that overlaps the match in the same sentence (idioms: "it hit me that",
  "she beat me at chess", "he pushed me to apply for the job").

All cues are scanned together, in a few RE2 sets of SAFETY_GROUP cues each (linear time, see
patterns.PatternSet), for widened forms of their patterns (patterns.widen: a gap counted up
to 40 left open, which spares the sets' DFAs most of their states); the cues the scan finds
are then run exactly. If RE2 ever gave up on a scan, every cue of that set is run on its
own instead, so a failure can only cost time, never a missed disclosure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.engine.findings import Resource, Safety
from app.engine.patterns import (
    PART_CHARS,
    SAFETY_GROUP,
    PatternError,
    bad_pattern,
    compile_pattern,
    data_pattern,
    merge_parts,
    part_set,
    phrases_to_pattern,
    split_alternatives,
)
from app.loader import DataError, Field, Table, read_toml, require_choice, require_unique

LEVELS = ("urgent", "concern")
KINDS = (
    "violence",
    "threats",
    "weapons",
    "danger-now",
    "fear",
    "coercive-control",
    "financial-control",
    "digital-control",
    "isolation",
    "sexual-coercion",
    "stalking",
    "children",
    "emotional-abuse",
    "abuse",
    "self-harm",
)
_NEGATION = re.compile(
    r"\b(?:never|not|no|don't|doesn't|didn't|won't|wouldn't|hasn't|haven't|hadn't|isn't|wasn't|"
    r"aren't|weren't|can't|couldn't|nobody|no\s+one|dont|doesnt|didnt|wont|wouldnt|hasnt|havent|"
    r"isnt|wasnt|cant|couldnt)\b"
)
# "not only", "won't stop", "didn't know he would": the negation is about something else.
_NEGATION_RELEASED = re.compile(
    r"\b(?:not|never|don't|doesn't|didn't|won't|wouldn't|can't|couldn't|dont|doesnt|didnt|wont|"
    r"wouldnt|cant|couldnt)\s+(?:only|just|(?:even\s+)?stops?\s+\w+ing|know|knew|realise|realize|sure|certain|"
    r"remember|care|matter|think\s+twice)\b"
)
# "No" as a word said, not a negation: "too scared to say no", "he won't take no".
_NO_AS_WORD = re.compile(
    r"\b(?:say|says|said|saying|tell\s+\w+|told\s+\w+|telling\s+\w+|take|takes|taking|accept|accepts|"
    r"hear|hears|respect|respects|mean|means|meant|answer|my|a|his|her|their|of)\s+no\b"
)
# Words that sit between a negation and the verb without changing it: "never actually hit me".
_FILLER = frozenset(
    (
        "ever",
        "once",
        "even",
        "actually",
        "really",
        "physically",
        "literally",
        "truly",
        "honestly",
        "seriously",
    )
)
_CLAUSE_BREAK = re.compile(r"[,;.!?\n]|\b(?:but|and|then|now|until|except|though|although|yet)\b")
_SENTENCE_BREAK = re.compile(r"[.!?\n]")
_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


@dataclass(frozen=True)
class Cue:
    id: str
    kind: str
    level: str
    negatable: bool
    flagged: tuple[str, ...]
    clean: tuple[str, ...]
    regex: Any
    source: str
    file: str
    exception: Any = None  # a compiled `except` pattern, or None
    key: str = ""  # where its pattern is in its file ("cue[3].pattern"), for errors
    before_only: bool = False  # negatable = "before": only a negation before the match counts
    # The pattern as it runs: its top-level alternatives in a few parts when it is long
    # (patterns.split_alternatives), and their sources; () for the pattern whole.
    parts: tuple[Any, ...] = ()
    pieces: tuple[str, ...] = ()

    def spans(
        self, text: str, *, first_only: bool = False, parts: tuple[Any, ...] | None = None
    ) -> list[tuple[int, int]]:
        """Where this cue fires in normalised text, after negations and exceptions; parts:
        only those of its parts (the ones a scan found), else all of them."""
        chosen = (self.parts or (self.regex,)) if parts is None else parts
        if len(chosen) == 1:
            matches: Any = ((match.start(), match.end()) for match in chosen[0].finditer(text))
        else:
            matches = [groups[0] for _, groups in merge_parts(chosen, text)]
        found = []
        for start, end in matches:
            if self.negatable and _negated(text, start, end, self.before_only):
                continue
            if self.exception is not None and _excepted(self.exception, text, start, end):
                continue
            found.append((start, end))
            if first_only:
                break
        return found


@dataclass(frozen=True)
class SafetyTexts:
    urgent: str
    concern: str
    abuse_note: str
    self_harm_note: str
    scope_note: str
    resources: tuple[Resource, ...]


class SafetyDetector:
    """Finds safety cues in normalised text; thread-safe after construction."""

    def __init__(self, cues: list[Cue], texts: SafetyTexts) -> None:
        self.cues = tuple(cues)
        self.texts = texts
        # The set scans for each cue's parts (its pieces, or its pattern whole), in cue order.
        try:
            self._set, self._parts = part_set(
                [cue.pieces or (cue.source,) for cue in self.cues], SAFETY_GROUP
            )
        except PatternError as exc:  # the first place a cue's pattern is parsed: name it
            bad = self.cues[exc.index]
            raise bad_pattern(Path(bad.file), bad.key, exc) from exc

    def patterns(self) -> Iterator[Any]:
        """Every pattern of the cues as they run (for Analyzer.warm_up)."""
        for cue in self.cues:
            yield from cue.parts or (cue.regex,)
            if cue.exception is not None:
                yield cue.exception

    def candidates(self, text: str) -> list[int]:
        """Indexes of the cues whose pattern matches somewhere (all of them if RE2 gave up)."""
        return self._parts.owners(self._set.matching(text))

    def _found(self, text: str) -> list[tuple[int, tuple[Any, ...] | None]]:
        """The cues a scan finds in text (indexes, in order), each with the parts found
        (None: all of them)."""
        out: list[tuple[int, tuple[Any, ...] | None]] = []
        for index, places in self._parts.grouped(self._set.matching(text)):
            parts = None if places is None else tuple([self.cues[index].parts[place] for place in places])
            out.append((index, parts))
        return out

    def hits(self, text: str) -> list[tuple[Cue, int, int]]:
        """(cue, start, end) for every cue that fires and is neither negated nor excepted."""
        found: list[tuple[Cue, int, int]] = []
        for index, parts in self._found(text):
            cue = self.cues[index]
            found.extend((cue, start, end) for start, end in cue.spans(text, parts=parts))
        return found

    def set_aside(self, text: str) -> bool:
        """True when a cue's pattern matches text but a negation or its `except` put every
        such match aside: the data has judged the text ("he has never hit me", "she beat me
        at chess"), and a second opinion should not overrule it."""
        for index, parts in self._found(text):
            cue = self.cues[index]
            for part in (cue.parts or (cue.regex,)) if parts is None else parts:
                if part.search(text) is not None:
                    return True
        return False

    def detect(self, text: str) -> Safety | None:
        """The safety answer for text, or None when nothing in it suggests danger."""
        found = self._found(text)
        fired = [self.cues[i] for i, parts in found if self.cues[i].spans(text, first_only=True, parts=parts)]
        if not fired:
            return None
        kinds = tuple(kind for kind in KINDS if any(cue.kind == kind for cue in fired))
        level = "urgent" if any(cue.level == "urgent" for cue in fired) else "concern"
        return self.answer(level, kinds)

    def answer(self, level: str, kinds: tuple[str, ...]) -> Safety:
        """The message for a level and the kinds found: opening, notes, then the scope line."""
        parts = [self.texts.urgent if level == "urgent" else self.texts.concern]
        if any(kind != "self-harm" for kind in kinds):
            parts.append(self.texts.abuse_note)
        if "self-harm" in kinds:
            parts.append(self.texts.self_harm_note)
        parts.append(self.texts.scope_note)
        return Safety(level=level, message=" ".join(parts), resources=self.texts.resources, kinds=kinds)


def _said_no(found: re.Match[str]) -> str:
    """'said no' as 'said no_said': the word kept, no longer read as a negation."""
    return found.group(0) + "_said"


def _negated(text: str, start: int, end: int, before_only: bool = False) -> bool:
    """A negation in the cue itself (unless before_only) or in the two words before it,
    within the same clause."""
    before = text[max(0, start - 60) : start]
    breaks = list(_CLAUSE_BREAK.finditer(before.lower()))
    if breaks:
        before = before[breaks[-1].end() :]
    # "No" said as a word is no negation, wherever it stands in the clause ("when I said no he
    # held me down"): it is put out of the way before the last two words are taken.
    before = _NO_AS_WORD.sub(_said_no, before.lower())
    words = [word for word in before.split() if word not in _FILLER]
    own = "" if before_only else text[start:end].lower()
    window = _NO_AS_WORD.sub(_said_no, " ".join(words[-2:]) + " " + own)
    if _NEGATION.search(window) is None:
        return False
    return _NEGATION_RELEASED.search(window) is None


def _excepted(exception: Any, text: str, start: int, end: int) -> bool:
    """True when the cue's `except` pattern overlaps the match within its sentence."""
    head = text[max(0, start - 200) : start]
    breaks = list(_SENTENCE_BREAK.finditer(head))
    left = start - len(head) + (breaks[-1].end() if breaks else 0)
    tail = _SENTENCE_BREAK.search(text, end, min(len(text), end + 200))
    right = tail.start() if tail else min(len(text), end + 200)
    window = text[left:right]
    pos = 0
    while True:
        found = exception.search(window, pos)
        if found is None or left + found.start() >= end:
            return False
        if left + found.end() > start:
            return True
        # It ends before the match. It is the longest match starting where it starts (the
        # exception is compiled so), but one starting a character later may still reach the
        # match: search again from there, not from its end. At most one search a character
        # before the match, in a window of a sentence.
        pos = found.start() + 1


def load_resources(path: Path) -> tuple[Resource, ...]:
    """[[resource]] entries (name, contact) from a TOML file."""
    data = read_toml(path)
    entries = data.get("resource", [])
    if not isinstance(entries, list):
        raise DataError(path, "resource", "expected an array of tables")
    resources = []
    for index, raw in enumerate(entries):
        Table(path, f"resource[{index}]", {"name": Field(str), "contact": Field(str)}).check(raw)
        resources.append(Resource(raw["name"], raw["contact"]))
    return tuple(resources)


def expand_macros(path: Path, where: str, source: str, macros: dict[str, str]) -> str:
    """Replace {NAME} with the macro's pattern (as a group); macros may use earlier macros."""
    for _ in range(6):
        names = _MACRO.findall(source)
        if not names:
            return source
        for name in names:
            if name not in macros:
                raise DataError(path, where, f"unknown macro {{{name}}} (known: {', '.join(sorted(macros))})")
        source = _MACRO.sub(lambda m: f"(?:{macros[m.group(1)]})", source)
    raise DataError(path, where, "macros nest too deeply")


_CUE_SCHEMA = {
    "id": Field(str),
    "kind": Field(str),
    "level": Field(str),
    "pattern": Field(str, required=False),
    "phrases": Field(list, required=False, item=str),
    "except": Field(str, required=False),
    "negatable": Field((bool, str), required=False),  # true, false or "before" (checked below)
    "flagged": Field(list, item=str),
    "clean": Field(list, item=str),
}


def load_cues(path: Path, macros: dict[str, str], seen: set[str]) -> list[Cue]:
    """The [[cue]] tables of one file, validated and compiled."""
    data = read_toml(path)
    Table(path, "", {"cue": Field(list, item=dict)}).check(data)
    cues: list[Cue] = []
    for index, raw in enumerate(data["cue"]):
        where = f"cue[{index}]"
        Table(path, where, _CUE_SCHEMA).check(raw)
        require_unique(path, f"{where}.id", raw["id"], seen)
        require_choice(path, f"{where}.kind", raw["kind"], KINDS)
        require_choice(path, f"{where}.level", raw["level"], LEVELS)
        if ("pattern" in raw) == ("phrases" in raw):
            raise DataError(path, where, "give exactly one of 'pattern' or 'phrases'")
        negatable = raw.get("negatable", True)
        if not (isinstance(negatable, bool) or negatable == "before"):
            raise DataError(path, f"{where}.negatable", 'expected true, false or "before"')
        if not raw["flagged"]:
            raise DataError(path, f"{where}.flagged", "needs at least one disclosure example")
        if "pattern" in raw:
            source = expand_macros(path, f"{where}.pattern", raw["pattern"], macros)
        else:
            source = phrases_to_pattern(raw["phrases"])
        # Compiled when first used: the detector's set parses every cue at load (see below).
        regex = compile_pattern(source, checked=True)
        pieces = tuple(split_alternatives(source, PART_CHARS))
        parts = tuple(compile_pattern(piece, checked=True) for piece in pieces) if len(pieces) > 1 else ()
        exception = None
        if "except" in raw:
            except_source = expand_macros(path, f"{where}.except", raw["except"], macros)
            exception = data_pattern(path, f"{where}.except", except_source, lazy=True, longest=True)
        cues.append(
            Cue(
                id=raw["id"],
                kind=raw["kind"],
                level=raw["level"],
                negatable=negatable is not False,
                before_only=negatable == "before",
                flagged=tuple(raw["flagged"]),
                clean=tuple(raw["clean"]),
                regex=regex,
                source=source,
                file=str(path),
                exception=exception,
                key=f"{where}.pattern",
                parts=parts,
                pieces=pieces if parts else (),
            )
        )
    return cues


def load_safety(
    path: Path, extra_resources: Path | None = None, cue_dir: Path | None = None
) -> SafetyDetector:
    """Load data/safety.toml and the cues in data/safety/*.toml (cue_dir, by default the
    `safety` folder next to path); extra_resources (a settings file) adds entries such as
    local hotlines."""
    schema = {
        "message_urgent": Field(str),
        "message_concern": Field(str),
        "abuse_note": Field(str),
        "self_harm_note": Field(str),
        "scope_note": Field(str),
        "resource": Field(list, item=dict),
        "macros": Field(dict, required=False),
    }
    data = Table(path, "", schema).check(read_toml(path))
    resources = load_resources(path)
    if not resources:
        raise DataError(path, "resource", "at least the emergency-services entry is needed")
    if extra_resources is not None:
        resources = resources + load_resources(extra_resources)
    macros: dict[str, str] = {}
    for name, value in data.get("macros", {}).items():
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name) or not isinstance(value, str) or not value:
            raise DataError(path, f"macros.{name}", "macro names are UPPER_CASE, values non-empty strings")
        macros[name] = expand_macros(path, f"macros.{name}", value, macros)
    folder = cue_dir if cue_dir is not None else path.parent / "safety"
    files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    if not files:
        raise DataError(folder, "", "no cue files (*.toml) found")
    cues: list[Cue] = []
    seen: set[str] = set()
    for file in files:
        cues.extend(load_cues(file, macros, seen))
    texts = SafetyTexts(
        urgent=data["message_urgent"],
        concern=data["message_concern"],
        abuse_note=data["abuse_note"],
        self_harm_note=data["self_harm_note"],
        scope_note=data["scope_note"],
        resources=resources,
    )
    return SafetyDetector(cues, texts)
