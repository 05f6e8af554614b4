"""Normalisation: what rules see, and offsets that map back to the text as the user typed it."""

from __future__ import annotations

import pytest

from app.engine import Analyzer
from app.engine.normalize import Normalizer


@pytest.fixture(scope="module")
def normalizer(analyzer: Analyzer) -> Normalizer:
    return analyzer.normalizer


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("You\u2019re never home", "You're never home"),  # curly apostrophe
        ("\u201cWhatever,\u201d he said", '"Whatever," he said'),  # curly double quotes
        ("\uff59\uff4f\uff55 \uff4e\uff45\uff56\uff45\uff52", "you never"),  # full-width (NFKC)
        ("ne\u200bver", "never"),  # zero-width space dropped
        ("al\u200dways\ufeff", "always"),  # zero-width joiner and BOM dropped
        ("\u202eyou never", "you never"),  # bidi override dropped
        ("you neverrrr listen", "you never listen"),  # stretched letters
        ("soooo lazy", "so lazy"),
        ("u never call", "you never call"),
        ("ur so lazy today", "you're so lazy today"),  # "ur" before an adjective-ish word
        ("ur phone is ringing", "your phone is ringing"),  # "ur" before a noun
        ("ure impossible", "you're impossible"),
        ("i dont care", "i don't care"),
        ("you're so selfsh", "you're so selfish"),  # a typo of a rule word
        ("that is ridiculus", "that is ridiculous"),
        ("u never txt me back", "you never text me back"),  # text-speak for a word
        ("ur always lyin", "you're always lying"),  # a dropped g
        ("he checks my fone", "he checks my phone"),
        ("whatevs, i dunno", "whatever, i don't know"),
        ("u said ud call, u kno that", "you said you'd call, you know that"),
        ("c u b4 8", "c you b4 8"),  # a run with a digit is never read as a word
        ("\u201cWhatever.\u201d", "Whatever."),  # a whole line in quotes, as pasted: read bare
        ('  "You never listen."  ', "  You never listen.  "),
        ('"He said "no" twice"', '"He said "no" twice'),  # not one quoted line: the last closes
        ('I told him "I\'m scared of you".', "I told him \"I'm scared of you."),  # a quote inside
        ('He said "never".  Then "fine"!', 'He said "never.  Then "fine!'),
        ('She wrote "ok"  ', 'She wrote "ok  '),  # at the end of the text
        ('Your "help" was great', 'Your "help" was great'),  # scare quotes mid-clause stay
        ('"You never listen," she said', '"You never listen," she said'),
        ('""', '""'),
    ],
)
def test_what_the_rules_see(normalizer: Normalizer, typed: str, seen: str) -> None:
    assert normalizer.normalize(typed).text == seen


@pytest.mark.parametrize(
    "word",
    ["ever", "every", "clever", "lately", "listen", "dinner", "always", "considerate", "responsible",
     "unselfish", "empathetic", "insensitive", "honesty", "discussing", "traumatic", "consoling"],
)  # fmt: skip
def test_real_words_are_not_corrected(normalizer: Normalizer, word: str) -> None:
    assert normalizer.normalize(f"you {word} here").text == f"you {word} here"


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("u2 were late", "u2 were late"),  # text-speak beside a digit is not a word of its own
        ("the r' in it", "the r' in it"),  # nor before an apostrophe
        ("_u_ again", "_u_ again"),
        ("caf\u00e9u never", "caf\u00e9you never"),  # beside a non-ASCII letter it stands alone
        ("U NEVER call", "You NEVER call"),  # a capital first letter is kept
        ("u u u", "you you you"),  # every occurrence, also when they share a space
        ("nooo way", "no way"),
        ("2nooo", "2nooo"),  # a short stretched word must stand alone
        ("neverrr2", "never2"),  # a long one is fixed wherever it is
    ],
)
def test_words_change_only_when_they_stand_alone(normalizer: Normalizer, typed: str, seen: str) -> None:
    assert normalizer.normalize(typed).text == seen


@pytest.mark.parametrize(
    ("typed", "seen"),
    [
        ("lets talk tonight", "let's talk tonight"),  # a clause starts at the text's start
        ("I miss us. lets try again", "I miss us. let's try again"),
        ("ok lets see someone", "ok let's see someone"),  # after an opener
        ("come on, Lets go", "come on, Let's go"),
        ("he never lets me see my friends", "he never lets me see my friends"),  # the plain verb
        ("my mom lets us stay", "my mom lets us stay"),
        ("she lets it slide, lets be honest", "she lets it slide, let's be honest"),
    ],
)
def test_lets_is_lets_only_where_a_clause_starts(normalizer: Normalizer, typed: str, seen: str) -> None:
    assert normalizer.normalize(typed).text == seen


