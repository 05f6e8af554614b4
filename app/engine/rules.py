"""Rules as data: load data/rules/*.toml (and strength cues) strictly, compile with RE2.

A rule file holds [[rule]] tables:

    id, category, severity, principle        what it is
    pattern = '''RE2'''  or  phrases = [...]  what it matches (group `mark`, or in another
                                              alternative `mark2`, `mark3`... = the span shown)
    unless = ['''RE2''', ...]                 exceptions, tested on the sentence of the match
    unless_next = ['''RE2''', ...]            exceptions tested on the sentence after it: a
                                              reassurance that follows ("No worries, ...")
    {{name}} in a pattern or exception        a word class from data/lexicon.toml [classes]
    message, suggestion, alternatives         what the user reads
    flagged = ["You [[never]] listen."]       examples that must be flagged, span marked
    clean = ["I never want to lose you."]     examples that must stay clean
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.engine.patterns import (
    PART_CHARS,
    SET_GROUP,
    PartIndex,
    PatternError,
    PatternSet,
    bad_pattern,
    capture_free,
    compile_pattern,
    expand_classes,
    marks_are_whole,
    merge_parts,
    part_set,
    phrases_to_pattern,
    split_alternatives,
)
from app.loader import DataError, Field, Table, read_toml, require_choice, require_unique

CATEGORIES = (
    "blame",
    "criticism",
    "contempt",
    "absolute",
    "pressure",
    "dismissive",
    "defensive",
    "vague",
    "stigma",
)
SEVERITIES = ("high", "medium", "low")
_UNLESS_WINDOW = 240  # characters either side of a match that its exceptions can see
# The rule sets scan the text lowercased, as the other sets do (PatternSet): set_text() is
# made for each text anyway, for the rules run one by one (Regex). Measured on 2,000 novel
# lines, that starts a process ~270M instructions (13%) sooner and runs the lines 9% cheaper,
# for ~5k instructions (1.4%) more a warm message: a set of its own for the shouting rule.

_RULE_SCHEMA = {
    "id": Field(str),
    "category": Field(str),
    "severity": Field(str),
    "principle": Field(str),
    "pattern": Field(str, required=False),
    "phrases": Field(list, required=False, item=str),
    "unless": Field(list, required=False, item=str),
    "unless_next": Field(list, required=False, item=str),
    "message": Field(str),
    "suggestion": Field(str),
    "alternatives": Field(list, required=False, item=str),
    "flagged": Field(list, item=str),
    "clean": Field(list, item=str),
}
_STRENGTH_SCHEMA = {
    "id": Field(str),
    "principle": Field(str),
    "pattern": Field(str, required=False),
    "phrases": Field(list, required=False, item=str),
    "unless": Field(list, required=False, item=str),
    "message": Field(str),
    "flagged": Field(list, item=str),
    "clean": Field(list, item=str),
}


@dataclass(frozen=True)
class Rule:
    """One compiled rule (a finding rule, or a strength cue when category is empty)."""

    id: str
    category: str
    severity: str
    principle: str
    source: str
    message: str
    suggestion: str
    alternatives: tuple[str, ...]
    flagged: tuple[str, ...]
    clean: tuple[str, ...]
    file: str
    regex: Any
    unless: Any  # all its exceptions as one pattern (compile_unless), or None
    key: str = ""  # where its pattern is in its file ("rule[3].pattern"), for errors
    unless_next: Any = None  # exceptions for the sentence after the match's, or None
    # The pattern as it runs: its top-level alternatives in a few parts when it is long
    # (patterns.split_alternatives), each compiled when first needed, and their sources.
    parts: tuple[Any, ...] = ()
    pieces: tuple[str, ...] = ()

    def spans(
        self,
        text: str,
        sentences: list[tuple[int, int]],
        starts: list[int] | None = None,
        parts: tuple[Any, ...] | None = None,
    ) -> list[tuple[int, int]]:
        """Spans (in text) where this rule fires, after its exceptions; parts: only those of
        its parts (the ones a scan found), else all of them."""
        chosen = self.parts if parts is None else parts
        if len(chosen) == 1:
            return firing_spans(chosen[0], self.unless, text, sentences, starts, self.unless_next)
        return _fire(_merged(chosen, text), self.unless, text, sentences, starts, self.unless_next)


def _marked(regex: Any, text: str) -> list[tuple[int, int, int, int]]:
    """(match start, match end, shown start, shown end) of each match of regex: the span
    shown is group mark's, or mark2's, mark3's... (the first that took part), else the match."""
    matches = regex.all_spans(text)
    if not matches:
        return []
    marks = regex.marks
    return [_shown(groups, marks) for groups in matches]


