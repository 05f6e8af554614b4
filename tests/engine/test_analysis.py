"""The whole analysis: warm lines stay clean, harsh lines are caught, and tone, score,
principles and offsets make sense. Every sentence here is our own; the shared eval set is
never copied into tests."""

from __future__ import annotations

import pytest

from app.engine import Analysis, Analyzer, load_analyzer
from app.engine.patterns import _POOL, POOL_SIZE, compile_pattern, pool_room
from app.engine.rules import CATEGORIES, firing_spans
from app.engine.sentences import split_sentences
from app.paths import DATA_DIR

# Warm, everyday or softened lines, many with "you", "always" or "never": no finding.
WARM = [
    # the design's own touchstones
    "Thank you for dinner",
    "I love you",
    "You always make me laugh",
    "Would you like to go for a walk?",
    "I never want to lose you",
    "You never fail to surprise me",
    "Could we try one session together?",
    "I understand why this feels uncomfortable",
    # praise and affection
    "You always know how to calm me down.",
    "You always look out for me.",
    "You're always so patient with the kids.",
    "You never let the kids down.",
    "You never forget my birthday.",
    "You never stop surprising me.",
    "You've never looked more beautiful.",
    "Every time you laugh, I fall in love again.",
    "I miss you every time you travel.",
    "You make me so happy.",
    "You're crazy good at this.",
    "You're insane, I love it!",
    "I'm so lucky to have you.",
    "You're the reason I smile every morning.",
    "Thank you for always being there for me.",
    "We always have fun on road trips.",
    "Nothing could ever change how I feel about you.",
    "I'll never stop loving you.",
    # softened start-ups and I-statements
    "I feel lonely when we don't eat dinner together.",
    "I feel frustrated when the laundry piles up. Could we make a schedule?",
    "When you're late without texting, I get worried. Could you send a quick message next time?",
    "I felt hurt when the plans fell through, and I'd like to talk about it.",
    "I'd appreciate it if we could put our phones away at dinner.",
    "I need some help with the kids' bedtime.",
    "I'm feeling overwhelmed with the housework. Could we figure out a new plan together?",
    "I feel like we've been so busy we haven't had time for each other.",
    "I feel like you deserve a break.",
    "It seems like you're exhausted after work.",
    # validating, apologising, taking a break
    "It sounds like you've had a rough week.",
    "That must have been really frustrating.",
    "You have every right to feel that way.",
    "It's okay to feel upset.",
    "I'm sorry I snapped at you earlier.",
    "You're right, I should have called.",
    "None of this was your fault.",
    "I need ten minutes to cool off, then I'd love to keep talking.",
    "I don't want to talk about it right now, but can we tomorrow?",
    "Don't worry about it, it happens to everyone.",
    "It's not a big deal if we're late, I promise.",
    # raising therapy well
    "I love us, and I'd like us to see a counselor to keep getting better at this.",
    "I know therapy can seem intimidating at first.",
    "I'm not asking because I think we're broken.",
    "I don't think you need help; I think we could both grow.",
    "I know you think therapy is for crazy people, but I see it differently.",
    "Would you be open to one appointment, just to see how it feels?",
    "Take your time, there's no rush.",
    "You don't have to decide anything today.",
    "Whatever you decide, I'll respect it.",
    "If you'd rather not, that's okay.",
    # questions and requests
    "Do you want to watch a movie tonight?",
    "What do you like most about our weekends?",
    "Why don't we take a trip this summer?",
    "Why don't you take the evening off? I'll handle the kids.",
    "Did you remember to call your mom?",
    "Do you need help carrying the bags?",
    "Have you ever thought about going to a counselor together?",
    "You have to try this soup, it's amazing.",
    "You must be exhausted after that flight.",
    "We need to talk about the dinner plans for Sunday.",
    "We have a problem with the car.",
    "That's not true, you're a wonderful dad.",
]

