"""Evaluation metrics on tiny examples computed by hand (definitions: training/evaluation.py)."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pytest

from training import evaluation as ev

# Example A: ranked rows (treatment, outcome) = (1,1), (1,0), (0,1), (0,0); scores 4, 3, 2, 1.
A_Y = [1, 0, 1, 0]
A_T = [1, 1, 0, 0]
A_S = [4.0, 3.0, 2.0, 1.0]

# Example B: eight ranked rows, scores 8 .. 1:
# (1,1) (0,0) (1,1) (0,1) (1,0) (0,0) (1,0) (0,1)
B_T = [1, 0, 1, 0, 1, 0, 1, 0]
B_Y = [1, 0, 1, 1, 0, 0, 0, 1]
B_S = [8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0]


def test_qini_curve_by_hand() -> None:
    # n=1: 1 - 0 = 1; n=2: 1 - 0 = 1; n=3: 1 - 1*2/1 = -1; n=4: 1 - 1*2/2 = 0
    x, q = ev.qini_curve(A_Y, A_S, A_T)
    np.testing.assert_allclose(x, [0, 1, 2, 3, 4])
    np.testing.assert_allclose(q, [0, 1, 1, -1, 0])


def test_uplift_curve_by_hand() -> None:
    # n=3: (1/2 - 1/1) * 3 = -1.5
    x, u = ev.uplift_curve(A_Y, A_S, A_T)
    np.testing.assert_allclose(x, [0, 1, 2, 3, 4])
    np.testing.assert_allclose(u, [0, 1, 1, -1.5, 0])


def test_tied_scores_enter_together() -> None:
    x, q = ev.qini_curve(A_Y, [1.0, 1.0, 0.0, 0.0], A_T)
    np.testing.assert_allclose(x, [0, 2, 4])
    np.testing.assert_allclose(q, [0, 1, 0])


def test_perfect_qini_curve_by_hand() -> None:
    # perfect score y*t - y*(1-t) = 1, 0, -1, 0: treated responder, two ties, control responder
    x, q = ev.perfect_qini_curve(A_Y, A_T)
    np.testing.assert_allclose(x, [0, 1, 3, 4])
    np.testing.assert_allclose(q, [0, 1, 1, 0])


def test_qini_coefficient_by_hand() -> None:
    # area(actual) = 0.5 + 1 + 0 - 0.5 = 1; area(perfect) = 0.5 + 2 + 0.5 = 3; random line ends at 0
    assert ev.qini_coefficient(A_Y, A_S, A_T) == pytest.approx(1 / 3)


def test_qini_coefficient_is_one_for_the_perfect_ranking_and_flips_sign() -> None:
    y, t = np.array(B_Y), np.array(B_T)
    perfect = y * t - y * (1 - t)
    assert ev.qini_coefficient(y, perfect, t) == pytest.approx(1.0)
    forward = ev.qini_coefficient(A_Y, A_S, A_T)
    assert ev.qini_coefficient(A_Y, [-s for s in A_S], A_T) < forward


def test_auuc_by_hand() -> None:
    # area(actual) = 0.5 + 1 - 0.25 - 0.75 = 0.5. Perfect: control responders (1) are not more than
    # treated non-responders (1), so score = 2*(y==t) + t = 3, 1, 0, 2 -> points 1, 2, 1.5, 0 with
    # area 4.5. AUUC = 0.5 / 4.5.
    assert ev.auuc(A_Y, A_S, A_T) == pytest.approx(1 / 9)


def test_uplift_at_k_both_strategies_by_hand() -> None:
    # by_group, k=0.5: top 2 treated (1, 1) -> 1.0; top 2 control (0, 1) -> 0.5
    assert ev.uplift_at_k(B_Y, B_S, B_T, 0.5, "by_group") == pytest.approx(0.5)
    # overall, k=0.25: the top 2 rows are one treated responder and one control non-responder
    assert ev.uplift_at_k(B_Y, B_S, B_T, 0.25, "overall") == pytest.approx(1.0)
    # overall, k=0.75: top 6 rows -> treated 2/3, control 1/3
    assert ev.uplift_at_k(B_Y, B_S, B_T, 0.75, "overall") == pytest.approx(1 / 3)


def test_uplift_at_k_strategies_differ_when_the_top_holds_one_arm() -> None:
    # overall, k=0.5 takes the two treated rows only -> no control rate -> NaN;
    # by_group takes the top treated (1) and the top control (1) -> 0
    assert math.isnan(ev.uplift_at_k(A_Y, A_S, A_T, 0.5, "overall"))
    assert ev.uplift_at_k(A_Y, A_S, A_T, 0.5, "by_group") == pytest.approx(0.0)


def test_uplift_at_k_rejects_a_k_outside_zero_one() -> None:
    with pytest.raises(ValueError, match="fraction"):
        ev.uplift_at_k(B_Y, B_S, B_T, 30)


def test_expected_extra_outcomes_by_hand() -> None:
    # K = 4: uplift among the top 4 = 1.0 - 0.5 -> 2 extra; average effect 0.5 - 0.5 -> 0 extra
    extra = ev.expected_extra_outcomes(B_Y, B_S, B_T, 0.5)
    assert extra == {"capacity_rows": 4.0, "extra_top_k": 2.0, "extra_random_k": 0.0}


def test_oracle_share_by_hand() -> None:
    truth = [0.3, 0.1, 0.2, 0.0]
    # our top 2 (scores 4, 3) hold 0.1 + 0.2; the true top 2 hold 0.3 + 0.2
    assert ev.oracle_share(truth, [1.0, 4.0, 3.0, 2.0], 0.5) == pytest.approx(0.6)
    assert ev.oracle_share(truth, truth, 0.5) == pytest.approx(1.0)


def test_true_uplift_correlation() -> None:
    truth = np.array([0.1, 0.2, 0.3, 0.4])
    result = ev.true_uplift_correlation(truth, [1.0, 2.0, 4.0, 3.0])
    assert result["spearman"] == pytest.approx(0.8)
    assert ev.true_uplift_correlation(truth, truth * 2)["pearson"] == pytest.approx(1.0)


def test_bad_inputs_name_the_problem() -> None:
    with pytest.raises(ValueError, match="y_true must be 0/1; position 1"):
        ev.qini_coefficient([0, 2], [1.0, 0.0], [1, 0])
    with pytest.raises(ValueError, match="lengths differ"):
        ev.qini_coefficient([0, 1], [1.0], [1, 0])


def test_headline_metrics_names() -> None:
    metrics = ev.headline_metrics(B_Y, B_S, B_T, [0.25, 0.5], true_uplift=B_S)
    assert metrics["uplift_at_50pct"] == pytest.approx(0.5)
    assert metrics["oracle_share_25pct"] == pytest.approx(1.0)
    assert {"qini_coefficient", "auuc", "extra_top_50pct", "extra_random_50pct"} <= set(metrics)


def test_capacity_tag() -> None:
    assert ev.capacity_tag(0.05) == "5pct"
    assert ev.capacity_tag(0.1) == "10pct"
    assert ev.capacity_tag(0.125) == "12.5pct"


@pytest.mark.parametrize("rows", [3, 60, 2_000])
@pytest.mark.parametrize("ties", [False, True])
def test_headline_metrics_equal_the_public_functions_exactly(rows: int, ties: bool) -> None:
    """`headline_metrics` sorts the rows once for all its numbers: each equals what the public
    function computes on its own, to the last bit (ties and a capacity of a few rows too)."""
    rng = np.random.default_rng(rows)
    t = (rng.random(rows) < 0.4).astype(float)
    y = (rng.random(rows) < 0.3).astype(float)
    score = np.round(rng.random(rows), 1) if ties else rng.random(rows)
    truth = rng.normal(size=rows)
    capacities = [0.05, 0.1, 0.3]
    found = ev.headline_metrics(y, score, t, capacities, truth)
    assert found["qini_coefficient"] == ev.qini_coefficient(y, score, t)
    assert found["auuc"] == ev.auuc(y, score, t)
    for k in capacities:
        tag = ev.capacity_tag(k)
        strategies: tuple[tuple[Literal["by_group", "overall"], str], ...] = (
            ("by_group", f"uplift_at_{tag}"),
            ("overall", f"uplift_at_{tag}_overall"),
        )
        for strategy, key in strategies:
            np.testing.assert_array_equal(found[key], ev.uplift_at_k(y, score, t, k, strategy))
        extra = ev.expected_extra_outcomes(y, score, t, k)
        np.testing.assert_array_equal(found[f"extra_top_{tag}"], extra["extra_top_k"])
        assert found[f"extra_random_{tag}"] == extra["extra_random_k"]
        assert found[f"oracle_share_{tag}"] == ev.oracle_share(truth, score, k)
    with pytest.raises(ValueError, match="lengths differ"):
        ev.headline_metrics(y, score, t, capacities, truth[:-1])
