"""The compiled engine (app/native.py, scripts/build_native.py): used only while it matches
the sources, and it gives the same answers as the engine run as plain Python."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import app.engine
from app import native

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "app" / "engine"


def write(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload), encoding="utf-8")


def real_digests() -> dict[str, str]:
    return {
        f"app.engine.{path.stem}": native.source_digest(path)
        for path in sorted(ENGINE.glob("*.py"))
        if path.name != "__init__.py"
    }


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "manifest.json"
    monkeypatch.setattr(native, "MANIFEST", path)
    monkeypatch.delenv("WEFRAME_PURE", raising=False)
    return path


def test_a_build_matching_every_source_is_used(manifest: Path) -> None:
    write(manifest, {"tag": native.build_tag(), "modules": real_digests()})
    assert native.compiled_status(app.engine) == "ok"


def test_an_edited_source_turns_the_build_off(manifest: Path) -> None:
    digests = real_digests()
    digests["app.engine.rules"] = "0" * 64  # as if rules.py changed after the build
    write(manifest, {"tag": native.build_tag(), "modules": digests})
    assert native.compiled_status(app.engine) == "app.engine.rules changed since the build"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (
            {"tag": "cpython-399-linux-64bit", "modules": {"app.engine.rules": "x"}},
            "built for another Python",
        ),
        ({"tag": None, "modules": {}}, "built for another Python"),
        (["not", "a", "table"], "built for another Python"),
        ({"tag": "TAG", "modules": {}, "error": "build failed: no gcc"}, "build failed: no gcc"),
        ({"tag": "TAG", "modules": {"app.web.server": "x"}}, "the build's manifest names another package"),
        ({"tag": "TAG", "modules": {"app.engine.gone": "x"}}, "app.engine.gone is missing"),
    ],
)
def test_a_build_that_does_not_fit_is_not_used(manifest: Path, payload: object, reason: str) -> None:
    if isinstance(payload, dict) and payload.get("tag") == "TAG":
        payload["tag"] = native.build_tag()
    write(manifest, payload)
    assert native.compiled_status(app.engine) == reason


def test_no_build_or_a_broken_manifest_is_plain_python(manifest: Path) -> None:
    assert native.compiled_status(app.engine) == "not built (make native)"
    manifest.write_text("{not json", encoding="utf-8")
    assert native.compiled_status(app.engine) == "the build's manifest is unreadable"


def test_weframe_pure_wins_over_a_matching_build(manifest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(manifest, {"tag": native.build_tag(), "modules": real_digests()})
    monkeypatch.setenv("WEFRAME_PURE", "1")
    assert native.compiled_status(app.engine) == "WEFRAME_PURE is set"


def test_ci_runs_the_compiled_engine() -> None:
    """make test builds it first; CI must test what `make run` and `make bench` run."""
    status = native.compiled_status(app.engine)
    if os.environ.get("WEFRAME_PURE", "") not in ("", "0"):
        pytest.skip("this run is the plain-Python pass (WEFRAME_PURE)")
    if os.environ.get("CI") != "true" and status != "ok":
        pytest.skip(f"the engine is not compiled here: {status}")
    assert status == "ok"
    assert app.engine.COMPILED
    assert Path(sys.modules["app.engine.rules"].__file__ or "").suffix == ".so"


def _answers(lines: list[str], pure: bool) -> list[str]:
    payload = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(lines)).encode()
    env = {k: v for k, v in os.environ.items() if k != "WEFRAME_PURE"}
    if pure:
        env["WEFRAME_PURE"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "app", "check", "--format", "jsonl", "-"],
        input=payload,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr.decode()[-500:]
    return done.stdout.decode().splitlines()


def test_compiled_and_plain_engines_answer_alike() -> None:
    """Every regression line, through both: the same analysis objects, byte for byte."""
    if native.compiled_status(app.engine) != "ok":
        pytest.skip(f"the engine is not compiled here: {native.compiled_status(app.engine)}")
    phrases = tomllib.loads((ROOT / "tests" / "engine" / "phrases.toml").read_text(encoding="utf-8"))
    lines = phrases["harsh"] + phrases["warm"]
    compiled, plain = _answers(lines, pure=False), _answers(lines, pure=True)
    assert len(compiled) == len(lines)
    assert compiled == plain


def test_the_result_types_made_for_every_text_construct_natively() -> None:
    """A dataclass's generated __init__ runs as Python even in the compiled engine (~4% of a
    warm message for these four); theirs is written out, so it compiles."""
    if native.compiled_status(app.engine) != "ok":
        pytest.skip(f"the engine is not compiled here: {native.compiled_status(app.engine)}")
    from app.engine.drafts import Piece
    from app.engine.findings import Analysis, Finding, Strength

    for kind in (Piece, Analysis, Finding, Strength):
        assert type(kind.__init__).__name__ == "wrapper_descriptor", kind.__name__
