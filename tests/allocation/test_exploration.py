"""Exploration slots: constraints always kept, selection probabilities exact, share 0 unchanged.

Exactness is checked two ways: by enumeration (every k-subset of the pool, added to the model's
picks, keeps every constraint, so each is a possible list and the draw is a simple random sample
of the pool), and by frequency (thousands of seeded draws against k / m).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocation import AllocationRequest, AllocationResult, InfeasibleConstraints, allocate
from allocation.candidates import Eligible
from allocation.exploration import draw, explored_slots, fresh_seed
from data.messages import render
from tests.allocation.test_allocation import assert_feasible, assert_partition, frame, instances


def probabilities(result: AllocationResult) -> dict[str, float]:
    """Every candidate's recorded chance of selection."""
    assert result.exploration is not None
    chances = {
        str(i): result.exploration.selection_probability(str(i), True)
        for i in result.selected["msme_id"]
    }
    chances |= {
        str(i): result.exploration.selection_probability(str(i), False)
        for i in result.not_selected["msme_id"]
    }
    return chances


def keeps_constraints(team: pd.DataFrame, request: AllocationRequest) -> bool:
    """Whether a list meets every quota, minimum share (of its own size) and the budget."""
    if request.quotas:
        counts = team["province_code"].value_counts()
        if any(int(counts.get(p, 0)) > q for p, q in request.quotas.items()):
            return False
    for share in request.min_share:
        if int((team[share.column] == share.value).sum()) < share.required(len(team)):
            return False
    return request.budget is None or float(team["cost"].sum()) <= request.budget + 1e-9


def test_a_share_of_the_slots_is_drawn_from_the_rest_with_chance_k_over_m() -> None:
    candidates = frame({"uplift": 0.5 - i / 100} for i in range(10))
    request = AllocationRequest(capacity=4, exploration_share=0.5, exploration_seed=11)

    result = allocate(candidates, request)

    assert result.exploration is not None
    assert result.exploration.slots == 2 and result.exploration.seed == 11
    model = [i for i in result.selected["msme_id"] if i not in result.exploration.drawn]
    assert model == ["M000", "M001"]  # the model's two best
    assert set(result.exploration.pool) == {f"M{i:03d}" for i in range(2, 10)}
    assert set(result.exploration.drawn) <= set(result.exploration.pool)
    chances = probabilities(result)
    assert chances["M000"] == chances["M001"] == 1.0
    assert all(chances[f"M{i:03d}"] == pytest.approx(2 / 8) for i in range(2, 10))
    assert sum(chances.values()) == pytest.approx(result.filled)
    # Below the model's last pick: that is why they are off; the draw's odds are in the note.
    off = result.not_selected.set_index("msme_id")["reason_code"]
    assert set(off) == {"below_rank_cutoff"}
    assert any("2 of 8" in note or "2/8" in note for note in result.notes)


def test_the_pool_and_draw_sets_are_built_once_per_list() -> None:
    """Each candidate asks its chance and how it was selected: the pool's set is built once, not
    once per candidate (which made a 20,000-MSME list quadratic to record)."""
    candidates = frame({"uplift": 0.5 - i / 1000} for i in range(200))
    result = allocate(candidates, AllocationRequest(capacity=20, exploration_share=0.5))
    exploration = result.exploration
    assert exploration is not None
    assert exploration._pool is exploration._pool
    assert exploration._drawn is exploration._drawn
    drawn = exploration.drawn[0]
    assert exploration.selected_by(drawn) == "exploration"
    assert exploration.selection_probability(drawn, True) == pytest.approx(10 / 190)
    assert exploration.selection_probability(str(result.selected["msme_id"].iloc[0]), True) == 1.0


