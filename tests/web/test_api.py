"""The HTTP contract of API.md, route by route, including every bad-input answer."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from starlette.testclient import TestClient

from app.engine import MAX_CHARS
from app.store import Rehearsal, RehearsalMessage, RehearsalTurn
from web.rehearsing import WARM_LINES, create, play_to_outcome, read, turn

SCENARIOS = {"misunderstanding", "fear-of-judgment", "stigma", "solve-it-ourselves"}
STATE_KEYS = {"turn", "openness", "stage", "outcome"}
OUTCOMES = {None, "agreed-to-try", "will-think-about-it", "refused", "paused-for-safety"}
ANALYSIS_KEYS = {"text", "tone", "score", "findings", "strengths", "principles", "rewrite", "safety"}


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.rehearsals.engine  # type: ignore[attr-defined]
    return engine


def _count(client: TestClient, table: Any) -> int:
    with Session(_engine(client)) as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def _assert_state(state: dict[str, Any]) -> None:
    assert set(state) >= STATE_KEYS
    assert isinstance(state["turn"], int)
    assert 0 <= state["openness"] <= 100
    assert isinstance(state["stage"], str)
    assert state["outcome"] in OUTCOMES


# ---- /healthz -------------------------------------------------------------------------------
def test_healthz_answers_ok_once_the_database_answers(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_does_not(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_engine: Engine) -> None:
        raise OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr("app.web.api.ping", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "database" in response.json()["detail"]


# ---- /api/analyze ---------------------------------------------------------------------------
def test_analyze_returns_the_analysis_object_and_stores_nothing(client: TestClient) -> None:
    text = "You never listen to me. \U0001f61e You always ignore the chores."
    response = client.post("/api/analyze", json={"text": text})
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= ANALYSIS_KEYS
    assert data["text"] == text
    assert data["findings"], "a harsh line has findings"
    for finding in data["findings"]:
        assert text[finding["start"] : finding["end"]] == finding["excerpt"]
        assert {"rule", "category", "severity", "principle", "message", "suggestion", "alternatives"} <= set(
            finding
        )
    assert data["rewrite"]
    assert _count(client, Rehearsal) == 0 and _count(client, RehearsalMessage) == 0


def test_analyze_a_warm_line_has_no_findings(client: TestClient) -> None:
    data = client.post("/api/analyze", json={"text": "Thank you for dinner, I love you."}).json()
    assert data["findings"] == [] and data["rewrite"] is None and data["safety"] is None


def test_analyze_reports_a_safety_disclosure(client: TestClient) -> None:
    data = client.post("/api/analyze", json={"text": "He hit me last night and I am scared."}).json()
    assert data["safety"]["level"] in {"urgent", "concern"}
    assert data["safety"]["resources"]


def test_analyze_accepts_exactly_the_limit(client: TestClient) -> None:
    text = ("I love us. " * MAX_CHARS)[:MAX_CHARS]
    assert client.post("/api/analyze", json={"text": text}).status_code == 200


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": ""}, 422),
        ({"text": "   \n\t "}, 422),
        ({"text": "x" * (MAX_CHARS + 1)}, 413),
        ({"text": "\U0001f642" * (MAX_CHARS + 1)}, 413),
        ({}, 422),
        ({"text": None}, 422),
        ({"text": 42}, 422),
        ({"text": ["a"]}, 422),
        ({"text": "nul \x00 inside"}, 422),
        ([{"text": "a list"}], 422),
        ("just a string", 422),
    ],
)
def test_analyze_rejects_bad_input(client: TestClient, body: Any, status: int) -> None:
    response = client.post("/api/analyze", json=body)
    assert response.status_code == status, response.text
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize(
    "raw",
    [b'{"text": ', b"\xff\xfe\x00", b"not json", b'{"text": "a",}', b"", b'{"text":"\\ud800"}'],
)
def test_analyze_answers_422_for_malformed_json(client: TestClient, raw: bytes) -> None:
    response = client.post("/api/analyze", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert isinstance(response.json()["detail"], str)


def test_analyze_answers_422_for_a_non_json_content_type(client: TestClient) -> None:
    response = client.post("/api/analyze", content=b"text=hello", headers={"Content-Type": "text/plain"})
    assert response.status_code == 422


def test_oversized_bodies_get_413_before_parsing(client: TestClient) -> None:
    limit = client.app.state.settings.max_body_bytes  # type: ignore[attr-defined]
    raw = json.dumps({"text": "a" * (limit + 10)}).encode()
    response = client.post("/api/analyze", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]

    def chunks() -> Any:  # no Content-Length: counted while streaming
        for _ in range(limit // 1000 + 5):
            yield b" " * 1000

    streamed = client.post("/api/analyze", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert (
        client.post("/api/rehearsals", content=raw, headers={"Content-Type": "application/json"}).status_code
        == 413
    )


# ---- /api/scenarios -------------------------------------------------------------------------
def test_scenarios_lists_the_four_reasons(client: TestClient) -> None:
    response = client.get("/api/scenarios")
    assert response.status_code == 200
    scenarios = response.json()
    assert {s["id"] for s in scenarios} == SCENARIOS
    for scenario in scenarios:
        assert scenario["title"] and scenario["description"]


# ---- POST /api/rehearsals -------------------------------------------------------------------
def test_create_answers_201_with_token_state_and_opening(any_client: TestClient) -> None:
    response = any_client.post("/api/rehearsals", json={"scenario": "fear-of-judgment", "seed": 3})
    assert response.status_code == 201
    data = response.json()
    assert set(data) >= {"id", "token", "scenario", "state", "messages"}
    assert data["scenario"] == "fear-of-judgment"
    _assert_state(data["state"])
    assert data["state"]["turn"] == 0 and data["state"]["outcome"] is None
    assert len(data["messages"]) == 1
    assert data["messages"][0]["role"] == "spouse" and data["messages"][0]["text"]


def test_the_token_is_32_random_bytes_stored_only_as_a_hash(client: TestClient) -> None:
    tokens = set()
    for _ in range(5):
        rehearsal_id, token, _ = create(client, seed=None)
        tokens.add(token)
        assert len(token) >= 43  # 32 bytes, URL-safe base64
        with Session(_engine(client)) as session:
            row = session.get(Rehearsal, rehearsal_id)
            assert row is not None
            assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
            assert token not in json.dumps(row.model_dump(mode="json"))
    assert len(tokens) == 5


def test_the_same_seed_gives_the_same_opening(client: TestClient) -> None:
    first = create(client, "misunderstanding", seed=11)[2]
    second = create(client, "misunderstanding", seed=11)[2]
    assert first["messages"] == second["messages"]
    assert first["id"] != second["id"] and first["token"] != second["token"]


@pytest.mark.parametrize(
    "body",
    [
        {"scenario": "no-such-scenario"},
        {"scenario": ""},
        {},
        {"scenario": 5},
        {"scenario": "stigma", "seed": -1},
        {"scenario": "stigma", "seed": "abc"},
        {"scenario": "stigma", "seed": 2**70},
        [],
    ],
)
def test_create_rejects_unknown_scenarios_and_bad_bodies(client: TestClient, body: Any) -> None:
    response = client.post("/api/rehearsals", json=body)
    assert response.status_code == 422, response.text
    assert isinstance(response.json()["detail"], str)
    assert _count(client, Rehearsal) == 0


def test_create_answers_422_for_malformed_json(client: TestClient) -> None:
    response = client.post("/api/rehearsals", content=b"{oops", headers={"Content-Type": "application/json"})
    assert response.status_code == 422


def test_create_sets_a_strict_http_only_cookie_for_the_page(client: TestClient) -> None:
    response = client.post("/api/rehearsals", json={"scenario": "stigma"})
    cookie = response.headers["set-cookie"]
    rehearsal_id = response.json()["id"]
    assert cookie.startswith("wf_token=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert f"Path=/api/rehearsals/{rehearsal_id}" in cookie
    # the cookie alone is enough for the page (no header)
    assert client.get(f"/api/rehearsals/{rehearsal_id}").status_code == 200
    client.cookies.clear()
    assert client.get(f"/api/rehearsals/{rehearsal_id}").status_code == 404


# ---- POST /api/rehearsals/{id}/turns --------------------------------------------------------
def test_a_turn_answers_reply_coach_and_state(any_client: TestClient) -> None:
    rehearsal_id, token, _ = create(any_client)
    response = turn(any_client, rehearsal_id, token, WARM_LINES[0])
    assert response.status_code == 200, response.text
    data = response.json()
    assert set(data) >= {"reply", "coach", "state"}
    assert data["reply"]["role"] == "spouse" and data["reply"]["text"]
    coach = data["coach"]
    assert set(coach) >= {"analysis", "moves", "notes", "rewrite"}
    assert set(coach["analysis"]) >= ANALYSIS_KEYS
    assert isinstance(coach["moves"], list) and isinstance(coach["notes"], list)
    _assert_state(data["state"])
    assert data["state"]["turn"] == 1


def test_messages_are_stored_oldest_first_with_opening_and_coach(any_client: TestClient) -> None:
    rehearsal_id, token, created = create(any_client)
    first = turn(any_client, rehearsal_id, token, WARM_LINES[0]).json()
    second = turn(any_client, rehearsal_id, token, "You never listen to me.").json()
    response = read(any_client, rehearsal_id, token)
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= {"id", "scenario", "state", "messages", "report"}
    expected = [created["messages"][0]]
    for line, answer in ((WARM_LINES[0], first), ("You never listen to me.", second)):
        expected.append({"role": "user", "text": line})
        if answer["reply"] is not None:
            expected.append(answer["reply"])
        if answer["coach"]["notes"]:
            expected.append({"role": "coach", "text": "\n".join(answer["coach"]["notes"])})
    assert data["messages"] == expected
    assert data["state"] == second["state"]
    assert isinstance(data["report"], dict)


def test_read_before_any_turn_has_no_report(client: TestClient) -> None:
    rehearsal_id, token, created = create(client)
    data = read(client, rehearsal_id, token).json()
    assert data["report"] is None
    assert data["messages"] == created["messages"]
    assert data["state"] == created["state"]


@pytest.mark.parametrize(
    ("text", "status"),
    [("", 422), ("  \n ", 422), ("x" * (MAX_CHARS + 1), 413), ("a\x00b", 422)],
)
def test_a_bad_turn_is_rejected_and_nothing_is_stored(client: TestClient, text: str, status: int) -> None:
    rehearsal_id, token, _ = create(client)
    response = turn(client, rehearsal_id, token, text)
    assert response.status_code == status
    assert _count(client, RehearsalTurn) == 0
    assert _count(client, RehearsalMessage) == 1


def test_a_turn_with_malformed_json_is_422(client: TestClient) -> None:
    rehearsal_id, token, _ = create(client)
    response = client.post(
        f"/api/rehearsals/{rehearsal_id}/turns",
        content=b'{"text": "unterminated',
        headers={"Content-Type": "application/json", "X-Rehearsal-Token": token},
    )
    assert response.status_code == 422


def test_missing_or_wrong_token_answers_exactly_like_an_unknown_id(client: TestClient) -> None:
    rehearsal_id, token, _ = create(client)
    unknown = "0" * 32
    answers = []
    for target, sent in [
        (unknown, token),
        (rehearsal_id, None),
        (rehearsal_id, "wrong"),
        (rehearsal_id, token[:-1] + ("A" if token[-1] != "A" else "B")),
        (rehearsal_id, ""),
        ("not-an-id", token),
    ]:
        headers = {} if sent is None else {"X-Rehearsal-Token": sent}
        for method, path, body in [
            ("GET", f"/api/rehearsals/{target}", None),
            ("POST", f"/api/rehearsals/{target}/turns", {"text": "hello"}),
            ("DELETE", f"/api/rehearsals/{target}", None),
        ]:
            response = client.request(method, path, json=body, headers=headers)
            answers.append((response.status_code, response.text))
    assert {status for status, _ in answers} == {404}
    assert len({text for _, text in answers}) == 1
    assert read(client, rehearsal_id, token).status_code == 200


def test_a_turn_after_the_outcome_answers_409(any_client: TestClient) -> None:
    rehearsal_id, token, _ = create(any_client, "misunderstanding", seed=1)
    last = play_to_outcome(any_client, rehearsal_id, token)
    assert last["state"]["outcome"] in OUTCOMES - {None}
    assert isinstance(last["report"], dict)
    turns_before = _count(any_client, RehearsalTurn)
    response = turn(any_client, rehearsal_id, token, WARM_LINES[0])
    assert response.status_code == 409
    assert isinstance(response.json()["detail"], str)
    assert _count(any_client, RehearsalTurn) == turns_before


def test_a_safety_disclosure_pauses_the_rehearsal(client: TestClient) -> None:
    rehearsal_id, token, _ = create(client)
    response = turn(client, rehearsal_id, token, "Honestly I'm scared of him, he hit me last week.")
    assert response.status_code == 200
    data = response.json()
    assert data["coach"]["analysis"]["safety"] is not None
    assert data["state"]["outcome"] == "paused-for-safety"
    assert data["reply"] is None
    stored = read(client, rehearsal_id, token).json()
    assert stored["safety"]["resources"]
    assert turn(client, rehearsal_id, token, "Anyway, shall we go on?").status_code == 409


# ---- DELETE /api/rehearsals/{id} ------------------------------------------------------------
def test_delete_answers_204_then_every_call_is_404(any_client: TestClient) -> None:
    rehearsal_id, token, _ = create(any_client)
    assert turn(any_client, rehearsal_id, token, WARM_LINES[0]).status_code == 200
    headers = {"X-Rehearsal-Token": token}
    response = any_client.delete(f"/api/rehearsals/{rehearsal_id}", headers=headers)
    assert response.status_code == 204
    assert response.content == b""
    assert any_client.get(f"/api/rehearsals/{rehearsal_id}", headers=headers).status_code == 404
    assert turn(any_client, rehearsal_id, token, "hello").status_code == 404
    assert any_client.delete(f"/api/rehearsals/{rehearsal_id}", headers=headers).status_code == 404
    assert _count(any_client, Rehearsal) == 0
    assert _count(any_client, RehearsalTurn) == 0
    assert _count(any_client, RehearsalMessage) == 0


def test_delete_with_a_wrong_token_deletes_nothing(client: TestClient) -> None:
    rehearsal_id, token, _ = create(client)
    response = client.delete(f"/api/rehearsals/{rehearsal_id}", headers={"X-Rehearsal-Token": "nope"})
    assert response.status_code == 404
    assert _count(client, Rehearsal) == 1


def test_delete_clears_the_cookie(client: TestClient) -> None:
    created = client.post("/api/rehearsals", json={"scenario": "stigma"}).json()
    response = client.delete(f"/api/rehearsals/{created['id']}")
    assert response.status_code == 204
    assert 'wf_token=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]


# ---- unknown routes and methods -------------------------------------------------------------
def test_unknown_paths_and_methods_answer_json(client: TestClient) -> None:
    missing = client.get("/nothing-here")
    assert missing.status_code == 404 and isinstance(missing.json()["detail"], str)
    wrong = client.put("/api/analyze", json={"text": "hi"})
    assert wrong.status_code == 405 and "allow" in wrong.headers
