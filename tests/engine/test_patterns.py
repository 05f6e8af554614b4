"""PatternSet and Regex: the fast paths give the same answers as plain RE2 searches."""

from __future__ import annotations

from typing import Any

import pytest
import re2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine import Analyzer
from app.engine.patterns import (
    _POOL,
    PartIndex,
    PatternError,
    PatternSet,
    _plain_letter,
    _token_end,
    capture_free,
    compile_pattern,
    marks_are_whole,
    merge_parts,
    set_form,
    set_text,
    split_alternatives,
    widen,
)
from app.engine.rules import _marked, _merged, _runnable, strip_marks

RuleSets = tuple[list[Any], list[PatternSet]]
Widened = list[tuple[Any, Any]]  # (rule, its widened pattern compiled)
_TEXTS = st.text(alphabet=st.sampled_from(list("you never always lazy .!\n😡é'")), max_size=60)


@pytest.fixture(scope="module")
def rule_sets(analyzer: Analyzer) -> RuleSets:
    patterns = [rule.source for rule in analyzer.rules.rules]
    singles = [compile_pattern(pattern) for pattern in patterns]
    sets = [PatternSet(patterns, group_size=size) for size in (0, 5, 17)]
    return singles, [*sets, PatternSet(patterns, 17, lowered=False)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXTS)
def test_a_set_answers_as_each_pattern_would(rule_sets: RuleSets, text: str) -> None:
    singles, sets = rule_sets
    expected = [index for index, regex in enumerate(singles) if regex.search(text) is not None]
    for one in sets:
        assert one.matching(text) == expected


def _gave_up(data: bytes) -> list[int]:
    """Stands in for an RE2 set whose scan failed: its answer lacks the sentinel."""
    return []


def test_a_failed_scan_reports_every_pattern_of_its_set() -> None:
    patterns = [r"\bnever\b", r"\balways\b", r"\blazy\b", r"\bcalm down\b"]
    found = PatternSet(patterns, group_size=2)
    assert found.matching("you never help") == [0]
    broken = found._sets[1]
    found._sets[1] = (_gave_up, broken[1], broken[2])
    assert found.matching("you never help") == [0, 1, 3]  # set 1 holds patterns 1 and 3


@settings(max_examples=200, deadline=None)
@given(text=_TEXTS)
def test_all_spans_are_finditer_spans(text: str) -> None:
    """all_spans steps exactly as finditer does (which, on ASCII text, is google-re2's own
    finditer without its repeated empty match at the end of a word)."""
    pattern = r"\byou(?:'re| are)?\s+(?:\w+\s+)?(?P<mark>never|always)\b|(?P<mark2>lazy)"
    ours = compile_pattern(pattern)
    theirs = re2.compile(pattern, ours._as_written().options)
    expected = [[m.span(g) for g in range(ours.groups + 1)] for m in theirs.finditer(text)]
    assert ours.all_spans(text) == expected
    empty = compile_pattern(pattern + r"|\b")
    groups = range(empty.groups + 1)
    assert empty.all_spans(text) == [[m.span(g) for g in groups] for m in empty.finditer(text)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXTS)
def test_one_scan_answers_for_rules_and_strengths_as_two_would(analyzer: Analyzer, text: str) -> None:
    rules, strengths = analyzer.scanner.candidates(text)
    assert rules == analyzer.rules.candidates(text)
    assert strengths == analyzer.strengths.candidates(text)


