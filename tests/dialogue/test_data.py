"""The dialogue data: every cue finds its own examples and skips its clean ones, and the
loader refuses bad files with an error that names the file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.dialogue.catalog import get_catalog, load_catalog
from app.dialogue.cues import Cue
from app.dialogue.reactions import FALLBACKS, MOVE_REACTION, REACTIONS
from app.engine import get_analyzer
from app.engine.rules import strip_marks
from app.engine.sentences import split_sentences
from app.loader import DataError
from app.paths import DATA_DIR

_CATALOG = get_catalog()
_ANALYZER = get_analyzer()


def _all_cues() -> list[tuple[str, Cue]]:
    cues: list[tuple[str, Cue]] = [(f"moves:{move}", cue) for move, cue in _CATALOG.recognisers]
    cues += [("moves:apology", cue) for cue in _CATALOG.apologies]
    cues += [(f"harm:{harm.category}", harm.cue) for harm in _CATALOG.harms]
    cues += [(f"topic:{topic}", cue) for topic, cue in _CATALOG.topics]
    for scenario in _CATALOG.scenarios.values():
        cues += [(f"{scenario.id}:{move}", cue) for move, cue in scenario.recognisers]
    return cues


_FLAGGED = [(label, cue, example) for label, cue in _all_cues() for example in cue.flagged]
_CLEAN = [(label, cue, example) for label, cue in _all_cues() for example in cue.clean]


def _spans(cue: Cue, text: str) -> list[tuple[int, int]]:
    norm = _ANALYZER.normalizer.normalize(text)
    return [norm.to_original(s, e) for s, e in cue.spans(norm.text, split_sentences(norm.text))]


@pytest.mark.parametrize(("label", "cue", "example"), _FLAGGED, ids=[f"{i[1].id}: {i[2]}" for i in _FLAGGED])
def test_cue_finds_its_example_at_the_marked_span(label: str, cue: Cue, example: str) -> None:
    text, start, end = strip_marks(example)
    assert _spans(cue, text)[:1] == [(start, end)], f"{label} {cue.id} ({cue.file}) on {text!r}"


@pytest.mark.parametrize(("label", "cue", "example"), _CLEAN, ids=[f"{i[1].id}: {i[2]}" for i in _CLEAN])
def test_cue_skips_its_clean_example(label: str, cue: Cue, example: str) -> None:
    assert _spans(cue, example) == [], f"{label} {cue.id} ({cue.file}) wrongly fires on {example!r}"


def test_every_reaction_is_reachable_and_has_fallbacks() -> None:
    reachable = set(MOVE_REACTION.values()) | {"guarded", "unsure", "soothed", "reminded", "nearly"}
    reachable |= {"agree", "think", "refuse"}
    assert reachable == set(REACTIONS)
    assert set(FALLBACKS) == set(REACTIONS)
    for chain in FALLBACKS.values():
        assert set(chain) <= set(REACTIONS)


def test_every_scenario_is_complete() -> None:
    assert list(_CATALOG.scenarios) == [
        "misunderstanding",
        "fear-of-judgment",
        "stigma",
        "solve-it-ourselves",
    ]
    for scenario in _CATALOG.scenarios.values():
        assert set(scenario.replies) == set(REACTIONS), scenario.id
        assert len(scenario.openings) >= 2
        assert scenario.name and scenario.persona and scenario.concern


# -- the loader refuses bad data, naming the file and the key --------------------------


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_copy_loads(data_copy: Path) -> None:
    assert set(load_catalog(data_copy).scenarios) == set(_CATALOG.scenarios)


@pytest.mark.parametrize(
    ("file", "old", "new", "key"),
    [
        ("scenarios/stigma.toml", "relieved = [", "relaxed = [", "replies.relaxed"),
        ("scenarios/stigma.toml", "refuse = [", "refuse_not = [", "replies.refuse_not"),
        ("scenarios/stigma.toml", "address-concern = 20", "address-concern = -20", "weights.address-concern"),
        ("scenarios/stigma.toml", "blame = -20", "blame = 20", "weights.blame"),
        ("scenarios/stigma.toml", '"Go on, then.",', '"Go on, {name}.",', "replies.included[0]"),
        ("scenarios/stigma.toml", '"That\'s low.",', '"That\'s low {topic.",', "replies.hurt[1]"),
        ("scenarios/stigma.toml", '"That\'s low.",', '"Don\'t talk to me like that.",', "replies.hurt[3]"),
        (
            "scenarios/stigma.toml",
            '"You {hurt}. I haven\'t forgotten."',
            '"I haven\'t forgotten."',
            "replies.reminded[1]",
        ),
        ("scenarios/stigma.toml", 'id = "stigma"', 'id = "misunderstanding"', "id"),
        ("scenarios/stigma.toml", 'move = "address-concern"', 'move = "flattery"', "recogniser[0].move"),
        ("scenarios/stigma.toml", "start = 25", "start = 95", "meter"),
        ("scenarios/stigma.toml", "[persona]", "colour = 1\n[persona]", ".colour"),
        ("dialogue/moves.toml", 'category = "criticism"', 'category = "rudeness"', "harm[0].category"),
        ("dialogue/moves.toml", 'move = "give-space"', 'move = "give-spice"', "recogniser["),
        ("dialogue/coach.toml", "stuck = ", "stuck_here = ", "hint.stuck_here"),
        ("dialogue/coach.toml", "{name} opened up", "{nam} opened up", "effect.up"),
        ("dialogue/topics.toml", 'say = "money"', 'sya = "money"', "topic[1].sya"),
    ],
)
def test_bad_data_names_file_and_key(data_copy: Path, file: str, old: str, new: str, key: str) -> None:
    _edit(data_copy / file, old, new)
    with pytest.raises(DataError) as caught:
        load_catalog(data_copy)
    assert caught.value.path.endswith(file), str(caught.value)
    assert key in caught.value.key, str(caught.value)


def test_a_missing_scenario_file_is_an_error(data_copy: Path) -> None:
    (data_copy / "scenarios" / "stigma.toml").unlink()
    with pytest.raises(DataError, match="stigma"):
        load_catalog(data_copy)


def test_a_bad_pattern_is_an_error(data_copy: Path) -> None:
    _edit(data_copy / "scenarios" / "stigma.toml", "(?P<mark>(?:not|isn't", "(?P<mark>((?:not|isn't")
    with pytest.raises(DataError) as caught:
        load_catalog(data_copy)
    assert caught.value.key == "recogniser[0].pattern"


def test_a_cue_without_examples_is_an_error(data_copy: Path) -> None:
    _edit(data_copy / "dialogue" / "topics.toml", 'clean = ["Call me later."]', "clean = []")
    with pytest.raises(DataError) as caught:
        load_catalog(data_copy)
    assert caught.value.key.endswith(".clean")