# Harsh lines, by the category we expect at least one finding of.
HARSH = [
    ("blame", "It's your fault we missed the flight."),
    ("blame", "You make me so angry when you do that."),
    ("blame", "You humiliated me in front of your parents."),
    ("blame", "I feel like you are ignoring me."),
    ("blame", "I feel that you're selfish with your time."),
    ("blame", "Sometimes I think you just don't care about us."),
    ("blame", "Why did you tell your mother about our argument?"),
    ("blame", "How could you forget to pick me up?"),
    ("criticism", "You're so lazy about the garden."),
    ("criticism", "As usual, you left the oven on."),
    ("criticism", "All you do is sit on your phone."),
    ("criticism", "You spend too much on takeaway."),
    ("criticism", "You leave your dirty socks everywhere."),
    ("blame", "Why can't you ever put the cap back on?"),
    ("criticism", "Why are you so stubborn?"),
    ("contempt", "You're such an idiot."),
    ("contempt", "Oh sure, like you would ever plan a date."),
    ("contempt", "Whatever."),
    ("contempt", "Great idea \U0001f644"),
    ("contempt", "Grow up."),
    ("contempt", "What is wrong with you?"),
    ("contempt", "You're lucky I even stay."),
    ("absolute", "You're never home before nine."),
    ("absolute", "You always forget our plans."),
    ("absolute", "Every time I ask for help, you sigh."),
    ("absolute", "You don't even say good morning."),
    ("absolute", "Could you for once do the dishes?"),
    ("pressure", "You need to change."),
    ("pressure", "You have to come with me to counseling."),
    ("pressure", "Go to therapy or I'm leaving."),
    ("pressure", "If you loved me, you would go."),
    ("pressure", "You'd better be there on Friday."),
    ("pressure", "I need an answer tonight."),
    ("dismissive", "That's ridiculous."),
    ("dismissive", "You're overreacting."),
    ("dismissive", "Calm down."),
    ("dismissive", "You're too sensitive."),
    ("dismissive", "Just get over it."),
    ("dismissive", "Honestly, it's no big deal."),
    ("dismissive", "Forget it, I'll do it."),
    ("defensive", "It's not my fault the bus was late."),
    ("defensive", "What about when you forgot my birthday?"),
    ("defensive", "That's not true!"),
    ("defensive", "I was only joking."),
    ("defensive", "You do it too."),
    ("vague", "We have issues."),
    ("vague", "Something is wrong with us."),
    ("vague", "We seriously need to have a talk."),
    ("stigma", "Therapy is for crazy people."),
    ("stigma", "Only weak people need therapy."),
    ("stigma", "You need help."),
    ("stigma", "You need therapy."),
    ("stigma", "You're the one with problems."),
]


@pytest.mark.parametrize("text", WARM)
def test_warm_lines_have_no_findings(analyzer: Analyzer, text: str) -> None:
    analysis = analyzer.analyze(text)
    assert analysis.findings == (), [(f.rule, f.excerpt) for f in analysis.findings]
    assert analysis.rewrite is None
    assert analysis.tone in {"soft", "neutral"}


@pytest.mark.parametrize(("category", "text"), HARSH)
def test_harsh_lines_are_caught_with_the_right_category(analyzer: Analyzer, category: str, text: str) -> None:
    analysis = analyzer.analyze(text)
    assert analysis.findings, text
    categories = {f.category for f in analysis.findings}
    assert category in categories, (text, categories)
    assert analysis.tone in {"harsh", "mixed"}


def test_every_category_is_exercised_here() -> None:
    assert {category for category, _ in HARSH} == set(CATEGORIES)


def _check_offsets(text: str, analysis: Analysis) -> None:
    for item in (*analysis.findings, *analysis.strengths):
        assert 0 <= item.start < item.end <= len(text)
        assert text[item.start : item.end] == item.excerpt


@pytest.mark.parametrize(
    "text",
    [
        "You never listen. \U0001f621 And you\u2019re always late!!\nI love you though \u2764\ufe0f",
        "  ur soooo lazy\u200b and u NEVER help  ",
        "I feel lonely. Could we try one session? No pressure \U0001f64f",
        "\uff59\uff4f\uff55 \uff4e\uff45\uff56\uff45\uff52 call; whatever",
        "caf\u00e9 tonight? calm down, it's not a big deal - u overreact",
    ],
)
def test_every_excerpt_is_the_text_at_its_offsets(analyzer: Analyzer, text: str) -> None:
    analysis = analyzer.analyze(text)
    assert analysis.findings or analysis.strengths
    _check_offsets(text, analysis)


