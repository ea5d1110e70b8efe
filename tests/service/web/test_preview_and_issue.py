"""The page's preview and issue: `POST /v1/prioritize/upload` builds the list and records
nothing; `POST /v1/lists/upload` with the same file and options plus the preview's seed records
that very list (the page's "Issue this list")."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from tests.service.support import AUTH, TestClient

FILENAME = "kandidat_pratinjau.csv"


def _send(client: TestClient, path: str, content: bytes, options: dict[str, Any]) -> Any:
    response = client.post(
        path,
        files={"file": (FILENAME, content)},
        data={"options": json.dumps(options), "repeat": "true"},
        headers=AUTH,
    )
    assert response.status_code == 200, response.text
    return response.json()


def _recorded(client: TestClient) -> list[str]:
    page = client.get("/v1/lists", params={"page_size": 1000}, headers=AUTH)
    assert page.status_code == 200, page.text
    return [item["list_id"] for item in page.json()["items"]]


def _picks(answer: dict[str, Any]) -> list[tuple[str, int, str | None]]:
    return [(row["msme_id"], row["rank"], row["selected_by"]) for row in answer["selected"]]


def _busiest_province(frame: pd.DataFrame) -> str:
    return str(frame["province_code"].value_counts().index[0])


def test_a_preview_records_nothing(client: TestClient, candidates_csv: bytes) -> None:
    before = _recorded(client)
    preview = _send(
        client,
        "/v1/prioritize/upload",
        candidates_csv,
        {"capacity": 20, "exploration_share": 0.1},
    )
    assert preview["list_id"] is None and preview["issued_at"] is None
    assert sum(row["selected_by"] == "exploration" for row in preview["selected"]) == 2
    assert isinstance(preview["exploration"]["seed"], int)
    assert _recorded(client) == before


@pytest.mark.parametrize("constrained", [False, True], ids=["capacity", "quota-and-share"])
def test_issuing_with_the_previews_seed_records_the_list_previewed(
    client: TestClient, candidates_csv: bytes, candidate_frame: pd.DataFrame, constrained: bool
) -> None:
    options: dict[str, Any] = {"capacity": 30, "exploration_share": 0.2}
    if constrained:
        options |= {
            "quotas": {_busiest_province(candidate_frame): 3},
            "min_share": [{"column": "owner_gender", "value": "female", "share": 0.5}],
        }
    before = _recorded(client)
    preview = _send(client, "/v1/prioritize/upload", candidates_csv, options)
    seed = preview["exploration"]["seed"]
    assert sum(row["selected_by"] == "exploration" for row in preview["selected"]) == 6

    issued = _send(client, "/v1/lists/upload", candidates_csv, options | {"exploration_seed": seed})

    assert issued["list_id"] is not None
    assert _picks(issued) == _picks(preview)  # the same MSMEs, ranks and how each was picked
    assert [row["selection_probability"] for row in issued["selected"]] == pytest.approx(
        [row["selection_probability"] for row in preview["selected"]]
    )
    assert issued["total_expected_gain"] == pytest.approx(preview["total_expected_gain"])
    assert issued["options"]["exploration_seed"] == seed
    assert _recorded(client) == [issued["list_id"], *before]  # one list, the one issued
    # As recorded: read back from the store, the list is still the one previewed.
    view = client.get(f"/v1/lists/{issued['list_id']}/view", headers=AUTH).json()
    assert _picks(view) == _picks(preview)


def test_without_the_seed_the_draw_is_a_new_one(client: TestClient, candidates_csv: bytes) -> None:
    """Why the page sends the seed: the same file and options alone draw again (seeds are drawn
    from 2^53 values, so two draws agreeing would be a broken draw)."""
    options = {"capacity": 30, "exploration_share": 0.2}
    first = _send(client, "/v1/prioritize/upload", candidates_csv, options)
    second = _send(client, "/v1/prioritize/upload", candidates_csv, options)
    assert first["exploration"]["seed"] != second["exploration"]["seed"]
