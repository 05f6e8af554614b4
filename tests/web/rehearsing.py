"""Helpers to drive a rehearsal through the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.testclient import TestClient

WARM_LINES = [
    "I love us, and I'd love for us to feel close again.",
    "I understand it feels uncomfortable, and your feelings make sense to me.",
    "Could we try just one session together, to see how it feels? No pressure at all.",
    "Take your time to think about it; there's no rush, and I'm not going anywhere.",
    "I'd love for us to have someone help us listen to each other, because I care about us.",
]


def create(
    client: TestClient, scenario: str = "stigma", seed: int | None = 7
) -> tuple[str, str, dict[str, Any]]:
    body: dict[str, Any] = {"scenario": scenario}
    if seed is not None:
        body["seed"] = seed
    response = client.post("/api/rehearsals", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    client.cookies.clear()  # tests say explicitly which token they send
    return data["id"], data["token"], data


def turn(client: TestClient, rehearsal_id: str, token: str | None, text: str) -> Any:
    headers = {} if token is None else {"X-Rehearsal-Token": token}
    return client.post(f"/api/rehearsals/{rehearsal_id}/turns", json={"text": text}, headers=headers)


def play_to_outcome(client: TestClient, rehearsal_id: str, token: str, limit: int = 40) -> dict[str, Any]:
    """Send warm lines until the rehearsal has an outcome; the last turn's answer."""
    for index in range(limit):
        response = turn(client, rehearsal_id, token, WARM_LINES[index % len(WARM_LINES)])
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        if data["state"]["outcome"] is not None:
            return data
    raise AssertionError(f"no outcome after {limit} turns")


def read(client: TestClient, rehearsal_id: str, token: str | None) -> Any:
    headers = {} if token is None else {"X-Rehearsal-Token": token}
    return client.get(f"/api/rehearsals/{rehearsal_id}", headers=headers)