def _shown(groups: list[tuple[int, int]], marks: tuple[int, ...]) -> tuple[int, int, int, int]:
    """(match start, match end, shown start, shown end) of one match's group spans."""
    m_start, m_end = start, end = groups[0]
    for group in marks:
        if groups[group][0] >= 0:
            start, end = groups[group]
            break
    return (m_start, m_end, start, end)


def _merged(parts: tuple[Any, ...], text: str) -> list[tuple[int, int, int, int]]:
    """_marked for a pattern run as parts (see patterns.merge_parts)."""
    return [_shown(groups, parts[index].marks) for index, groups in merge_parts(parts, text)]


def firing_spans(
    regex: Any,
    unless: Any,
    text: str,
    sentences: list[tuple[int, int]],
    starts: list[int] | None = None,
    unless_next: Any = None,
) -> list[tuple[int, int]]:
    """Where regex fires in text: each match's marked span (group mark, or mark2, mark3...,
    else the whole match), unless the exception pattern (all exceptions as one, see
    compile_unless; or None) is found in its sentence, or unless_next in the sentence after
    it. starts are the sentences' start offsets (worked out here when not given). Shared
    by rules, strength cues and the rehearsal's recognisers."""
    return _fire(_marked(regex, text), unless, text, sentences, starts, unless_next)


def _fire(
    marked: list[tuple[int, int, int, int]],
    unless: Any,
    text: str,
    sentences: list[tuple[int, int]],
    starts: list[int] | None,
    unless_next: Any,
) -> list[tuple[int, int]]:
    """The shown spans of the matches (see _marked) that no exception puts aside."""
    found: list[tuple[int, int]] = []
    for m_start, m_end, start, end in marked:
        if end <= start:
            continue
        if unless is not None or unless_next is not None:
            if starts is None:
                starts = [span[0] for span in sentences]
            index = bisect_right(starts, m_start) - 1
            s_start, s_end = sentences[index] if index >= 0 else (0, 0)
            # A window of the sentence around the match: real sentences fit in it, and a
            # 5,000-character run-on with a hit every few words stays linear.
            s_start = max(s_start, m_start - _UNLESS_WINDOW)
            s_end = min(max(s_end, m_end), m_end + _UNLESS_WINDOW)
            if unless is not None and unless.search(text[s_start:s_end]):
                continue
            if unless_next is not None and 0 <= index < len(sentences) - 1:
                n_start, n_end = sentences[index + 1]
                n_end = min(n_end, n_start + _UNLESS_WINDOW)
                if n_start < s_end + _UNLESS_WINDOW and unless_next.search(text[n_start:n_end]):
                    continue
        found.append((start, end))
    return found


