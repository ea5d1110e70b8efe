"""Drift of what the service scores: PSI gauges in /metrics and the drift block of /v1/model."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from service.app import create_app
from service.settings import Settings
from tests.service.support import AUTH, TestClient


def _gauge(text: str, name: str, feature: str | None = None) -> float:
    labels = f'{{feature="{feature}"}}' if feature is not None else ""
    match = re.search(rf"^{name}{re.escape(labels)} (\S+)$", text, flags=re.MULTILINE)
    assert match is not None, f"{name}{labels} not in /metrics"
    return float(match.group(1))


def _shifted(profiles: list[dict[str, Any]], count: int = 600) -> list[dict[str, Any]]:
    """Offline candidates made richer, older and without smartphones."""
    offline = [p for p in profiles if p.get("digital_status") != "digital"][:count]
    return [
        p
        | {
            # within the contract's maximum of 1e10
            "monthly_revenue_idr": min((p["monthly_revenue_idr"] or 1e6) * 20, 9e9),
            "owner_age": 95,
            "has_smartphone": False,
        }
        for p in offline
    ]


def test_a_shifted_population_shows_in_metrics_and_the_model_info(
    make_settings: Callable[..., Settings], profiles: list[dict[str, Any]]
) -> None:
    shifted = _shifted(profiles)
    with TestClient(create_app(make_settings())) as client:
        before = client.get("/v1/model", headers=AUTH).json()["drift"]
        assert before["status"] == "collecting" and before["rows_seen"] == 0
        assert before["major_threshold"] == 0.25 and before["moderate_threshold"] == 0.1

        response = client.post("/v1/scores", json={"msmes": shifted}, headers=AUTH)
        assert response.status_code == 200, response.text

        text = client.get("/metrics").text
        assert _gauge(text, "umkm_feature_psi", "monthly_revenue_idr") > 0.25
        assert _gauge(text, "umkm_feature_psi", "owner_age") > 0.25
        assert _gauge(text, "umkm_feature_psi", "sector") < 0.1  # not shifted
        assert _gauge(text, "umkm_score_psi") > 0
        assert _gauge(text, "umkm_drift_rows") == len(shifted)

        drift = client.get("/v1/model", headers=AUTH).json()["drift"]
        assert drift["rows_seen"] == len(shifted)
        assert drift["status"] == "major"
        assert drift["feature_psi"]["monthly_revenue_idr"] > 0.25


def test_the_training_population_itself_shows_no_major_shift(
    make_settings: Callable[..., Settings], profiles: list[dict[str, Any]]
) -> None:
    offline = [p for p in profiles if p.get("digital_status") != "digital"][:600]
    with TestClient(create_app(make_settings())) as client:
        assert client.post("/v1/scores", json={"msmes": offline}, headers=AUTH).status_code == 200
        drift = client.get("/v1/model", headers=AUTH).json()["drift"]
    assert drift["rows_seen"] == len(offline)
    assert max(drift["feature_psi"].values()) < 0.25
    assert drift["status"] in ("stable", "moderate")


def test_prioritizing_and_issuing_lists_count_for_drift_too(
    make_settings: Callable[..., Settings], profiles: list[dict[str, Any]]
) -> None:
    shifted = _shifted(profiles, 300)
    digital = [p for p in profiles if p.get("digital_status") == "digital"][:5]
    with TestClient(create_app(make_settings())) as client:
        body = {"msmes": shifted[:200] + digital, "capacity": 10}
        assert client.post("/v1/prioritize", json=body, headers=AUTH).status_code == 200
        text = client.get("/metrics").text
        assert _gauge(text, "umkm_drift_rows") == 200  # the already digital are not scored
        assert _gauge(text, "umkm_feature_psi", "owner_age") > 0.25
        assert _gauge(text, "umkm_feature_psi", "monthly_revenue_idr") > 0.25

        body = {"msmes": shifted[200:], "capacity": 10, "exploration_share": 0.2}
        assert client.post("/v1/lists", json=body, headers=AUTH).status_code == 201
        drift = client.get("/v1/model", headers=AUTH).json()["drift"]
    assert drift["rows_seen"] == len(shifted)
    assert drift["status"] == "major"


def test_a_list_made_on_the_page_counts_for_drift_too(
    make_settings: Callable[..., Settings], profiles: list[dict[str, Any]]
) -> None:
    import json

    import pandas as pd

    shifted = _shifted(profiles, 300)
    content = pd.DataFrame(shifted).to_csv(index=False).encode()
    with TestClient(create_app(make_settings())) as client:
        response = client.post(
            "/v1/prioritize/upload",
            files={"file": ("kandidat.csv", content)},
            data={"options": json.dumps({"capacity": 10})},
            headers=AUTH,
        )
        assert response.status_code == 200, response.text
        drift = client.get("/v1/model", headers=AUTH).json()["drift"]
    assert drift["rows_seen"] == len(shifted)
    assert drift["feature_psi"]["owner_age"] > 0.25


def test_a_few_rows_give_no_psi_gauges_while_collecting(
    make_settings: Callable[..., Settings], profiles: list[dict[str, Any]]
) -> None:
    """Three shifted MSMEs after a start: the PSI of so few rows is noise (far above the major
    threshold), so the gauges stay empty and NaN until the status is called."""
    few = _shifted(profiles, count=3)
    with TestClient(create_app(make_settings())) as client:
        assert client.post("/v1/scores", json={"msmes": few}, headers=AUTH).status_code == 200
        text = client.get("/metrics").text
        drift = client.get("/v1/model", headers=AUTH).json()["drift"]
    assert drift["status"] == "collecting" and drift["rows_seen"] == 3
    assert math.isnan(_gauge(text, "umkm_score_psi"))
    assert not re.search(r"^umkm_feature_psi\{", text, flags=re.MULTILINE)
    assert _gauge(text, "umkm_drift_rows") == 3