@pytest.mark.parametrize(
    ("pattern", "widened"),
    [
        (r"you\b.{0,40}\bnever", r"you\b.{0,}\bnever"),
        (r"(?:\w+\s+){1,12}?x", r"(?:\w+\s+){1,}?x"),
        (r"(?:\w+\s+){0,3}x", r"(?:\w+\s+){0,3}x"),  # a short gap is kept
        (r"a{3}b{2,}c{,9}", r"a{3}b{2,}c{,9}"),  # not bounded repetitions
        (r"\{0,40\}", r"\{0,40\}"),  # escaped braces
        (r"[{0,40}]x", r"[{0,40}]x"),  # inside a class
        (r"[]{0,9}]{0,9}", r"[]{0,9}]{0,}"),  # a ] first in a class is a literal
        (r"[\]{0,9}]{0,9}", r"[\]{0,9}]{0,}"),
        (r"[[:alpha:]{0,9}]{0,9}", r"[[:alpha:]{0,9}]{0,}"),
        (r"\x{41}{0,9}", r"\x{41}{0,}"),
        (r"\p{Greek}{2,6}", r"\p{Greek}{2,}"),
        (r"\Qa{0,9}\E{0,9}", r"\Qa{0,9}\E{0,}"),
        (r"b{0,9}\Qa{0,9}", r"b{0,}\Qa{0,9}"),  # quoted to the end
    ],
)
def test_widen_opens_only_wide_bounded_repetitions(pattern: str, widened: str) -> None:
    assert widen(pattern) == widened
    compile_pattern(widened)


def _widen_by_walking(pattern: str) -> str:
    """widen() as it was written first: RE2 syntax walked token by token."""
    out, index = [], 0
    while index < len(pattern):
        if pattern[index] == "{":
            stop = pattern.find("}", index) + 1
            low, comma, high = pattern[index + 1 : stop - 1].partition(",")
            if stop and comma and low.isdigit() and high.isdigit() and int(high) >= 5:
                out.append("{" + low + ",}")
                index = stop
                continue
        stop = _token_end(pattern, index)
        out.append(pattern[index:stop])
        index = stop
    return "".join(out)


_PIECES = ["a", "{0,9}", "{2,3}", "{1,40}", "{,9}", "{3}", "\\{", "\\", "[", "]", "^", "[:alpha:]", "\\Q",
           "\\E", "\\x{41}", "\\p{Greek}", "(", ")", "|", "é", "\\s"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(st.sampled_from(_PIECES), max_size=12))
def test_widen_reads_a_pattern_as_the_token_walk_does(pieces: list[str]) -> None:
    pattern = "".join(pieces)
    try:  # only valid patterns reach widen(): the loader has refused the others
        compile_pattern(pattern)
    except PatternError:
        return
    assert widen(pattern) == _widen_by_walking(pattern)


@pytest.fixture(scope="module")
def widened_rules(analyzer: Analyzer) -> Widened:
    rules = analyzer.rules.rules + analyzer.strengths.rules
    return [(rule, compile_pattern(widen(rule.source))) for rule in rules]


def test_a_widened_rule_matches_its_examples(analyzer: Analyzer, widened_rules: Widened) -> None:
    for rule, widened in widened_rules:
        for example in rule.flagged:
            text = analyzer.normalizer.normalize(example.replace("[[", "").replace("]]", "")).text
            assert rule.regex.search(text) is not None, (rule.id, example)
            assert widened.search(text) is not None, (rule.id, example)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXTS)
def test_a_widened_rule_matches_wherever_the_rule_does(
    widened_rules: list[tuple[Any, Any]], text: str
) -> None:
    for rule, widened in widened_rules:
        if rule.regex.search(text) is not None:
            assert widened.search(text) is not None, rule.id


_WORDS = ["you", "never", "always", "whatever", "fiancé", "FIANCÉE", "lazy", "I", "feel", "like", "why"]
_ODD = ["😡", "❤️", "🙄", "é", "É", "ſ", "\u212a", "日本", "ß", "…", "\u00a0", "ﬁ"]
_GLUE = [" ", " ", ". ", "? ", ", ", "'", "\n"]
_MIXED = st.lists(st.sampled_from(_WORDS + _ODD + _GLUE), max_size=30).map("".join)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=_MIXED)
def test_non_ascii_text_matches_through_its_shadow_as_through_utf8(analyzer: Analyzer, raw: str) -> None:
    """Every rule, exception and safety cue finds the same spans in normalised text with
    emoji, accents and other scripts as google-re2's own finditer (Regex converts UTF-8
    offsets its own way, see Regex._iter_utf8)."""
    text = analyzer.normalizer.normalize(raw).text
    regexes = [rule.regex for rule in analyzer.rules.rules + analyzer.strengths.rules]
    regexes += [rule.unless for rule in analyzer.rules.rules if rule.unless is not None]
    regexes += [cue.regex for cue in analyzer.safety.cues]
    for regex in regexes:
        regex._ready()
        groups = range(regex.groups + 1)
        expected = [[m.span(g) for g in groups] for m in regex._as_written().finditer(text)]
        assert regex.all_spans(text) == expected, (regex.pattern[:80], text)


