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
from tests.service.support import AUTH, TestClient, assert_the_models_reasons


def _body(client: TestClient, profiles: list[dict[str, Any]]) -> dict[str, Any]:
    """A budget beside a minimum share and a quota, and slots drawn at random (they keep part of
    the budget from the model's part: an MSME it cannot afford might fit in the money left). The
    costs vary from 100 to 250, and the budget is set just below what the same list, its draw
    included, would cost without it, so it binds on any model while 30 slots still fit."""
    msmes = [row | {"cost": 100.0 + 25.0 * (i % 7)} for i, row in enumerate(profiles[:300])]
    busiest = Counter(row["province_code"] for row in msmes).most_common(1)[0][0]
    body: dict[str, Any] = {
        "msmes": msmes,
        "capacity": 30,
        "quotas": {busiest: 2},
        "min_share": [{"column": "owner_gender", "value": "female", "share": 0.2}],
        "exploration_share": 0.2,
        "exploration_seed": 11,
    }
    unbound = client.post("/v1/prioritize", json=body, headers=AUTH)
    assert unbound.status_code == 200, unbound.text
    assert len(unbound.json()["selected"]) == 30
    cost = {row["msme_id"]: row["cost"] for row in msmes}
    spent = sum(cost[item["msme_id"]] for item in unbound.json()["selected"])
    assert spent - 150.0 >= 30 * 100.0  # cheaper MSMEs fill the 30 slots within the budget
    return body | {"budget": spent - 150.0}


def _worded_again(
    client: TestClient, body: dict[str, Any], language: Language
) -> tuple[dict[str, Any], list[Any], set[str]]:
    """The list issued with `body`, its left-out members as recorded, and the catalogue codes
    of their reasons worded again from the store: worded, they read as the API's answer."""
    headers = AUTH | {"Accept-Language": language}
    response = client.post("/v1/lists", json=body, headers=headers)
    assert response.status_code == 201, response.text
    fresh: dict[str, Any] = response.json()
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
    return fresh, left_out, set(reasons.codes.tolist())


@pytest.mark.parametrize("language", ["id", "en"])
def test_reasons_worded_from_the_store_read_as_the_apis_answer(
    client: TestClient, profiles: list[dict[str, Any]], language: Language
) -> None:
    headers = AUTH | {"Accept-Language": language}
    body = _body(client, profiles)
    fresh, left_out, codes = _worded_again(client, body, language)

    assert {"over_budget_with_constraints", "province_quota_full"} <= codes, codes
    # The model picked most slots: the pool's others, with the draw's chance, are told why the
    # model passed them by, against its last pick; none is told it was not drawn.
    draw = fresh["exploration"]
    assert draw["drawn"] == draw["slots"] == 6
    pool = [m for m in left_out if m.selection_probability == draw["probability"]]
    assert len(pool) == draw["pool"] - draw["drawn"] > 0
    assert {m.selection_probability for m in left_out} <= {draw["probability"], 0.0}
    cutoff = min(e["expected_gain"] for e in fresh["selected"] if e["selected_by"] == "model")
    assert_the_models_reasons(((m.reason_code, m.uplift) for m in pool), cutoff)
    assert "not_drawn" not in codes

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

    # Every slot drawn (no minimum share: the model part would need slots for it): the pool's
    # others are left off as not drawn, worded from the store with how many of it were drawn.
    every = {k: v for k, v in body.items() if k != "min_share"} | {"exploration_share": 1.0}
    fresh, left_out, codes = _worded_again(client, every, language)

    assert "not_drawn" in codes, codes
    draw = fresh["exploration"]
    not_drawn = [m for m in left_out if m.reason_code == "not_drawn"]
    assert len(not_drawn) == draw["pool"] - draw["drawn"] > 0
    assert {m.selection_probability for m in not_drawn} == {draw["probability"]}
