"""The weighted lexicons (app/engine/weighted.py): fitted as the script fits them, loaded
strictly, and speaking only where the rules and cues are silent, within their guards.

The mechanics are tested with small lexicons made here, so that they hold whatever a refit
changes; the shipped weights are held to the lines the project wrote for them."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from script_modules import load_script

from app.engine import Analyzer, get_analyzer
from app.engine.rules import CATEGORIES
from app.engine.safety import KINDS
from app.engine.weighted import Lexicon, Weighted, features, load_lexicon_weights, load_weighted
from app.loader import DataError
from app.paths import DATA_DIR, ROOT

_ANALYZER = get_analyzer()


def _with(
    harsh: dict[str, tuple[float, str]] | None = None, safety: dict[str, tuple[float, str]] | None = None
) -> Analyzer:
    """The shipped analyzer with toy lexicons: bias 0, threshold 1, the given weights."""

    def lexicon(table: dict[str, tuple[float, str]] | None) -> Lexicon:
        table = table or {}
        return Lexicon(
            0.0,
            1.0,
            {f: w for f, (w, _) in table.items()},
            {f: label for f, (_, label) in table.items() if label},
        )

    weighted = replace(_ANALYZER.weighted, harsh=lexicon(harsh), safety=lexicon(safety))
    a = _ANALYZER
    return Analyzer(a.guide, a.normalizer, a.rules, a.strengths, a.safety, a.rewriter, weighted)


def test_features_are_words_and_neighbouring_pairs() -> None:
    words = {"you", "never", "call", "?"}
    assert features("You NEVER call? Never.") == words | {"you never", "never call", "call ?", "? never"}
    assert features("wishing threats pushed") == {"wish", "threat", "push", "wish threat", "threat push"}
    assert features("this is less") == {"this", "is", "less", "this is", "is less"}
    assert features("strangle") == features("strangled") == features("strangling") == {"strangl"}
    assert features("hitting") == features("hits") == features("hit") == {"hit"}
    assert features("") == set()


# -- the files are as the script fits them --------------------------------------------------


def test_lexicon_files_are_as_fitted_from_the_current_examples() -> None:
    fit = load_script("fit_weights")
    for path, text in fit.fitted_files(DATA_DIR, ROOT / "tests").items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run `make weights`"


def test_fitting_leaves_every_guarded_clean_line_under_its_threshold() -> None:
    fit = load_script("fit_weights")
    sets = fit.training_sets(DATA_DIR, ROOT / "tests")
    normalize = _ANALYZER.normalizer.normalize
    for name, lexicon in (("harsh", _ANALYZER.weighted.harsh), ("safety", _ANALYZER.weighted.safety)):
        guarded = [text for text, target, _ in sets[name] if target == fit.GUARDED]
        assert len(guarded) > 1000
        over = [text for text in guarded if lexicon.passes(features(normalize(text).text))]
        assert not over, f"{name}: {over[:5]}"


def test_safety_lexicon_gives_no_weight_to_who_a_line_is_about() -> None:
    weights = _ANALYZER.weighted.safety.weights
    assert not {"he", "she", "my", "husband", "you"} & set(weights)


# -- the loader ------------------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _load(data: Path) -> Weighted:
    return load_weighted(
        data / "weighted.toml",
        data / "weighted",
        CATEGORIES,
        KINDS,
        {"we-not-you", "no-pressure", "explain-why", "acknowledge-concerns", "suggest-trial"},
        _ANALYZER_CLASSES,
    )


_ANALYZER_CLASSES = {"affection": "love|thankful"}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("you never\t1.5", "separated by tabs"),
        ("you never\tlots\tabsolute", "not a number"),
        ("you never\tnan\tabsolute", "not a finite number"),
        ("you never\t1.5\tgrumpy", "grumpy"),
        ("You Never\t1.5\tabsolute", "lowercase words"),
        ("you never call\t1.5\tabsolute", "lowercase words"),
    ],
)
def test_a_bad_weight_line_is_named_with_its_file_and_line(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "harsh.toml"
    path.write_text(f"bias = 0.5\nweights = '''\nyou\t0.5\t\n{line}\n'''\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_lexicon_weights(path, 1.0, CATEGORIES)
    assert "harsh.toml" in str(caught.value) and "weights line 2" in str(caught.value)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("[harsh.category.vague]", "[harsh.category.vagueness]", "harsh.category.vague"),  # texts missing
        ('default_kind = "abuse"', 'default_kind = "mood"', "safety.default_kind"),
        ('unless_class = "affection"', 'unless_class = "fondness"', "harsh.unless_class"),
        ('"you", "your",', '"You", "your",', "harsh.addressed[0]"),
        ("threshold = 2.5", 'threshold = "high"', "harsh.threshold"),
        ("min_words = 3", "min_words = 0", "harsh.min_words"),
        ("sentence_margin = 2.0", "sentence_margin = []", "safety.sentence_margin"),
    ],
)
def test_a_bad_setting_is_named_with_its_file_and_key(tmp_path: Path, old: str, new: str, named: str) -> None:
    data = _copy(tmp_path)
    path = data / "weighted.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        _load(data)
    assert "weighted.toml" in str(caught.value) and named in str(caught.value)


def test_the_shipped_settings_load() -> None:
    weighted = _ANALYZER.weighted
    assert set(weighted.findings) == set(CATEGORIES)
    assert weighted.harsh.threshold > weighted.harsh.bias  # a line of unknown words says nothing
    assert "self-harm" in weighted.urgent_kinds


# -- where the harsh lexicon speaks ------------------------------------------------------------


def test_a_line_no_rule_names_gets_one_low_finding_on_its_heaviest_sentence() -> None:
    analyzer = _with(harsh={"zebra": (3.0, "contempt")})
    text = "We went to the shops. You’re such a zebra. See you later."
    result = analyzer.analyze(text)
    assert [f.rule for f in result.findings] == ["tone-contempt"]
    finding = result.findings[0]
    assert finding.severity == "low" and finding.category == "contempt"
    assert finding.excerpt == "You’re such a zebra." == text[finding.start : finding.end]
    assert finding.message == _ANALYZER.weighted.findings["contempt"].message
    assert result.rewrite is not None and "zebra" not in result.rewrite
    assert not analyzer.analyze(result.rewrite).findings


def test_the_harsh_lexicon_needs_a_line_addressed_to_the_partner() -> None:
    analyzer = _with(harsh={"zebra": (3.0, "contempt")})
    assert not analyzer.analyze("What a zebra the weather is.").findings
    assert analyzer.analyze("What a zebra you are.").findings
    # Each way of addressing the partner counts, as features() spells it ("you're" -> "you'r").
    assert analyzer.analyze("You’re such a zebra.").findings
    assert analyzer.analyze("Youve been a zebra.").findings


def test_the_harsh_lexicon_needs_a_few_words_to_weigh() -> None:
    analyzer = _with(harsh={"zebra": (3.0, "contempt")})
    assert analyzer.weighted.min_words == 3
    assert not analyzer.analyze("You zebra.").findings
    assert not analyzer.analyze("  You   zebra!  ").findings
    assert analyzer.analyze("You big zebra.").findings


def test_the_harsh_lexicon_stays_quiet_on_a_line_of_affection() -> None:
    analyzer = _with(harsh={"zebra": (3.0, "contempt")})
    assert not analyzer.analyze("I love you, you zebra.").findings
    assert not analyzer.analyze("You're so good at the zebra, you know.").findings  # praise
    assert analyzer.analyze("You're such a zebra, you know.").findings


def test_the_harsh_lexicon_adds_nothing_where_a_rule_fired() -> None:
    analyzer = _with(harsh={"zebra": (3.0, "contempt")})
    rules = [f.rule for f in analyzer.analyze("You never listen, zebra.").findings]
    assert rules and not any(rule.startswith("tone-") for rule in rules)


def test_the_harsh_lexicon_respects_a_rule_exception() -> None:
    analyzer = _with(harsh={"zebra": (3.0, "contempt")})
    text = "You never fail to amaze me, zebra."
    assert not _ANALYZER.analyze(text).findings  # absolute-never's exception puts it aside
    assert not analyzer.analyze(text).findings


def test_the_category_is_the_one_whose_words_weigh_most() -> None:
    analyzer = _with(harsh={"zebra": (0.8, "contempt"), "lemur": (0.5, "blame"), "okapi": (0.6, "blame")})
    finding = analyzer.analyze("You zebra, you lemur, you okapi.").findings[0]
    assert finding.category == "blame"


# -- where the safety lexicon speaks ----------------------------------------------------------


def test_the_safety_lexicon_answers_with_the_kind_its_words_weigh_for() -> None:
    analyzer = _with(safety={"zebra": (3.0, "self-harm")})
    safety = analyzer.analyze("I keep thinking about the zebra.").safety
    assert safety is not None and safety.level == "urgent" and safety.kinds == ("self-harm",)
    assert _ANALYZER.safety.texts.self_harm_note in safety.message
    analyzer = _with(safety={"zebra": (3.0, "isolation")})
    safety = analyzer.analyze("I keep thinking about the zebra.").safety
    assert (
        safety is not None
        and safety.level == "concern"
        and _ANALYZER.safety.texts.abuse_note in safety.message
    )


def test_the_safety_lexicon_stays_quiet_on_a_sentence_of_affection() -> None:
    analyzer = _with(safety={"zebra": (3.0, "self-harm")})
    assert analyzer.analyze("I'm so grateful for the zebra.").safety is None
    assert analyzer.analyze("I love you. I keep thinking about the zebra.").safety is not None
    assert analyzer.analyze("I keep thinking about the zebra.").safety is not None
    # the cues answer whatever else the line says
    assert analyzer.analyze("I love him, but he hit me last night.").safety is not None


def test_the_safety_lexicon_respects_a_cue_set_aside_by_negation() -> None:
    analyzer = _with(safety={"zebra": (3.0, "violence")})
    assert _ANALYZER.analyze("He has never hit me.").safety is None
    assert analyzer.analyze("He has never hit me, zebra.").safety is None
    assert analyzer.analyze("He is a zebra.").safety is not None


def test_the_safety_lexicon_judges_a_sentence_at_a_time() -> None:
    analyzer = _with(safety={"zebra": (0.6, "violence"), "okapi": (0.6, "threats"), "lemur": (1.5, "fear")})
    # Faint words in different sentences do not add up to a disclosure ...
    assert analyzer.analyze("The zebra came home. Then the okapi left.").safety is None
    # ... though together in one sentence they pass, as in a text of one sentence.
    assert analyzer.analyze("The zebra and the okapi came home.").safety is not None
    # One sentence that passes is enough, wherever it is, and it names the kind.
    safety = analyzer.analyze("We went out. It was nice. Then the lemur came.").safety
    assert safety is not None and safety.kinds == ("fear",)
    # Unless the rest of the text outweighs it by more than the margin (data/weighted.toml).
    analyzer = _with(safety={"lemur": (1.5, "fear"), "kiwi": (-1.0, ""), "mango": (-2.0, "")})
    assert analyzer.weighted.sentence_margin == 2.0  # the toy threshold is 1: whole scores > -1
    assert analyzer.analyze("Then the lemur came. We ate a kiwi.").safety is not None  # 0.5
    assert analyzer.analyze("Then the lemur came. We ate a kiwi and a mango.").safety is None  # -1.5


def test_a_weighted_disclosure_gets_no_rewrite_and_no_tone_finding() -> None:
    analyzer = _with(harsh={"zebra": (3.0, "contempt")}, safety={"zebra": (3.0, "threats")})
    result = analyzer.analyze("You zebra.")
    assert result.safety is not None and not result.findings and result.rewrite is None


# -- the shipped weights on lines written for them ------------------------------------------------

_PARTNER_TALK = [
    "He says he doesn't need counselling.",
    "My husband shuts down when I mention therapy.",
    "She thinks we can fix it ourselves.",
    "He gets defensive whenever I bring it up.",
    "My wife is worried a therapist will take my side.",
    "I feel so lucky and grateful that I married you.",
    "Oh wow, it has finally started snowing outside.",
    "You look lovely in that coat.",
    "Are you free for a walk after dinner?",
]


@pytest.mark.parametrize("text", _PARTNER_TALK)
def test_everyday_partner_talk_stays_clean(text: str) -> None:
    result = _ANALYZER.analyze(text)
    assert not result.findings and result.safety is None
