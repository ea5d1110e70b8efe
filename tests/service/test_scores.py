"""POST /v1/scores against the session's real registered model."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from data.segments import SEGMENTS
from models.pyfunc import load_uplift_model
from models.scoring import score_frame
from tests.service.support import AUTH, TestClient


def test_scores_come_back_in_input_order_with_every_field(
    client: TestClient, profiles: list[dict[str, Any]], registered_model: Any
) -> None:
    batch = profiles[:25][::-1]  # reversed: order must follow the request, not the file
    response = client.post("/v1/scores", json={"msmes": batch}, headers=AUTH)

    assert response.status_code == 200
    body = response.json()
    assert body["model"] == {
        "name": registered_model.name,
        "version": str(registered_model.version),
    }
    assert [row["msme_id"] for row in body["scores"]] == [row["msme_id"] for row in batch]
    for row in body["scores"]:
        assert set(row) == {
            "msme_id",
            "p_digital_if_mentored",
            "p_digital_if_not",
            "uplift",
            "segment",
            "reasons",
        }
        if row["segment"] == "stimulus_group":
            continue
        assert row["segment"] in SEGMENTS
        assert 0 <= row["p_digital_if_not"] <= 1 and 0 <= row["p_digital_if_mentored"] <= 1
        assert row["uplift"] == pytest.approx(
            row["p_digital_if_mentored"] - row["p_digital_if_not"]
        )
        assert 1 <= len(row["reasons"]) <= 3


def test_api_scores_equal_the_models_own_scoring(
    client: TestClient,
    candidate_frame: pd.DataFrame,
    profiles: list[dict[str, Any]],
    registered_model: Any,
) -> None:
    """The same rows through the API and through `models.scoring.score_frame` (what `umkm score`
    runs) give the same numbers and segments."""
    count = 200
    response = client.post("/v1/scores", json={"msmes": profiles[:count]}, headers=AUTH)
    api = pd.DataFrame(response.json()["scores"])

    model = load_uplift_model(registered_model.model_uri)
    direct = score_frame(model, candidate_frame.head(count))
    for column in ("p_digital_if_mentored", "p_digital_if_not", "uplift"):
        expected = direct[column].to_numpy(dtype=float)
        got = api[column].to_numpy(dtype=float)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12, equal_nan=True)
    assert api["segment"].tolist() == direct["segment"].tolist()


def test_api_scores_equal_umkm_score_on_the_same_rows(
    client: TestClient,
    candidate_frame: pd.DataFrame,
    profiles: list[dict[str, Any]],
    registered_model: Any,
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from umkm.cli import app

    count = 150
    data, output = tmp_path / "profiles.parquet", tmp_path / "scores.parquet"
    candidate_frame.head(count).to_parquet(data)
    run = CliRunner().invoke(
        app,
        [
            "score",
            "--data",
            str(data),
            "--output",
            str(output),
            "--model",
            registered_model.model_uri,
        ],
    )
    assert run.exit_code == 0, run.output
    cli = pd.read_parquet(output)

    api = pd.DataFrame(
        client.post("/v1/scores", json={"msmes": profiles[:count]}, headers=AUTH).json()["scores"]
    )
    assert cli["msme_id"].tolist() == api["msme_id"].tolist()
    # The API takes the probabilities from the sums of the TreeSHAP contributions it computes
    # for the reasons, `umkm score` from LightGBM's predictions: equal up to rounding.
    for column in ("p_digital_if_mentored", "p_digital_if_not", "uplift"):
        np.testing.assert_allclose(
            api[column].to_numpy(dtype=float),
            cli[column].to_numpy(dtype=float),
            rtol=1e-9,
            atol=1e-12,
            equal_nan=True,
        )
    assert api["segment"].tolist() == cli["segment"].tolist()


def test_already_digital_msmes_are_the_stimulus_group_without_numbers(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    digital = profiles[0] | {"msme_id": "DIGITAL-1", "digital_status": "digital"}
    response = client.post("/v1/scores", json={"msmes": [digital, profiles[1]]}, headers=AUTH)

    first, second = response.json()["scores"]
    assert first["segment"] == "stimulus_group"
    assert first["uplift"] is None and first["p_digital_if_mentored"] is None
    assert first["reasons"] == []
    assert second["segment"] in SEGMENTS


def test_reasons_are_bahasa_indonesia_by_default_and_english_on_request(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    body = {"msmes": profiles[:5]}
    default = client.post("/v1/scores", json=body, headers=AUTH)
    english = client.post("/v1/scores", json=body, headers=AUTH | {"Accept-Language": "en-GB"})

    assert default.json()["language"] == "id" and default.headers["content-language"] == "id"
    assert english.json()["language"] == "en" and english.headers["content-language"] == "en"
    for row_id, row_en in zip(default.json()["scores"], english.json()["scores"], strict=True):
        assert [r["feature"] for r in row_id["reasons"]] == [
            r["feature"] for r in row_en["reasons"]
        ]
        for reason_id, reason_en in zip(row_id["reasons"], row_en["reasons"], strict=True):
            # Against the average MSME (TreeSHAP's base): the phrase says which side of it.
            side_id = "di atas" if reason_id["effect"] == "raises" else "di bawah"
            side_en = "above" if reason_en["effect"] == "raises" else "below"
            assert reason_id["text"].endswith(f"manfaat pendampingan {side_id} rata-rata")
            assert reason_en["text"].endswith(f"from mentoring {side_en} average")
            assert (reason_id["contribution"] > 0) == (reason_id["effect"] == "raises")
            assert reason_id["code"] == reason_en["code"] and reason_id["code"].startswith(
                "factor."
            )


def test_reasons_are_the_largest_contributions_first(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    response = client.post("/v1/scores", json={"msmes": profiles[:50]}, headers=AUTH)
    for row in response.json()["scores"]:
        sizes = [abs(reason["contribution"]) for reason in row["reasons"]]
        assert sizes == sorted(sizes, reverse=True)
        assert all(not math.isnan(size) for size in sizes)


def test_contract_boolean_spellings_score_like_json_booleans(
    client: TestClient, profiles: list[dict[str, Any]]
) -> None:
    plain = profiles[3]
    spelled = plain | {
        field: ("ya" if plain[field] else "Tidak")
        for field in ("has_smartphone", "has_bank_account", "has_business_id")
    }
    response = client.post("/v1/scores", json={"msmes": [plain]}, headers=AUTH)
    spelled_response = client.post("/v1/scores", json={"msmes": [spelled]}, headers=AUTH)
    assert spelled_response.status_code == 200
    assert spelled_response.json()["scores"] == response.json()["scores"]
