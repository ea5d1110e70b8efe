"""A list recorded by `POST /v1/lists` keeps what its left-out MSMEs' reasons name: the list's
figures and each reason's catalogue code. Worded again from the store (`recorded_reasons`), they
read as the API's answer did, in either language, variants included (the budget together with
the other constraints); the page's view of that list words them with the figures too."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from data.messages import Language, render
from service.program import recorded_reasons
from service.web.lists import reason_generic
from tests.service.support import AUTH, TestClient


def _body(profiles: list[dict[str, Any]]) -> dict[str, Any]:
    """A budget beside a minimum share and a quota, and slots drawn at random (they keep part of
    the budget from the model's part: an MSME it cannot afford might fit in the money left)."""
    msmes = [
        row | {"cost": 100.0 if row["area_type"] == "urban" else 250.0} for row in profiles[:300]
    ]
    busiest = Counter(row["province_code"] for row in msmes).most_common(1)[0][0]
    return {
        "msmes": msmes,
        "capacity": 30,
        "budget": 3500.0,
        "quotas": {busiest: 2},
        "min_share": [{"column": "owner_gender", "value": "female", "share": 0.5}],
        "exploration_share": 0.2,
        "exploration_seed": 11,
    }


@pytest.mark.parametrize("language", ["id", "en"])
def test_reasons_worded_from_the_store_read_as_the_apis_answer(
    client: TestClient, profiles: list[dict[str, Any]], language: Language
) -> None:
    headers = AUTH | {"Accept-Language": language}
    response = client.post("/v1/lists", json=_body(profiles), headers=headers)
    assert response.status_code == 201, response.text
    fresh = response.json()
    store = client.app.state.program_store  # type: ignore[attr-defined]
    issued = store.get_list(fresh["list_id"])
    by_id = {member.msme_id: member for member in issued.members}
    left_out = [by_id[item["msme_id"]] for item in fresh["not_selected"]]

    reasons = recorded_reasons(issued, left_out)

    assert reasons is not None
    worded = [
        render(*reasons.message(code, member.uplift, member.profile["province_code"]), language)
        for code, member in zip(reasons.codes.tolist(), left_out, strict=True)
    ]
    assert worded == [item["reason"] for item in fresh["not_selected"]]
    codes = set(reasons.codes.tolist())
    assert {"over_budget_with_constraints", "province_quota_full", "not_drawn"} <= codes, codes

    view = client.get(f"/v1/lists/{fresh['list_id']}/view", headers=headers)
    assert view.status_code == 200, view.text
    reopened = view.json()
    assert [item["msme_id"] for item in reopened["not_selected"]] == [
        item["msme_id"] for item in fresh["not_selected"]
    ]
    below = [i for i in reopened["not_selected"] if i["reason_code"] == "below_rank_cutoff"]
    assert below
    assert all(i["reason"] != reason_generic("below_rank_cutoff", language) for i in below)
    assert {item["row"] for item in reopened["selected"]} == {0}  # no file, no rows
