"""Body size limits per route: 413 from the declared length and from streamed bytes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from data.contract import EDUCATION_LEVELS, SECTORS
from service.app import create_app
from service.limits import RouteLimit, too_large_message
from service.settings import (
    MAX_OUTCOMES,
    MAX_PRIORITIZE_MSMES,
    MAX_SCORE_MSMES,
    OUTCOME_BYTES,
    Settings,
    limit_for,
)
from tests.service.support import AUTH, TestClient

LIMIT = 4096


def _big_body(profiles: list[dict[str, Any]]) -> bytes:
    return json.dumps({"msmes": profiles[:40]}).encode()


def test_a_declared_length_over_the_limit_is_refused_before_reading(
    make_settings: Callable[..., Settings], profiles: list[dict[str, Any]]
) -> None:
    with TestClient(create_app(make_settings(max_body_bytes_scores=LIMIT))) as small:
        body = _big_body(profiles)
        assert len(body) > LIMIT
        response = small.post(
            "/v1/scores",
            content=body,
            headers=AUTH | {"Content-Type": "application/json", "Accept-Language": "en"},
        )
        metrics = small.get("/metrics").text
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"
    assert f"{LIMIT:,} bytes" in response.json()["message"]
    assert 'route="/v1/scores",status="413"' in metrics.replace('method="POST",', "")


def test_a_streamed_body_is_counted_too(
    make_settings: Callable[..., Settings], profiles: list[dict[str, Any]]
) -> None:
    body = _big_body(profiles)

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
        for start in range(0, len(body), 1000):
            yield body[start : start + 1000]

    with TestClient(create_app(make_settings(max_body_bytes_scores=LIMIT))) as small:
        response = small.post(
            "/v1/scores",
            content=chunks(),
            headers=AUTH | {"Content-Type": "application/json", "Accept-Language": "en"},
        )
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"
    assert response.json()["message"] == too_large_message(RouteLimit(LIMIT, "scores"), "en")
    assert response.headers["content-language"] == "en"


def test_an_outcomes_batch_over_the_limit_is_told_to_send_fewer_outcomes(
    client: TestClient,
) -> None:
    limit = limit_for(MAX_OUTCOMES, OUTCOME_BYTES)
    body = b"x" * (limit + 1)
    answers = {
        language: client.post(
            "/v1/outcomes",
            content=body,
            headers=AUTH | {"Content-Type": "application/json", "Accept-Language": language},
        )
        for language in ("en", "id")
    }
    assert {answer.status_code for answer in answers.values()} == {413}
    english, bahasa = (answers[language].json()["message"] for language in ("en", "id"))
    assert limit == 10_305_536
    assert "limit of 10,305,536 bytes (10.3 MB)" in english
    assert "send fewer outcomes per batch (at most 10,000)" in english
    assert "MSMEs" not in english and "umkm prioritize" not in english
    assert "melebihi batas rute ini, 10.305.536 byte (10,3 MB)" in bahasa
    assert "kirim lebih sedikit hasil per kiriman (paling banyak 10.000)" in bahasa
    assert "UMKM" not in bahasa
    assert answers["id"].headers["content-language"] == "id"
    assert "accept-language" in answers["id"].headers["vary"].lower()


def test_each_route_says_what_to_send_instead(
    make_settings: Callable[..., Settings], profiles: list[dict[str, Any]]
) -> None:
    settings = make_settings(max_body_bytes_prioritize=LIMIT, max_body_bytes_scores=LIMIT)
    body = json.dumps({"msmes": profiles[:40], "capacity": 5}).encode()
    headers = AUTH | {"Accept-Language": "en"}
    with TestClient(create_app(settings)) as small:
        listed = small.post(
            "/v1/lists", content=body, headers=headers | {"Content-Type": "application/json"}
        )
        scored = small.post(
            "/v1/scores", content=body, headers=headers | {"Content-Type": "application/json"}
        )
        uploaded = small.post(
            "/v1/prioritize/upload",
            files={"file": ("kandidat.csv", body)},
            data={"options": "{}"},
            headers=headers,
        )
        exported = small.post(
            "/v1/lists/export", content=body, headers=headers | {"Content-Type": "application/json"}
        )
    assert {a.status_code for a in (listed, scored, uploaded, exported)} == {413}
    assert "send fewer MSMEs per request (or use `umkm prioritize`" in listed.json()["message"]
    assert "send fewer MSMEs per request (split the list" in scored.json()["message"]
    assert "`umkm score`" in scored.json()["message"]
    assert uploaded.json()["message"].startswith(
        "The upload is larger than this route's limit of 4,096 bytes (0.004 MB); send a smaller "
        "file"
    )
    assert exported.json()["message"].endswith("send a smaller body.")


def test_limits_are_per_route(
    make_settings: Callable[..., Settings], profiles: list[dict[str, Any]]
) -> None:
    settings = make_settings(max_body_bytes_scores=LIMIT)
    body = {"msmes": profiles[:40], "capacity": 5}
    with TestClient(create_app(settings)) as small:
        assert small.post("/v1/prioritize", json=body, headers=AUTH).status_code == 200


def _largest_profile(index: int) -> dict[str, Any]:
    """A valid profile with the longest values the contract allows (ids at the maximum)."""
    return {
        "msme_id": f"{index:064d}",
        "province_code": "96",
        "area_type": "urban",
        "sector": max(SECTORS, key=len),
        "business_age_years": 123.456789012345,
        "workers": 99999,
        "monthly_revenue_idr": 123456789012.34567,
        "owner_age": 100,
        "owner_gender": "female",
        "owner_education": max(EDUCATION_LEVELS, key=len),
        "has_smartphone": False,
        "has_bank_account": False,
        "has_business_id": False,
        "prior_digital_training": False,
        "internet_access": "weak",
        "digital_status": "offline",
    }


def test_default_limits_fit_the_documented_maximums_with_little_room() -> None:
    settings = Settings(_env_file=None)
    one = len(json.dumps(_largest_profile(1), separators=(",", ":")))
    one_indented = len(json.dumps(_largest_profile(1), indent=2))
    one_cost = len(json.dumps(_largest_profile(1) | {"cost": 123456789.123}, indent=2))
    assert MAX_SCORE_MSMES * one_indented < settings.body_limit_scores
    assert MAX_PRIORITIZE_MSMES * one_cost < settings.body_limit_prioritize
    # "just above": not more than twice a compact maximum request
    assert settings.body_limit_scores < 2 * MAX_SCORE_MSMES * one
    assert settings.body_limit_prioritize < 2 * MAX_PRIORITIZE_MSMES * one
