"""One strict loader: a bad data file stops loading with a message naming the file and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.engine import load_analyzer
from app.loader import DataError
from app.paths import DATA_DIR

RULE = """
[[rule]]
id = "{id}"
category = "{category}"
severity = "medium"
principle = "we-not-you"
pattern = '''{pattern}'''
message = "m"
suggestion = "s"
flagged = ["a [[b]] c"]
clean = ["x"]
{extra}
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def write_rule(data_dir: Path, **fields: str) -> Path:
    values = {"id": "test-rule", "category": "blame", "pattern": r"\bb\b", "extra": ""} | fields
    path = data_dir / "rules" / "zz_test.toml"
    path.write_text(RULE.format(**values), encoding="utf-8")
    return path


def test_shipped_data_loads() -> None:
    analyzer = load_analyzer(DATA_DIR)
    assert analyzer.rules.rules and analyzer.safety.cues


@pytest.mark.parametrize(
    ("fields", "key", "words"),
    [
        ({"extra": 'sevrity = "high"'}, "rule[0].sevrity", "unknown key"),
        ({"category": "rudeness"}, "rule[0].category", "unknown value"),
        ({"pattern": r"(?<=a)b"}, "rule[0].pattern", "RE2"),
        ({"pattern": r"(a)\1"}, "rule[0].pattern", "RE2"),
        ({"extra": "unless = ['(?<=a)b']"}, "rule[0].unless[0]", "RE2"),
        ({"extra": r"unless = ['\bok\b', 'b(']"}, "rule[0].unless[1]", "missing )"),
        ({"pattern": r"(?P<mark>x)|y(?P<mark>z)"}, "rule[0].pattern", "'mark' is used twice"),
    ],
    ids=[
        "unknown-key",
        "unknown-category",
        "lookbehind",
        "backreference",
        "bad-unless",
        "unclosed-unless",
        "group-name-twice",
    ],
)
def test_bad_rule_names_file_and_key(data_dir: Path, fields: dict[str, str], key: str, words: str) -> None:
    path = write_rule(data_dir, **fields)
    with pytest.raises(DataError) as caught:
        load_analyzer(data_dir)
    assert caught.value.path == str(path)
    assert caught.value.key == key
    assert words in str(caught.value)


def test_missing_key_is_named(data_dir: Path) -> None:
    path = write_rule(data_dir)
    path.write_text(path.read_text().replace('message = "m"\n', ""), encoding="utf-8")
    with pytest.raises(DataError, match=r"zz_test\.toml: rule\[0\]\.message: missing required key"):
        load_analyzer(data_dir)


def test_duplicate_id_across_files_is_an_error(data_dir: Path) -> None:
    existing = load_analyzer(DATA_DIR).rules.rules[0].id
    write_rule(data_dir, id=existing)
    with pytest.raises(DataError, match="duplicate id"):
        load_analyzer(data_dir)


def test_rule_without_marked_example_is_an_error(data_dir: Path) -> None:
    path = write_rule(data_dir)
    path.write_text(path.read_text().replace("a [[b]] c", "a b c"), encoding="utf-8")
    with pytest.raises(DataError, match=r"flagged\[0\]"):
        load_analyzer(data_dir)


def test_broken_toml_names_the_file(data_dir: Path) -> None:
    (data_dir / "guide.toml").write_text("[[principle]\nid = ", encoding="utf-8")
    with pytest.raises(DataError, match=r"guide\.toml: invalid TOML"):
        load_analyzer(data_dir)


def test_guide_must_keep_the_public_principle_ids(data_dir: Path) -> None:
    guide = data_dir / "guide.toml"
    guide.write_text(
        guide.read_text().replace('id = "suggest-trial"', 'id = "suggest-a-trial"'), encoding="utf-8"
    )
    with pytest.raises(DataError, match="principle ids must be exactly"):
        load_analyzer(data_dir)


def test_unknown_principle_in_a_rule_is_an_error(data_dir: Path) -> None:
    path = write_rule(data_dir)
    path.write_text(
        path.read_text().replace('principle = "we-not-you"', 'principle = "be-nice"'), encoding="utf-8"
    )
    with pytest.raises(DataError, match=r"rule\[0\]\.principle: unknown value"):
        load_analyzer(data_dir)


@pytest.mark.parametrize("pattern", [r"(?<=he )hit me", r"(hit) \1"], ids=["lookbehind", "backreference"])
def test_bad_safety_cue_names_file_and_key(data_dir: Path, pattern: str) -> None:
    """Cue patterns are compiled when first used, but parsed at load: still named there."""
    path = data_dir / "safety" / "zz_test.toml"
    path.write_text(
        '[[cue]]\nid = "zz"\nkind = "violence"\nlevel = "urgent"\n'
        f"pattern = '''{pattern}'''\nflagged = [\"he hit me\"]\nclean = [\"fine\"]\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load_analyzer(data_dir)
    assert caught.value.path == str(path)
    assert caught.value.key == "cue[0].pattern"
    assert "RE2" in str(caught.value)
