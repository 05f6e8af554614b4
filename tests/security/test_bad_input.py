"""Item 2: bodies over the limit answer 413 before any parsing; text length is checked before any
pattern runs; odd Unicode is answered 4xx or with a clean analysis, never 500."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from web.conftest import make_settings
from web.rehearsing import create, turn

from app.engine import MAX_CHARS, Analyzer
from app.services.dialogue import load_dialogue
from app.web.main import create_app


class Spy:
    """Delegates to the real object and records the calls made to the named methods."""

    def __init__(self, real: Any, *watched: str) -> None:
        self._real = real
        self._watched = watched
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._real, name)
        if name not in self._watched:
            return attribute

        def recorded(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return attribute(*args, **kwargs)

        return recorded


@pytest.fixture
def spied(tmp_path: Path, analyzer: Analyzer) -> Iterator[tuple[TestClient, Spy, Spy]]:
    engine_spy = Spy(analyzer, "analyze", "findings")
    dialogue_spy = Spy(load_dialogue(), "take_turn")
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'spied.db'}")
    app = create_app(settings, analyzer=engine_spy, dialogue=dialogue_spy)  # type: ignore[arg-type]
    with TestClient(app) as client:
        yield client, engine_spy, dialogue_spy


def test_a_body_over_the_limit_is_refused_before_it_is_parsed(spied: tuple[TestClient, Spy, Spy]) -> None:
    client, engine, _ = spied
    limit = client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]
    not_json = b"{" * (limit + 1)  # parsing it would answer 422; the limit answers first
    for path in ("/api/analyze", "/api/rehearsals", "/api/rehearsals/" + "0" * 32 + "/turns"):
        response = client.post(path, content=not_json, headers={"Content-Type": "application/json"})
        assert response.status_code == 413, (path, response.text)
        assert "larger than" in response.json()["detail"]
        assert response.headers["connection"] == "close"
    assert engine.calls == []


def test_text_length_is_checked_before_any_pattern_runs(spied: tuple[TestClient, Spy, Spy]) -> None:
    client, engine, dialogue = spied
    rehearsal_id, token, _ = create(client)
    too_long = "You never listen. " * (MAX_CHARS // 18 + 1)
    assert client.post("/api/analyze", json={"text": too_long}).status_code == 413
    assert turn(client, rehearsal_id, token, too_long).status_code == 413
    assert engine.calls == [] and dialogue.calls == []
    assert client.post("/api/analyze", json={"text": too_long[:MAX_CHARS]}).status_code == 200
    assert engine.calls == ["analyze"]  # the spy does see the engine when it runs


ODD_TEXTS = {
    "nul": "you never \x00 listen",
    "rtl override": "\u202eevil\u202c you never listen to me",
    "rtl isolates": "\u2067\u05d0\u05ea\u05d4 \u05ea\u05de\u05d9\u05d3\u2069 you always do this",
    "emoji at the limit": "\U0001f621" * MAX_CHARS,
    "10,000 emoji": "\U0001f621" * 10_000,
    "zwj families": "\U0001f468\u200d\U0001f469\u200d\U0001f467 you never help " * 100,
    "combining marks": "yo\u0301u ne\u0300ver li\u0302sten " + "e\u0301" * 2000,
    "zalgo": "y" + "\u0336\u0337\u0338" * 1600,
    "bom and zero width": "\ufeffyou\u200b never\u200c listen\u200d",
    "line separators": "you never listen\u2028you always forget\u2029we need to talk",
    "noncharacters": "\uffff\ufffe you never \U0010ffff listen",
    "ligatures and case traps": "\ufb01ne. \u0130 think you NEVER listen. Stra\u00dfe \u212a",
    "control characters": "\x1b[31myou never listen\x1b[0m \x07\x08",
    "only unicode spaces": "\u3000\u00a0\u2003\u2009",
    "only zero width": "\u200b\u200b",
    "private use": "\ue000\uf8ff you never listen",
    "arabic": "\u0623\u0646\u062a \u0644\u0627 \u062a\u0633\u062a\u0645\u0639 \u0623\u0628\u062f\u0627",
}


def _assert_clean(sent: str, response: Any) -> None:
    """4xx with a message, or an analysis whose every span points into the text as sent."""
    assert response.status_code in {200, 413, 422}, (response.status_code, response.text[:200])
    data = response.json()
    if response.status_code != 200:
        assert isinstance(data["detail"], str) and sent not in data["detail"]
        return
    analysis = data.get("coach", {}).get("analysis", data)
    assert analysis["text"] == sent
    for span in [*analysis["findings"], *analysis["strengths"]]:
        assert 0 <= span["start"] < span["end"] <= len(sent)
        assert sent[span["start"] : span["end"]] == span["excerpt"]


@pytest.mark.parametrize("name", list(ODD_TEXTS))
def test_odd_unicode_gets_4xx_or_a_clean_analysis(client: TestClient, name: str) -> None:
    text = ODD_TEXTS[name]
    _assert_clean(text, client.post("/api/analyze", json={"text": text}))
    rehearsal_id, token, _ = create(client)
    _assert_clean(text, turn(client, rehearsal_id, token, text))


@pytest.mark.parametrize(
    "escaped",
    ['"\\ud800"', '"you \\udfff never"', '"\\udc00\\ud800"', '"a\\ud83d"', '"\\u0000"'],
)
def test_lone_surrogates_and_escaped_nul_are_422(client: TestClient, escaped: str) -> None:
    body = f'{{"text": {escaped}}}'.encode()
    response = client.post("/api/analyze", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    rehearsal_id, token, _ = create(client)
    response = client.post(
        f"/api/rehearsals/{rehearsal_id}/turns",
        content=body,
        headers={"Content-Type": "application/json", "X-Rehearsal-Token": token},
    )
    assert response.status_code == 422, response.text
    assert (
        json.loads(client.get(f"/api/rehearsals/{rehearsal_id}", headers={"X-Rehearsal-Token": token}).text)[
            "state"
        ]["turn"]
        == 0
    )  # nothing was stored


def test_invalid_utf8_bytes_are_422(client_factory: Callable[..., TestClient]) -> None:
    client = client_factory()
    for raw in (b'{"text": "\xff\xfe"}', b'{"text": "caf\xc3"}', b'{"text": "\xed\xa0\x80"}'):
        response = client.post("/api/analyze", content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 422, (raw, response.text)
