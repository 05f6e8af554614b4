"""Safety detection: every cue's own examples, negation and idiom handling, the message
(snapshot, reliability plan C-3), the loader, and the RE2 set fallback."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from app.engine import MAX_CHARS, Analyzer, get_analyzer, load_analyzer
from app.engine.patterns import SAFETY_GROUP, compile_pattern, widen
from app.engine.safety import KINDS, Cue, SafetyDetector, _negated, load_safety
from app.loader import DataError
from app.paths import DATA_DIR

_ANALYZER = get_analyzer()
_DETECTOR = _ANALYZER.safety
_FLAGGED = [(cue, example) for cue in _DETECTOR.cues for example in cue.flagged]
_CLEAN = [(cue, example) for cue in _DETECTOR.cues for example in cue.clean]


def _id(item: tuple[Cue, str]) -> str:
    return f"{item[0].id}: {item[1]}"


def _cue_spans(cue: Cue, text: str) -> list[tuple[int, int]]:
    return cue.spans(_ANALYZER.normalizer.normalize(text).text)


# -- every cue's own examples ----------------------------------------------------------


@pytest.mark.parametrize("item", _FLAGGED, ids=[_id(i) for i in _FLAGGED])
def test_cue_flags_its_example(item: tuple[Cue, str]) -> None:
    cue, example = item
    assert _cue_spans(cue, example), f"{cue.id} ({cue.file}) does not fire on {example!r}"
    safety = _ANALYZER.analyze(example, with_rewrite=False).safety
    assert safety is not None and cue.kind in safety.kinds


@pytest.mark.parametrize("item", _CLEAN, ids=[_id(i) for i in _CLEAN])
def test_cue_leaves_its_clean_example_alone(item: tuple[Cue, str]) -> None:
    cue, example = item
    assert not _cue_spans(cue, example), f"{cue.id} ({cue.file}) wrongly fires on {example!r}"


def test_every_cue_has_examples_and_every_kind_a_cue() -> None:
    for cue in _DETECTOR.cues:
        assert cue.flagged and cue.clean, f"{cue.id} needs flagged and clean examples"
    assert {cue.kind for cue in _DETECTOR.cues} == set(KINDS)


def test_patterns_use_bounded_repetition_only() -> None:
    """RE2 is linear anyway; bounded gaps also keep a cue inside its sentence."""
    unbounded = re.compile(r"(?<!\\)\.[*+]|\[\^[^\]]*\][*+]|\{\d+,\}")
    for cue in _DETECTOR.cues:
        assert not unbounded.search(cue.source), f"{cue.id}: use {{0,N}} instead of * or + on a wildcard"


def test_cue_count_stays_reasonable() -> None:
    assert len(_DETECTOR.cues) <= 130


# -- negations and idioms ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "he never hit me before, but last night he choked me",
        "He said he'd hurt me if I left.",
        "He won't stop hitting me.",
        "Not only does he shout, he hits me.",
        "I didn't know he would hit me.",
        "I'm too scared to say no to him.",
        "He hasn't hit me yet, but I'm scared he will.",
        "I'm not sure if I'm safe at home.",
    ],
)
def test_negation_does_not_hide_a_disclosure(text: str) -> None:
    assert _ANALYZER.analyze(text, with_rewrite=False).safety is not None


@pytest.mark.parametrize(
    "text",
    [
        "He has never hit me.",
        "She doesn't control my money.",
        "He would never hurt me.",
        "He has never actually laid a hand on me.",
        "He doesn't stop me from seeing my friends.",
        "I'm not scared of him.",
    ],
)
def test_negation_cancels_a_cue(text: str) -> None:
    assert _ANALYZER.analyze(text, with_rewrite=False).safety is None


def test_urgent_and_concern_levels() -> None:
    urgent = ["He choked me.", "I want to kill myself.", "He pointed a gun at me.", "He said he'd kill me."]
    concern = ["He checks my phone every night.", "She controls all the money.", "I'm scared of him."]
    for text in urgent:
        safety = _ANALYZER.analyze(text, with_rewrite=False).safety
        assert safety is not None and safety.level == "urgent", text
    for text in concern:
        safety = _ANALYZER.analyze(text, with_rewrite=False).safety
        assert safety is not None and safety.level == "concern", text


# -- the message (snapshot) ----------------------------------------------------------------

_OPEN_URGENT = (
    "Thank you for telling us this. It sounds serious, and your safety matters more than any "
    "conversation about therapy. If you or anyone in your home is in danger right now, please "
    "contact your local emergency services."
)
_OPEN_CONCERN = (
    "Thank you for sharing this. It matters, and you deserve support with it. If you are ever in "
    "danger, please contact your local emergency services."
)
_ABUSE = (
    "What you describe can be a sign that home is not a safe place for you. Where there is abuse, "
    "threats, fear or control in a relationship, couples therapy is not advised: it can make things "
    "more dangerous, and so can pressing a partner to go. A domestic abuse service can talk it "
    "through with you in confidence and help you plan for your safety. weframe will not coach you on "
    "persuading your partner while this is going on."
)
_SELF_HARM = (
    "If you are thinking about ending your life or hurting yourself, please reach out now to "
    "someone you trust or to a crisis line; you do not have to carry this alone. The conversation "
    "about therapy can wait; you come first."
)
_SCOPE = (
    "weframe is not a crisis service and cannot respond to emergencies; the services listed with "
    "this message can."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He choked me last night.", f"{_OPEN_URGENT} {_ABUSE} {_SCOPE}"),
        ("He reads all my texts.", f"{_OPEN_CONCERN} {_ABUSE} {_SCOPE}"),
        ("I don't want to be here anymore.", f"{_OPEN_URGENT} {_SELF_HARM} {_SCOPE}"),
        ("He hits me and I want to die.", f"{_OPEN_URGENT} {_ABUSE} {_SELF_HARM} {_SCOPE}"),
    ],
)
def test_safety_message_snapshot(text: str, expected: str) -> None:
    safety = _ANALYZER.analyze(text, with_rewrite=False).safety
    assert safety is not None
    assert safety.message == expected


def test_safety_message_content_and_resources() -> None:
    safety = _ANALYZER.analyze("My husband slapped me.", with_rewrite=False).safety
    assert safety is not None
    message = safety.message
    assert "emergency services" in message
    assert "not a crisis service" in message
    assert "couples therapy is not advised" in message
    for word in (
        "you are being abused",
        "you are a victim",
        "abuser",
        "diagnos",
        "disorder",
        "you should leave",
    ):
        assert word not in message.lower()
    names = [resource.name for resource in safety.resources]
    assert names[0] == "Emergency services"
    assert "emergency number" in safety.resources[0].contact
    assert any("Domestic" in name for name in names), "a domestic abuse hotline"
    assert any("Crisis" in name or "Samaritans" in name for name in names), "a crisis line"
    assert safety.to_dict()["level"] == "concern"


# -- set fallback, speed -----------------------------------------------------------------------


def test_every_cue_is_checked_when_the_set_gives_up() -> None:
    def gave_up(
        data: bytes,
    ) -> list[int]:  # stands in for the C++ set's Match: a failed scan lacks the sentinel
        return []

    detector = SafetyDetector(list(_DETECTOR.cues), _DETECTOR.texts)
    _, sentinel, every = detector._set._sets[0]
    detector._set._sets[0] = (gave_up, sentinel, every)  # a detector of its own: nothing to undo
    assert detector.detect("he choked me") is not None
    assert detector.detect("we had a lovely walk") is None


def test_set_and_single_patterns_agree_on_long_text() -> None:
    examples = [example for cue in _DETECTOR.cues for example in cue.flagged]
    text = " ".join(examples * 3)[:MAX_CHARS]
    norm = _ANALYZER.normalizer.normalize(text).text
    from_set = set(_DETECTOR.candidates(norm))
    one_by_one = {index for index, cue in enumerate(_DETECTOR.cues) if cue.regex.search(norm)}
    assert from_set >= one_by_one  # the set scans for widened cues: it may find a few more


def test_the_set_scans_for_widened_cues() -> None:
    """A counted gap ("{0,10}") is left open in the scan (patterns.widen), which spares the
    sets' DFAs most of their states; the exact pattern then has the last word."""
    source = r"\bhe\s+hit[^.!?\n]{0,10}\bme\b"
    assert widen(source) == r"\bhe\s+hit[^.!?\n]{0,}\bme\b"
    regex = compile_pattern(source)
    cue = Cue("hit-test", "violence", "urgent", True, ("he hit me",), (), regex, source, "x")
    detector = SafetyDetector([cue], _DETECTOR.texts)
    far = "he hit the wall and the door and then me"
    assert detector.candidates(far) == [0]
    assert detector.detect(far) is None
    found = detector.detect("he hit me")
    assert found is not None and found.kinds == ("violence",)


