"""API keys: 401 without a valid X-API-Key; health, readiness, metrics and docs stay open."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from service.app import create_app
from service.auth import key_matches
from service.settings import Settings
from tests.service.support import ADMIN, AUTH, OTHER_API_KEY, TestClient


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": ""}, {"X-API-Key": "wrong-key-0123456789"}])
def test_keyed_routes_refuse_a_missing_or_wrong_key(
    client: TestClient, profiles: list[dict[str, Any]], headers: dict[str, str]
) -> None:
    for method, path, body in (
        ("POST", "/v1/scores", {"msmes": profiles[:1]}),
        ("POST", "/v1/prioritize", {"msmes": profiles[:1], "capacity": 1}),
        ("GET", "/v1/model", None),
    ):
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code == 401, (path, headers)
        assert response.json()["error"] == "unauthorized"
        assert "X-API-Key" in response.json()["message"]


def test_every_configured_key_works(client: TestClient) -> None:
    assert client.get("/v1/model", headers=AUTH).status_code == 200
    assert client.get("/v1/model", headers={"X-API-Key": OTHER_API_KEY}).status_code == 200
    assert client.get("/v1/model", headers=ADMIN).status_code == 200  # admin keys: every scope


def test_a_bad_profile_without_a_key_is_still_a_401(client: TestClient) -> None:
    response = client.post("/v1/scores", json={"msmes": [{"owner_age": 500}]})
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics", "/docs", "/openapi.json"])
def test_operations_and_docs_stay_open(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 200


def test_admin_routes_need_an_admin_key(client: TestClient) -> None:
    refused = client.post("/v1/admin/reload", headers=AUTH)  # a valid key without the scope
    assert refused.status_code == 403
    assert refused.json()["problems"][0]["reason"] == "needs scope admin"
    assert client.post("/v1/admin/reload").status_code == 401
    assert client.post("/v1/admin/reload", headers=ADMIN).status_code == 200


def test_admin_routes_are_off_without_admin_keys(make_settings: Callable[..., Settings]) -> None:
    with TestClient(create_app(make_settings(admin_keys=()))) as no_admin:
        response = no_admin.post("/v1/admin/reload", headers=ADMIN)
    assert response.status_code == 403
    assert "UMKM_ADMIN_KEYS" in response.json()["message"]


def test_without_keys_the_api_is_open_and_says_so_loudly(
    make_settings: Callable[..., Settings],
    profiles: list[dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING), TestClient(create_app(make_settings(api_keys=()))) as c:
        response = c.post("/v1/scores", json={"msmes": profiles[:1]})
    assert response.status_code == 200
    assert any("NO API KEYS CONFIGURED" in record.getMessage() for record in caplog.records)


def test_key_comparison() -> None:
    keys = (b"first-key-0123456789", b"second-key-0123456789")
    assert key_matches("second-key-0123456789", keys)
    assert not key_matches("second-key-012345678", keys)
    assert not key_matches(None, keys)
    assert not key_matches("ключ-не-ascii", keys)
