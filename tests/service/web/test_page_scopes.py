"""The page's API routes take the scope of their API equivalent: making a list (and exporting it)
needs `lists` as POST /v1/prioritize does, reading a recorded list `read`, recording outcomes
`outcomes`; a refused file's problems, a candidates file's or an outcomes file's, `lists` or
`outcomes`. A key with read+lists+outcomes (a program manager's) does it all."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest

from service.app import create_app
from service.keys import Scope
from service.settings import Settings
from tests.service.support import TestClient
from tests.service.web.conftest import csv_bytes

MANAGER_KEY = "page-manager-key-0123456789"
KEYS_BY_SCOPE: dict[Scope, str] = {
    "read": "reporting-key-0123456789",
    "lists": "planner-key-0123456789",
    "outcomes": "dinas-outcomes-key-0123456789",
}
SETTING = (
    f"page:read+lists+outcomes:{MANAGER_KEY}",
    f"reporting:read:{KEYS_BY_SCOPE['read']}",
    f"planner:lists:{KEYS_BY_SCOPE['lists']}",
    f"dinas:outcomes:{KEYS_BY_SCOPE['outcomes']}",
)
NAMES = {"read": "reporting", "lists": "planner", "outcomes": "dinas"}
# Each /v1 route of the page and the scopes that may use it (either one), those of its API
# equivalent; the first is the one a refusal names.
ROUTE_SCOPES: dict[tuple[str, str], tuple[Scope, ...]] = {
    ("POST", "/v1/prioritize/upload"): ("lists",),  # POST /v1/prioritize
    ("POST", "/v1/lists/upload"): ("lists",),  # POST /v1/lists
    ("POST", "/v1/lists/export"): ("lists",),  # the list just made, as a file
    # The problems of a file refused as a list, or as outcomes.
    ("POST", "/v1/problems/export"): ("lists", "outcomes"),
    ("GET", "/v1/lists/{list_id}/view"): ("read",),  # GET /v1/lists/{list_id}
    ("GET", "/v1/lists/{list_id}/export"): ("read",),
    ("POST", "/v1/outcomes/upload"): ("outcomes",),  # POST /v1/outcomes
}
ROUTE_IDS = [f"{method} {path}" for method, path in ROUTE_SCOPES]


@pytest.fixture(scope="module")
def client(make_settings: Callable[..., Settings]) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(api_keys=SETTING))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def candidates(candidate_frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return csv_bytes(candidate_frame.head(30), tmp_path_factory.mktemp("scopes"))


@pytest.fixture(scope="module")
def made(client: TestClient, candidates: bytes) -> dict[str, Any]:
    """A list made and recorded on the page with the program manager's key."""
    response = client.post(
        "/v1/lists/upload",
        files={"file": ("kandidat.csv", candidates)},
        data={"options": json.dumps({"capacity": 5}), "repeat": "true"},
        headers={"X-API-Key": MANAGER_KEY},
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _call(
    client: TestClient,
    route: tuple[str, str],
    key: str,
    made: dict[str, Any],
    candidates: bytes,
) -> Any:
    """The route called with `key` and a request it would carry out."""
    method, template = route
    path = template.format(list_id=made["list_id"])
    headers = {"X-API-Key": key, "Accept-Language": "en"}
    if template == "/v1/outcomes/upload":
        listed = made["selected"][0]["msme_id"]
        today = dt.datetime.now(dt.UTC).date()
        rows = f"msme_id,mentored,digitalized,observed_on\n{listed},ya,tidak,{today}\n"
        files = {"file": ("hasil.csv", rows.encode())}
        return client.post(path, files=files, data={"list_id": made["list_id"]}, headers=headers)
    if template.endswith("/upload"):
        files = {"file": ("kandidat.csv", candidates)}
        # `repeat`: the same file issued by several keys here, each time on purpose.
        data = {"options": json.dumps({"capacity": 5}), "repeat": "true"}
        return client.post(path, files=files, data=data, headers=headers)
    if template == "/v1/lists/export":
        return client.post(path, json=made, headers=headers)
    if template == "/v1/problems/export":
        problem = {"row": 2, "column": "owner_age", "reason": "too old", "fix": None}
        return client.post(path, json={"language": "en", "problems": [problem]}, headers=headers)
    return client.request(method, path, headers=headers)


def test_every_page_route_behind_a_key_is_listed_with_its_scope(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    secured = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "web page" in operation.get("tags", ()) and operation.get("security")
    }
    assert secured == set(ROUTE_SCOPES)


@pytest.mark.parametrize(("route", "scopes"), ROUTE_SCOPES.items(), ids=ROUTE_IDS)
def test_a_key_without_the_scope_is_refused_on_every_page_route(
    client: TestClient,
    made: dict[str, Any],
    candidates: bytes,
    route: tuple[str, str],
    scopes: tuple[Scope, ...],
) -> None:
    scope = scopes[0]
    for other, key in KEYS_BY_SCOPE.items():
        if other in scopes:
            continue
        response = _call(client, route, key, made, candidates)
        assert response.status_code == 403, (route, other, response.text[:200])
        answer = response.json()
        assert answer["error"] == "missing_scope"
        assert answer["problems"] == [
            {"field": None, "type": "missing_scope", "reason": f"needs scope {scope}"}
        ]
        assert NAMES[other] in answer["message"] and key not in response.text
        assert "selected" not in answer  # no list leaks out beside the refusal


@pytest.mark.parametrize(("route", "scopes"), ROUTE_SCOPES.items(), ids=ROUTE_IDS)
def test_a_key_with_the_scope_alone_is_served(
    client: TestClient,
    made: dict[str, Any],
    candidates: bytes,
    route: tuple[str, str],
    scopes: tuple[Scope, ...],
) -> None:
    for scope in scopes:
        response = _call(client, route, KEYS_BY_SCOPE[scope], made, candidates)
        assert response.status_code == 200, (route, scope, response.text[:300])


def test_the_program_managers_key_does_everything_the_page_does(
    client: TestClient, made: dict[str, Any], candidates: bytes
) -> None:
    for route in ROUTE_SCOPES:
        response = _call(client, route, MANAGER_KEY, made, candidates)
        assert response.status_code == 200, (route, response.text[:300])
    model = client.get("/v1/model", headers={"X-API-Key": MANAGER_KEY})
    lists = client.get("/v1/lists", headers={"X-API-Key": MANAGER_KEY})
    assert (model.status_code, lists.status_code) == (200, 200)
    assert made["list_id"] in {item["list_id"] for item in lists.json()["items"]}
