"""Evaluation metrics on tiny examples computed by hand (definitions: training/evaluation.py)."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd
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


def test_arm_fit_by_hand() -> None:
    y = [1, 0, 1, 0]
    t = [1, 1, 0, 0]
    fit = ev.arm_fit(y, t, p_if_treated=[0.8, 0.4, 0.0, 0.0], p_if_control=[0.0, 0.0, 0.3, 0.6])
    assert fit["auc_treated"] == pytest.approx(1.0)
    assert fit["brier_treated"] == pytest.approx((0.2**2 + 0.4**2) / 2)
    assert fit["auc_control"] == pytest.approx(0.0)
    assert fit["brier_control"] == pytest.approx((0.7**2 + 0.6**2) / 2)


def test_calibration_table_by_hand() -> None:
    # treated rows 0-3, control rows 4-7; two quantile bins per arm
    y = [0, 0, 1, 1, 0, 1, 0, 1]
    t = [1, 1, 1, 1, 0, 0, 0, 0]
    p1 = [0.1, 0.2, 0.8, 0.9, 0.0, 0.0, 0.0, 0.0]
    p0 = [0.0, 0.0, 0.0, 0.0, 0.2, 0.4, 0.6, 0.8]
    table = ev.calibration_table(y, t, p1, p0, bins=2)
    assert list(table["arm"]) == ["treated", "treated", "control", "control"]
    np.testing.assert_allclose(table["predicted"], [0.15, 0.85, 0.3, 0.7])
    np.testing.assert_allclose(table["observed"], [0.0, 1.0, 0.5, 0.5])
    assert list(table["rows"]) == [2, 2, 2, 2]


def test_propensity_overlap_by_hand() -> None:
    overlap = ev.propensity_overlap([0.01, 0.5, 0.97, 0.6], [0, 1, 1, 0])
    assert overlap["share_outside"] == pytest.approx(0.5)
    assert overlap["min_control"] == pytest.approx(0.01)
    assert overlap["max_treated"] == pytest.approx(0.97)


def test_bad_inputs_name_the_problem() -> None:
    with pytest.raises(ValueError, match="y_true must be 0/1; position 1"):
        ev.qini_coefficient([0, 2], [1.0, 0.0], [1, 0])
    with pytest.raises(ValueError, match="lengths differ"):
        ev.qini_coefficient([0, 1], [1.0], [1, 0])


def test_bootstrap_weights_match_duplicated_rows() -> None:
    """A bootstrap replicate (row counts) gives the metric of the rows repeated that many times."""
    rng = np.random.default_rng(3)
    n = 60
    y = (rng.uniform(size=n) < 0.3).astype(float)
    t = (rng.uniform(size=n) < 0.4).astype(float)
    s = rng.normal(size=n)
    counts = rng.multinomial(n, np.full(n, 1 / n)).astype(float)
    repeat = np.repeat(np.arange(n), counts.astype(int))
    weighted = ev._qini_coefficients(y, t, s, counts[None, :])[0]
    assert weighted == pytest.approx(ev.qini_coefficient(y[repeat], s[repeat], t[repeat]))
    weighted_uplift = ev._uplift_at_k_values(
        y, t, s, 0.3, strategy="by_group", weights=counts[None, :]
    )[0]
    assert weighted_uplift == pytest.approx(ev.uplift_at_k(y[repeat], s[repeat], t[repeat], 0.3))
    weighted_auuc = ev._auuc_values(y, t, s, counts[None, :])[0]
    assert weighted_auuc == pytest.approx(ev.auuc(y[repeat], s[repeat], t[repeat]))


def test_bootstrap_intervals_are_seeded_and_bracket_the_estimate() -> None:
    rng = np.random.default_rng(4)
    n = 2000
    t = (rng.uniform(size=n) < 0.3).astype(int)
    true_uplift = rng.uniform(0, 0.3, size=n)
    y = (rng.uniform(size=n) < 0.05 + t * true_uplift).astype(int)
    args = (y, true_uplift, t, [0.1, 0.3])
    first = ev.bootstrap_intervals(*args, true_uplift=true_uplift, resamples=60, seed=1)
    again = ev.bootstrap_intervals(*args, true_uplift=true_uplift, resamples=60, seed=1)
    other = ev.bootstrap_intervals(*args, true_uplift=true_uplift, resamples=60, seed=2)
    assert first == again
    assert first != other
    low, high = first["qini_coefficient"]
    assert low < ev.qini_coefficient(y, true_uplift, t) < high
    assert first["oracle_share_10pct"] == (1.0, 1.0)


def test_resample_counts_are_whole_row_counts_of_n_draws() -> None:
    """Each resample counts n rows drawn with replacement: whole, non-negative, summing to n,
    every row about once on average, and the same counts again from the same seed."""
    n, size = 5_000, 40
    counts = ev._resample_counts(np.random.default_rng(7), n, size)
    again = ev._resample_counts(np.random.default_rng(7), n, size)
    assert counts.shape == (size, n) and counts.dtype == np.float32
    np.testing.assert_array_equal(counts, again)
    assert (counts >= 0).all() and (counts == np.round(counts)).all()
    np.testing.assert_array_equal(counts.sum(axis=1), np.full(size, n))
    # A row's count is Binomial(n, 1/n): mean 1, variance about 1; a row is missed ~37% of times.
    assert counts.mean() == pytest.approx(1.0)
    assert counts.var() == pytest.approx(1.0, abs=0.05)
    assert (counts == 0).mean() == pytest.approx(np.exp(-1), abs=0.01)


def test_qini_only_bootstrap_gives_the_same_qini_interval() -> None:
    """The learner choice's bootstrap (Qini alone) reads the same draws as the full one: the
    same interval, and nothing else."""
    rng = np.random.default_rng(5)
    n = 3_000
    t = (rng.uniform(size=n) < 0.5).astype(float)
    score = rng.normal(size=n)
    y = (rng.uniform(size=n) < 0.1 + 0.05 * t * (score > 0)).astype(float)
    full = ev.bootstrap_many(y, t, {"a": score}, [0.1], resamples=50, seed=3)
    alone = ev.bootstrap_many(y, t, {"a": score}, [0.1], resamples=50, seed=3, qini_only=True)
    assert alone == {"a": {"qini_coefficient": full["a"]["qini_coefficient"]}}


def test_headline_metrics_names() -> None:
    metrics = ev.headline_metrics(B_Y, B_S, B_T, [0.25, 0.5], true_uplift=B_S)
    assert metrics["uplift_at_50pct"] == pytest.approx(0.5)
    assert metrics["oracle_share_25pct"] == pytest.approx(1.0)
    assert {"qini_coefficient", "auuc", "extra_top_50pct", "extra_random_50pct"} <= set(metrics)


def test_metrics_by_group_marks_small_groups_instead_of_failing() -> None:
    frame = pd.DataFrame(
        {
            "y": B_Y * 20 + [1, 0],
            "t": B_T * 20 + [1, 1],
            "s": B_S * 20 + [1.0, 2.0],
            "g": ["big"] * 160 + ["tiny"] * 2,
        }
    )
    table = ev.metrics_by_group(
        frame, "g", y_column="y", treatment_column="t", score_column="s", capacities=[0.5]
    )
    assert list(table["value"]) == ["big", "tiny"]
    assert list(table["rows"]) == [160, 2]
    assert table.loc[0, "uplift_at_50pct"] == pytest.approx(0.5)
    assert table["qini_coefficient"].isna().tolist() == [False, True]


def test_capacity_tag() -> None:
    assert ev.capacity_tag(0.05) == "5pct"
    assert ev.capacity_tag(0.1) == "10pct"
    assert ev.capacity_tag(0.125) == "12.5pct"


@pytest.mark.parametrize("rows", [1, 7, 500])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_perfect_curves_by_level_equal_the_cumulative_sums_exactly(rows: int, seed: int) -> None:
    """The perfect rankings' curves (a few distinct scores) come from sums per level instead of
    cumulative sums over every row: the same numbers to the last bit, with and without
    bootstrap weights (whole counts), whatever the arms and outcomes."""
    rng = np.random.default_rng(seed)
    t = (rng.random(rows) < 0.4).astype(float)
    y = (rng.random(rows) < 0.3).astype(float)
    weights = rng.multinomial(rows, np.full(rows, 1 / rows), size=5).astype(np.float32)
    same = 2.0 * (y == t)
    for w in (None, weights):
        for score in (y * t - y * (1 - t), same + y, same + t):
            by_rows = ev._ranked(y, t, score, w)
            by_level = ev._ranked_by_level(y, t, score, w)
            for curve in (ev._qini_points, ev._uplift_points):
                for a, b in zip(curve(by_rows), curve(by_level), strict=True):
                    np.testing.assert_array_equal(a, b)


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


def test_the_paired_qini_difference_and_its_interval() -> None:
    rng = np.random.default_rng(3)
    n = 4_000
    t = rng.integers(0, 2, n).astype(float)
    effect = rng.uniform(0, 0.3, n)
    y = (rng.uniform(size=n) < 0.1 + t * effect).astype(float)
    noise = rng.normal(size=n)

    same = ev.qini_difference_interval(y, t, effect, effect, resamples=50)
    assert same == (0.0, 0.0, 0.0)
    difference, low, high = ev.qini_difference_interval(y, t, effect, noise, resamples=100)
    expected = ev.qini_coefficient(y, effect, t) - ev.qini_coefficient(y, noise, t)
    assert difference == pytest.approx(expected)
    assert 0 < low < difference < high  # the true effect ranks better, beyond noise
    swapped = ev.qini_difference_interval(y, t, noise, effect, resamples=100)
    assert swapped == pytest.approx((-difference, -high, -low))
