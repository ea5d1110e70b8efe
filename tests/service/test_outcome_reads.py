"""GET /v1/lists/{list_id}/outcomes: the outcomes posted to POST /v1/outcomes read back, every
field as recorded, paged by MSME id, for one MSME, with the versions a change replaced; on the
real model and program store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from service.app import create_app
from service.settings import Settings
from tests.service.support import API_KEY, AUTH, TestClient, day

READ_KEY = "reporting-key-0123456789"
WRITE_ONLY_KEY = "dinas-outcomes-only-key-0123456789"
READER = {"X-API-Key": READ_KEY}
WRITER = {"X-API-Key": WRITE_ONLY_KEY}
KEYS = (API_KEY, f"reporting:read:{READ_KEY}", f"dinas-jabar:outcomes:{WRITE_ONLY_KEY}")
UNKNOWN_LIST = "00000000-0000-4000-8000-000000000000"
# What an outcome was recorded with, besides its ids.
FIELDS = ("mentored", "digitalized", "mentored_on", "observed_on", "verified_by", "program")


@pytest.fixture(scope="module")
def client(make_settings: Callable[..., Settings]) -> Iterator[TestClient]:
    """The app with a bare key, a read-only key and a key that may only record outcomes."""
    with TestClient(create_app(make_settings(api_keys=KEYS))) as test_client:
        yield test_client


def issue(client: TestClient, profiles: list[dict[str, Any]], n: int = 20) -> dict[str, Any]:
    body = {"msmes": profiles[:n], "capacity": 5, "exploration_seed": 7}
    response = client.post("/v1/lists", json=body, headers=AUTH)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def candidates(issued: dict[str, Any]) -> list[str]:
    """Every MSME of an issued list: the selected ones, then the others."""
    return [e["msme_id"] for e in issued["selected"] + issued["not_selected"]]


def outcome(list_id: str, msme_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "list_id": list_id,
        "msme_id": msme_id,
        "mentored": False,
        "digitalized": False,
        "mentored_on": None,
        "observed_on": day(),
        "verified_by": "field_visit",
        "program": None,
    } | fields


def post(client: TestClient, batch: list[dict[str, Any]], headers: dict[str, str]) -> None:
    response = client.post("/v1/outcomes", json={"outcomes": batch}, headers=headers)
    assert response.status_code == 200, response.text


def read(client: TestClient, list_id: str, headers: dict[str, str] = READER, **query: Any) -> Any:
    response = client.get(f"/v1/lists/{list_id}/outcomes", params=query, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_posted_outcomes_read_back_with_every_field_and_who_recorded_them(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = issue(client, profiles)
    list_id = issued["list_id"]
    first, second, third = issued["selected"][:3]
    sent = [
        outcome(
            list_id,
            first["msme_id"],
            mentored=True,
            digitalized=True,
            mentored_on=day(-1),
            observed_on=day(1),
            program="Pendampingan UMKM Go Digital 2025",
        ),
        outcome(list_id, second["msme_id"], mentored="ya", verified_by=None, observed_on=None),
        outcome(list_id, third["msme_id"], digitalized=True, verified_by="marketplace"),
    ]
    before = dt.datetime.now(dt.UTC)
    post(client, sent, WRITER)
    after = dt.datetime.now(dt.UTC)

    page = read(client, list_id)

    assert (page["list_id"], page["total"], page["page"], page["page_size"]) == (list_id, 3, 1, 50)
    by_id = {item["msme_id"]: item for item in page["items"]}
    assert [item["msme_id"] for item in page["items"]] == sorted(by_id)
    for posted in sent:
        item = by_id[posted["msme_id"]]
        expected = {name: posted[name] for name in FIELDS}
        assert {name: item[name] for name in FIELDS} == expected | {
            "mentored": posted["mentored"] in (True, "ya")  # a file's spelling, read as true
        }
        assert item["recorded_by"] == "dinas-jabar"  # the key's name, never the key
        assert before <= dt.datetime.fromisoformat(item["recorded_at"]) <= after
        assert item["history"] is None  # not asked for
    assert WRITE_ONLY_KEY not in str(page)


def test_outcomes_are_paged_in_msme_id_order_with_the_total_on_every_page(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = issue(client, profiles)
    list_id = issued["list_id"]
    recorded = candidates(issued)[:7]
    post(client, [outcome(list_id, msme_id) for msme_id in reversed(recorded)], AUTH)

    pages = [read(client, list_id, page=number, page_size=3) for number in (1, 2, 3, 4)]

    assert [len(page["items"]) for page in pages] == [3, 3, 1, 0]
    assert {page["total"] for page in pages} == {7}
    assert [(page["page"], page["page_size"]) for page in pages] == [(n, 3) for n in (1, 2, 3, 4)]
    read_ids = [item["msme_id"] for page in pages for item in page["items"]]
    assert read_ids == sorted(recorded)
    everything = read(client, list_id, page_size=1_000)
    assert [item["msme_id"] for item in everything["items"]] == sorted(recorded)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 1_001}, "page_size"),
        ({"page": 0}, "page"),
        ({"history": "maybe"}, "history"),
        ({"msme_id": ""}, "msme_id"),
    ],
)
def test_a_wrong_query_is_refused_by_field(
    client: TestClient, query: dict[str, Any], field: str
) -> None:
    response = client.get(f"/v1/lists/{UNKNOWN_LIST}/outcomes", params=query, headers=READER)
    assert response.status_code == 422
    answer = response.json()
    assert answer["error"] == "invalid_request"
    assert [problem["field"] for problem in answer["problems"]] == [f"query.{field}"]


def test_one_msme_s_outcome_and_none_for_an_msme_without_one(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = issue(client, profiles)
    list_id = issued["list_id"]
    with_outcome, other, without_outcome = candidates(issued)[:3]
    post(client, [outcome(list_id, with_outcome), outcome(list_id, other)], AUTH)

    one = read(client, list_id, msme_id=with_outcome)
    assert [item["msme_id"] for item in one["items"]] == [with_outcome]
    assert one["total"] == 1

    for msme_id in (without_outcome, "UMKM-NOT-ON-THIS-LIST"):
        none = read(client, list_id, msme_id=msme_id)
        assert (none["items"], none["total"]) == ([], 0)


def test_a_changed_outcome_gives_the_versions_it_replaced_oldest_first(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = issue(client, profiles)
    list_id = issued["list_id"]
    changed, unchanged = candidates(issued)[:2]
    first = outcome(list_id, changed, mentored=True, mentored_on=day(-1))
    second = first | {"digitalized": True, "verified_by": "phone_call"}
    third = second | {"verified_by": "marketplace", "program": "Go Digital"}
    post(client, [first, outcome(list_id, unchanged)], AUTH)
    post(client, [second], WRITER)
    post(client, [third, outcome(list_id, unchanged)], AUTH)  # the other one repeated: no change

    page = read(client, list_id, history="true")

    by_id = {item["msme_id"]: item for item in page["items"]}
    current = by_id[changed]
    assert {name: current[name] for name in FIELDS} == {name: third[name] for name in FIELDS}
    assert current["recorded_by"] == "api-key-1"
    earlier = current["history"]
    assert [{name: version[name] for name in FIELDS} for version in earlier] == [
        {name: sent[name] for name in FIELDS} for sent in (first, second)
    ]
    assert [version["recorded_by"] for version in earlier] == ["api-key-1", "dinas-jabar"]
    # Each version was replaced when the next was recorded.
    assert earlier[0]["replaced_at"] == earlier[1]["recorded_at"]
    assert earlier[1]["replaced_at"] == current["recorded_at"]
    assert earlier[0]["recorded_at"] < earlier[1]["recorded_at"] < current["recorded_at"]
    assert by_id[unchanged]["history"] == []

    alone = read(client, list_id, msme_id=changed, history="true")
    assert alone["items"] == [current]
    assert all(item["history"] is None for item in read(client, list_id)["items"])


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("id", "Tidak ada daftar pendampingan dengan id {}."),
        ("en", "No mentoring list has id {}."),
    ],
)
def test_an_unknown_list_is_a_404_in_the_language_asked(
    client: TestClient, language: str, message: str
) -> None:
    headers = READER | {"Accept-Language": language}
    for query in ({}, {"msme_id": "UMKM-3201-000123", "history": "true"}):
        response = client.get(f"/v1/lists/{UNKNOWN_LIST}/outcomes", params=query, headers=headers)
        assert response.status_code == 404
        answer = response.json()
        assert (answer["error"], answer["message"]) == (
            "list_not_found",
            message.format(UNKNOWN_LIST),
        )
        assert [problem["type"] for problem in answer["problems"]] == ["list_not_found"]
        assert response.headers["content-language"] == language
    # Worded as GET /v1/lists/{list_id} words it.
    same = client.get(f"/v1/lists/{UNKNOWN_LIST}", headers=headers).json()
    assert same == answer


def test_reading_outcomes_needs_the_read_scope(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    issued = issue(client, profiles, n=12)
    list_id = issued["list_id"]
    post(client, [outcome(list_id, issued["selected"][0]["msme_id"])], WRITER)

    refused = client.get(f"/v1/lists/{list_id}/outcomes", headers=WRITER)

    assert refused.status_code == 403
    answer = refused.json()
    assert answer["error"] == "missing_scope"
    assert answer["problems"] == [
        {"field": None, "type": "missing_scope", "reason": "needs scope read"}
    ]
    for headers in ({}, {"X-API-Key": "wrong-key-0123456789"}):
        path = f"/v1/lists/{list_id}/outcomes"
        assert client.get(path, headers=headers).status_code == 401
    assert read(client, list_id, headers=AUTH)["total"] == 1  # a bare key holds read


def test_the_route_is_documented_with_its_refusals(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/v1/lists/{list_id}/outcomes"]["get"]
    assert set(operation["responses"]) == {"200", "401", "403", "404", "422", "503"}
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/RecordedOutcomesPage"}
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"list_id", "page", "page_size", "msme_id", "history"} <= names
    assert operation["summary"] and operation["description"]
