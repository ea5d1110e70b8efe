"""POST /v1/prioritize: capacity, quotas, minimum shares, budget, infeasible constraints, and
every input MSME either on the list or told why not."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest

from tests.service.support import AUTH, TestClient, assert_the_models_reasons


def _prioritize(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/prioritize", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _everyone_once(result: dict[str, Any], msmes: list[dict[str, Any]]) -> None:
    listed = [row["msme_id"] for row in result["selected"]]
    listed += [row["msme_id"] for row in result["not_selected"]]
    assert sorted(listed) == sorted(row["msme_id"] for row in msmes)
    assert all(row["reason"] and row["reason_code"] for row in result["not_selected"])


@pytest.fixture(scope="module")
def pool(profiles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return profiles[:300]


def test_capacity_is_filled_exactly_by_uplift(
    client: TestClient, pool: list[dict[str, Any]]
) -> None:
    result = _prioritize(client, {"msmes": pool, "capacity": 40})

    assert result["filled"] == 40 == len(result["selected"])
    assert [row["rank"] for row in result["selected"]] == list(range(1, 41))
    gains = [row["expected_gain"] for row in result["selected"]]
    assert gains == sorted(gains, reverse=True)
    best_left = max(r["uplift"] for r in result["not_selected"] if r["uplift"] is not None)
    assert min(gains) >= best_left
    assert result["total_expected_gain"] == pytest.approx(sum(gains))
    assert result["total_expected_gain"] > result["random_expected_gain"]
    assert 0 < result["expected_success_rate"] < 1
    assert result["shortfall_note"] is None
    _everyone_once(result, pool)


def test_already_digital_msmes_are_left_out_by_default(
    client: TestClient, pool: list[dict[str, Any]]
) -> None:
    msmes = [row | {"digital_status": "digital"} for row in pool[:5]] + pool[5:60]
    result = _prioritize(client, {"msmes": msmes, "capacity": 50})

    digital_ids = {row["msme_id"] for row in msmes[:5]}
    assert not digital_ids & {row["msme_id"] for row in result["selected"]}
    reasons = {r["msme_id"]: r["reason_code"] for r in result["not_selected"]}
    assert all(reasons[msme_id] == "already_digital" for msme_id in digital_ids)
    _everyone_once(result, msmes)


def test_fewer_eligible_than_slots_fills_them_all_and_says_so(
    client: TestClient, pool: list[dict[str, Any]]
) -> None:
    msmes = pool[:12]
    offline = sum(row["digital_status"] == "offline" for row in msmes)
    result = _prioritize(client, {"msmes": msmes, "capacity": 100})

    assert result["filled"] == offline == result["eligible"]
    assert result["shortfall_note"] and str(offline) in result["shortfall_note"]
    _everyone_once(result, msmes)


def test_province_quotas_are_never_exceeded(client: TestClient, pool: list[dict[str, Any]]) -> None:
    provinces = Counter(row["province_code"] for row in pool)
    busiest, second = (code for code, _ in provinces.most_common(2))
    quotas = {busiest: 2, second: 1}
    result = _prioritize(client, {"msmes": pool, "capacity": 30, "quotas": quotas})

    chosen = Counter(row["province_code"] for row in result["selected"])
    assert result["filled"] == 30
    assert chosen[busiest] <= 2 and chosen[second] <= 1
    _everyone_once(result, pool)


def test_minimum_shares_hold(client: TestClient, pool: list[dict[str, Any]]) -> None:
    body = {
        "msmes": pool,
        "capacity": 20,
        "min_share": [
            {"column": "owner_gender", "value": "female", "share": 0.7},
            {"column": "area_type", "value": "rural", "share": 0.5},
        ],
    }
    result = _prioritize(client, body)

    by_id = {row["msme_id"]: row for row in pool}
    chosen = [by_id[row["msme_id"]] for row in result["selected"]]
    assert len(chosen) == 20
    assert sum(row["owner_gender"] == "female" for row in chosen) >= math.ceil(0.7 * 20)
    assert sum(row["area_type"] == "rural" for row in chosen) >= 10
    _everyone_once(result, pool)


def test_a_minimum_share_given_twice_is_refused_at_min_share(
    client: TestClient, pool: list[dict[str, Any]]
) -> None:
    share = {"column": "owner_gender", "value": "female", "share": 0.3}
    body = {"msmes": pool[:20], "capacity": 5, "min_share": [share, share | {"share": 0.4}]}
    refused = client.post("/v1/prioritize", json=body, headers=AUTH | {"Accept-Language": "en"})
    assert refused.status_code == 422
    [problem] = refused.json()["problems"]
    assert problem["field"] == "min_share"
    assert problem["reason"] == "min_share names the same column and value twice"


def test_island_group_shares_are_derived_from_the_province(
    client: TestClient, pool: list[dict[str, Any]]
) -> None:
    from data.reference import island_group_by_province

    islands = island_group_by_province()
    outside_java = sum(islands[row["province_code"]] != "Jawa" for row in pool)
    assert outside_java >= 10
    body = {
        "msmes": pool,
        "capacity": 10,
        "min_share": [{"column": "island_group", "value": "Sulawesi", "share": 0.2}],
    }
    if sum(islands[row["province_code"]] == "Sulawesi" for row in pool) < 2:
        pytest.skip("the simulated pool has too few MSMEs in Sulawesi")
    result = _prioritize(client, body)
    chosen = [row["province_code"] for row in result["selected"]]
    assert sum(islands[code] == "Sulawesi" for code in chosen) >= 2


def test_budget_bounds_the_total_cost(client: TestClient, pool: list[dict[str, Any]]) -> None:
    msmes = [row | {"cost": 100.0 if row["area_type"] == "urban" else 250.0} for row in pool]
    result = _prioritize(client, {"msmes": msmes, "capacity": 30, "budget": 3000.0})

    total = sum(row["cost"] for row in result["selected"])
    assert total <= 3000.0
    assert result["total_cost"] == pytest.approx(total)
    assert result["filled"] <= 30
    _everyone_once(result, msmes)


def test_a_budget_needs_every_cost(client: TestClient, pool: list[dict[str, Any]]) -> None:
    msmes = [pool[0] | {"cost": 10.0}, pool[1]]
    response = client.post(
        "/v1/prioritize", json={"msmes": msmes, "capacity": 1, "budget": 100.0}, headers=AUTH
    )
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["problems"]] == ["msmes.1.cost"]


def test_constraints_that_cannot_hold_get_a_422_naming_them(
    client: TestClient, pool: list[dict[str, Any]]
) -> None:
    provinces = sorted({row["province_code"] for row in pool if row["digital_status"] == "offline"})
    quotas = dict.fromkeys(provinces, 1)  # at most one per province: too few for 200 slots
    response = client.post(
        "/v1/prioritize", json={"msmes": pool, "capacity": 200, "quotas": quotas}, headers=AUTH
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "infeasible_constraints"
    # Each problem carries its stable code; its words follow Accept-Language (Bahasa by default).
    assert [p["type"] for p in body["problems"]] == ["quota_too_tight"]
    assert body["problems"][0]["reason"].startswith("batas provinsi")
    english = client.post(
        "/v1/prioritize",
        json={"msmes": pool, "capacity": 200, "quotas": quotas},
        headers=AUTH | {"Accept-Language": "en"},
    ).json()
    assert english["problems"][0]["reason"].startswith("quotas allow at most")

    shares = [
        {"column": "owner_gender", "value": "female", "share": 1.0},
        {"column": "owner_gender", "value": "male", "share": 0.5},
    ]
    response = client.post(
        "/v1/prioritize", json={"msmes": pool, "capacity": 10, "min_share": shares}, headers=AUTH
    )
    assert response.status_code == 422
    assert [p["type"] for p in response.json()["problems"]] == ["shares_exceed_list"]
    assert "perempuan 100%" in response.json()["problems"][0]["reason"]


def test_min_share_values_and_quota_codes_are_checked(
    client: TestClient, pool: list[dict[str, Any]]
) -> None:
    body = {
        "msmes": pool[:5],
        "capacity": 2,
        "quotas": {"99": 3, "31": -1},
        "min_share": [
            {"column": "owner_gender", "value": "unknown-gender-x", "share": 1.5},
            {"column": "religion", "value": "x", "share": 0.1},
        ],
    }
    response = client.post("/v1/prioritize", json=body, headers=AUTH)
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["problems"]}
    assert {"quotas.99", "quotas.31", "min_share.0.share", "min_share.1.column"} <= fields
    assert "unknown-gender-x" not in response.text


# What the reasons of MSMEs left out by a budget or by minimum shares say in each language: the
# money left in the budget, the shares that bound (one, or several).
CONSTRAINED_REASONS = {
    "id": {
        "over_budget": "Biayanya tidak muat dalam anggaran (sisa Rp {left})",
        "over_budget_with_constraints": (
            "Anggaran, bersama batasan lainnya, tidak menyisakan slot untuknya (sisa Rp {left})"
        ),
        "one_share": "Slot dipakai UMKM yang dibutuhkan untuk porsi minimum perempuan (70%)",
        "two_shares": (
            "Slot dipakai UMKM yang dibutuhkan untuk porsi minimum perempuan (70%), desa (50%)"
        ),
    },
    "en": {
        "over_budget": "its cost does not fit in the budget (Rp {left} left)",
        "over_budget_with_constraints": (
            "the budget, together with the other constraints, left no slot for it (Rp {left} left)"
        ),
        "one_share": "slots went to MSMEs needed to meet the minimum share female (70%)",
        "two_shares": (
            "slots went to MSMEs needed to meet the minimum shares female (70%), rural (50%)"
        ),
    },
}


def _reasons(result: dict[str, Any], code: str) -> set[str]:
    found = {row["reason"] for row in result["not_selected"] if row["reason_code"] == code}
    assert found, f"no MSME left out as {code}"  # the case is there to word
    return found


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_budgets_reasons_give_the_money_left(
    client: TestClient, pool: list[dict[str, Any]], language: str
) -> None:
    msmes = [row | {"cost": 100.0 if row["area_type"] == "urban" else 250.0} for row in pool]
    body = {"msmes": msmes, "capacity": 30, "budget": 3050.0}
    response = client.post(
        "/v1/prioritize", json=body, headers=AUTH | {"Accept-Language": language}
    )
    assert response.status_code == 200, response.text
    result = response.json()

    left = 3050.0 - result["total_cost"]
    assert left > 0  # some money left, yet not enough for them
    money = f"{left:,.2f}"
    words = CONSTRAINED_REASONS[language]
    if language == "id":
        money = money.translate(str.maketrans(",.", ".,"))
    variants = {
        words[key].format(left=money) for key in ("over_budget", "over_budget_with_constraints")
    }
    found = _reasons(result, "over_budget")
    assert found <= variants and words["over_budget"].format(left=money) in found


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_slot_reserved_for_minimum_shares_names_them(
    client: TestClient, pool: list[dict[str, Any]], language: str
) -> None:
    female = {"column": "owner_gender", "value": "female", "share": 0.7}
    rural = {"column": "area_type", "value": "rural", "share": 0.5}
    words = CONSTRAINED_REASONS[language]
    headers = AUTH | {"Accept-Language": language}
    for shares, worded in (([female], "one_share"), ([female, rural], "two_shares")):
        body = {"msmes": pool, "capacity": 20, "min_share": shares}
        response = client.post("/v1/prioritize", json=body, headers=headers)
        assert response.status_code == 200, response.text
        assert _reasons(response.json(), "min_share_reserved") == {words[worded]}


@pytest.mark.parametrize(
    ("language", "capacity", "quota"),
    [
        ("en", "Capacity: all 30 slots filled", "of 1 slot used"),
        ("id", "Kapasitas: semua 30", "dari 1 slot terpakai"),
    ],
)
def test_binding_constraints_are_worded_in_the_requested_language(
    client: TestClient, pool: list[dict[str, Any]], language: str, capacity: str, quota: str
) -> None:
    from data.messages import province_name

    busiest = Counter(row["province_code"] for row in pool).most_common(1)[0][0]
    body = {"msmes": pool, "capacity": 30, "quotas": {busiest: 1}}
    headers = AUTH | {"Accept-Language": language}
    response = client.post("/v1/prioritize", json=body, headers=headers)
    assert response.status_code == 200, response.text
    binding = {item["kind"]: item for item in response.json()["binding_constraints"]}
    assert binding["capacity"]["message"].startswith(capacity)
    assert binding["quota"]["name"] == f"quota {busiest}"  # the stable name stays
    assert province_name(busiest) in binding["quota"]["message"]
    assert quota in binding["quota"]["message"]


def test_exploration_marks_each_pick_as_post_lists_does(
    client: TestClient, pool: list[dict[str, Any]]
) -> None:
    """With `exploration_share` the list mixes random picks into its slots: each says so, with
    its exact chance, and the draw (seed, pool) is given; nothing is recorded."""
    body = {"msmes": pool[:60], "capacity": 6, "exploration_share": 0.5, "exploration_seed": 5}
    result = _prioritize(client, body)

    exploration = result["exploration"]
    assert (exploration["share"], exploration["seed"], exploration["slots"]) == (0.5, 5, 3)
    by = {entry["msme_id"]: entry for entry in result["selected"]}
    drawn = [i for i, entry in by.items() if entry["selected_by"] == "exploration"]
    assert len(drawn) == exploration["drawn"] == 3
    chance = exploration["probability"]
    assert chance == pytest.approx(3 / exploration["pool"])
    assert all(by[i]["selection_probability"] == chance for i in drawn)
    picks = [entry for i, entry in by.items() if i not in drawn]
    assert {(e["selected_by"], e["selection_probability"]) for e in picks} == {("model", 1.0)}
    _everyone_once(result, pool[:60])

    # The same draw as POST /v1/lists records with the same body and seed.
    listed = client.post("/v1/lists", json=body, headers=AUTH).json()
    marks = ("msme_id", "selected_by", "selection_probability")
    assert [[e[k] for k in marks] for e in listed["selected"]] == [
        [e[k] for k in marks] for e in result["selected"]
    ]
    # Its record gives each left-out MSME's chance: the pool's others had the draw's, and each
    # is told why the model passed it by, against the model's last pick (not `not_drawn`).
    detail = client.get(f"/v1/lists/{listed['list_id']}", headers=AUTH).json()
    chances = {m["msme_id"]: m["selection_probability"] for m in detail["members"]}
    undrawn = [e for e in result["not_selected"] if chances[e["msme_id"]] == chance]
    assert len(undrawn) == exploration["pool"] - 3
    assert {chances[e["msme_id"]] for e in result["not_selected"]} <= {chance, 0.0}
    cutoff = min(e["expected_gain"] for e in picks)
    assert_the_models_reasons(((e["reason_code"], e["uplift"]) for e in undrawn), cutoff)
    assert "not_drawn" not in {e["reason_code"] for e in result["not_selected"]}
    recorded = {m["msme_id"]: m["reason_code"] for m in detail["members"]}
    assert all(recorded[e["msme_id"]] == e["reason_code"] for e in result["not_selected"])


def test_without_exploration_the_picks_carry_no_marks(
    client: TestClient, pool: list[dict[str, Any]]
) -> None:
    result = _prioritize(client, {"msmes": pool[:30], "capacity": 5})
    assert result["exploration"] is None
    assert all(e["selected_by"] is None for e in result["selected"])
    assert all(e["selection_probability"] is None for e in result["selected"])


def test_prioritize_takes_seeds_below_2_53_only(
    client: TestClient, pool: list[dict[str, Any]]
) -> None:
    """A seed above 2^53 cannot be sent back exactly from JavaScript or jq: refused, by name."""
    body = {"msmes": pool[:20], "capacity": 4, "exploration_share": 0.5}
    largest = _prioritize(client, body | {"exploration_seed": 2**53 - 1})
    assert largest["exploration"]["seed"] == 2**53 - 1
    response = client.post(
        "/v1/prioritize",
        json=body | {"exploration_seed": 2**53},
        headers=AUTH | {"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {
            "field": "exploration_seed",
            "type": "less_than_equal",
            "reason": "exploration_seed must be at most 9,007,199,254,740,991",
        }
    ]
    fresh = [_prioritize(client, body)["exploration"]["seed"] for _ in range(3)]
    assert all(0 <= seed < 2**53 for seed in fresh)


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        (
            "en",
            "a quota of 0 for Jawa Barat leaves no slot for the 5 eligible candidates, and there "
            "are no others; raise the quota or remove it",
        ),
        (
            "id",
            "batas 0 untuk Jawa Barat tidak menyisakan slot bagi 5 kandidat yang memenuhi syarat, "
            "dan tidak ada kandidat lain; naikkan batas itu atau hapus",
        ),
    ],
)
def test_a_quota_of_zero_names_its_field_and_a_fix_that_can_be_made(
    client: TestClient, pool: list[dict[str, Any]], language: str, reason: str
) -> None:
    """`"quotas": {"32": 0}` with every candidate in 32 said "lower capacity to 0", which the
    API refuses (capacity is at least 1), and named no field."""
    offline = [row for row in pool if row["digital_status"] == "offline"][:5]
    msmes = [row | {"province_code": "32"} for row in offline]
    body = {"msmes": msmes, "capacity": 5, "quotas": {"32": 0}}
    headers = AUTH | {"Accept-Language": language}
    response = client.post("/v1/prioritize", json=body, headers=headers)
    assert response.status_code == 422
    answer = response.json()
    assert answer["error"] == "infeasible_constraints"
    assert answer["problems"] == [
        {"field": "quotas.32", "type": "quota_leaves_no_slot", "reason": reason}
    ]


def test_a_quota_too_tight_names_the_quotas_at_fault(
    client: TestClient, pool: list[dict[str, Any]]
) -> None:
    offline = [row for row in pool if row["digital_status"] == "offline"][:6]
    msmes = [row | {"province_code": "32" if i < 4 else "31"} for i, row in enumerate(offline)]
    one = {"msmes": msmes, "capacity": 5, "quotas": {"32": 1}}
    answer = client.post("/v1/prioritize", json=one, headers=AUTH).json()
    assert [(p["field"], p["type"]) for p in answer["problems"]] == [
        ("quotas.32", "quota_too_tight")
    ]
    both = {"msmes": msmes, "capacity": 5, "quotas": {"32": 1, "31": 1}}
    answer = client.post("/v1/prioritize", json=both, headers=AUTH).json()
    assert [(p["field"], p["type"]) for p in answer["problems"]] == [("quotas", "quota_too_tight")]