def test_hostile_input_gets_the_right_answer() -> None:
    """How fast is the bench's job (scripts/bench.py times every cue's example, and half of
    it, repeated to 5,000 characters: a timed test here only failed on a busy machine).
    Here: disclosures packed to the limit are still found, and repetitive junk built from
    the cues' own words raises no alarm."""
    examples = [example for cue in _DETECTOR.cues for example in cue.flagged]
    packed = _ANALYZER.normalizer.normalize((" ".join(examples) + " ")[:MAX_CHARS]).text
    found = _DETECTOR.detect(packed)
    assert found is not None and {"violence", "threats"} <= set(found.kinds)
    for junk in ("he he he my husband said he'd ", "I'm not not not never scared ", "if I leave "):
        text = (junk * (MAX_CHARS // len(junk) + 1))[:MAX_CHARS]
        assert _DETECTOR.detect(_ANALYZER.normalizer.normalize(text).text) is None


# -- loader ------------------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


CUE = """
[[cue]]
id = "zz-test"
kind = "{kind}"
level = "concern"
pattern = '''{pattern}'''
flagged = ["zz marker"]
clean = ["nothing here"]
"""


@pytest.mark.parametrize(
    ("kind", "pattern", "words"),
    [
        ("violence", r"\bzz(", "not a valid RE2 pattern"),
        ("violence", r"(?<=a)zz", "not a valid RE2 pattern"),
        ("violence", r"\bzz {{NOPE}}", "unknown macro"),
        ("feelings", r"\bzz\b", "unknown value"),
    ],
)
def test_bad_cue_names_file_and_problem(data_dir: Path, kind: str, pattern: str, words: str) -> None:
    bad = data_dir / "safety" / "zz_test.toml"
    bad.write_text(CUE.format(kind=kind, pattern=pattern), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_analyzer(data_dir)
    assert "zz_test.toml" in str(caught.value)
    assert words in str(caught.value)


def test_a_bad_exception_is_named_at_load(data_dir: Path) -> None:
    """Exceptions are compiled when first needed, but parsed at load: a bad one is named."""
    text = CUE.format(kind="violence", pattern=r"\bzz\b").replace("flagged", "except = 'zz(b'\nflagged")
    (data_dir / "safety" / "zz_test.toml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_analyzer(data_dir)
    assert "zz_test.toml" in str(caught.value) and "except" in str(caught.value)
    assert "missing )" in str(caught.value)


def test_duplicate_cue_id_is_refused(data_dir: Path) -> None:
    first = _DETECTOR.cues[0].id
    (data_dir / "safety" / "zz_test.toml").write_text(
        CUE.format(kind="violence", pattern=r"\bzz\b").replace("zz-test", first), encoding="utf-8"
    )
    with pytest.raises(DataError, match="duplicate id"):
        load_analyzer(data_dir)


def test_a_new_cue_file_is_picked_up(data_dir: Path) -> None:
    (data_dir / "safety" / "zz_test.toml").write_text(
        CUE.format(kind="violence", pattern=r"\bzz\s+marker\b"), encoding="utf-8"
    )
    analyzer = load_analyzer(data_dir)
    safety = analyzer.analyze("there is a zz marker here", with_rewrite=False).safety
    assert safety is not None and safety.kinds == ("violence",)


def test_extra_resources_are_added_after_the_defaults(tmp_path: Path) -> None:
    extra = tmp_path / "local.toml"
    extra.write_text('[[resource]]\nname = "Local line"\ncontact = "Call 123"\n', encoding="utf-8")
    detector = load_safety(DATA_DIR / "safety.toml", extra)
    safety = detector.detect("he hit me")
    assert safety is not None
    assert safety.resources[0].name == "Emergency services"
    assert safety.resources[-1].name == "Local line"


def test_missing_cue_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no cue files"):
        load_safety(DATA_DIR / "safety.toml", cue_dir=tmp_path / "nowhere")


def test_no_rewrite_is_offered_after_a_disclosure(analyzer: Analyzer) -> None:
    """A harsh line that also discloses danger gets the safety answer, never a therapy pitch."""
    analysis = analyzer.analyze("You never listen and last night he choked me.")
    assert analysis.safety is not None
    assert analysis.rewrite is None
    plain = analyzer.analyze("You never listen to me.")
    assert plain.safety is None and plain.rewrite is not None


@pytest.mark.parametrize(
    ("text", "cue", "negated"),
    [
        ("when I said no he held me down", "held me down", False),  # "no" said, two words back
        ("I told him no he pushed me", "pushed me", False),
        ("he has never pushed me", "pushed me", True),
        ("no he never pushed me", "pushed me", True),
    ],
)
def test_no_said_as_a_word_is_no_negation_anywhere_in_the_clause(text: str, cue: str, negated: bool) -> None:
    start = text.index(cue)
    assert _negated(text, start, start + len(cue)) is negated


@pytest.mark.parametrize(("negatable", "fires"), [("true", False), ('"before"', True), ("false", True)])
def test_a_cue_whose_own_words_negate_can_count_only_negations_before_it(
    data_dir: Path, negatable: str, fires: bool
) -> None:
    cue = CUE.format(kind="isolation", pattern=r"\bwon't\s+let\s+me\s+zork\b")
    cue = cue.replace("flagged", f"negatable = {negatable}\nflagged")
    (data_dir / "safety" / "zz_test.toml").write_text(cue, encoding="utf-8")
    analyzer = load_analyzer(data_dir)
    assert (analyzer.analyze("he won't let me zork today", with_rewrite=False).safety is not None) is fires


def test_negatable_must_be_true_false_or_before(data_dir: Path) -> None:
    cue = CUE.format(kind="isolation", pattern=r"\bzz\b").replace(
        "flagged", 'negatable = "sometimes"\nflagged'
    )
    (data_dir / "safety" / "zz_test.toml").write_text(cue, encoding="utf-8")
    with pytest.raises(DataError, match="negatable"):
        load_analyzer(data_dir)


@pytest.mark.parametrize(
    ("text", "cue", "before_only", "negated"),
    [
        ("he won't let me go out", "won't let me go out", False, True),
        ("he won't let me go out", "won't let me go out", True, False),
        ("he never stops me going out", "stops me going out", True, True),
    ],
)
def test_before_only_looks_at_the_two_words_before(
    text: str, cue: str, before_only: bool, negated: bool
) -> None:
    start = text.index(cue)
    assert _negated(text, start, start + len(cue), before_only) is negated


def test_cues_are_scanned_in_small_sets() -> None:
    """One RE2 set of 115 cues cost ~30% more a message than sets of SAFETY_GROUP (see patterns)."""
    sets = _DETECTOR._set._sets
    assert len(sets) == -(-len(_DETECTOR.cues) // SAFETY_GROUP) > 1
    parts = sum(len(cue.parts) or 1 for cue in _DETECTOR.cues)
    assert sorted(index for _, _, every in sets for index in every) == list(range(parts))


def test_a_long_cue_runs_in_parts_that_fire_where_it_does() -> None:
    """The long cues run as parts (patterns.split_alternatives): on their examples, one by
    one and all in one text, the parts fire exactly where the whole pattern does."""
    split = [cue for cue in _DETECTOR.cues if len(cue.parts) > 1]
    assert len(split) >= 10
    for cue in split:
        assert "|".join(cue.pieces) == cue.source
        whole = replace(cue, parts=(), pieces=())
        examples = [*cue.flagged, *cue.clean]
        for raw in [*examples, " ".join(examples)]:
            text = _ANALYZER.normalizer.normalize(raw).text
            assert cue.spans(text) == whole.spans(text), (cue.id, raw)


def test_an_exception_overlapping_the_match_counts_even_behind_an_earlier_one(data_dir: Path) -> None:
    """Exceptions are searched leftmost-first: an alternative that matches earlier and ends
    before the cue's match must not hide another one, starting at the same place, that
    reaches into it."""
    exception = r"except = '\bkids\s+keep\b|\bkids\s+keep\s+zz\b'"
    text = CUE.format(kind="violence", pattern=r"\bzz\s+marker\b").replace("flagged", exception + "\nflagged")
    (data_dir / "safety" / "zz_test.toml").write_text(text, encoding="utf-8")
    analyzer = load_analyzer(data_dir)
    assert analyzer.analyze("the kids keep zz marker", with_rewrite=False).safety is None
    assert analyzer.analyze("the kids keep going. zz marker", with_rewrite=False).safety is not None
