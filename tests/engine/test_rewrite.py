"""The rewriter: transform examples, clean templates, whole-message assembly, strict data."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import re2

from app.engine import get_analyzer
from app.engine.patterns import group_names
from app.engine.rewrite import Rewriter, load_rewriter
from app.engine.sentences import split_sentences
from app.engine.transforms import Transform
from app.loader import DataError
from app.paths import DATA_DIR

_ANALYZER = get_analyzer()
_REWRITER: Rewriter = _ANALYZER.rewriter
_EXAMPLES = [(t, given, want) for t in _REWRITER.transforms.transforms for given, want in t.examples]


def _clean(text: str) -> bool:
    return _ANALYZER.analyze(text).findings == ()


def _templates() -> list[str]:
    out = [_REWRITER.fallback]
    for topic in _REWRITER.topics:
        out.append(topic.template)
        out.extend(topic.variants.values())
    abouts = ["this", *(topic.about for topic in _REWRITER.topics)]
    for template in _REWRITER.categories.values():
        out.extend(template.replace("{about}", about) for about in abouts)
    return sorted(set(out))


def _rewrite(text: str, flags: dict[int, set[str]] | None = None, is_clean: object = None) -> str:
    norm = _ANALYZER.normalizer.normalize(text)
    sentences = split_sentences(norm.text)
    flagged = flags if flags is not None else {i: {"absolute"} for i in range(len(sentences))}
    check = is_clean if callable(is_clean) else _ANALYZER.is_clean
    return _REWRITER.rewrite(norm, sentences, flagged, check)


# -- data: every transform example, every template ------------------------------------------
@pytest.mark.parametrize("item", _EXAMPLES, ids=[f"{t.id}: {given}" for t, given, _ in _EXAMPLES])
def test_transform_example(item: tuple[Transform, str, str]) -> None:
    transform, given, want = item
    topic = _REWRITER.topic_of(given)
    found = list(_REWRITER.transforms.candidates(given, topic.id if topic else None))
    assert found, f"no transform fits {given!r} ({transform.id})"
    assert found[0][1] == want
    assert _clean(want)


@pytest.mark.parametrize("template", _templates())
def test_every_template_is_clean(template: str) -> None:
    assert _clean(template), template
    # and normalising leaves it as it is (the analyzer relies on it to vet rewrites cheaply)
    assert _ANALYZER.normalizer.normalize(template).text == template


def test_transform_outputs_are_left_alone_by_normalising() -> None:
    outputs = [want for transform in _REWRITER.transforms.transforms for _, want in transform.examples]
    assert [out for out in outputs if _ANALYZER.normalizer.normalize(out).text != out] == []


def test_about_phrases_fit_the_dismissive_template() -> None:
    """The stance template says "I can see {about} really matters to you": one thing, not
    a plural ("the kids really matters")."""
    for topic in _REWRITER.topics:
        clause = topic.about.split()[0] in ("how", "what") or topic.about.split()[0].endswith("ing")
        assert clause or not re.search(r"(?:kids|evenings|days|things|people)$", topic.about), topic.about


def test_every_topic_has_a_clear_template() -> None:
    for topic in _REWRITER.topics:
        for template in (topic.template, *topic.variants.values()):
            assert template[0].isupper() and template[-1] in ".?", (topic.id, template)
            assert not template.lower().startswith(("you ", "you're", "your ")), (topic.id, template)


@pytest.mark.parametrize(
    ("sentence", "topic"),
    [
        # a topic word used in its everyday sense picks the topic ...
        ("You never take out the trash.", "chores"),
        ("You never help out with anything.", "chores"),
        ("you NEVER text back", "keeping-in-touch"),
        ("You're so inconsiderate when you come in late.", "coming-home"),
        ("You never cook dinner.", "chores"),
        ("Your cooking is awful.", None),
        ("You dress like a slob.", None),
        ("The kitchen is a mess again.", "chores"),
        ("You leave your shoes everywhere.", "chores"),
        ("You never spend time with me.", "time-together"),
        ("You spend so much on clothes.", "money"),
        ("Your job always comes first.", "work"),
        ("You're always playing video games.", "screens"),
        ("You never touch me anymore.", "intimacy"),
        ("You don't care how I feel.", "feelings"),
        # ... the same word as a figure of speech does not (a housework rewrite for an insult
        # would read as if the app had not understood)
        ("You treat me like garbage.", "respect"),
        ("You made me feel like trash.", None),
        ("You're a mess.", None),
        ("You never come clean about anything.", None),
        ("Put yourself in my shoes for once.", None),
        ("Nice job, genius.", None),
        ("You're not my boss.", None),
        ("I'm not buying your excuses.", None),
        ("Stop playing games with me.", None),
        ("You're so touchy.", None),
        ("You stay in bed all day.", None),
        ("Who cares?", None),
        ("Don't be such a baby.", None),
        ("Our new baby keeps us up all night.", "kids"),
        ("You always side with your mother.", "in-laws"),
        ("Your parents never call first.", "in-laws"),
        ("You're just like your mother.", None),
        ("You act like your mother's opinion matters more than mine.", "in-laws"),
        ("You don't care about our finances.", "money"),
        ("You make every decision without asking me.", "decisions"),
        ("You've been distant since the baby came.", "closeness"),
        ("We live like roommates now and you don't care.", "closeness"),
        ("The long distance is hard on both of us.", None),
        ("You're a liar.", "honesty"),
        ("I can't trust anything you say.", "honesty"),
        ("You only ever think about work.", "work"),
        ("Let's make it work.", None),
        ("You booked the trip without even telling me.", "decisions"),
        ("You just spend, spend, spend.", "money"),
        ("I'm not your mother.", None),
        ("Why can't you be more like your brother?", None),
        ("You keep bringing up my ex.", "the-past"),
        ("My ex never did this.", None),
        ("You keep twisting my words.", "communication"),
        ("Mark my words, you'll regret this.", None),
        ("You act like a spoiled teenager.", None),
        ("You're acting like a toddler.", None),
        ("Our teenager never talks to us anymore.", "kids"),
        ("You never hear a word I say.", "listening"),
        ("I don't feel heard.", "listening"),
        ("That's the dumbest thing I've ever heard.", None),
        ("You're always late.", "punctuality"),
        ("Too late now.", None),
        ("Now you want to talk? It's too late.", None),
        ("Nobody cares what you think.", None),
        ("You only care about yourself.", "feelings"),
        ("You should be ashamed of yourself.", None),
        ("We never do anything together anymore.", "time-together"),
        ("Get your act together.", None),
    ],
)
def test_topic_words_count_only_in_their_everyday_sense(sentence: str, topic: str | None) -> None:
    found = _REWRITER.topic_of(sentence)
    assert (found.id if found else None) == topic


# -- one sentence ----------------------------------------------------------------------------
def test_sentence_order_transform_then_topic_then_category_then_fallback() -> None:
    never = _REWRITER.rewrite_sentence
    assert never("You never help me with the dishes.", {"absolute"}, _clean).kind == "transform"
    assert never("You never listen to me.", {"absolute"}, _clean).kind == "topic"
    assert never("You're pathetic.", {"contempt"}, _clean).kind == "category"
    assert never("Whatever you say.", set(), _clean).kind == "fallback"


def test_dismissing_and_defending_keep_their_stance_over_the_topic() -> None:
    piece = _REWRITER.rewrite_sentence("It's only the dishes, relax.", {"dismissive"}, _clean)
    assert piece.kind == "stance"
    assert piece.text.startswith("I can see the housework really matters to you")
    piece = _REWRITER.rewrite_sentence("I did the dishes yesterday!", {"defensive"}, _clean)
    assert piece.text.startswith("I see it a little differently")


@pytest.mark.parametrize(
    ("sentence", "category"),
    [("Do what you want.", "dismissive"), ("I'm so done with this.", "dismissive"),
     ("Whatever.", "contempt"), ("Forget it, I don't care.", "dismissive"),
     ("Honestly, I'm done.", "contempt"), ("ok I'm done with you", "contempt")],
)  # fmt: skip
def test_shutting_the_talk_down_becomes_asking_for_a_pause(sentence: str, category: str) -> None:
    piece = _REWRITER.rewrite_sentence(sentence, {category}, _clean)
    assert piece.text.startswith("I need a little space"), piece


@pytest.mark.parametrize(
    ("sentence", "category"),
    [("Why do I always have to be the one who plans everything?", "defensive"),
     ("I'm tired of doing everything around here while you sit on the couch.", "defensive"),
     ("I do all the cleaning and you do nothing.", "criticism")],
)  # fmt: skip
def test_doing_it_all_is_answered_about_sharing_the_load(sentence: str, category: str) -> None:
    piece = _REWRITER.rewrite_sentence(sentence, {category}, _clean)
    assert piece.kind == "stance" and "share the load" in piece.text, piece


@pytest.mark.parametrize(
    "sentence",
    ["Either we see a counselor or I'm done.", "Fix this or I'm done with you.", "Come or I'm done!"],
)
def test_or_im_done_is_an_ultimatum_not_a_pause(sentence: str) -> None:
    piece = _REWRITER.rewrite_sentence(sentence, {"pressure"}, _clean)
    assert "space" not in piece.text, piece


def test_a_lone_whatever_inside_a_sentence_is_not_a_shut_down() -> None:
    piece = _REWRITER.rewrite_sentence("You never listen, whatever I say.", {"absolute"}, _clean)
    assert "space" not in piece.text


def test_a_stance_line_speaks_of_its_own_sentence_not_of_the_message() -> None:
    """'You're overreacting' next to 'we should see a therapist' must not answer
    'I can see trying therapy really matters to you': therapy is what the writer wants."""
    piece = _REWRITER.rewrite_sentence(
        "You're overreacting.", {"dismissive"}, _clean, "We should see a therapist."
    )
    assert piece.text.startswith("I can see this really matters to you"), piece


def test_a_stance_cue_wins_over_the_rule_category() -> None:
    piece = _REWRITER.rewrite_sentence("Why do you always overreact?", {"absolute"}, _clean)
    assert piece.kind == "stance" and piece.text.startswith("I can see")


def test_a_sentence_without_a_topic_borrows_the_message_topic() -> None:
    piece = _REWRITER.rewrite_sentence("You're hopeless.", {"contempt"}, _clean, "The bins are full.")
    assert piece.kind == "topic" and "housework" in piece.text
    assert piece.droppable


def test_a_sentence_does_not_borrow_therapy_from_the_message() -> None:
    """The message already asks for therapy: the complaint must not become a second ask."""
    piece = _REWRITER.rewrite_sentence("You're hopeless.", {"contempt"}, _clean, "We need a counsellor.")
    assert "session" not in piece.text and piece.kind == "category", piece


@pytest.mark.parametrize(
    ("text", "vent"),
    [("You never help with the dishes. I'm sick of it.", "sick of it"),
     ("You're glued to your phone at dinner. It's rude.", "rude"),
     ("We need to talk. It's serious.", "serious"),
     ("You always do this!! i'm so over it", "over it")],
)  # fmt: skip
def test_a_line_that_only_vents_goes_with_the_rewrite(text: str, vent: str) -> None:
    out = _rewrite(text, {0: {"absolute"}})
    assert vent not in out, out


def test_a_fragment_giving_the_reason_goes_with_its_rewritten_sentence() -> None:
    out = _rewrite("Do you even care anymore? Because it doesn't feel like it.", {0: {"absolute"}})
    assert "Because" not in out and "feel like it" not in out, out
    kept = _rewrite("You never listen. But I love you.", {0: {"absolute"}})
    assert kept.endswith("But I love you."), kept


def test_a_candidate_that_is_not_clean_is_passed_over() -> None:
    sentence = "You never help me with the dishes."
    piece = _REWRITER.rewrite_sentence(sentence, {"absolute"}, lambda t: "appreciate" not in t)
    assert piece.kind == "topic"
    assert _REWRITER.rewrite_sentence(sentence, {"absolute"}, lambda t: False).kind == "fallback"


def test_filters_that_cannot_say_it_well_step_aside() -> None:
    # "anything" is too vague to name; "yourself" cannot be reflected: topic templates instead.
    piece = _REWRITER.rewrite_sentence("You never do anything around here.", {"absolute"}, _clean)
    assert piece.kind == "topic"
    piece = _REWRITER.rewrite_sentence("You never clean up after yourself.", {"absolute"}, _clean)
    assert piece.kind == "topic"


# -- the whole message -----------------------------------------------------------------------
def test_kept_sentences_are_the_users_own_text() -> None:
    text = "Hey luv \u2019sup. You never help me with the dishes."
    out = _rewrite(text, {1: {"absolute"}})
    assert out.startswith("Hey luv \u2019sup. I'd really appreciate")


def test_unpunctuated_kept_sentence_gets_a_full_stop_before_a_rewrite() -> None:
    out = _rewrite("so tired today; you never help me with the dishes", {1: {"absolute"}})
    assert out.startswith("so tired today. I'd really appreciate some help with the dishes.")


def test_kept_sentences_keep_their_spacing_and_trailing_emoji() -> None:
    out = _rewrite("You never call me.\n\nLove you \u2764\ufe0f", {0: {"absolute"}})
    assert out == "I'd love it if we could call each other more often.\nLove you \u2764\ufe0f"


def test_no_sentence_is_said_twice() -> None:
    out = _rewrite("You never listen to me. You NEVER listen! You don't listen to me at all.")
    assert out.count("listen to each other") == 1


def test_general_lines_give_way_to_specific_ones() -> None:
    out = _rewrite("You're an idiot. You never take out the trash.", {0: {"contempt"}, 1: {"absolute"}})
    assert out.startswith("I'd really appreciate some help taking out the trash.")
    assert "frustrated" not in out


def test_one_stance_and_one_general_line_per_message() -> None:
    out = _rewrite("Calm down. That's not what I said.", {0: {"dismissive"}, 1: {"defensive"}})
    assert out.startswith("I can see") and "differently" not in out
    out = _rewrite("You're a joke. How dare you?", {0: {"contempt"}, 1: {"blame"}})
    assert out == _REWRITER.categories["contempt"]


def test_a_kept_sentence_after_a_rewrite_starts_with_a_capital() -> None:
    out = _rewrite("You never call me; it makes me sad", {0: {"absolute"}})
    assert out == "I'd love it if we could call each other more often. It makes me sad"


def test_a_kept_fragment_cut_short_ends_with_a_full_stop() -> None:
    out = _rewrite("I'm worn out; you never listen to me", {1: {"absolute"}})
    assert out.startswith("I'm worn out. ")
    out = _rewrite(
        "You never call me. I miss you; you never listen to me", {0: {"absolute"}, 2: {"absolute"}}
    )
    assert "I miss you." in out


def test_a_trailing_clause_is_rewritten_with_the_sentence_it_leads_into() -> None:
    text = "When I get home and the sink is full of dishes... you just don't care!"
    out = _rewrite(text, {1: {"blame"}})
    assert out == next(t.template for t in _REWRITER.topics if t.id == "chores")


def test_when_nothing_is_clean_the_fallback_is_offered() -> None:
    assert _rewrite("You never help me with the dishes.", is_clean=lambda t: False) == _REWRITER.fallback


def test_kept_sentence_that_makes_the_message_flagged_is_left_out() -> None:
    def is_clean(text: str) -> bool:
        return "grr" not in text

    out = _rewrite("grr. You never call me.", {1: {"absolute"}}, is_clean)
    assert out == "I'd love it if we could call each other more often."


@pytest.mark.parametrize(
    "draft",
    [
        "You never help me with the dishes and you always leave your socks on the floor!!",
        "ur always on ur phone. u never listen. ugh",
        "I feel like you never listen and you always interrupt me.",
        "You never, ever help. You never listen. You never call me. You always forget.",
        "You always blame me 😡😡 you never say sorry",
        "You never take me out anymore\nand you never say thank you",
    ],
)
def test_analyzer_rewrites_are_never_flagged(draft: str) -> None:
    analysis = _ANALYZER.analyze(draft)
    if analysis.findings:
        assert analysis.rewrite and _clean(analysis.rewrite)


def test_transform_groups_read_from_the_pattern_text_are_re2s() -> None:
    """Transforms are compiled when first used; their slots are checked at load against the
    group names read from the pattern's text, which must be the ones RE2 finds."""
    for transform in _REWRITER.transforms.transforms:
        names = set(group_names(transform.source))
        assert names == set(re2.compile(transform.source).groupindex), transform.id


