"""Item 3: arbitrary text up to twice the length limit, through the API: never a 500, 413 exactly
when the text is too long, every span valid, and a bounded time per request.

The engine's own properties are in tests/engine/test_properties.py; this is the same promise
seen from outside, through validation, the services and JSON in both directions.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from web.conftest import make_settings

from app.engine import MAX_CHARS, Analyzer
from app.web.main import create_app

# a request, analysis included, on a shared 2-core CI machine; the engine alone is far faster
BUDGET_SECONDS = 2.0
ANY_CHARACTER = st.characters(exclude_categories=())  # surrogates and NUL included


def _repeat(chunk: str, length: int) -> str:
    return (chunk * (length // len(chunk) + 1))[:length]


TEXTS = st.one_of(
    st.text(ANY_CHARACTER, max_size=300),
    st.text(max_size=2000),
    # long texts: a random chunk repeated to any length up to twice the limit
    st.builds(_repeat, st.text(ANY_CHARACTER, min_size=1, max_size=40), st.integers(1, 2 * MAX_CHARS)),
    st.builds(
        _repeat,
        st.sampled_from(["you never ", "always ", "!? ", "\U0001f621", "I'm scared of him. ", "a"]),
        st.integers(MAX_CHARS - 5, MAX_CHARS + 5),
    ),
)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, analyzer: Analyzer) -> Iterator[TestClient]:
    folder: Path = tmp_path_factory.mktemp("properties")
    app = create_app(make_settings(folder, f"sqlite:///{folder / 'weframe.db'}"), analyzer=analyzer)
    with TestClient(app) as client:
        yield client


def _expected_rejection(text: str) -> int | None:
    if len(text) > MAX_CHARS:
        return 413
    if not text.strip() or "\x00" in text or any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        return 422
    return None


def _post(
    client: TestClient, path: str, text: str, headers: dict[str, str] | None = None
) -> tuple[int, dict, float]:
    body = json.dumps({"text": text}).encode("ascii")  # \u escapes carry lone surrogates too
    started = time.perf_counter()
    response = client.post(
        path, content=body, headers={"Content-Type": "application/json", **(headers or {})}
    )
    return response.status_code, response.json(), time.perf_counter() - started


def _assert_analysis(text: str, analysis: dict) -> None:
    assert analysis["text"] == text
    assert 0 <= analysis["score"] <= 100
    for span in [*analysis["findings"], *analysis["strengths"]]:
        assert 0 <= span["start"] < span["end"] <= len(text)
        assert text[span["start"] : span["end"]] == span["excerpt"]


@settings(max_examples=80, deadline=None, database=None, derandomize=True)
@given(text=TEXTS)
def test_analyze_is_total_over_arbitrary_text(api: TestClient, text: str) -> None:
    status, data, elapsed = _post(api, "/api/analyze", text)
    assert elapsed < BUDGET_SECONDS, (len(text), elapsed)
    expected = _expected_rejection(text)
    if expected is not None:
        assert status == expected, (status, data)
        assert isinstance(data["detail"], str)
        return
    assert status == 200, (status, data)
    _assert_analysis(text, data)


@settings(max_examples=25, deadline=None, database=None, derandomize=True)
@given(text=TEXTS)
def test_a_turn_is_total_over_arbitrary_text(api: TestClient, text: str) -> None:
    created = api.post("/api/rehearsals", json={"scenario": "fear-of-judgment", "seed": 3}).json()
    path = f"/api/rehearsals/{created['id']}/turns"
    status, data, elapsed = _post(api, path, text, {"X-Rehearsal-Token": created["token"]})
    assert elapsed < BUDGET_SECONDS, (len(text), elapsed)
    expected = _expected_rejection(text)
    if expected is not None:
        assert status == expected, (status, data)
        return
    assert status == 200, (status, data)
    _assert_analysis(text, data["coach"]["analysis"])
    assert data["state"]["turn"] == 1
