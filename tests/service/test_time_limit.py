"""`time_limit_seconds`: the solver's time limit, a documented and bounded field of every list
request (the solver's own message says to raise it), passed through to the solver."""

from __future__ import annotations

import json
from typing import Any

import pytest

import allocation
from allocation import AllocationRequest
from service.schemas import MAX_TIME_LIMIT_SECONDS, MIN_TIME_LIMIT_SECONDS
from tests.service.support import AUTH, TestClient


@pytest.fixture
def solver_requests(monkeypatch: pytest.MonkeyPatch) -> list[AllocationRequest]:
    """The requests the solver is given, the list still made by the real solver."""
    seen: list[AllocationRequest] = []
    real = allocation.allocate

    def spy(candidates: Any, request: AllocationRequest, *args: Any, **kwargs: Any) -> Any:
        seen.append(request)
        return real(candidates, request, *args, **kwargs)

    monkeypatch.setattr("service.scoring.allocate", spy)
    return seen


def test_the_time_limit_reaches_the_solver_on_every_list_route(
    client: TestClient,
    profiles: list[dict[str, Any]],
    solver_requests: list[AllocationRequest],
) -> None:
    options = {"capacity": 5, "quotas": {"32": 2}, "time_limit_seconds": 2.5}
    body = {"msmes": profiles[:30]} | options
    prioritized = client.post("/v1/prioritize", json=body, headers=AUTH)
    listed = client.post("/v1/lists", json=body, headers=AUTH)
    columns = list(profiles[0])
    rows = [",".join("" if p[c] is None else str(p[c]).lower() for c in columns) for p in profiles]
    uploaded = client.post(
        "/v1/prioritize/upload",
        files={"file": ("kandidat.csv", "\n".join([",".join(columns), *rows[:30]]))},
        data={"options": json.dumps(options)},
        headers=AUTH,
    )
    assert [a.status_code for a in (prioritized, listed, uploaded)] == [200, 201, 200]
    assert [request.time_limit_seconds for request in solver_requests] == [2.5, 2.5, 2.5]


def test_without_a_time_limit_the_solver_gets_ten_seconds(
    client: TestClient,
    profiles: list[dict[str, Any]],
    solver_requests: list[AllocationRequest],
) -> None:
    body = {"msmes": profiles[:10], "capacity": 3}
    assert client.post("/v1/prioritize", json=body, headers=AUTH).status_code == 200
    assert [request.time_limit_seconds for request in solver_requests] == [10.0]


@pytest.mark.parametrize(
    ("value", "kind"),
    [(0.5, "greater_than_equal"), (61, "less_than_equal"), ("5", "float_type")],
)
def test_a_time_limit_out_of_bounds_is_refused_by_field(
    client: TestClient, profiles: list[dict[str, Any]], value: Any, kind: str
) -> None:
    body = {"msmes": profiles[:3], "capacity": 1, "time_limit_seconds": value}
    answer = client.post("/v1/prioritize", json=body, headers=AUTH | {"Accept-Language": "en"})
    assert answer.status_code == 422
    (problem,) = answer.json()["problems"]
    assert (problem["field"], problem["type"]) == ("time_limit_seconds", kind)


def test_the_document_states_the_bounds(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for name in ("PrioritizeRequest", "ListRequest"):
        field = schemas[name]["properties"]["time_limit_seconds"]
        assert (field["minimum"], field["maximum"], field["default"]) == (
            MIN_TIME_LIMIT_SECONDS,
            MAX_TIME_LIMIT_SECONDS,
            10.0,
        )
        assert "solver_time_limit" in field["description"]