# -- strict data -----------------------------------------------------------------------------
@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    shutil.copy(DATA_DIR / "rewrites.toml", tmp_path / "rewrites.toml")
    shutil.copytree(DATA_DIR / "rewrites", tmp_path / "rewrites")
    return tmp_path


def _load(folder: Path) -> Rewriter:
    return load_rewriter(folder / "rewrites.toml", folder / "rewrites")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


_T = "rewrites/transforms.toml"


@pytest.mark.parametrize(
    ("file", "old", "new", "key"),
    [
        ("rewrites.toml", 'id = "therapy"', 'id = "therapy"\ncolour = "red"', "topic[0].colour"),
        ("rewrites.toml", 'id = "phone"', 'id = "therapy"', r"topic\[\d+\]\.id"),
        ("rewrites.toml", "blame = ", "blaming = ", "category.blaming"),
        ("rewrites.toml", 'stance = ["dismissive"', 'stance = ["dismissal"', "stance[0]"),
        ("rewrites.toml", '"withdrawing", "stretched"]', '"withdrawing", "Stretched"]', "stance[3]"),
        ("rewrites.toml", 'withdrawing = "I need', 'withdrawal = "I need', "stance[2]"),
        (_T, 'id = "mess"\n', 'id = "mess"\ntopics = ["gardening"]\n', r"transform\[\d+\]\.topics"),
        (_T, "{obj|np}. Could we figure", "{obj|fancy}. Could we figure", "transform[1].template"),
        (_T, "{obj|np}. Could we figure", "{thing|np}. Could we figure", "transform[1].template"),
        (_T, "^<<SUBJ>>\\s+help(?:ing)?", "^<<NOPE>>\\s+help(?:ing)?", "transform[0].pattern"),
        (_T, "pattern = '''^<<SUBJ>>", "pattern = '''^(?=x)<<SUBJ>>", "transform[0].pattern"),
        ("rewrites/words.toml", 'take = "taking"', "take = 3", "ing.take"),
    ],
)
def test_bad_data_names_file_and_key(data_copy: Path, file: str, old: str, new: str, key: str) -> None:
    _edit(data_copy / file, old, new)
    with pytest.raises(DataError) as caught:
        _load(data_copy)
    assert caught.value.path.endswith(file)
    actual = caught.value.key.lstrip(".")
    assert actual == key or re.fullmatch(key, actual), actual


def test_shipped_data_loads(data_copy: Path) -> None:
    assert len(_load(data_copy).transforms.transforms) == len(_REWRITER.transforms.transforms)