@pytest.mark.parametrize(
    ("pattern", "whole"),
    [
        (r"\b(?P<mark>you\s+never)\b", True),
        (r"^(?P<mark>calm\s+down)$|\b(?P<mark2>relax)\b", True),
        (r"(?P<mark>never)", True),
        (r"\byou\s+(?P<mark>never)\b", False),  # the match starts before the mark
        (r"\b(?P<mark>never)\s+again", False),  # ... or ends after it
        (r"\b(?P<mark>never)\b|\balways\b", False),  # an alternative with no mark
        (r"\b(?P<mark>a(?P<inner>b))\b", True),  # what is inside the mark does not matter
        (r"\b(?P<mark>a)\b(?:x)?", False),
        (r"[(](?P<mark>a)", False),  # a class, not a group
    ],
)
def test_marks_are_whole_when_only_zero_width_assertions_surround_them(pattern: str, whole: bool) -> None:
    assert marks_are_whole(pattern) is whole


@pytest.mark.parametrize(
    ("pattern", "free"),
    [
        (r"(a)(?:b)(?P<mark>c)", r"(?:a)(?:b)(?:c)"),
        (r"[(]\((?i)x(?<n>y)", r"[(]\((?i)x(?:y)"),
        (r"\Q(a)\E(b)", r"\Q(a)\E(?:b)"),
    ],
)
def test_capture_free_makes_every_group_non_capturing(pattern: str, free: str) -> None:
    assert capture_free(pattern) == free
    assert compile_pattern(free).groups == 0


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=_MIXED)
def test_a_rule_run_without_captures_finds_its_marked_spans(analyzer: Analyzer, raw: str) -> None:
    """Rules whose marks are whole run capture-free: the same spans as the marks would give."""
    text = analyzer.normalizer.normalize(raw).text
    for rule in analyzer.rules.rules + analyzer.strengths.rules:
        if not marks_are_whole(rule.source):
            continue
        full = compile_pattern(rule.source)
        marked = []
        for groups in full.all_spans(text):
            mark = next((groups[g] for g in full.marks if groups[g][0] >= 0), groups[0])
            marked.append(mark)
        assert [groups[0] for groups in rule.regex.all_spans(text)] == marked, rule.id


# -- sets scan lowercased text (set_text, set_form) -------------------------------------------
_SHOUTED = ["MY", "NEVER", "You", "ME", "STOP", "kiss"]
_CASED = st.tuples(
    st.lists(st.sampled_from(_WORDS + _ODD + _GLUE + _SHOUTED), max_size=30),
    st.sampled_from([str, str.upper, str.lower, str.swapcase, str.title]),
).map(lambda parts: parts[1]("".join(parts[0])))


def _set_sources(analyzer: Analyzer) -> list[list[str]]:
    """The patterns of the engine's sets, as each set is given them."""
    books = analyzer.rules.rules + analyzer.strengths.rules
    return [[widen(rule.source) for rule in books], [cue.source for cue in analyzer.safety.cues]]


@pytest.fixture(scope="module")
def data_sets(analyzer: Analyzer) -> list[tuple[list[Any], PatternSet]]:
    sources = _set_sources(analyzer)
    pairs = [([compile_pattern(p) for p in each], PatternSet(each, 19)) for each in sources]
    return [*pairs, (pairs[0][0], PatternSet(sources[0], 19, lowered=False))]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_CASED)
def test_a_set_over_lowercased_text_answers_as_each_pattern_over_the_text(
    data_sets: list[tuple[list[Any], PatternSet]], text: str
) -> None:
    """Capitals, the Kelvin sign and the long s (which fold to k and s), accents and the
    shouting rule's "(?-i:" all answer as each pattern run case-insensitively as written."""
    for singles, one in data_sets:
        assert one.matching(text) == [i for i, regex in enumerate(singles) if regex.search(text) is not None]


