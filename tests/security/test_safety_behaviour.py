"""Item 5 (API): once a disclosure is detected, no answer pushes couples therapy or persuasion.

What is checked after a disclosure, on every scenario: the turn's answer (spouse reply, coach
notes, moves, rewrite, analysis, report), every later read of the rehearsal, and a later
"I'm fine" turn. The only mention of therapy allowed is the safety message's own statement
that couples therapy is not advised; the user's own words are theirs and are not scanned.
The page after a disclosure: tests/browser/test_privacy_and_safety.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from starlette.testclient import TestClient
from web.rehearsing import WARM_LINES, create, read, turn

SCENARIOS = ["misunderstanding", "fear-of-judgment", "stigma", "solve-it-ourselves"]
PITCH = re.compile(
    r"therap|counsel|session|persuad|convinc|one try|give it a (?:try|go)|try it once"
    r"|talk (?:it|this) (?:through|over) with (?:your|him|her|them)"
    r"|rehears(?:e|al) (?:again|another)|start (?:a new|another)",
    re.IGNORECASE,
)
DISCLOSURES = [
    "He hit me last night and I'm scared of him.",
    "Honestly, I'm afraid of her. She choked me last month and checks my phone every night.",
    "I want to kill myself, I can't do this anymore.",
    "You never listen. He pushed me against the wall and I think we need couples therapy.",
]
LATER = ["I'm fine, really. Forget what I said.", "Could we try one session together? I love us."]


def pitches(answer: Any, *, own_words: list[str]) -> list[str]:
    """Pitch words in answer once the safety message, its contacts and the user's words are cut."""
    text = json.dumps(answer, ensure_ascii=False)
    safety_texts = sorted(set(_safety_texts(answer)), key=len, reverse=True)
    for allowed in [*safety_texts, *own_words]:
        text = text.replace(json.dumps(allowed, ensure_ascii=False)[1:-1], " ")
    return PITCH.findall(text)


def _safety_texts(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = []
        safety = value.get("safety")
        if isinstance(safety, dict):
            found.append(safety["message"])
            for resource in safety["resources"]:
                found += [resource["name"], resource["contact"], f"{resource['name']}: {resource['contact']}"]
        for item in value.values():
            found += _safety_texts(item)
        return found
    if isinstance(value, list):
        return [text for item in value for text in _safety_texts(item)]
    return []


def _principle_titles(analysis: dict[str, Any]) -> list[str]:
    """The guide's principle names, kept (not-applicable, no note) so the object keeps its shape."""
    return [principle["title"] for principle in analysis["principles"]]


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("disclosure", DISCLOSURES[:2])
def test_after_a_disclosure_no_answer_pushes_therapy_or_persuasion(
    any_client: TestClient, scenario: str, disclosure: str
) -> None:
    client = any_client
    rehearsal_id, token, _ = create(client, scenario)
    said = [WARM_LINES[2], WARM_LINES[0]]  # "one session" coaching comes back before the disclosure
    for line in said:
        assert turn(client, rehearsal_id, token, line).status_code == 200
    before = read(client, rehearsal_id, token).json()
    assert pitches(before, own_words=said), "the pitch check must see coaching before a disclosure"

    answer = turn(client, rehearsal_id, token, disclosure)
    assert answer.status_code == 200
    data = answer.json()
    said.append(disclosure)
    assert data["reply"] is None and data["state"]["outcome"] == "paused-for-safety"
    assert data["coach"]["moves"] == [] and data["coach"]["rewrite"] is None
    analysis = data["coach"]["analysis"]
    assert analysis["safety"]["resources"] and analysis["findings"] == [] and analysis["rewrite"] is None
    assert data["report"]["safety"] == analysis["safety"]
    assert not pitches(data, own_words=said + _principle_titles(analysis))

    stored = read(client, rehearsal_id, token).json()
    assert stored["safety"] == analysis["safety"]
    assert {m["role"] for m in stored["messages"]} <= {"user", "coach"}  # no spouse after a disclosure
    assert [m["text"] for m in stored["messages"] if m["role"] == "user"] == said
    assert not pitches(stored, own_words=said)

    # a later "I'm fine" (or a return to the pitch) does not clear it or restart the role-play
    for line in LATER:
        later = turn(client, rehearsal_id, token, line)
        assert later.status_code == 409
        assert "safety" in later.json()["detail"] and not pitches(later.json(), own_words=[line])
    again = read(client, rehearsal_id, token).json()
    assert again["safety"] == stored["safety"] and again["state"]["turn"] == len(said)
    assert again == stored


def test_a_disclosure_as_the_first_turn_pauses_at_once(client: TestClient) -> None:
    rehearsal_id, token, _ = create(client, "stigma")
    data = turn(client, rehearsal_id, token, DISCLOSURES[2]).json()
    assert data["state"]["outcome"] == "paused-for-safety" and data["reply"] is None
    assert data["coach"]["analysis"]["safety"]["level"] == "urgent"
    assert not pitches(data, own_words=[DISCLOSURES[2], *_principle_titles(data["coach"]["analysis"])])
    stored = read(client, rehearsal_id, token).json()
    assert [m["role"] for m in stored["messages"]][0] == "user"  # the spouse's opening is withheld too
    assert not pitches(stored, own_words=[DISCLOSURES[2]])


@pytest.mark.parametrize("disclosure", DISCLOSURES)
def test_a_checked_disclosure_gets_the_safety_answer_and_no_phrasing_advice(
    client: TestClient, disclosure: str
) -> None:
    analysis = client.post("/api/analyze", json={"text": disclosure}).json()
    assert analysis["safety"]["resources"]
    assert analysis["findings"] == [] and analysis["strengths"] == [] and analysis["rewrite"] is None
    assert {p["status"] for p in analysis["principles"]} == {"not-applicable"}
    assert {p["note"] for p in analysis["principles"]} == {""}
    assert not pitches(analysis, own_words=[disclosure, *_principle_titles(analysis)])
    if "kill myself" not in disclosure:
        assert "couples therapy is not advised" in analysis["safety"]["message"]


def test_the_pitch_check_is_not_blind(client: TestClient) -> None:
    analysis = client.post("/api/analyze", json={"text": "We need therapy, you never listen."}).json()
    assert analysis["safety"] is None
    assert pitches(analysis, own_words=["We need therapy, you never listen."])