def test_the_rank_cutoff_is_the_lowest_model_pick_not_an_exploration_draw() -> None:
    """An MSME told it ranked below the cutoff ranked below the last MSME the model picked; the
    random draws, lower still, set no cutoff."""
    candidates = frame(
        [
            *({"province_code": "31", "uplift": u} for u in [0.50, 0.40, 0.30, 0.20, 0.10, 0.05]),
            {"province_code": "32", "uplift": 0.35},  # out of the pool: its quota is 0
        ]
    )
    request = AllocationRequest(
        capacity=4, quotas={"32": 0}, exploration_share=0.5, exploration_seed=3
    )

    result = allocate(candidates, request)

    assert result.exploration is not None and len(result.exploration.drawn) == 2
    assert min(result.selected["expected_gain"]) < 0.40  # a draw is on the list, below the cutoff
    assert result.reasons.cutoff == 0.40
    off = result.not_selected.set_index("msme_id")
    assert off.loc["M006", "reason_code"] == "below_rank_cutoff"
    [code] = [c for i, c in zip(off.index, result.reasons.codes, strict=True) if i == "M006"]
    assert result.reasons.message(code, 0.35, "32") == (
        "below_rank_cutoff",
        {"uplift": 0.35, "cutoff": 0.40},
    )


def test_the_same_seed_gives_the_same_list_and_another_seed_may_not() -> None:
    candidates = frame({"uplift": 0.5 - i / 100} for i in range(30))
    lists = {
        seed: tuple(
            allocate(
                candidates,
                AllocationRequest(capacity=10, exploration_share=0.3, exploration_seed=seed),
            ).selected["msme_id"]
        )
        for seed in range(5)
    }
    again = allocate(
        candidates, AllocationRequest(capacity=10, exploration_share=0.3, exploration_seed=3)
    )
    assert tuple(again.selected["msme_id"]) == lists[3]
    assert len(set(lists.values())) > 1


def test_without_a_seed_one_is_drawn_and_reported() -> None:
    candidates = frame({"uplift": 0.1} for _ in range(6))
    result = allocate(candidates, AllocationRequest(capacity=3, exploration_share=0.4))
    assert result.exploration is not None and result.exploration.seed >= 0
    seeded = allocate(
        candidates,
        AllocationRequest(
            capacity=3, exploration_share=0.4, exploration_seed=result.exploration.seed
        ),
    )
    assert list(seeded.selected["msme_id"]) == list(result.selected["msme_id"])


def test_fresh_seeds_are_below_2_53_so_every_json_client_reads_them_exactly() -> None:
    """JavaScript and jq read JSON numbers as doubles: 3153627889322778861 came back as
    3153627889322778600, and a client could not redo its draw."""
    seeds = [fresh_seed() for _ in range(200)]
    assert all(0 <= seed < 2**53 for seed in seeds)
    assert all(float(seed) == seed for seed in seeds)  # a double holds each one exactly
    assert len(set(seeds)) == len(seeds)
    candidates = frame({"uplift": 0.1} for _ in range(6))
    result = allocate(candidates, AllocationRequest(capacity=3, exploration_share=0.4))
    assert result.exploration is not None and result.exploration.seed < 2**53


def test_a_seed_recorded_before_2_53_was_the_limit_still_redoes_its_draw() -> None:
    """Lists recorded before carry seeds up to 2^63 - 1: the domain still takes them."""
    candidates = frame({"uplift": 0.1} for _ in range(8))
    request = AllocationRequest(
        capacity=4, exploration_share=0.5, exploration_seed=3153627889322778861
    )
    first, again = allocate(candidates, request), allocate(candidates, request)
    assert first.exploration is not None and first.exploration.seed == 3153627889322778861
    assert list(first.selected["msme_id"]) == list(again.selected["msme_id"])


def test_explored_slots_round_half_up() -> None:
    assert explored_slots(0.1, 10) == 1
    assert explored_slots(0.1, 4) == 0  # 0.4
    assert explored_slots(0.1, 5) == 1  # 0.5
    assert explored_slots(0.3, 10) == 3  # 3.0000000000000004 is 3
    assert explored_slots(1.0, 7) == 7
    assert explored_slots(0.0, 100) == 0


