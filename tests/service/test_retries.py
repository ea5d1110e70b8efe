"""POST /v1/lists and POST /v1/outcomes with an Idempotency-Key: a retry of the same request is
answered as the first time (no second list; a late batch does not undo a correction), the key
with another body is refused, a request still being answered is a 409 with Retry-After, a
refused request frees its key; on the real program store."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from data.messages import Language, render
from data.store import requests
from data.store.repository import ProgramStore
from service.app import create_app
from service.idempotency import KEY_PATTERN
from service.settings import Settings
from tests.service.support import API_KEY, AUTH, OTHER_API_KEY, TestClient

OTHER = {"X-API-Key": OTHER_API_KEY}
FIELD = "header.Idempotency-Key"


@pytest.fixture(scope="module")
def client(make_settings: Callable[..., Settings]) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(api_keys=(API_KEY, OTHER_API_KEY)))) as test_client:
        yield test_client


def body(profiles: list[dict[str, Any]], capacity: int = 10) -> dict[str, Any]:
    return {"msmes": profiles[:40], "capacity": capacity, "exploration_seed": 7}


def lists_total(client: TestClient) -> int:
    total: int = client.get("/v1/lists", headers=AUTH).json()["total"]
    return total


def send(client: TestClient, sent: dict[str, Any], key: str, headers: dict[str, str] = AUTH) -> Any:
    return client.post("/v1/lists", json=sent, headers=headers | {"Idempotency-Key": key})


def test_a_retry_gets_the_first_answer_and_issues_no_second_list(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    before = lists_total(client)
    first = send(client, body(profiles), "retry-1")
    again = send(client, body(profiles), "retry-1")

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert lists_total(client) == before + 1
    list_id = first.json()["list_id"]
    assert client.get(f"/v1/lists/{list_id}", headers=AUTH).json()["selected"] == 10

    # Asked in English, the retry still gets the first answer, in Bahasa, and says so.
    english = send(client, body(profiles), "retry-1", AUTH | {"Accept-Language": "en"})
    assert english.content == first.content
    assert first.headers["content-language"] == english.headers["content-language"] == "id"
    # A quoted key (the draft's sf-string) is the same key.
    assert send(client, body(profiles), '"retry-1"').content == first.content
    # Without the header every request issues a list, as before.
    plain = client.post("/v1/lists", json=body(profiles), headers=AUTH)
    assert plain.status_code == 201 and plain.json()["list_id"] != list_id
    assert lists_total(client) == before + 2


def test_the_key_with_another_body_is_refused_in_the_language_asked(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    assert send(client, body(profiles), "retry-2").status_code == 201
    before = lists_total(client)

    bahasa = send(client, body(profiles, capacity=5), "retry-2")
    english = send(client, body(profiles, capacity=5), "retry-2", AUTH | {"Accept-Language": "en"})

    assert bahasa.status_code == english.status_code == 422
    languages: tuple[Language, ...] = ("id", "en")
    for answer, language in zip((bahasa, english), languages, strict=True):
        refusal = answer.json()
        assert refusal["error"] == "idempotency_key_reused"
        assert refusal["message"] == render("refusal_idempotency_key_reused", {}, language)
        [problem] = refusal["problems"]
        assert (problem["field"], problem["type"]) == (FIELD, "idempotency_key_reused")
        assert problem["reason"] == render("idempotency_key_reused", {}, language)
    assert lists_total(client) == before


def test_keys_belong_to_their_api_key(client: TestClient, profiles: list[dict[str, Any]]) -> None:
    mine = send(client, body(profiles), "retry-3")
    theirs = send(client, body(profiles), "retry-3", OTHER)

    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["list_id"] != theirs.json()["list_id"]
    assert "idempotent-replayed" not in theirs.headers


def test_a_refused_request_frees_its_key_for_the_corrected_one(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    offline = [row for row in profiles if row["digital_status"] == "offline"]
    quotas = dict.fromkeys(sorted({row["province_code"] for row in offline}), 1)
    impossible = {"msmes": profiles, "capacity": len(profiles), "quotas": quotas}

    refused = send(client, impossible, "retry-4")
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["type"] == "quota_too_tight"

    corrected = send(client, body(profiles), "retry-4")
    assert corrected.status_code == 201
    assert "idempotent-replayed" not in corrected.headers


def test_a_request_still_being_answered_is_a_409_with_retry_after(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    """The first sending has claimed the key (another worker is building its list)."""
    import hashlib

    sent = json.dumps(body(profiles)).encode()
    store: ProgramStore = client.app.state.program_store  # type: ignore[attr-defined]
    claim = requests.RequestKey("api-key-1", "retry-5", hashlib.sha256(sent).hexdigest())
    assert requests.claim(store, claim) is None
    before = lists_total(client)

    busy = client.post(
        "/v1/lists",
        content=sent,
        headers=AUTH | {"Idempotency-Key": "retry-5", "Content-Type": "application/json"},
    )

    assert busy.status_code == 409
    assert busy.headers["retry-after"] == str(requests.RETRY_AFTER_SECONDS)
    assert busy.json()["error"] == "request_in_progress"
    assert busy.json()["problems"][0]["field"] == FIELD
    assert lists_total(client) == before


@pytest.mark.parametrize(
    "key", ["", "x" * 256, '"' + "x" * 256 + '"', "two words", "kunci-ä", 'a"b']
)
def test_a_key_that_is_not_one_is_a_422_naming_the_header(
    client: TestClient, profiles: list[dict[str, Any]], key: str
) -> None:
    before = lists_total(client)
    answer = client.post(
        "/v1/lists", json=body(profiles), headers=AUTH | {"Idempotency-Key": key.encode()}
    )
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["problems"]
    assert (problem["field"], problem["type"]) == (FIELD, "idempotency_key_invalid")
    assert problem["reason"] == render("idempotency_key_invalid", {"limit": 255}, "id")
    assert lists_total(client) == before


@pytest.mark.parametrize("header", ["k-1", '"k-1"', "x" * 255, "", "x" * 256, "a b", 'a"b', "ä"])
def test_the_documented_pattern_is_what_the_route_takes(header: str) -> None:
    assert (re.fullmatch(KEY_PATTERN, header) is not None) == (
        requests.parse_key(header) is not None
    )


def test_the_header_and_the_409_are_documented(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/v1/lists"]["post"]
    header = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    assert header and header[0]["in"] == "header" and not header[0]["required"]
    assert header[0]["schema"]["maxLength"] == 257  # 255, and an sf-string's quotes
    assert header[0]["schema"]["pattern"] == KEY_PATTERN
    assert operation["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorResponse"
    }


def outcome(list_id: str, msme_id: str, digitalized: bool) -> dict[str, Any]:
    return {"list_id": list_id, "msme_id": msme_id, "mentored": True, "digitalized": digitalized}


def test_a_late_retry_of_an_outcomes_batch_does_not_undo_a_correction(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = send(client, body(profiles), "retry-6").json()
    msme = issued["selected"][0]["msme_id"]
    batch = {"outcomes": [outcome(issued["list_id"], msme, digitalized=False)]}
    keyed = AUTH | {"Idempotency-Key": "batch-6", "Accept-Language": "en"}

    first = client.post("/v1/outcomes", json=batch, headers=keyed)
    correction = {"outcomes": [outcome(issued["list_id"], msme, digitalized=True)]}
    corrected = client.post("/v1/outcomes", json=correction, headers=AUTH)
    late = client.post("/v1/outcomes", json=batch, headers=keyed | {"Accept-Language": "id"})

    assert first.status_code == corrected.status_code == late.status_code == 200
    assert (first.json()["inserted"], corrected.json()["updated"]) == (1, 1)
    assert late.content == first.content
    assert late.headers["idempotent-replayed"] == "true"
    assert late.headers["content-language"] == "en"  # the first answer's words
    stored = client.get(f"/v1/lists/{issued['list_id']}/outcomes", headers=AUTH).json()
    assert [item["digitalized"] for item in stored["items"]] == [True]

    # The key with another batch is refused.
    other = client.post("/v1/outcomes", json=correction, headers=keyed)
    assert other.status_code == 422 and other.json()["error"] == "idempotency_key_reused"


def test_a_refused_outcomes_batch_frees_its_key(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = send(client, body(profiles), "retry-7").json()
    msme = issued["selected"][0]["msme_id"]
    keyed = AUTH | {"Idempotency-Key": "batch-7"}
    wrong = {"outcomes": [outcome(issued["list_id"], "NOT-ON-THE-LIST", digitalized=True)]}

    refused = client.post("/v1/outcomes", json=wrong, headers=keyed)
    assert refused.status_code == 404

    right = {"outcomes": [outcome(issued["list_id"], msme, digitalized=True)]}
    recorded = client.post("/v1/outcomes", json=right, headers=keyed)
    assert recorded.status_code == 200 and recorded.json()["inserted"] == 1
    assert "idempotent-replayed" not in recorded.headers


def test_a_request_that_fails_unexpectedly_frees_its_key(
    client: TestClient, profiles: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error no refusal words (a bug, a lost connection) answers 500 and releases the claim,
    so the same request sent again is carried out, not refused as still being answered."""

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("the list could not be built")

    monkeypatch.setattr("service.routes.lists.issue_list", broken)
    with pytest.raises(RuntimeError):  # the test client re-raises what the 500 answered
        send(client, body(profiles), "retry-8")
    monkeypatch.undo()

    again = send(client, body(profiles), "retry-8")

    assert again.status_code == 201, again.text
    assert "idempotent-replayed" not in again.headers
    assert send(client, body(profiles), "retry-8").headers["idempotent-replayed"] == "true"