def test_findings_come_in_text_order_without_overlaps(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze("You never help. Whatever. It's your fault and you're so lazy.")
    spans = [(f.start, f.end) for f in analysis.findings]
    assert spans == sorted(spans)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert end <= start
    assert len(spans) >= 3


def test_tone_and_score_rank_harsh_below_neutral_below_soft(analyzer: Analyzer) -> None:
    harsh = analyzer.analyze("You never help and you're so selfish.")
    neutral = analyzer.analyze("Did you remember to call your mom?")
    soft = analyzer.analyze(
        "I love you, and I want us to be the best team we can be. "
        "I know therapy can seem scary. Could we try just one session? Take your time."
    )
    assert (harsh.tone, neutral.tone, soft.tone) == ("harsh", "neutral", "soft")
    assert 0 <= harsh.score < neutral.score < soft.score <= 100


def test_a_mixed_message_is_mixed(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze("I miss us and I'd love to try counseling. We need to talk.")
    assert analysis.findings and analysis.strengths
    assert analysis.tone == "mixed"


def test_principles_are_reported_for_all_five_ids(analyzer: Analyzer) -> None:
    ids = {"we-not-you", "explain-why", "acknowledge-concerns", "suggest-trial", "no-pressure"}
    for text in ("You need therapy.", "Take your time.", "Hello there."):
        principles = analyzer.analyze(text).principles
        assert {p.id for p in principles} == ids
        assert all(p.status in {"met", "missed", "not-applicable"} for p in principles)


@pytest.mark.parametrize(
    ("text", "principle", "status"),
    [
        ("I think you need help.", "we-not-you", "missed"),
        ("I think we could use some support together.", "we-not-you", "met"),
        ("We have issues.", "explain-why", "missed"),
        ("I'm asking because I love you and I want us to grow.", "explain-why", "met"),
        ("You're overreacting.", "acknowledge-concerns", "missed"),
        ("I understand why this feels uncomfortable.", "acknowledge-concerns", "met"),
        ("Could we try just one session and see how it feels?", "suggest-trial", "met"),
        ("Go to counseling or I'm leaving.", "no-pressure", "missed"),
        ("No pressure; think it over.", "no-pressure", "met"),
    ],
)
def test_principle_status_follows_the_guide(
    analyzer: Analyzer, text: str, principle: str, status: str
) -> None:
    found = {p.id: p.status for p in analyzer.analyze(text).principles}
    assert found[principle] == status


def test_we_inside_a_blaming_sentence_is_not_a_strength(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze("We could be happy if you weren't so selfish.")
    assert analysis.findings
    assert "we-not-you" not in {s.principle for s in analysis.strengths}


def test_findings_carry_what_the_user_needs(analyzer: Analyzer) -> None:
    for _, text in HARSH:
        for finding in analyzer.analyze(text).findings:
            assert finding.message and finding.suggestion
            assert 2 <= len(finding.alternatives) <= 3
            assert finding.severity in {"high", "medium", "low"}


def _phrases() -> dict[str, list[str]]:
    import tomllib
    from pathlib import Path

    with (Path(__file__).parent / "phrases.toml").open("rb") as handle:
        return tomllib.load(handle)


_PHRASES = _phrases()


def test_held_out_harsh_phrases_are_all_caught(analyzer: Analyzer) -> None:
    missed = [text for text in _PHRASES["harsh"] if not analyzer.analyze(text, with_rewrite=False).findings]
    assert not missed, f"{len(missed)} harsh lines without a finding, e.g. {missed[:5]}"


def test_held_out_warm_phrases_stay_clean(analyzer: Analyzer) -> None:
    alarms = {}
    for text in _PHRASES["warm"]:
        findings = analyzer.analyze(text, with_rewrite=False).findings
        if findings:
            alarms[text] = [f.rule for f in findings]
    assert not alarms, f"{len(alarms)} false alarms, e.g. {list(alarms.items())[:5]}"


def test_unless_next_looks_only_at_the_next_sentence() -> None:
    """A rule's unless_next exceptions clear a hit when they match the sentence right after
    the hit's, not the hit's own sentence, nor one further on."""
    regex = compile_pattern(r"\b(?P<mark>again)\b")
    after = compile_pattern(r"^\W*no\s+worries\b")
    cases = {
        "You forgot it again? No worries.": [],
        "No worries. You forgot it again?": [(26, 31)],  # the reassurance comes first
        "You forgot it again. Sigh. No worries.": [(14, 19)],  # two sentences on
        "You forgot it again, no worries.": [(14, 19)],  # the same sentence: unless's job
    }
    for text, spans in cases.items():
        assert firing_spans(regex, None, text, split_sentences(text), None, after) == spans, text


def test_warm_up_fills_the_pool_once_and_changes_no_answer(analyzer: Analyzer) -> None:
    fresh = load_analyzer(DATA_DIR)
    texts = ["You never listen to me.", "He said he'd hurt me if I left.", "Could we try counselling?"]
    before = [fresh.analyze(text).to_dict() for text in texts]
    size = _POOL.size
    _POOL.size += POOL_SIZE - pool_room()  # room for POOL_SIZE, whatever earlier tests compiled
    try:
        # every rule and cue has at least its own pattern: more of them than stay compiled
        assert fresh.warm_up() == POOL_SIZE
        assert pool_room() == 0
        assert fresh.warm_up() == 0
    finally:
        _POOL.size = size
    after = [fresh.analyze(text).to_dict() for text in texts]
    assert after == before == [analyzer.analyze(text).to_dict() for text in texts]