def test_quota_room_and_budget_decide_the_pool() -> None:
    # The model takes 2 slots in province 31 (quota 2): no 31 MSME may be drawn. The budget
    # leaves 3.0 for 1 explored slot: the MSME costing 5 may not be drawn either.
    candidates = frame(
        [
            {"province_code": "31", "uplift": 0.9, "cost": 1.0},
            {"province_code": "31", "uplift": 0.8, "cost": 1.0},
            {"province_code": "31", "uplift": 0.7, "cost": 1.0},
            {"province_code": "32", "uplift": 0.1, "cost": 5.0},
            {"province_code": "32", "uplift": 0.1, "cost": 1.0},
            {"province_code": "94", "uplift": 0.0, "cost": 2.0},
        ]
    )
    request = AllocationRequest(
        capacity=3,
        quotas={"31": 2},
        budget=5.0,
        exploration_share=0.34,
        exploration_seed=1,
    )
    result = allocate(candidates, request)
    assert result.exploration is not None
    assert set(result.exploration.pool) == {"M004", "M005"}
    assert_feasible(result, request)
    chances = probabilities(result)
    assert chances["M002"] == chances["M003"] == 0.0
    assert chances["M004"] == chances["M005"] == 0.5


def test_a_pool_smaller_than_the_explored_slots_is_taken_whole_and_said_so() -> None:
    candidates = frame(
        [{"province_code": "31", "uplift": 0.5 - i / 100} for i in range(6)]
        + [{"province_code": "32", "uplift": 0.01}]
    )
    request = AllocationRequest(
        capacity=4, quotas={"31": 3}, exploration_share=0.5, exploration_seed=0
    )
    result = allocate(candidates, request)
    assert result.exploration is not None
    # The model fills 2 slots in 31; 31 has room for 1 but 4 wait (< min(2, 4)): only M006.
    assert result.exploration.pool == ("M006",)
    assert probabilities(result)["M006"] == 1.0
    assert result.filled == 3
    assert any("filled: 1, left free: 1" in note for note in result.notes)


def test_minimum_shares_are_met_by_the_model_part_alone() -> None:
    candidates = frame(
        [{"owner_gender": "male", "uplift": 0.4 - i / 100} for i in range(6)]
        + [{"owner_gender": "female", "uplift": 0.1 - i / 100} for i in range(6)]
    )
    share = {"column": "owner_gender", "value": "female", "share": 0.5}
    request = AllocationRequest.model_validate(
        {"capacity": 4, "min_share": [share], "exploration_share": 0.5, "exploration_seed": 2}
    )
    result = allocate(candidates, request)
    assert result.exploration is not None
    model = result.selected[~result.selected["msme_id"].isin(result.exploration.drawn)]
    assert int((model["owner_gender"] == "female").sum()) == 2
    assert_feasible(result, request)

    crowded = request.model_copy(update={"exploration_share": 0.75})
    with pytest.raises(InfeasibleConstraints) as refused:
        allocate(candidates, crowded)
    assert refused.value.details[0].code == "exploration_crowds_out_share"
    assert refused.value.details[0].params["option"] == "exploration_share"
    assert render("exploration_crowds_out_share", refused.value.details[0].params, "en").endswith(
        "; lower exploration_share"
    )