def test_remembered_plain_words_never_change_an_answer(analyzer: Analyzer) -> None:
    """The normaliser remembers words that need no change; a fresh one must agree with a
    well-used one on every text, including texts mixing known and new words."""
    texts = [
        "you never listen", "u never listen", "ur so lazy", "selfsh and lazy", "sooo tired",
        "I love you", "we could try", "neverrr", "the u-bend", "you\u2019re impossible",
    ]  # fmt: skip
    used = Normalizer(analyzer.normalizer.lexicon)
    for text in texts * 3:
        used.normalize(text)
    for text in texts + [f"{a} {b}" for a in texts for b in texts]:
        assert used.normalize(text).text == Normalizer(analyzer.normalizer.lexicon).normalize(text).text


def test_plain_text_is_unchanged(normalizer: Normalizer) -> None:
    text = "Could we try one session together? I love you."
    norm = normalizer.normalize(text)
    assert norm.text == text
    assert norm.to_original(6, 8) == (6, 8)


@pytest.mark.parametrize(
    "typed",
    [
        "You\u2019re \uff4e\uff45\uff56\uff45\uff52 home",
        "ne\u200bver mind, u neverrrr listen",
        "\U0001f621\U0001f621 ur sooo lazy \U0001f621",
        "\u202eyou always forget the bins \u2764\ufe0f",
        "line one\n\nu nvr help\tme",
        "caf\u00e9 first, then ur alwys late",
        "\u201cu neverrr listen\u201d",
        'He said "u never listen". She said "ok"!  "fine"',
    ],
)
def test_spans_map_back_to_the_exact_characters_typed(normalizer: Normalizer, typed: str) -> None:
    norm = normalizer.normalize(typed)
    for start in range(len(norm.text)):
        for end in range(start + 1, min(len(norm.text), start + 12) + 1):
            o_start, o_end = norm.to_original(start, end)
            assert 0 <= o_start <= o_end <= len(typed)


@pytest.mark.parametrize(
    ("typed", "excerpt"),
    [
        ("You\u2019re \uff4e\uff45\uff56\uff45\uff52 home", "\uff4e\uff45\uff56\uff45\uff52"),
        ("ne\u200bver mind, u neverrrr listen", "neverrrr"),
        ("\U0001f621\U0001f621 u alwys forget stuff \U0001f621", "alwys"),
        ("honestly u nvr listen", "nvr"),
        ("\u201cWhatever\u201d", "Whatever"),
        (' "I\u2019m sorry you feel that way." ', "I\u2019m sorry you feel that way"),
        ('He told me "u never listen", again', "never"),
        ('I said "calm down". He said "u r overreacting"!', "overreacting"),
    ],
)
def test_findings_on_odd_input_point_at_what_was_typed(analyzer: Analyzer, typed: str, excerpt: str) -> None:
    analysis = analyzer.analyze(typed)
    assert analysis.findings, typed
    for finding in analysis.findings:
        assert typed[finding.start : finding.end] == finding.excerpt
    assert any(excerpt in finding.excerpt for finding in analysis.findings)


def test_the_quick_check_never_skips_a_character_stage_1_would_change() -> None:
    """_unchanged decides, with C-level checks, that a text needs no character clean-up;
    for every code point alone, and for mixes, it must agree with doing the clean-up."""
    from app.engine.normalize import _stage_characters, _unchanged

    wrong = [c for c in range(0x110000) if _unchanged(chr(c)) and _stage_characters(chr(c)) is not None]
    assert not wrong, [hex(c) for c in wrong[:10]]
    mixes = [
        "e\u0301 caf\u00e9", "\ufb01ne \U0001f621", "a\u2019b", "x\u200by", "\uff41\uff42", "tab\tnew\nline",
        "ok `tick`", "bell\x07", "\u2764\ufe0f you", "\U0001d400bc", "\ud800 lone",
    ]  # fmt: skip
    for text in mixes:
        assert not _unchanged(text) or _stage_characters(text) is None, text
    # and it does take the quick way for what people usually send
    for text in ["You never listen 😡", "I love you ❤️", "caf\u00e9 at 5?", "plain words.\nNew line."]:
        assert _unchanged(text), text