def test_the_odd_letters_that_fold_to_ascii_are_spelled_as_it() -> None:
    """Only the Kelvin sign and the long s match an ASCII letter case-insensitively in RE2;
    set_text() spells both as their letter, so a lowercased pattern still finds them. Yet
    neither is a word character to \\b, as its letter is: a set given such a text answers as
    its patterns run one by one ("never\\b" is found in "you never\u017f")."""
    letters = re2.compile("[a-z]", compile_pattern("x")._as_written().options)
    odd = [chr(c) for c in range(0x80, 0x30000) if not 0xD800 <= c < 0xE000 and letters.search(chr(c))]
    assert odd == ["\u017f", "\u212a"]
    assert set_text("\u212aISS ſo É") == "kiss so É".encode()
    assert PatternSet([r"kiss\s+so\b"]).matching("\u212aISS ſO") == [0]
    assert PatternSet([r"\bkiss\s+so\b"]).matching("\u212aISS ſO") == []
    assert compile_pattern(r"\bkiss\s+so\b").search("\u212aISS ſO") is None
    assert PatternSet([r"\bnever\b", r"\bnevers\b"]).matching("you never\u017f") == [0]


def test_set_form_rewrites_only_letters_whose_case_class_is_their_two_cases() -> None:
    """An accented letter set_form() keeps (given its other case in a class) must have no
    third case in RE2's folding, as the angstrom sign is to å."""
    options = compile_pattern("x")._as_written().options
    every = "".join(chr(c) for c in range(0x30000) if not 0xD800 <= c < 0xE000)
    kept = [chr(c) for c in range(0xC0, 0x100) if chr(c).lower() != chr(c).upper() and _plain_letter(chr(c))]
    assert len(kept) > 50
    for letter in kept:
        same = set(re2.compile(re2.escape(letter), options).findall(every))
        assert same == {letter, letter.upper(), letter.lower()}, letter
    assert set_form("[å]") == "(?i:[å])"


@pytest.mark.parametrize(
    ("pattern", "form"),
    [
        (r"\bI\s+(?P<mark>HATE)\W+\S", r"\bi\s+(?P<mark>hate)\W+\S"),  # escapes keep their case
        (r"(?-i:[A-Z]{3,})", r"(?i:[a-z]{3,})"),  # what tells capitals apart can only match more
        (r"fianc[eé]e?|caf(?:é|e)", r"fianc[eéÉ]e?|caf(?:(?i:é)|e)"),  # accents take both cases
        (r"[0-Z]", r"(?i:[0-Z])"),  # a range from a capital to something else
        (r"[à-ÿ]s", r"(?i:[à-ÿ]s)"),  # a range of accented letters
        (r"\pL\x{41}", r"(?i:\pL\x{41})"),  # Unicode classes, a capital written in hex
        (r"(?U)a+", r"(?i:(?U)a+)"),  # flags with a capital
        (r"(?P<Mark>x)", r"(?i:(?P<Mark>x))"),
        (r"\\S", r"(?i:\\S)"),  # an escaped backslash
        (r"straße", r"(?i:straße)"),  # a letter whose capital is two letters
        (r"\bµ|σ", r"(?i:\bµ|σ)"),  # letters with a third case (μ, ς)
        (r"İ", r"(?i:İ)"),  # its lowercase is two characters
        (r"\x{2026}\s*WHY", r"\x{2026}\s*why"),
    ],
)
def test_set_form_lowercases_what_it_can_and_wraps_the_rest(pattern: str, form: str) -> None:
    assert set_form(pattern) == form