def test_a_minimum_share_that_shaped_the_models_picks_binds_and_names_whom_it_displaced() -> None:
    """Found by a programme manager: with slots drawn at random, a minimum share the model's
    picks met exactly was reported as not binding (the draws added more women to the list), and
    every MSME off the list, men the share displaced and MSMEs of no benefit alike, was told it
    was not drawn."""
    men = [{"owner_gender": "male", "uplift": 0.50 - i / 100} for i in range(8)]
    women = [{"owner_gender": "female", "uplift": 0.20 - i / 100} for i in range(8)]
    losers = [{"owner_gender": "male", "uplift": u} for u in (0.0, -0.05)]
    candidates = frame(men + women + losers)
    share = {"column": "owner_gender", "value": "female", "share": 0.5}
    request = AllocationRequest.model_validate(
        {"capacity": 10, "min_share": [share], "exploration_share": 0.2, "exploration_seed": 7}
    )

    result = allocate(candidates, request)

    assert result.exploration is not None and len(result.exploration.drawn) == 2
    selected = result.selected.set_index("msme_id")
    model = selected.drop(list(result.exploration.drawn))
    assert int((model["owner_gender"] == "female").sum()) == 5  # ceil(0.5 x 10), by the model
    [bound] = [item for item in result.binding if item.kind == "min_share"]
    drawn = selected.loc[list(result.exploration.drawn)]
    drawn_women = int((drawn["owner_gender"] == "female").sum())
    assert bound.code == "binding_min_share_explored"
    assert (bound.used, bound.limit, bound.unconstrained) == (5, 5, 0)
    assert bound.params | {"value": "female"} == bound.params
    assert {k: bound.params[k] for k in ("used", "model_slots", "slots", "drawn")} == {
        "used": 5,
        "model_slots": 8,
        "slots": 10,
        "drawn": drawn_women,
    }
    assert bound.message == (
        "Minimum share female (50%): 5 of the model's 8 picks, exactly the minimum for 10 slots "
        f"(without it: 0); {drawn_women} more drawn at random"
    )
    assert render(bound.code, bound.params, "id").startswith(
        "Porsi minimum perempuan (50%): 5 dari 8 pilihan model"
    )
    off = result.not_selected.set_index("msme_id")["reason_code"]
    cutoff = result.reasons.cutoff
    assert cutoff == pytest.approx(0.16)  # the fifth woman, the model's last pick
    assert {"M000", "M001", "M002"} <= set(model.index)  # the model's three best men
    for i in range(3, 8):  # every other man the model left for a woman, unless drawn
        if f"M{i:03d}" not in result.exploration.drawn:
            assert off[f"M{i:03d}"] == "min_share_reserved"
    for i in range(13, 16):  # women below the model's last pick
        if f"M{i:03d}" not in result.exploration.drawn:
            assert off[f"M{i:03d}"] == "below_rank_cutoff"
    for msme_id in ("M016", "M017"):  # in the pool, but mentoring is not expected to help
        assert msme_id in result.exploration.pool
        if msme_id not in result.exploration.drawn:
            assert off[msme_id] == "not_beneficial"
    assert "not_drawn" not in set(off)
    assert_reasons_true(result)


def test_without_exploration_the_same_share_binds_in_its_usual_words() -> None:
    men = [{"owner_gender": "male", "uplift": 0.50 - i / 100} for i in range(8)]
    women = [{"owner_gender": "female", "uplift": 0.20 - i / 100} for i in range(8)]
    share = {"column": "owner_gender", "value": "female", "share": 0.5}
    request = AllocationRequest.model_validate(
        {"capacity": 10, "min_share": [share], "exploration_share": 0.0}
    )
    result = allocate(frame(men + women), request)
    [bound] = [item for item in result.binding if item.kind == "min_share"]
    assert bound.code == "binding_min_share"
    assert (bound.used, bound.limit, bound.unconstrained) == (5, 5, 2)


def test_a_quota_that_shaped_the_models_picks_binds_with_exploration() -> None:
    candidates = frame(
        [{"province_code": "31", "uplift": 0.50 - i / 100} for i in range(10)]
        + [{"province_code": "32", "uplift": 0.20 - i / 100} for i in range(10)]
    )
    request = AllocationRequest(
        capacity=10, quotas={"31": 4}, exploration_share=0.2, exploration_seed=1
    )
    result = allocate(candidates, request)
    [bound] = [item for item in result.binding if item.kind == "quota"]
    assert (bound.used, bound.limit, bound.unconstrained) == (4, 4, 8)  # of the model's 8
    off = result.not_selected.set_index("msme_id")["reason_code"]
    assert {off[f"M{i:03d}"] for i in range(4, 10)} == {"province_quota_full"}
    assert_reasons_true(result)


def test_every_explored_slot_at_once() -> None:
    candidates = frame({"uplift": 0.3 - i / 100} for i in range(5))
    result = allocate(
        candidates, AllocationRequest(capacity=2, exploration_share=1.0, exploration_seed=4)
    )
    assert result.exploration is not None and len(result.exploration.drawn) == 2
    assert set(probabilities(result).values()) == {0.4}
    # The model picked nobody: only the draw passed the others by.
    assert set(result.not_selected["reason_code"]) == {"not_drawn"}
    assert result.reasons.cutoff is None