class RuleBook:
    """A set of rules scanned together: one RE2::Set pass, then only the rules that hit.

    The set scans for each rule's parts (Rule.parts), numbered in rule order: a candidate
    is a part, and only the parts found are run."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = tuple(rules)
        self.by_id = {rule.id: rule for rule in rules}
        self._parts = PartIndex([len(rule.parts) for rule in self.rules])
        self._own_set: PatternSet | None = None  # built when first needed (see Scanner)

    @property
    def _set(self) -> PatternSet:
        if self._own_set is None:
            self._own_set = rule_set(self.rules)
        return self._own_set

    @property
    def part_count(self) -> int:
        return len(self._parts)

    def patterns(self) -> Iterator[Any]:
        """Every pattern of these rules as they run (for Analyzer.warm_up)."""
        for rule in self.rules:
            yield from rule.parts
            for exceptions in (rule.unless, rule.unless_next):
                if exceptions is not None:
                    yield exceptions

    def candidates(self, text: str) -> list[int]:
        """The parts of rules that may fire in text: every part whose pattern occurs, and
        maybe a few more (one RE2::Set pass over widened patterns, see patterns.widen)."""
        return self._set.matching(text)

    def set_aside(self, text: str, candidates: list[int]) -> bool:
        """True when a rule's pattern (of the candidate parts) matches text at all: called where
        none fired, it means an exception put the match aside ("You never fail to amaze me"),
        a judgement a second opinion should not overrule."""
        for index, places in self._parts.grouped(candidates):
            rule = self.rules[index]
            for part in rule.parts if places is None else [rule.parts[place] for place in places]:
                if part.search(text) is not None:
                    return True
        return False

    def matches(
        self, text: str, sentences: list[tuple[int, int]], candidates: list[int] | None = None
    ) -> list[tuple[Rule, int, int]]:
        """(rule, start, end) for every firing, in text order; candidates: parts to run."""
        hits: list[tuple[Rule, int, int]] = []
        starts = [span[0] for span in sentences]
        found = self._set.matching(text) if candidates is None else candidates
        for index, places in self._parts.grouped(found):
            rule = self.rules[index]
            parts = None if places is None else tuple([rule.parts[place] for place in places])
            for start, end in rule.spans(text, sentences, starts, parts):
                hits.append((rule, start, end))
        hits.sort(key=lambda hit: (hit[1], -hit[2]))
        return hits


def rule_set(rules: tuple[Rule, ...]) -> PatternSet:
    """One PatternSet over the parts of rules (patterns.part_set, SET_GROUP rules a set)."""
    try:
        return part_set([rule.pieces for rule in rules], SET_GROUP)[0]
    except PatternError as exc:  # the first place a rule's pattern is parsed: name it
        bad = rules[exc.index]
        raise bad_pattern(Path(bad.file), bad.key, exc) from exc


class Scanner:
    """Two rule books (the finding rules and the strength cues) scanned in one pass: every
    text is scanned for both, and each scan has a fixed cost, so one pass over a few sets
    of both books' patterns is cheaper than a pass for each book."""

    def __init__(self, first: RuleBook, second: RuleBook) -> None:
        self._split = first.part_count
        self._set = rule_set(first.rules + second.rules)

    def candidates(self, text: str) -> tuple[list[int], list[int]]:
        """The parts of the rules of each book that may fire in text (as RuleBook.candidates)."""
        found = self._set.matching(text)
        if not found:
            return found, found
        split = bisect_left(found, self._split)
        if split == len(found):
            return found, []
        return found[:split], [index - self._split for index in found[split:]]


def _compile_rule(
    path: Path, where: str, raw: dict[str, Any], principles: set[str], classes: Mapping[str, str]
) -> Rule:
    has_pattern, has_phrases = "pattern" in raw, "phrases" in raw
    if has_pattern == has_phrases:
        raise DataError(path, where, "give exactly one of 'pattern' or 'phrases'")
    key = f"{where}.{'pattern' if has_pattern else 'phrases'}"
    try:
        if has_pattern:
            source = expand_classes(raw["pattern"], classes)
        else:
            source = phrases_to_pattern(raw["phrases"])
        # Compiled when first used: the Scanner's sets parse every rule at load (see Scanner).
        # A rule whose marked span is always its whole match runs without capture groups.
        regex = compile_pattern(_runnable(source), checked=True)
        pieces = tuple(split_alternatives(source, PART_CHARS))
        parts: tuple[Any, ...] = (regex,)
        if len(pieces) > 1:
            parts = tuple(compile_pattern(_runnable(piece), checked=True) for piece in pieces)
    except PatternError as exc:
        raise bad_pattern(path, key, exc) from exc
    unless = compile_unless(path, where, raw.get("unless", []), classes)
    unless_next = compile_unless(path, where, raw.get("unless_next", []), classes, "unless_next")
    require_choice(path, f"{where}.principle", raw["principle"], principles)
    check_examples(path, where, raw)
    return Rule(
        id=raw["id"],
        category=raw.get("category", ""),
        severity=raw.get("severity", ""),
        principle=raw["principle"],
        source=source,
        message=raw["message"],
        suggestion=raw.get("suggestion", ""),
        alternatives=tuple(raw.get("alternatives", ())),
        flagged=tuple(raw["flagged"]),
        clean=tuple(raw["clean"]),
        file=str(path),
        regex=regex,
        unless=unless,
        key=key,
        unless_next=unless_next,
        parts=parts,
        pieces=pieces,
    )


