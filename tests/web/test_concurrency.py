"""Two turns on one rehearsal at the same moment: one is stored, the other answers 409."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

from starlette.testclient import TestClient

from web.rehearsing import WARM_LINES, create, read, turn


class RacingDialogue:
    """The real dialogue, but every turn waits until `parties` turns have been computed."""

    def __init__(self, inner: Any, parties: int) -> None:
        self._inner = inner
        self._barrier = threading.Barrier(parties, timeout=20)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def take_turn(self, state: dict[str, Any], text: str) -> Any:
        result = self._inner.take_turn(state, text)
        self._barrier.wait()  # both writers now hold a turn computed from the same state
        return result


def _race(client: TestClient, rehearsal_id: str, token: str, texts: list[str]) -> list[Any]:
    answers: list[Any] = [None] * len(texts)

    def send(index: int) -> None:
        answers[index] = turn(client, rehearsal_id, token, texts[index])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_two_concurrent_turns_one_wins_one_gets_409(any_client: TestClient) -> None:
    rehearsal_id, token, created = create(any_client)
    state = any_client.app.state  # type: ignore[attr-defined]
    real = state.rehearsals
    state.rehearsals = dataclasses.replace(real, dialogue=RacingDialogue(real.dialogue, 2))
    try:
        answers = _race(any_client, rehearsal_id, token, [WARM_LINES[0], WARM_LINES[1]])
    finally:
        state.rehearsals = real
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200, 409], [a.text for a in answers]
    winner = next(a for a in answers if a.status_code == 200).json()
    won_text = WARM_LINES[0] if answers[0].status_code == 200 else WARM_LINES[1]
    stored = read(any_client, rehearsal_id, token).json()
    expected = [created["messages"][0], {"role": "user", "text": won_text}]
    if winner["reply"]:
        expected.append(winner["reply"])
    if winner["coach"]["notes"]:
        expected.append({"role": "coach", "text": "\n".join(winner["coach"]["notes"])})
    assert stored["messages"] == expected  # nothing lost, nothing doubled
    assert stored["state"]["turn"] == 1
    # the rehearsal goes on normally afterwards
    assert turn(any_client, rehearsal_id, token, WARM_LINES[2]).json()["state"]["turn"] == 2


def test_many_concurrent_turns_keep_the_conversation_consistent(any_client: TestClient) -> None:
    rehearsal_id, token, _ = create(any_client)
    texts = [f"{WARM_LINES[i % len(WARM_LINES)]} ({i})" for i in range(6)]
    answers = _race_free(any_client, rehearsal_id, token, texts)
    ok = [a for a in answers if a.status_code == 200]
    assert ok and all(a.status_code in {200, 409} for a in answers)
    stored = read(any_client, rehearsal_id, token).json()
    users = [m["text"] for m in stored["messages"] if m["role"] == "user"]
    assert len(users) == len(set(users)) == len(ok) == stored["state"]["turn"]


def _race_free(client: TestClient, rehearsal_id: str, token: str, texts: list[str]) -> list[Any]:
    """Fire the turns at once without forcing the interleaving."""
    start = threading.Event()
    answers: list[Any] = [None] * len(texts)

    def send(index: int) -> None:
        start.wait()
        answers[index] = turn(client, rehearsal_id, token, texts[index])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(texts))]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join(timeout=60)
    return answers
