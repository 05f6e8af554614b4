"""One strict loader: a bad data file stops loading with a message naming the file and key."""

from __future__ import annotations

import datetime
import marshal
import shutil
from pathlib import Path

import pytest

from app import loader
from app.engine import load_analyzer
from app.loader import DataError, read_toml
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
        ({"extra": r"unless_next = ['\bok\b', 'b(']"}, "rule[0].unless_next[1]", "missing )"),
        ({"pattern": r"(?P<mark>x)|y(?P<mark>z)"}, "rule[0].pattern", "'mark' is used twice"),
    ],
    ids=[
        "unknown-key",
        "unknown-category",
        "lookbehind",
        "backreference",
        "bad-unless",
        "unclosed-unless",
        "unclosed-unless-next",
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


def test_clause_start_speak_must_be_text_speak(data_dir: Path) -> None:
    path = data_dir / "lexicon.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('at_clause_start = ["lets"]', 'at_clause_start = ["xyzzy"]'), "utf-8")
    with pytest.raises(DataError, match=r"lexicon\.toml: speak_at_clause_start: 'xyzzy' is not in"):
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


# -- what a file parses to is kept (build/data-cache) -----------------------------------------
@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setattr(loader, "_CACHE", where)
    return where


def test_a_parsed_file_is_kept_and_read_back(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "one.toml"
    path.write_text('a = "é"\n[[b]]\nc = [1, 2.5, true]\n')
    first = read_toml(path)
    kept = list(cache.glob("*.marshal"))
    assert len(kept) == 1
    assert marshal.loads(kept[0].read_bytes()) == first
    kept[0].write_bytes(marshal.dumps({"a": "from the cache"}))
    assert read_toml(path) == {"a": "from the cache"}  # read back, not parsed again


def test_an_edited_file_is_parsed_again(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "one.toml"
    path.write_text("a = 1\n")
    assert read_toml(path) == {"a": 1}
    path.write_text("a = 2\n")
    assert read_toml(path) == {"a": 2}
    assert len(list(cache.glob("*.marshal"))) == 2


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", marshal.dumps([1, 2])])
def test_a_damaged_cache_entry_is_passed_over(tmp_path: Path, cache: Path, damage: bytes) -> None:
    path = tmp_path / "one.toml"
    path.write_text("a = 1\n")
    read_toml(path)
    for kept in cache.glob("*.marshal"):
        kept.write_bytes(damage)
    assert read_toml(path) == {"a": 1}


def test_a_cache_that_cannot_be_written_is_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setattr(loader, "_CACHE", blocker / "cache")  # a folder under a file
    path = tmp_path / "one.toml"
    path.write_text("when = 1979-05-27\n")  # a date, which marshal cannot keep either
    assert read_toml(path) == {"when": datetime.date(1979, 5, 27)}


def test_a_file_that_is_not_utf8_names_the_file(tmp_path: Path, cache: Path) -> None:
    path = tmp_path / "one.toml"
    path.write_bytes(b'a = "\xff"\n')
    with pytest.raises(DataError, match="one.toml: not UTF-8 text"):
        read_toml(path)
    assert not list(cache.glob("*"))