def _runnable(pattern: str) -> str:
    """pattern as it runs: without capture groups when its marked span is its whole match."""
    return capture_free(pattern) if marks_are_whole(pattern) else pattern


def compile_unless(
    path: Path, where: str, raw: list[str], classes: Mapping[str, str], field: str = "unless"
) -> Any:
    """All of a rule's exceptions as one alternation (None when there are none): one search
    per hit instead of one per exception. Only when that fails to compile is each one
    compiled, to name the bad one."""
    if not raw:
        return None
    exceptions = []
    for index, exception in enumerate(raw):
        try:
            exceptions.append(expand_classes(exception, classes))
        except PatternError as exc:
            raise bad_pattern(path, f"{where}.{field}[{index}]", exc) from exc
    try:
        return compile_pattern("|".join(f"(?:{e})" for e in exceptions), lazy=True)
    except PatternError:
        for index, exception in enumerate(exceptions):
            try:
                compile_pattern(exception)
            except PatternError as exc:
                raise bad_pattern(path, f"{where}.{field}[{index}]", exc) from exc
        raise DataError(path, f"{where}.{field}", "the exceptions do not compile together") from None


def load_rules(directory: Path, principles: set[str], classes: Mapping[str, str] | None = None) -> list[Rule]:
    """Load every data/rules/*.toml file; each holds [[rule]] tables."""
    rules: list[Rule] = []
    seen: set[str] = set()
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise DataError(directory, "", "no rule files found")
    for path in files:
        data = Table(path, "", {"rule": Field(list, item=dict)}).check(read_toml(path))
        for index, raw in enumerate(data["rule"]):
            where = f"rule[{index}]"
            Table(path, where, _RULE_SCHEMA).check(raw)
            require_unique(path, f"{where}.id", raw["id"], seen)
            require_choice(path, f"{where}.category", raw["category"], CATEGORIES)
            require_choice(path, f"{where}.severity", raw["severity"], SEVERITIES)
            rules.append(_compile_rule(path, f"{where}", raw, principles, classes or {}))
    return rules


def load_strengths(path: Path, principles: set[str], classes: Mapping[str, str] | None = None) -> list[Rule]:
    """Load data/strengths.toml: [[strength]] cues for what a line does well."""
    data = Table(path, "", {"strength": Field(list, item=dict)}).check(read_toml(path))
    cues: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["strength"]):
        where = f"strength[{index}]"
        Table(path, where, _STRENGTH_SCHEMA).check(raw)
        require_unique(path, f"{where}.id", raw["id"], seen)
        cues.append(_compile_rule(path, where, raw, principles, classes or {}))
    return cues


def check_examples(path: Path, where: str, raw: dict[str, Any]) -> None:
    """A pattern's examples: at least one of each kind, and each flagged one marked once."""
    if not raw["flagged"]:
        raise DataError(path, f"{where}.flagged", "needs at least one example that must be flagged")
    if not raw["clean"]:
        raise DataError(path, f"{where}.clean", "needs at least one example that must stay clean")
    for index, example in enumerate(raw["flagged"]):
        if example.count("[[") != 1 or example.count("]]") != 1 or example.index("[[") > example.index("]]"):
            raise DataError(path, f"{where}.flagged[{index}]", "mark the expected span once with [[...]]")


def strip_marks(example: str) -> tuple[str, int, int]:
    """'You [[never]] listen' -> ('You never listen', 4, 9)."""
    start = example.index("[[")
    end = example.index("]]") - 2
    return example.replace("[[", "", 1).replace("]]", "", 1), start, end