def test_every_slot_explored_with_a_share_the_model_part_needs_none_of() -> None:
    """Found by schemathesis through `POST /v1/prioritize`: one slot, explored, and a minimum
    share so small that it needs no MSME (ceil(1.6e-246 x 1) is 0 once float noise is
    rounded). The model part has no slots and needs none of the share; its share was computed
    as 0 / 0 and the request failed with ZeroDivisionError."""
    candidates = frame({"area_type": "rural", "uplift": 0.2 - i / 100} for i in range(4))
    share = {"column": "area_type", "value": "rural", "share": 1.5677031064527722e-246}
    request = AllocationRequest.model_validate(
        {"capacity": 1, "min_share": [share], "exploration_share": 1.0, "exploration_seed": 0}
    )
    result = allocate(candidates, request)
    assert result.exploration is not None and len(result.exploration.drawn) == 1
    assert result.filled == 1
    assert set(probabilities(result).values()) == {0.25}
    assert_partition(candidates, result)
    assert_feasible(result, request)


# ------------------------------------------------------------------------- exactness


def test_the_draw_is_a_simple_random_sample() -> None:
    """Each of the C(5, 2) subsets comes up equally often over seeded draws (chi-square)."""
    eligible = Eligible(
        rows=np.arange(7, dtype=np.intp),
        uplift=np.linspace(0.7, 0.1, 7),
        cost=None,
        province=None,
        members=[],
    )
    request = AllocationRequest(capacity=4)
    model = np.array([0, 1], dtype=np.intp)
    draws = 5000
    seen = Counter(
        tuple(draw(eligible, request, model, 2, seed).drawn.tolist()) for seed in range(draws)
    )
    subsets = list(itertools.combinations(range(2, 7), 2))
    assert set(seen) == set(subsets)
    expected = draws / len(subsets)
    chi_square = sum((seen[s] - expected) ** 2 / expected for s in subsets)
    assert chi_square < 27.9  # 9 degrees of freedom, p = 0.001
    # Hence each pool member's chance, k / m = 2 / 5.
    member = Counter(i for subset, n in seen.items() for i in subset for _ in range(n))
    assert all(abs(member[i] / draws - 0.4) < 0.03 for i in range(2, 7))


def test_a_constraint_not_the_uplift_says_why_above_a_last_pick_of_no_benefit() -> None:
    """Found by a random property run: without `only_beneficial` the list fills with an MSME of
    uplift -0.05 (the only one the budget affords); one of uplift 0 is left off by its cost, not
    by its uplift (the model preferred it), so its reason is the budget."""
    candidates = frame([{"uplift": 0.0, "cost": 2.0}, {"uplift": -0.05, "cost": 0.5}])
    request = AllocationRequest(capacity=1, budget=1.0, exploration_share=0.2, exploration_seed=0)
    result = allocate(candidates, request)
    assert result.reasons.cutoff == pytest.approx(-0.05)
    assert list(result.selected["msme_id"]) == ["M001"]
    assert list(result.not_selected["reason_code"]) == ["over_budget"]
    assert_reasons_true(result)