@pytest.mark.parametrize(
    "pattern",
    [r"(?I)x", r"(?U)x", r"[a-Z]", r"[B-a]", r"\Z", r"\C", r"(?P<Na>x)(?P<na>y)", r"\p{Greek}", r"\p{greek}",
     r"\x{41}", r"[[:Alpha:]]", r"[[:alpha:]]", r"a{2,1}", r"(?-i:A)", r"(?i-m:A)", r"caf[eé]", r"[É-é]"],
)  # fmt: skip
def test_set_form_keeps_whether_a_pattern_is_valid(pattern: str) -> None:
    """A set is the first to parse most patterns: what it accepts is compiled later as written."""

    def valid(source: str, options: Any) -> bool:
        try:
            re2.compile(source, options)
        except re2.error:
            return False
        return True

    as_written = valid(pattern, compile_pattern("x")._as_written().options)
    sensitive = re2.Options()
    sensitive.case_sensitive = True
    assert valid(set_form(pattern), sensitive) == as_written


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=_MIXED, shout=st.booleans())
def test_rules_run_lowered_find_what_they_find_as_written(analyzer: Analyzer, raw: str, shout: bool) -> None:
    """A rule or cue compiled when first used runs its set_form() over set_text(), or, on a
    text with the Kelvin sign or the long s, as written: either way the same spans as the
    pattern as written, case-insensitively, over the text as sent (capitals included)."""
    text = raw.upper() if shout else raw
    regexes = [rule.regex for rule in analyzer.rules.rules[::3]]
    regexes += [cue.regex for cue in analyzer.safety.cues[::3]]
    for regex in regexes:
        groups = range(regex.groups + 1)
        expected = [[m.span(g) for g in groups] for m in regex._as_written().finditer(text)]
        assert regex.all_spans(text) == expected, (regex.pattern[:80], text)
        found = regex.search(text)
        assert (found.span() if found else None) == (expected[0][0] if expected else None)


def test_a_rule_runs_lowered_unless_it_tells_capitals_apart() -> None:
    lowered = compile_pattern(r"\byou\s+(?P<mark>never)\b", checked=True)
    exact = compile_pattern(r"\b(?-i:NEVER)\b", checked=True)
    assert [m.span("mark") for m in lowered.finditer("YOU NEVER, You never")] == [(4, 9), (15, 20)]
    assert lowered._lowered and not exact._lowered
    assert [m.span() for m in exact.finditer("never NEVER")] == [(6, 11)]
    kelvin = "\u212aill you NEVER"  # the Kelvin sign: run as written
    assert lowered.search(kelvin).span("mark") == (9, 14)


# -- long rules run in parts (split_alternatives) ---------------------------------------------
@pytest.mark.parametrize(
    ("pattern", "size", "parts"),
    [
        ("aa|bb|cc|dd", 5, ["aa|bb", "cc|dd"]),
        ("aa|bb|cc|dd", 2, ["aa", "bb", "cc", "dd"]),
        ("aaaaaa|b|c", 3, ["aaaaaa", "b|c"]),  # an alternative longer than size stays whole
        ("aa|bb", 10, ["aa|bb"]),  # short enough
        ("(?:a|b)|(c|d)|e", 7, ["(?:a|b)", "(c|d)|e"]),  # alternatives inside groups stay
        (r"a\|b|[|]|c", 5, [r"a\|b", "[|]|c"]),  # an escaped bar and a bar in a class
        ("(?i)aa|bb|cc", 3, ["(?i)aa|bb|cc"]),  # a bare flag group reaches across: whole
        ("a(?i:b)|cc|dd", 6, ["a(?i:b)", "cc|dd"]),  # a flag group with its own scope is fine
    ],
)
def test_split_alternatives_cuts_only_top_level_bars(pattern: str, size: int, parts: list[str]) -> None:
    assert split_alternatives(pattern, size) == parts


def test_a_rule_run_in_parts_fires_where_the_whole_pattern_does(analyzer: Analyzer) -> None:
    """Each long rule is run as parts; on its examples, one by one and all in one text,
    the parts mark the same spans as the whole pattern."""
    split = [rule for rule in analyzer.rules.rules + analyzer.strengths.rules if len(rule.parts) > 1]
    assert len(split) >= 5  # the longest rules are split
    for rule in split:
        assert "|".join(rule.pieces) == rule.source
        whole = compile_pattern(_runnable(rule.source))
        examples = [strip_marks(example)[0] for example in rule.flagged] + list(rule.clean)
        texts = [analyzer.normalizer.normalize(text).text for text in [*examples, " ".join(examples)]]
        for text in texts:
            assert _merged(rule.parts, text) == _marked(whole, text), (rule.id, text)


