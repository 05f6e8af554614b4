"""app.jsonio: the fast encoder gives the same JSON values as the json module, always."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from app import jsonio
from app.engine import get_analyzer


@pytest.mark.parametrize(
    "text",
    [
        "You never listen to me 😡",
        "I love you ❤️ and I'd like us to try one session together.",
        'She said "calm down" — again.\nWhy?',
        "Ünïcødé: naïve café, 你好, עברית",
    ],
)
def test_analysis_round_trips_to_the_same_value(text: str) -> None:
    value = get_analyzer().analyze(text).to_dict()
    assert json.loads(jsonio.dumps(value)) == value
    assert json.loads(jsonio.dumps_str(value)) == value


def test_what_orjson_refuses_is_still_written() -> None:
    value = {"id": 2**80, "text": "half a pair \ud800 here"}
    out = jsonio.dumps(value)
    assert json.loads(out) == value
    out.decode("utf-8")  # valid UTF-8: the surrogate is escaped, not written raw


def test_loads_keeps_big_integers_exact() -> None:  # orjson alone would give a float
    assert jsonio.loads(b'{"id": 123456789012345678901234567890}') == {"id": 123456789012345678901234567890}


def test_loads_rejects_bad_utf8_and_bad_json() -> None:
    with pytest.raises(UnicodeDecodeError):
        jsonio.loads(b'{"text": "\xff"}')
    with pytest.raises(ValueError):
        jsonio.loads(b"{nope")


def test_jsonl_echoes_odd_ids_and_surrogates_exactly() -> None:
    lines = [
        '{"id": 123456789012345678901234567890, "text": "You never listen."}',
        '{"id": "a", "text": "\\ud800 you always forget"}',
    ]
    done = subprocess.run(
        [sys.executable, "-m", "app", "check", "--format", "jsonl", "-"],
        input=("\n".join(lines) + "\n").encode(),
        capture_output=True,
        check=True,
    )
    answers = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert [a["id"] for a in answers] == [123456789012345678901234567890, "a"]
    assert answers[1]["text"] == "\ud800 you always forget"
    assert all(a["findings"] for a in answers)


@pytest.mark.parametrize(
    "raw",
    [b'{"id": -9223372036854775809, "text": "hi"}', b'{"id": 18446744073709551616}', b'{"x": NaN}',
     b'{"x": 1e400}', b'{"x": "\\ud800"}', b'{"a": 1, "a": 2}', b'{"id": 7, "text": "caf\xc3\xa9"}',
     b'[1, 2.5, "x", null, true]'],
)  # fmt: skip
def test_loads_gives_what_the_json_module_gives(raw: bytes) -> None:
    assert repr(jsonio.loads(raw)) == repr(json.loads(raw.decode("utf-8")))  # repr: NaN too