@st.composite
def explored_instances(draw_: st.DrawFn) -> tuple[pd.DataFrame, AllocationRequest]:
    candidates, request = draw_(instances())
    share = draw_(st.sampled_from([0.2, 0.34, 0.5, 0.67, 1.0]))
    seed = draw_(st.integers(0, 2**32))
    return candidates, request.model_copy(
        update={"exploration_share": share, "exploration_seed": seed}
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(explored_instances())
def test_property_constraints_hold_and_every_possible_draw_keeps_them(
    instance: tuple[pd.DataFrame, AllocationRequest],
) -> None:
    candidates, request = instance
    try:
        result = allocate(candidates, request)
    except InfeasibleConstraints as refused:
        assert refused.problems and all(refused.problems)
        return
    assert_partition(candidates, result)
    assert_feasible(result, request)
    exploration = result.exploration
    assert exploration is not None
    chances = probabilities(result)
    assert all(0 <= p <= 1 for p in chances.values())
    assert sum(chances.values()) == pytest.approx(result.filled)
    drawn = set(exploration.drawn)
    assert drawn <= set(exploration.pool)
    assert len(drawn) == min(exploration.slots, len(exploration.pool))
    # Enumeration: the model's picks plus ANY k of the pool is a list within every constraint,
    # so every k-subset is possible and, drawn as a simple random sample, has chance 1 / C(m, k).
    everyone = pd.concat([result.selected, result.not_selected]).set_index("msme_id")
    model = [i for i in result.selected["msme_id"] if i not in drawn]
    for subset in itertools.combinations(exploration.pool, len(drawn)):
        team = everyone.loc[model + list(subset)]
        assert keeps_constraints(team, request), subset
    for msme_id, chance in chances.items():
        if msme_id in exploration.pool:
            expected = min(1.0, exploration.slots / len(exploration.pool))
        else:
            expected = 1.0 if msme_id in model else 0.0
        assert chance == expected
    # An undrawn pool member is told why the model passed it by; only when the model picked
    # nobody (every slot drawn) did the draw alone leave it off.
    off = result.not_selected.set_index("msme_id")
    cutoff = result.reasons.cutoff
    for msme_id in exploration.pool:
        if msme_id not in drawn:
            code = off.loc[msme_id, "reason_code"]
            assert (code == "not_drawn") == (cutoff is None), (msme_id, code)
    assert_reasons_true(result)


def assert_reasons_true(result: AllocationResult) -> None:
    """Each left-out MSME's reason says why the model did not pick it: below the cutoff only
    when its uplift is positive and not above the model's last pick, no benefit only when its
    uplift is not positive, a constraint only when a lower-uplift MSME took the slot (even one
    of no benefit: then the constraint, not the uplift, is the reason)."""
    cutoff = result.reasons.cutoff
    for code, uplift in zip(
        result.not_selected["reason_code"], result.not_selected["uplift"], strict=True
    ):
        if code == "below_rank_cutoff":
            assert cutoff is not None and 0 < uplift <= cutoff
        elif code == "not_beneficial":
            assert uplift <= 0
        elif code in ("province_quota_full", "over_budget", "min_share_reserved"):
            assert cutoff is None or uplift > cutoff
        elif code == "not_drawn":
            assert cutoff is None
        # Not above the model's last pick and no benefit: nothing but the uplift kept it off. Above
        # a last pick of no benefit (the list filled without `only_beneficial`), a constraint did.
        if (
            cutoff is not None
            and uplift <= min(0.0, cutoff)
            and code not in ("already_digital", "missing_uplift")
        ):
            assert code == "not_beneficial"


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(explored_instances())
def test_property_frequencies_over_seeds_match_the_probabilities(
    instance: tuple[pd.DataFrame, AllocationRequest],
) -> None:
    candidates, request = instance
    runs = 200
    counts: Counter[str] = Counter()
    chances: dict[str, float] | None = None
    for seed in range(runs):
        try:
            result = allocate(candidates, request.model_copy(update={"exploration_seed": seed}))
        except InfeasibleConstraints:
            return
        chances = chances or probabilities(result)
        assert probabilities(result) == chances  # the pool does not depend on the seed
        counts.update(str(i) for i in result.selected["msme_id"])
    assert chances is not None
    for msme_id, chance in chances.items():
        # 200 draws: 5 standard deviations of a frequency is at most 0.18.
        assert abs(counts[msme_id] / runs - chance) <= 5 * math.sqrt(0.25 / runs) + 1e-12


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from([0.0, 0.01]), st.integers(0, 99))
def test_property_share_zero_gives_the_old_list_exactly(
    instance: tuple[pd.DataFrame, AllocationRequest], share: float, seed: int
) -> None:
    """Share 0 (or one that rounds to 0 slots of at most 6) changes nothing but a note."""
    candidates, request = instance
    try:
        before = allocate(candidates, request)
    except InfeasibleConstraints:
        return
    after = allocate(
        candidates,
        request.model_copy(update={"exploration_share": share, "exploration_seed": seed}),
    )
    pd.testing.assert_frame_equal(before.selected, after.selected)
    pd.testing.assert_frame_equal(before.not_selected, after.not_selected)
    assert before.binding == after.binding and before.method == after.method
    if share == 0:
        assert after.exploration is None and after.notes == before.notes
    else:
        assert after.exploration is not None and after.exploration.slots == 0
        assert after.notes[:-1] == before.notes