@pytest.mark.parametrize("prefix", ["", "é ", "😡 "])
def test_parts_find_a_match_their_own_earlier_match_would_hide(prefix: str) -> None:
    """Whole, "a b|b c|c d" takes "a b", then "c d" from where it resumes. Run as the parts
    "a b" and "b c|c d", the second part's own first match ("b c") overlaps "a b", and its
    search from there finds nothing more; it must be searched again from "a b"'s end."""
    whole = compile_pattern("a b|b c|c d")
    parts = [compile_pattern("a b"), compile_pattern("b c|c d")]
    text = prefix + "a b c d, a b"
    spans = [groups[0] for _, groups in merge_parts(parts, text)]
    assert spans == [groups[0] for groups in whole.all_spans(text)]
    assert [text[a:b] for a, b in spans] == ["a b", "c d", "a b"]
    assert [index for index, _ in merge_parts(parts, text)] == [0, 1, 0]


def test_parts_step_past_an_empty_match_as_the_whole_pattern_does() -> None:
    whole = compile_pattern("x*|y")
    parts = [compile_pattern("x*"), compile_pattern("y")]
    for text in ("", "y", "xyx", "é y x"):
        merged = [groups[0] for _, groups in merge_parts(parts, text)]
        assert merged == [groups[0] for groups in whole.all_spans(text)], text


# Parts whose matches overlap one another's: "you never always lazy" is "you never" and
# "always lazy" whole, while the first part's own search finds only "never always".
_PARTED = "never always|always lazy|you never|y|(?:é|😡)+|l?"
_WORDS = st.lists(st.sampled_from(["you", "never", "always", "lazy", "y", "l", "é", "😡", "."]), max_size=12)


@given(_WORDS.map(" ".join))
@settings(max_examples=300, deadline=None)
def test_parts_match_where_the_whole_pattern_does_on_any_text(text: str) -> None:
    whole = compile_pattern(_PARTED)
    for size in (1, 25, 40):
        parts = [compile_pattern(part) for part in split_alternatives(_PARTED, size)]
        merged = [groups[0] for _, groups in merge_parts(parts, text)]
        assert merged == [groups[0] for groups in whole.all_spans(text)], (size, text)


def test_a_part_index_reads_found_parts_back_as_patterns() -> None:
    parts = PartIndex([1, 3, 1])  # parts 0 | 1 2 3 | 4
    assert len(parts) == 5
    assert parts.grouped([0, 1, 3, 4]) == [(0, None), (1, [0, 2]), (2, None)]
    assert parts.grouped([1, 2, 3]) == [(1, None)]  # all three parts found: run it whole
    assert parts.owners([2, 3, 4]) == [1, 2]


def test_a_full_pool_drops_compiled_patterns_and_they_compile_again_when_run() -> None:
    """A long-running engine holds only about POOL_SIZE patterns compiled: the rest are
    dropped (program and DFA states) and compiled again when a text needs them, matching
    exactly as before. Each pattern here is run twice, with others compiled in between."""
    texts = ["you never listen to me", "Ünïcode: you always forget 😡", "plain words, no hit"]
    patterns = [rf"\b(?P<mark>you\s+(?:never|always)\s+\w+)\b|w{index}x" for index in range(12)]
    size = _POOL.size
    _POOL.size = 4
    try:
        regexes = [compile_pattern(pattern, checked=True) for pattern in patterns]
        for _ in range(2):
            for regex, pattern in zip(regexes, patterns, strict=True):
                expected = re2.compile(pattern, re2.Options())
                for text in texts:
                    found, want = regex.search(text), expected.search(text)
                    assert (found and found.span(1)) == (want and want.span(1)), text
                live = sum(other.compiled for other in regexes)
                assert live <= 4, f"{live} of 12 patterns still compiled with a pool of 4"
        assert sum(regex.prepare() for regex in regexes) >= 8  # dropped ones compile again
    finally:
        _POOL.size = size
