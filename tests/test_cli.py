"""The `weframe` command as a user runs it: real processes, real stdin and exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], input=stdin, capture_output=True, cwd=ROOT, timeout=60
    )


def test_check_prints_linter_lines_and_exits_1_on_findings() -> None:
    done = run("check", "You never listen to me.")
    out = done.stdout.decode()
    assert done.returncode == 1
    assert re.search(r"^1:\d+: high \w+ \[[a-z-]+\] \"[^\"]*\": ", out, re.M), out
    assert "never" in out
    assert "rewrite:" in out


def test_check_clean_text_exits_0() -> None:
    done = run("check", "I love you.")
    assert done.returncode == 0, done.stdout
    assert "No problems found" in done.stdout.decode()


def test_check_json_is_the_analysis_object() -> None:
    text = "You never listen to me."
    done = run("check", "--format", "json", text)
    data = json.loads(done.stdout)
    assert set(data) >= {"text", "tone", "score", "findings", "strengths", "principles", "rewrite", "safety"}
    finding = data["findings"][0]
    assert text[finding["start"] : finding["end"]] == finding["excerpt"]
    assert isinstance(finding["alternatives"], list)


def test_check_reads_stdin_with_dash() -> None:
    done = run("check", "--format", "json", "-", stdin=b"You never help.")
    assert json.loads(done.stdout)["text"] == "You never help."


def test_jsonl_batch_keeps_other_keys_and_reports_bad_lines() -> None:
    lines = [
        json.dumps({"id": "a", "text": "You never listen.", "source": "x"}),
        "{broken json",
        json.dumps({"id": "c", "text": ""}),
        json.dumps({"id": "d", "text": "Thank you for dinner."}),
        json.dumps(["not", "an", "object"]),
    ]
    done = run("check", "--format", "jsonl", "-", stdin=("\n".join(lines) + "\n").encode())
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(rows) == 5
    assert rows[0]["id"] == "a" and rows[0]["source"] == "x" and rows[0]["findings"]
    assert "error" in rows[1] and "error" in rows[2] and rows[2]["id"] == "c"
    assert rows[3]["findings"] == []
    assert "error" in rows[4]
    assert done.returncode != 0


def test_jsonl_all_good_exits_0() -> None:
    done = run("check", "--format", "jsonl", "-", stdin=b'{"id": 1, "text": "I love you."}\n')
    assert done.returncode == 0
    assert json.loads(done.stdout)["id"] == 1


def test_rewrite_prints_only_the_rewrite() -> None:
    done = run("rewrite", "You never listen to me.")
    out = done.stdout.decode().strip()
    assert done.returncode == 0
    assert out and "never" not in out.lower()


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("check", ""), None),
        (("check", "   \n "), None),
        (("check", "x" * 5001), None),
        (("check", "-"), b"\xff\xfe bad utf-8"),
        (("rewrite", "-"), b""),
    ],
    ids=["empty", "whitespace", "too-long", "invalid-utf8", "empty-stdin"],
)
def test_bad_input_is_one_clear_line_and_exit_2(args: tuple[str, ...], stdin: bytes | None) -> None:
    done = run(*args, stdin=stdin)
    err = done.stderr.decode()
    assert done.returncode == 2
    assert err.startswith("weframe: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert done.stdout == b""


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    """`weframe check --format jsonl - | head -1`: the pipe closes after one answer."""
    lines = b"".join(b'{"id": %d, "text": "You never listen."}\n' % i for i in range(3000))
    done = subprocess.run(
        f"{sys.executable} -m app check --format jsonl - | head -c 10",
        shell=True,
        input=lines,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.stdout.startswith(b'{"id":0')
    assert b"Traceback" not in done.stderr and b"BrokenPipe" not in done.stderr, done.stderr[-500:]
