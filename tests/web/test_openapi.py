"""OpenAPI at /openapi.json lists every status each route can answer."""

from __future__ import annotations

from starlette.testclient import TestClient

EXPECTED = {
    ("get", "/healthz"): {"200", "503"},
    ("post", "/api/analyze"): {"200", "403", "413", "422", "429"},
    ("get", "/api/scenarios"): {"200", "429"},
    ("post", "/api/rehearsals"): {"201", "403", "413", "422", "429", "503"},
    ("post", "/api/rehearsals/{rehearsal_id}/turns"): {
        "200",
        "403",
        "404",
        "409",
        "413",
        "422",
        "429",
        "503",
    },
    ("get", "/api/rehearsals/{rehearsal_id}"): {"200", "404", "429", "503"},
    ("delete", "/api/rehearsals/{rehearsal_id}"): {"204", "403", "404", "429", "503"},
}


def test_every_route_documents_its_statuses(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    found = {
        (method, path): set(operation["responses"])
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    }
    for key, statuses in EXPECTED.items():
        assert key in found, key
        assert statuses <= found[key], (key, found[key])
    assert set(found) == set(EXPECTED), "an undocumented route appeared"


def test_docs_page_is_served_with_its_own_strict_policy(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "sha256-" in csp and "object-src 'none'" in csp


def test_docs_can_be_switched_off(client_factory: object) -> None:
    client = client_factory(docs=False)  # type: ignore[operator]
    assert client.get("/openapi.json").status_code == 404
    assert client.get("/docs").status_code == 404


def test_the_schema_lists_the_scenario_ids_and_links_a_new_rehearsal(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    scenario = spec["components"]["schemas"]["RehearsalIn"]["properties"]["scenario"]
    assert scenario["enum"] == [s["id"] for s in client.get("/api/scenarios").json()]
    links = spec["paths"]["/api/rehearsals"]["post"]["responses"]["201"]["links"]
    assert set(links) == {"post_turn", "read_rehearsal", "delete_rehearsal"}
    assert links["post_turn"]["parameters"]["header.X-Rehearsal-Token"] == "$response.body#/token"


def test_405_names_every_method_the_path_answers(client: TestClient) -> None:
    response = client.request("OPTIONS", "/api/rehearsals/" + "0" * 32)
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET"
    assert client.put("/api/analyze").headers["allow"] == "POST"
