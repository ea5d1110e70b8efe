"""Every answer whose words follow Accept-Language says which language they are in
(`Content-Language`) and that they depend on the header (`Vary: Accept-Language`), whatever the
route: scores, lists, their values, outcomes, refusals and 422s. Answers whose text does not
follow the header (the model, health, an English 401 or 404 of an unknown path) carry neither."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.service.support import AUTH, TestClient

LANGUAGES = (("id", "id"), ("en", "en"), ("en-GB,en;q=0.9", "en"), (None, "id"))


def _headers(accept_language: str | None) -> dict[str, str]:
    return AUTH | ({"Accept-Language": accept_language} if accept_language else {})


def _assert_worded_in(response: httpx.Response, language: str) -> None:
    assert response.headers.get("content-language") == language, (
        response.status_code,
        dict(response.headers),
    )
    varies = [name.strip().lower() for name in response.headers.get("vary", "").split(",")]
    assert varies.count("accept-language") == 1, response.headers.get("vary")


def _assert_not_worded(response: httpx.Response) -> None:
    assert "content-language" not in response.headers, dict(response.headers)
    assert "accept-language" not in response.headers.get("vary", "").lower()


@pytest.fixture(scope="module")
def issued(client: TestClient, profiles: list[dict[str, Any]]) -> dict[str, Any]:
    body = {"msmes": profiles[:30], "capacity": 5, "exploration_seed": 3}
    response = client.post("/v1/lists", json=body, headers=AUTH)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


@pytest.mark.parametrize(("accept_language", "language"), LANGUAGES)
def test_list_answers_say_the_language_of_their_words(
    client: TestClient,
    profiles: list[dict[str, Any]],
    issued: dict[str, Any],
    accept_language: str | None,
    language: str,
) -> None:
    headers = _headers(accept_language)
    # More slots than eligible MSMEs: the answer has a shortfall note in `language`.
    body = {"msmes": profiles[:4], "capacity": 10}
    prioritized = client.post("/v1/prioritize", json=body, headers=headers)
    assert prioritized.status_code == 200, prioritized.text
    assert prioritized.json()["shortfall_note"].startswith("Hanya" if language == "id" else "Only")
    _assert_worded_in(prioritized, language)

    listed = client.post("/v1/lists", json=body | {"exploration_seed": 1}, headers=headers)
    assert listed.status_code == 201, listed.text
    _assert_worded_in(listed, language)

    value = client.get(f"/v1/lists/{issued['list_id']}/value", headers=headers)
    assert value.status_code == 200, value.text
    _assert_worded_in(value, language)

    scored = client.post("/v1/scores", json={"msmes": profiles[:2]}, headers=headers)
    assert scored.status_code == 200 and scored.json()["language"] == language
    _assert_worded_in(scored, language)


@pytest.mark.parametrize(("accept_language", "language"), LANGUAGES)
def test_refusals_say_the_language_of_their_words(
    client: TestClient,
    profiles: list[dict[str, Any]],
    accept_language: str | None,
    language: str,
) -> None:
    headers = _headers(accept_language)
    invalid = client.post("/v1/prioritize", json={"msmes": profiles[:2]}, headers=headers)
    assert invalid.status_code == 422  # capacity missing, worded in `language`
    _assert_worded_in(invalid, language)

    quotas = dict.fromkeys({row["province_code"] for row in profiles[:20]}, 0)
    body = {"msmes": profiles[:20], "capacity": 5, "quotas": quotas}
    infeasible = client.post("/v1/prioritize", json=body, headers=headers)
    assert infeasible.status_code == 422 and infeasible.json()["error"] == "infeasible_constraints"
    _assert_worded_in(infeasible, language)

    unknown = client.get("/v1/lists/no-such-list", headers=headers)
    assert unknown.status_code == 404 and unknown.json()["error"] == "list_not_found"
    _assert_worded_in(unknown, language)

    outcome = {"list_id": "no-such-list", "msme_id": "x", "mentored": True, "digitalized": False}
    refused = client.post("/v1/outcomes", json={"outcomes": [outcome]}, headers=headers)
    assert refused.status_code == 404, refused.text
    _assert_worded_in(refused, language)

    bad_page = client.get("/v1/lists", params={"page": 0}, headers=headers)
    assert bad_page.status_code == 422  # a route with no words of its own: its 422 has some
    _assert_worded_in(bad_page, language)


def test_answers_not_worded_by_accept_language_carry_no_language(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    headers = _headers("en")
    _assert_not_worded(client.get("/v1/model", headers=headers))
    _assert_not_worded(client.get("/healthz", headers=headers))
    # English whatever was asked: a missing key, an unknown path.
    no_key = client.post("/v1/prioritize", json={"msmes": profiles[:2], "capacity": 1})
    assert no_key.status_code == 401
    _assert_not_worded(no_key)
    missing = client.get("/v1/nothing-here", headers=_headers("id"))
    assert missing.status_code == 404
    _assert_not_worded(missing)


def test_openapi_documents_accept_language_on_every_worded_post(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/v1/scores", "/v1/prioritize", "/v1/lists"):
        parameters = spec["paths"][path]["post"].get("parameters", [])
        assert ("accept-language", "header") in {(p["name"], p["in"]) for p in parameters}, path
